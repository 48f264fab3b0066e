"""Evidence files (tệp minh chứng) kept in the database: their names, and opening them on a clerk's PC.

A stored name comes from whoever attached the file — a unit account, an import, a hand-edited file —
so it is never used as a path. Every feature that stores or opens evidence goes through here:

- ``safe_name`` reduces any name to a plain base name that is valid on Windows (no folders, no drive,
  no device names, no characters Windows refuses), keeping its extension; it is applied when a file is
  stored and again when it is read back (rows stored before this existed).
- ``can_open`` says whether the type may be opened with the PC's default program. Only document, sheet,
  image and text types may: anything else (programs, scripts, shortcuts, installers, macro-enabled
  Office files, archives) is offered for saving ("Lưu…") instead, because on Windows opening a ``.bat``
  or ``.js`` runs it.
- ``copy_for_opening`` writes the content into a fresh folder inside the app's own temporary folder and
  returns the path to open.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from par_desktop.errors import InvalidInput

FALLBACK_NAME = "tep-minh-chung"
MAX_NAME_LENGTH = 120

# Types a clerk's PC may open directly: documents, sheets, slides, images, plain text. Nothing that runs.
OPENABLE_SUFFIXES = frozenset({
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".csv", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp",
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp",
})

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def safe_name(name: str) -> str:
    """A plain file name safe to create in any folder on Windows or Linux: ``../../x.bat`` → ``x.bat``,
    ``C:\\Windows\\a.pdf`` → ``a.pdf``, ``CON.txt`` → ``_CON.txt``; never empty."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = PureWindowsPath(PurePosixPath(text.replace("\\", "/")).name).name   # last part, either separator
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")     # control and format characters
    text = _WINDOWS_FORBIDDEN.sub("_", text).strip().rstrip(". ")
    if not text.strip("._ "):
        text = FALLBACK_NAME
    stem, dot, suffix = text.rpartition(".")
    if not dot:
        stem, suffix = text, ""
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    suffix = suffix[:16]
    stem = stem[:MAX_NAME_LENGTH - len(suffix) - 1] if suffix else stem[:MAX_NAME_LENGTH]
    return f"{stem}.{suffix}" if suffix else stem


def can_open(name: str) -> bool:
    """Whether the file may be opened with the PC's default program (else: offer "Lưu…")."""
    return Path(safe_name(name)).suffix.lower() in OPENABLE_SUFFIXES


def refusal_message(name: str) -> str:
    return (f"Tệp «{safe_name(name)}» không phải loại văn bản, bảng tính hay hình ảnh nên không được mở trực "
            "tiếp (có thể là chương trình hoặc tập lệnh). Hãy dùng «Lưu…» rồi kiểm tra bằng phần mềm diệt "
            "virus trước khi mở.")


def app_temp_folder() -> Path:
    """The app's own temporary folder, where evidence is copied for opening."""
    return Path(tempfile.gettempdir()) / "PAR Desktop" / "minh-chung"


def copy_for_opening(name: str, content: bytes) -> Path:
    """Write ``content`` under its safe name into a new folder inside ``app_temp_folder`` and return the
    path; refuse types that must not be opened (``InvalidInput`` with ``refusal_message``)."""
    if not can_open(name):
        raise InvalidInput(refusal_message(name))
    root = app_temp_folder()
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="mo-", dir=root))
        path = folder / safe_name(name)
        if path.resolve().parent != folder.resolve():   # belt and braces: the name cannot leave the folder
            raise InvalidInput(f"Tên tệp «{name}» không hợp lệ.")
        path.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"Không ghi được bản tạm để mở tệp «{safe_name(name)}» vào {root}: "
                           f"{exc.strerror or exc}.") from None
    return path
