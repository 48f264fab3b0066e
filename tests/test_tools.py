"""The repository's own checkers stay clean: ruff on every Python file (rules in pyproject.toml), mypy on
the files setup.cfg lists. Either failing prints what to fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_typed_packages():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_the_bundle_constraints_pin_every_dependency_within_setup_cfg():
    """constraints-bundle.txt pins each run-time and build dependency to one version setup.cfg allows."""
    import configparser

    from packaging.requirements import Requirement

    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines() + \
        config["options.extras_require"]["build"].splitlines()
    wanted = [Requirement(line) for line in lines if line.strip() and not line.strip().startswith("#")]
    pins = {}
    for line in (REPO / "constraints-bundle.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    for requirement in wanted:
        version = pins.get(requirement.name.lower().replace("_", "-"))
        assert version, f"{requirement.name} is not pinned in constraints-bundle.txt"
        assert requirement.specifier.contains(version), f"{requirement.name}=={version} is outside {requirement}"
