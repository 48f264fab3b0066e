"""What Windows does differently, in one place: helper programs without a console window, and why a
write failed — a file open in Word, Windows Security's Controlled folder access (Kiểm soát truy cập thư
mục) guarding Documents and the other user folders, missing rights, a full disk or an unreachable share.

Plain Python (no Qt): the command line and the GUI explain a failed write the same way.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from par_desktop.errors import InvalidInput

log = logging.getLogger(__name__)

CREATE_NO_WINDOW = 0x08000000          # subprocess.CREATE_NO_WINDOW, which exists on Windows only
ERROR_ACCESS_DENIED = 5
ERROR_SHARING_VIOLATION = 32
ERROR_LOCK_VIOLATION = 33
CFA_SETTINGS = ("Windows Security → Virus & threat protection → Ransomware protection → "
                "Allow an app through Controlled folder access")


def hidden_console() -> dict:
    """Keyword arguments for ``subprocess`` so a console program (pg_dump, PowerShell) started from the
    windowed app does not flash a black window on Windows; nothing elsewhere."""
    return {"creationflags": CREATE_NO_WINDOW} if sys.platform == "win32" else {}


@lru_cache(maxsize=1)
def controlled_folder_access() -> tuple[bool, tuple[Path, ...]] | None:
    """Whether Controlled folder access blocks untrusted programs (mode 1, "Block"), and the folders an
    administrator added to the protected ones; None when it cannot be known (not Windows, Microsoft
    Defender not answering). Asked once, only after a write has failed."""
    if sys.platform != "win32":
        return None
    command = ("$p = Get-MpPreference; @{mode = [int]$p.EnableControlledFolderAccess; "
               "folders = @($p.ControlledFolderAccessProtectedFolders)} | ConvertTo-Json -Compress")
    try:
        done = subprocess.run(["powershell", "-NoProfile", "-NonInteractive", "-Command", command],
                              capture_output=True, text=True, timeout=10, **hidden_console())
        answer = json.loads(done.stdout or "null")
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.info("Controlled folder access state unknown: %s", exc)
        return None
    if not isinstance(answer, dict):
        return None
    folders = tuple(Path(f) for f in (answer.get("folders") or []) if f)
    return answer.get("mode") == 1, folders


def protected_folders() -> list[Path]:
    """The user folders Controlled folder access protects by default (as Windows resolves them, e.g.
    Documents moved to OneDrive)."""
    import platformdirs

    found = []
    for getter in (platformdirs.user_documents_dir, platformdirs.user_desktop_dir, platformdirs.user_pictures_dir,
                   platformdirs.user_videos_dir, platformdirs.user_music_dir):
        try:
            found.append(Path(getter()))
        except Exception:  # noqa: BLE001 — a folder Windows cannot name is simply not listed
            continue
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        return os.path.commonpath([os.path.normcase(os.path.abspath(path)),
                                   os.path.normcase(os.path.abspath(folder))]) == os.path.normcase(os.path.abspath(folder))
    except ValueError:   # another drive
        return False


def guarded_folder(path: Path) -> Path | None:
    """The protected folder ``path`` lies in, when Controlled folder access may be what refused a write
    there (on, or unknown); None when it cannot be."""
    state = controlled_folder_access()
    if state is not None and not state[0]:
        return None
    extra = state[1] if state is not None else ()
    return next((folder for folder in (*protected_folders(), *extra) if _inside(path, folder)), None)


def explain_write_error(target: Path, exc: OSError, *, folder_only: bool = False) -> InvalidInput:
    """A Vietnamese message for a failed write of ``target`` (or into its folder with ``folder_only``)."""
    winerror = getattr(exc, "winerror", None)
    denied = winerror == ERROR_ACCESS_DENIED or exc.errno in (errno.EACCES, errno.EPERM)
    folder = target.parent
    if denied:
        guarded = guarded_folder(target)
        if guarded is not None:
            certain = controlled_folder_access() is not None
            return InvalidInput(
                f"Windows không cho PAR Desktop ghi vào thư mục «{guarded}»"
                + (": " if certain else ", có thể do ")
                + "tính năng Kiểm soát truy cập thư mục (Controlled folder access) của Windows Security bảo vệ "
                "thư mục này. Hãy lưu vào thư mục khác (ví dụ trên ổ D: hoặc thư mục mạng của Văn phòng), hoặc "
                f"nhờ bộ phận CNTT cho phép PAR Desktop: {CFA_SETTINGS}.", detail=str(exc))
    if winerror in (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION) or (denied and not folder_only and target.exists()):
        return InvalidInput(f"Không ghi được tệp «{target.name}»: tệp đang mở trong chương trình khác (Word, Excel, trình "
                         "đọc PDF) hoặc là tệp chỉ đọc. Hãy đóng tệp rồi thử lại, hoặc lưu với tên khác.",
                         detail=str(exc))
    if denied:
        return InvalidInput(f"Không ghi được vào thư mục «{folder}»: tài khoản Windows này không có quyền ghi ở đó. "
                         "Hãy chọn thư mục khác.", detail=str(exc))
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return InvalidInput(f"Không ghi được vào thư mục «{folder}»: thư mục không tồn tại hoặc thư mục mạng không "
                         "truy cập được.", detail=str(exc))
    if exc.errno == errno.ENOSPC:
        return InvalidInput(f"Không ghi được tệp «{target.name}»: ổ đĩa đã đầy.", detail=str(exc))
    return InvalidInput(f"Không ghi được tệp «{target.name}» ({exc.strerror or exc}). Kiểm tra ổ đĩa còn chỗ trống và "
                     "thư mục mạng truy cập được, rồi thử lại.", detail=str(exc))
