"""Real fixtures: database files in temporary folders, the demo data, the command line as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep logs, backups and settings of every test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("PAR_DESKTOP_DB", raising=False)
    return home


def _close_bound_database():
    from par_desktop.db.models import database_proxy

    if database_proxy.obj is not None and not database_proxy.obj.is_closed():
        database_proxy.obj.close()


@pytest.fixture
def empty_db(tmp_path):
    """A freshly created, empty PAR Desktop database file, opened and bound."""
    from par_desktop.db.schema import open_database

    path = tmp_path / "par.db"
    open_database(str(path), create=True)
    yield path
    _close_bound_database()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo database, built once per test session (copied for each test that uses it)."""
    from par_desktop.db.schema import open_database
    from par_desktop.services import demo
    from par_desktop.services.session import SYSTEM

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_database(str(path), create=True)
    demo.fill_demo(SYSTEM, dossier_count=1500, seed=2024)
    _close_bound_database()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    """A private copy of the demo database, opened and bound."""
    from par_desktop.db.schema import open_database

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    open_database(str(path))
    yield path
    _close_bound_database()


def run_cli(*args: str, db: Path | str | None = None, timeout: float = 120, env: dict | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m par_desktop`` as a clerk's scheduled job would: a separate process."""
    cmd = [sys.executable, "-m", "par_desktop"]
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=REPO, input=input)


@pytest.fixture
def cli():
    return run_cli
