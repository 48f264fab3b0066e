"""Dependencies point one way: the domain has no Qt and no database; the CLI starts without Qt."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "par_desktop"
HEAVY = ("PySide6", "reportlab", "docx", "openpyxl")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_nothing_of_qt_the_database_or_other_layers():
    for path in (PACKAGE / "domain").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("PySide6", "peewee", "par_desktop.db", "par_desktop.services",
                                        "par_desktop.ui")), f"{path.name} imports {name}"


def test_only_the_ui_imports_qt():
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts or path.name == "app.py":
            continue
        assert not any(n.startswith("PySide6") for n in _imports(path)), path


def test_light_commands_load_no_heavy_library():
    probe = ("import sys, contextlib, io\n"
             "from par_desktop.cli.main import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    main(['deadline', 'Quý III/2024'])\n"
             "    main(['calendar', 'due', '2024-02-07 09:00', '5'])\n"
             f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
