"""Looking at a workbook before reading it (issue 19, items 5 and 6): every Excel import goes through here.

An .xlsx is a zip of XML parts. Before any reader opens it, ``inspect`` reads only the zip's directory
and the first bytes of each sheet, and refuses with a Vietnamese message:

- a password-protected workbook (Excel saves it as an OLE container holding ``EncryptedPackage``): said
  as such, not as a damaged file;
- a file whose parts declare more than ``MAX_UNCOMPRESSED_BYTES`` once unpacked, or too many parts, or an
  entry packed more than ``MAX_RATIO`` times (a "zip bomb");
- a sheet whose cells span an absurd grid — declared in ``<dimension>`` or found by scanning the cell
  references (a 5 KB file with one cell at A1 and one at ZZ200000 makes python-calamine allocate 140
  million cells and abort the process) — is not refused but reported in ``WorkbookShape.dense_cells``:
  callers switch to a streaming reader above ``MAX_DENSE_CELLS``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from par_desktop.errors import InvalidInput

MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024      # 1 GiB of XML is far beyond any real export
MAX_PARTS = 20_000
MAX_RATIO = 200                                   # real sheets compress 5–30 times
MAX_DENSE_CELLS = 5_000_000                       # 100,000 dossiers × 20 columns = 2,000,000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')


@dataclass(frozen=True)
class WorkbookShape:
    uncompressed_bytes: int
    dense_cells: int           # the largest sheet's declared rows × columns


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.decode():
        number = number * 26 + (ord(ch) - 64)
    return number


# Only columns past Z are collected (real exports rarely have them, so the scan finds almost nothing to
# keep); up to Z the width is taken as 26, an upper bound.
_WIDE_COLUMN = re.compile(rb' r="([A-Z]{2,3})\d')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row [^>]*?r="(\d{1,7})"')


def _extent(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """Rows × columns of the grid a reader would build for this sheet: the larger of its declared
    dimension and what its cell references reach (scanned in 1 MB chunks, never held whole)."""
    declared = 0
    max_row, columns, tail = 0, set(), b""
    with archive.open(part) as sheet:
        first = True
        while True:
            chunk = sheet.read(1024 * 1024)
            if not chunk:
                break
            text = tail + chunk
            if first:
                match = _DIMENSION.search(text)
                if match and match.group(3):
                    declared = ((int(match.group(4)) - int(match.group(2)) + 1)
                                * (_column_number(match.group(3)) - _column_number(match.group(1)) + 1))
                first = False
            columns.update(_WIDE_COLUMN.findall(text))
            rows = _ROW_NUMBER.findall(text)
            if rows:
                max_row = max(max_row, max(map(int, rows)))
            tail = text[-200:]
    width = max((_column_number(c) for c in columns), default=26)
    return max(declared, max_row * width)


def is_password_protected(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(8)
        if head != OLE_MAGIC:
            return False
        return _ENCRYPTED in fh.read(4 * 1024 * 1024)


def _protected_message(path: Path) -> str:
    return (f"{path.name}: sổ tính được bảo vệ bằng mật khẩu nên không đọc được. Hãy mở bằng Excel, bỏ mật khẩu "
            "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu → để trống), lưu lại rồi nhập lại.")


def inspect(path: str | Path) -> WorkbookShape:
    """Check an .xlsx/.xlsm before reading it (see the module docstring)."""
    path = Path(path)
    try:
        if is_password_protected(path):
            raise InvalidInput(_protected_message(path))
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise InvalidInput(f"{path.name}: tệp Excel có {len(parts):,} phần — không phải một bảng xuất bình "
                                   "thường; không đọc.".replace(",", "."))
            total = sum(part.file_size for part in parts)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise InvalidInput(f"{path.name}: tệp Excel khi giải nén lên tới {total // (1024 * 1024):,} MB, vượt "
                                   f"giới hạn {MAX_UNCOMPRESSED_BYTES // (1024 * 1024):,} MB; không đọc để máy không "
                                   "bị treo. Hãy chia nhỏ tệp hoặc xuất lại.".replace(",", "."))
            for part in parts:
                if part.compress_size and part.file_size > 10 * 1024 * 1024 \
                        and part.file_size / part.compress_size > MAX_RATIO:
                    raise InvalidInput(f"{path.name}: phần {part.filename} nén bất thường (gấp "
                                       f"{part.file_size // part.compress_size:,} lần) — có thể là tệp độc hại; "
                                       "không đọc.".replace(",", "."))
            dense = max((_extent(archive, part) for part in parts
                         if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")),
                        default=0)
            return WorkbookShape(total, dense)
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise InvalidInput(f"{path.name}: không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx).",
                           detail=str(exc)) from None
