"""Opening the window builds only the window's command line (cli.main.command_word, issue 17)."""

import subprocess
import sys

import pytest

from par_desktop.cli.main import command_word

from conftest import REPO


@pytest.mark.parametrize(("argv", "word"), [
    ([], ""),
    (["gui"], "gui"),
    (["--db", "x.db", "--user", "vanphong", "gui", "--screenshot", "a.png"], "gui"),
    (["--db=x.db", "demo-gui"], "demo-gui"),
    (["--db", "x.db"], ""),
    (["--help"], None),
    (["--version"], None),
    (["--db", "x.db", "stats", "dossiers"], "stats"),
])
def test_the_command_word_is_found_after_the_global_options(argv, word):
    assert command_word(argv) == word


def test_the_window_command_loads_no_other_command_module_and_help_still_lists_them_all():
    probe = ("import sys\n"
             "from par_desktop.cli import main as cli\n"
             "window = cli.build_parser((cli.WINDOW_MODULE,))\n"
             "print(sorted(m for m in sys.modules if m.startswith('par_desktop.cli.cmd_')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "['par_desktop.cli.cmd_gui']"
    helped = subprocess.run([sys.executable, "-m", "par_desktop", "--help"], capture_output=True, text=True,
                            check=True, cwd=REPO)
    assert "import" in helped.stdout and "gui" in helped.stdout and "stats" in helped.stdout
