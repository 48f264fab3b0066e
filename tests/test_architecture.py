"""Dependencies point one way: the import-linter contracts of setup.cfg hold; the CLI starts without Qt."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("PySide6", "reportlab", "docx", "openpyxl")


def test_the_import_contracts_of_setup_cfg_are_kept():
    """Domain without Qt or database, GUI through services only, Qt in the GUI only, a command line
    without Qt outside `gui`, and layers importing downwards only (see [importlinter] in setup.cfg)."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra: pip install -e '.[test]'"
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 5 kept, 0 broken." in done.stdout


def test_light_commands_load_no_heavy_library():
    probe = ("import sys, contextlib, io\n"
             "from par_desktop.cli.main import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    main(['deadline', 'Quý III/2024'])\n"
             "    main(['calendar', 'due', '2024-02-07 09:00', '5'])\n"
             f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
