"""Making a database file behave as on a share that went away (imported by name: tests/ is on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path


def kill_handles(path: Path) -> int:
    """Make every descriptor this process holds on ``path`` fail like a handle the file server forgot
    (after a reboot, or a laptop's sleep): it is pointed at a directory, so every read SQLite makes
    through it fails and SQLite reports "disk I/O error", as it does for a lost SMB handle. The
    descriptor numbers stay taken, so closing the connection later closes nothing else."""
    dead = os.open("/", os.O_RDONLY)
    killed = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if Path(os.readlink(f"/proc/self/fd/{fd}")) == Path(path).resolve():
                os.dup2(dead, int(fd))
                killed += 1
        except OSError:
            continue
    os.close(dead)
    return killed
