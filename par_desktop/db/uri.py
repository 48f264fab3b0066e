"""SQLite URIs built from file paths (issue 20, item 4): the one place a path becomes a ``file:`` URI.

A raw ``f"file:{path}?mode=ro"`` breaks on a folder named "Phòng #2" (``#`` starts the fragment: SQLite
opens — and creates — a file named "Phòng "), on ``?`` and ``%`` in names, and on UNC shares, whose
``file://server/…`` form SQLite refuses. Here the absolute path is percent-encoded (UTF-8) and always
given an empty authority: ``file:///C:/Văn%20phòng/par.db``, ``file:////fileserver/VanPhong/par.db``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, urlencode


def sqlite_uri(path: str | Path, pathmod=os.path, **params: str) -> str:
    """The ``file:`` URI of ``path`` with query ``params`` (e.g. ``mode="ro"``). ``pathmod`` is the path
    flavour (``ntpath`` for Windows paths, so they can be checked on any machine)."""
    absolute = pathmod.abspath(str(path)) if pathmod is os.path else str(path)
    if pathmod.sep == "\\":
        absolute = absolute.replace("\\", "/")
    if not absolute.startswith("/"):
        absolute = "/" + absolute          # C:/x → /C:/x (an empty authority, then the drive)
    uri = "file://" + quote(absolute, safe="/:")
    return f"{uri}?{urlencode(params)}" if params else uri


def read_only_uri(path: str | Path) -> str:
    """Open for reading only: never creates the file, never writes to it."""
    return sqlite_uri(path, mode="ro")
