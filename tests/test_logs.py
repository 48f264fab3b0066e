"""The log file: a hard crash (inside Qt, say) leaves the Python stack of every thread there."""

import subprocess
import sys
from pathlib import Path

CRASH = """
import faulthandler
from par_desktop.logs import log_file, setup_logging
setup_logging()
print(log_file(), flush=True)
def inside_a_slot():
    faulthandler._sigsegv()     # what a crash in Qt's C++ looks like to Python
inside_a_slot()
"""


def test_a_segmentation_fault_leaves_its_stack_in_the_log_file():
    done = subprocess.run([sys.executable, "-c", CRASH], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    log = Path(done.stdout.strip()).read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in log
    assert "inside_a_slot" in log and "Current thread" in log
