"""A wheel built from the source, installed in a fresh virtual environment (not editable, nothing of the
source tree on the path), must carry everything the app loads at run time: the document templates and
fonts (``doc plan``) and the main window's form and icons (``gui --screenshot``).

Slow (about a minute: building the wheel and installing PySide6 and the other dependencies, from pip's
own cache when it has them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Captured before the autouse fixtures point XDG_CACHE_HOME at a temporary folder: pip's cache stays
# the user's, so the dependencies are not downloaded again.
ENV_AT_IMPORT = dict(os.environ)
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "*.db")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def _run(*args, cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                            env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


def _pip_cache_dir() -> str:
    return _run(sys.executable, "-m", "pip", "cache", "dir", cwd=REPO, env=ENV_AT_IMPORT).stdout.strip()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the fresh venv's bin folder, the wheel): the wheel built from a copy of the source tree (so stale
    build/ leftovers cannot slip in) and installed with its dependencies."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    pip_env = dict(ENV_AT_IMPORT, PIP_CACHE_DIR=_pip_cache_dir())
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", root / "dist", source, cwd=root, env=pip_env)
    wheel = next((root / "dist").glob("par_desktop-*.whl"))
    _run(sys.executable, "-m", "venv", root / "venv", cwd=root)
    bin_dir = root / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
    _run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=root, env=pip_env)
    return bin_dir, wheel


def test_the_wheel_carries_every_resource_and_form(installed):
    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("resources", "forms"):
        on_disk = {f"par_desktop/{p.relative_to(REPO).as_posix()}" for p in (REPO / folder).rglob("*")
                   if p.is_file() and p.suffix not in (".py", ".pyc")}
        assert on_disk and on_disk <= names, sorted(on_disk - names)


def test_the_installed_app_writes_the_plan_and_draws_the_main_window(installed, tmp_path):
    bin_dir, _ = installed
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")   # the isolated user folders of this test
    where = _run(bin_dir / "python", "-c", "import par_desktop; print(par_desktop.__file__)", cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where.stdout
    app = bin_dir / "par-desktop"
    db = tmp_path / "demo.db"
    _run(app, "--db", db, "init", "--demo", "--dossiers", "50", cwd=tmp_path, env=env)

    for suffix in ("pdf", "docx"):
        out = tmp_path / f"ke-hoach.{suffix}"
        printed = _run(app, "--db", db, "doc", "plan", "--out", out, cwd=tmp_path, env=env).stdout
        assert printed.strip() == str(out)
    from docx import Document
    from pypdf import PdfReader

    reader = PdfReader(str(tmp_path / "ke-hoach.pdf"))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "KẾ HOẠCH" in text and "PHỤ LỤC" in text.upper()
    fonts = {str(font.get("/BaseFont")) for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()
             for font in [font.get_object()]}
    assert any("Serif" in name or "Times" in name for name in fonts), fonts   # the bundled or system font
    assert any("KẾ HOẠCH" in p.text for p in Document(str(tmp_path / "ke-hoach.docx")).paragraphs)

    shot = tmp_path / "main.png"
    _run(app, "--db", db, "--user", "vanphong", "gui", "--screenshot", shot, cwd=tmp_path,   # a demo account
         env=dict(env, PAR_DESKTOP_PASSWORD="demo1234"), timeout=180)
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1366, 696)   # a 1366×768 screen's free area
    # The navigation icons and the form's widgets drew something: far more than a blank window's colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50
