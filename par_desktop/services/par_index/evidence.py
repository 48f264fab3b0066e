"""Evidence (tài liệu kiểm chứng) of the PAR INDEX, and the evidence pack.

A piece of evidence is a file stored in the database (so the share and the backups hold it, not a
path on one clerk's disk), a document of the app's register (by its number), or an external document
(number, date, issuer, summary). One piece serves several sub-criteria (``IndexEvidenceLink``); the
same file added again to another sub-criterion is linked, not stored twice.

Files are refused when larger than ``index.evidence_max_mb`` (default 50 MB) or when not a document,
picture or archive — by their extension, and by their first bytes (an executable renamed ``.pdf`` is
still an executable). Names go through ``services.evidence_files.safe_name`` when stored and when read
back. Nothing is ever opened or run here (the page opens a copy through ``evidence_files``).

The evidence pack (``write_pack``) is a ZIP written to a temporary file beside the target and renamed
at the end: one folder per code, each file named ``<code>_<nn>_<name>``, and an index sheet listing
every code with its evidence. Files are streamed one at a time (SQLite's incremental blob reading), so
a pack of hundreds of files never sits in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import peewee

from par_desktop.db import connection
from par_desktop.db.changes import audit, delete_record, insert_record
from par_desktop.db.models import (
    IndexCriterion, IndexEvidence, IndexEvidenceBlob, IndexEvidenceLink, IndexSet, RegisterEntry, Unit,
)
from par_desktop.domain.text import fold, nfc, parse_date, ui_date
from par_desktop.errors import InvalidInput, NotFound, PermissionDenied
from par_desktop.services import settings
from par_desktop.services.evidence_files import safe_name
from par_desktop.services.par_index import criteria as C
from par_desktop.services.session import Actor

KIND_LABELS = {"file": "Tệp", "register": "Văn bản trong sổ", "external": "Văn bản bên ngoài"}
DOCUMENT_TYPES = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx",
                  ".odp"}
PICTURE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".heic"}
ARCHIVE_TYPES = {".zip", ".rar", ".7z"}
ALLOWED_TYPES = DOCUMENT_TYPES | PICTURE_TYPES | ARCHIVE_TYPES
# First bytes of programs: refused whatever the file is called.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"#!")
# First bytes the common types must have (a mismatch means the extension lies).
_MAGIC = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
          ".gif": (b"GIF8",), ".zip": (b"PK\x03\x04", b"PK\x05\x06"), ".docx": (b"PK\x03\x04",),
          ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",), ".odt": (b"PK\x03\x04",), ".ods": (b"PK\x03\x04",),
          ".rar": (b"Rar!",), ".7z": (b"7z\xbc\xaf\x27\x1c",), ".doc": (b"\xd0\xcf\x11\xe0",),
          ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",)}
_COMPRESSED = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".zip", ".rar", ".7z", ".docx", ".xlsx", ".pptx", ".odt",
               ".ods", ".odp", ".webp", ".heic"}
CHUNK = 1024 * 1024
INDEX_SHEET = "00_Danh_muc_tai_lieu_kiem_chung.xlsx"


@dataclass(frozen=True)
class EvidenceView:
    id: int
    kind: str
    title: str
    filename: str
    size: int
    doc_number: str
    doc_date: date | None
    issuer: str
    unit: str
    created_by: str
    created_at: datetime
    codes: tuple[str, ...]
    criterion_ids: tuple[int, ...]
    version: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def describe(self) -> str:
        """One line for lists and documents: "Quyết định số 12/QĐ-UBND ngày 05/03/2024 của UBND tỉnh: …"."""
        parts = []
        if self.doc_number:
            parts.append(f"số {self.doc_number}")
        if self.doc_date:
            parts.append(f"ngày {ui_date(self.doc_date)}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        head = " ".join(parts)
        title = self.title or self.filename
        if self.doc_number and self.doc_number in title:   # "Báo cáo số 12/BC-… ngày … về …" says it all
            return title
        if self.kind == "file" and self.filename and self.filename != title:
            title = f"{title} (tệp {self.filename})"
        return f"{head}: {title}" if head and title else head or title


def max_bytes() -> int:
    return int(float(settings.get(settings.INDEX_EVIDENCE_MAX_MB)) * 1024 * 1024)


def check_file(filename: str, size: int, head: bytes) -> None:
    """Refuse a file too large, or not a document, picture or archive (by name and first bytes)."""
    name = nfc(filename)
    suffix = Path(name).suffix.lower()
    limit = max_bytes()
    if size > limit:
        raise InvalidInput(f"Tệp «{name}» quá lớn ({size / 1024 / 1024:.1f} MB); giới hạn là "
                           f"{limit // (1024 * 1024)} MB mỗi tệp (Cài đặt: index.evidence_max_mb).".replace(".", ",", 1))
    if suffix not in ALLOWED_TYPES:
        raise InvalidInput(f"Tệp «{name}» không phải văn bản, hình ảnh hoặc tệp nén ({suffix or 'không có đuôi'}); "
                           f"chỉ nhận: {', '.join(sorted(ALLOWED_TYPES))}.")
    if head.startswith(_EXECUTABLE_MAGIC):
        raise InvalidInput(f"Tệp «{name}» là một chương trình chạy được, không phải tài liệu: không nhận.")
    expected = _MAGIC.get(suffix)
    if expected and size and not head.startswith(expected) and not (suffix == ".pdf" and b"%PDF" in head[:1024]):
        raise InvalidInput(f"Tệp «{name}» không đúng định dạng {suffix} (nội dung không phải tệp {suffix}); hãy kiểm tra "
                           "lại tệp.")


def _read_file(item: str | Path | tuple[str, bytes]) -> tuple[str, bytes]:
    """(safe name, bytes) of a file to store, checked first (``services.evidence_files.safe_name``)."""
    if isinstance(item, tuple):
        filename, content = item
        check_file(filename, len(content), bytes(content[:2048]))
        return safe_name(filename), bytes(content)
    path = Path(item)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    check_file(path.name, size, head)
    try:
        return safe_name(path.name), path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> InvalidInput:
    if isinstance(exc, FileNotFoundError):
        return InvalidInput(f"Không có tệp «{path}» (đã bị xóa, đổi tên, hoặc thư mục mạng không truy cập được).")
    if isinstance(exc, PermissionError):
        return InvalidInput(f"Không đọc được tệp «{path.name}»: tài khoản Windows này không có quyền đọc, hoặc tệp "
                            "đang bị chương trình khác khóa.")
    return InvalidInput(f"Không đọc được tệp «{path.name}»: {exc.strerror or exc}.")


def _criteria(year: int, criterion_ids: Sequence[int]) -> tuple[IndexSet, list[IndexCriterion]]:
    index_set = C.require_set(year)
    if not criterion_ids:
        raise InvalidInput("Hãy chọn tiêu chí thành phần mà tài liệu kiểm chứng phục vụ.")
    rows = list(IndexCriterion.select().where(IndexCriterion.id.in_(list(criterion_ids))))
    if len(rows) != len(set(criterion_ids)) or any(r.index_set_id != index_set.id for r in rows):
        raise NotFound("Tiêu chí đã chọn không còn trong bộ chỉ số.")
    leaves = C.leaf_ids(index_set)
    for row in rows:
        if row.id not in leaves:
            raise InvalidInput(f"Tiêu chí {row.path} có tiêu chí con: hãy gắn tài liệu kiểm chứng vào tiêu chí thành phần.")
    return index_set, rows


def _require_attach(actor: Actor, index_set: IndexSet, rows: Sequence[IndexCriterion]) -> None:
    if not actor.can("index_self"):
        raise PermissionDenied(f"Tài khoản {actor.username} không có quyền đính kèm tài liệu kiểm chứng.")
    if index_set.state == "locked" and not actor.can("index"):
        raise InvalidInput(f"Bộ chỉ số năm {index_set.year} đã khóa (đã gửi): chỉ Văn phòng bổ sung tài liệu kiểm chứng.")
    for row in rows:
        if not C.can_attach(actor, row):
            raise PermissionDenied(f"Tài khoản {actor.username} chỉ đính kèm tài liệu kiểm chứng cho tiêu chí đơn vị mình "
                                   f"chủ trì hoặc phối hợp; tiêu chí {row.path} thì không.")


def _link(actor: Actor, evidence: IndexEvidence, rows: Sequence[IndexCriterion]) -> None:
    current = {c for (c,) in IndexEvidenceLink.select(IndexEvidenceLink.criterion)
               .where(IndexEvidenceLink.evidence == evidence.id).tuples()}
    for row in rows:
        if row.id not in current:
            IndexEvidenceLink.create(evidence=evidence.id, criterion=row.id)
            audit(actor.username, "insert", "index_evidence_link", evidence.id, "criterion", None, row.path)


def add_file(actor: Actor, year: int, criterion_ids: Sequence[int], item: str | Path | tuple[str, bytes], *,
             title: str = "") -> IndexEvidence:
    """Store a file as evidence of the sub-criteria (the same file already in the set is linked again)."""
    filename, content = _read_file(item)
    digest = hashlib.sha256(content).hexdigest()
    with connection.translated_errors(), connection.write_transaction():
        index_set, rows = _criteria(year, criterion_ids)
        _require_attach(actor, index_set, rows)
        same = IndexEvidence.get_or_none((IndexEvidence.index_set == index_set.id) & (IndexEvidence.kind == "file")
                                         & (IndexEvidence.sha256 == digest))
        if same is None:
            same = insert_record(IndexEvidence, actor.username, index_set=index_set.id, kind="file",
                                 title=nfc(title) or Path(filename).stem, filename=filename, size=len(content),
                                 sha256=digest, unit=actor.unit_id, created_by=actor.username)
            IndexEvidenceBlob.create(evidence=same.id, content=content)
        _link(actor, same, rows)
        return same


def add_register(actor: Actor, year: int, criterion_ids: Sequence[int], number: str) -> IndexEvidence:
    """A document of the app's register, by its number ("39/KH-SLĐTBXH")."""
    wanted = _number_key(number)
    if not wanted:
        raise InvalidInput("Hãy ghi số, ký hiệu văn bản trong sổ (ví dụ 39/KH-SLĐTBXH).")
    with connection.translated_errors(), connection.write_transaction():
        index_set, rows = _criteria(year, criterion_ids)
        _require_attach(actor, index_set, rows)
        entries = [e for e in RegisterEntry.select() if _number_key(e.full_number) == wanted]
        if not entries:
            raise NotFound(f"Sổ văn bản không có văn bản số {nfc(number)}.")
        entry = sorted(entries, key=lambda e: (e.year != year, -e.year))[0]
        same = IndexEvidence.get_or_none((IndexEvidence.index_set == index_set.id)
                                         & (IndexEvidence.register_entry_id == entry.id))
        if same is None:
            from par_desktop.services.org import org_names

            issuer = ""
            try:
                issuer = org_names(entry.issued_at.date()).agency_short or ""
            except NotFound:
                pass
            same = insert_record(IndexEvidence, actor.username, index_set=index_set.id, kind="register",
                                 title=entry.title, register_entry_id=entry.id, doc_number=entry.full_number,
                                 doc_date=entry.issued_at.date(), issuer=issuer, unit=actor.unit_id,
                                 created_by=actor.username)
        _link(actor, same, rows)
        return same


def _number_key(number: str) -> str:
    """"Số: 39/KH-SLĐTBXH", "39 / KH-SLĐTBXH" and "39/kh-slđtbxh" compare equal."""
    return re.sub(r"^so\s*:?\s*", "", fold(number)).replace(" ", "")


_EXTERNAL_NUMBER = re.compile(r"(?i)(?:số\s*:?\s*)?(\d+[\w.\-]*/[\w.\-&/ĐđÀ-ỹ]+)")
_EXTERNAL_DATE = re.compile(r"(?i)ngày\s+(\d{1,2}/\d{1,2}/\d{4})")
_EXTERNAL_ISSUER = re.compile(r"(?i)\bcủa\s+(.+?)(?:\s+(?:về|v/v|về việc)\b|[:;]|$)")


def add_external(actor: Actor, year: int, criterion_ids: Sequence[int], text: str, *, number: str = "",
                 doc_date: date | None = None, issuer: str = "") -> IndexEvidence:
    """A document that is neither a stored file nor in the register: number, date, issuer, summary. When
    only a text is given ("Quyết định số 12/QĐ-UBND ngày 05/3/2024 của UBND tỉnh về …"), the number,
    date and issuer are read from it."""
    text = nfc(text)
    if not text and not number:
        raise InvalidInput("Hãy ghi văn bản kiểm chứng (số, ngày, cơ quan ban hành, trích yếu).")
    if not number and (m := _EXTERNAL_NUMBER.search(text)):
        number = m.group(1)
    if doc_date is None and (m := _EXTERNAL_DATE.search(text)):
        doc_date = parse_date(m.group(1))
    if not issuer and (m := _EXTERNAL_ISSUER.search(text)):
        issuer = nfc(m.group(1))
    with connection.translated_errors(), connection.write_transaction():
        index_set, rows = _criteria(year, criterion_ids)
        _require_attach(actor, index_set, rows)
        record = insert_record(IndexEvidence, actor.username, index_set=index_set.id, kind="external", title=text,
                               doc_number=nfc(number), doc_date=doc_date, issuer=nfc(issuer)[:200], unit=actor.unit_id,
                               created_by=actor.username)
        _link(actor, record, rows)
        return record


def link(actor: Actor, evidence_id: int, criterion_ids: Sequence[int]) -> None:
    """Let a piece of evidence serve more sub-criteria."""
    with connection.translated_errors(), connection.write_transaction():
        evidence = _evidence(evidence_id)
        index_set, rows = _criteria(IndexSet.get_by_id(evidence.index_set_id).year, criterion_ids)
        _require_attach(actor, index_set, rows)
        _link(actor, evidence, rows)


def unlink(actor: Actor, evidence_id: int, criterion_id: int) -> None:
    """Take a piece of evidence off one sub-criterion; a piece that serves nothing any more is deleted."""
    with connection.translated_errors(), connection.write_transaction():
        evidence = _evidence(evidence_id)
        index_set, rows = _criteria(IndexSet.get_by_id(evidence.index_set_id).year, [criterion_id])
        _require_attach(actor, index_set, rows)
        IndexEvidenceLink.delete().where((IndexEvidenceLink.evidence == evidence.id)
                                         & (IndexEvidenceLink.criterion == criterion_id)).execute()
        audit(actor.username, "delete", "index_evidence_link", evidence.id, "criterion", rows[0].path, None)
        if not IndexEvidenceLink.select().where(IndexEvidenceLink.evidence == evidence.id).exists():
            delete_record(evidence, actor.username)


def _evidence(evidence_id: int) -> IndexEvidence:
    evidence = IndexEvidence.get_or_none(IndexEvidence.id == evidence_id)
    if evidence is None:
        raise NotFound("Tài liệu kiểm chứng không còn tồn tại (có thể người khác vừa xóa).")
    return evidence


_LIST_FIELDS = (IndexEvidence.id, IndexEvidence.kind, IndexEvidence.title, IndexEvidence.filename, IndexEvidence.size,
                IndexEvidence.doc_number, IndexEvidence.doc_date, IndexEvidence.issuer, IndexEvidence.unit,
                IndexEvidence.created_by, IndexEvidence.created_at, IndexEvidence.version)


def list_evidence(year: int, criterion_id: int | None = None) -> list[EvidenceView]:
    """The year's evidence (or one sub-criterion's), oldest first, without reading any file."""
    with connection.translated_errors():
        index_set = C.require_set(year)
        query = IndexEvidence.select(*_LIST_FIELDS).where(IndexEvidence.index_set == index_set.id)
        if criterion_id is not None:
            query = query.join(IndexEvidenceLink).where(IndexEvidenceLink.criterion == criterion_id)
        rows = list(query.order_by(IndexEvidence.id))
        codes: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for evidence_id, criterion, path in (IndexEvidenceLink.select(IndexEvidenceLink.evidence, IndexCriterion.id,
                                                                      IndexCriterion.path)
                                             .join(IndexCriterion).where(IndexCriterion.index_set == index_set.id)
                                             .order_by(IndexCriterion.position).tuples()):
            codes[evidence_id].append((criterion, path))
        units = dict(Unit.select(Unit.id, Unit.name).tuples())
    return [EvidenceView(r.id, r.kind, r.title, r.filename, r.size, r.doc_number, r.doc_date, r.issuer,
                         units.get(r.unit_id, ""), r.created_by, r.created_at, tuple(p for _, p in codes[r.id]),
                         tuple(c for c, _ in codes[r.id]), r.version) for r in rows]


def content(evidence_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a stored file."""
    with connection.translated_errors():
        evidence = _evidence(evidence_id)
        if evidence.kind != "file":
            raise InvalidInput("Tài liệu kiểm chứng này không phải tệp đính kèm.")
        return safe_name(evidence.filename), b"".join(_chunks(evidence.id))


def _chunks(evidence_id: int) -> Iterator[bytes]:
    """The stored bytes of a file in pieces: SQLite's incremental blob I/O reads them from the file in
    1 MB pieces; other servers return the value whole (one file at a time)."""
    db = connection.current()
    row = IndexEvidenceBlob.select(IndexEvidenceBlob.id).where(IndexEvidenceBlob.evidence == evidence_id).first()
    if row is None:
        raise NotFound("Không còn nội dung tệp của tài liệu kiểm chứng.")
    if isinstance(db, peewee.SqliteDatabase) and hasattr(db.connection(), "blobopen"):
        with db.connection().blobopen(IndexEvidenceBlob._meta.table_name, "content", row.id, readonly=True) as blob:
            while piece := blob.read(CHUNK):
                yield piece
        return
    value = IndexEvidenceBlob.select(IndexEvidenceBlob.content).where(IndexEvidenceBlob.id == row.id).scalar()
    data = bytes(value)
    for start in range(0, len(data), CHUNK):
        yield data[start:start + CHUNK]


# ---- the evidence pack ----------------------------------------------------------------------------------

def pack_name(name: str, limit: int = 60) -> str:
    """A file's name inside the pack: the safe name in plain ASCII (the scoring website and old unzip tools
    take no diacritics), no reserved characters."""
    stem, suffix = os.path.splitext(safe_name(name))
    decomposed = unicodedata.normalize("NFD", stem.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    ascii_stem = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")[:limit] or "tai-lieu"
    return ascii_stem + re.sub(r"[^A-Za-z0-9.]", "", suffix.lower())


@dataclass(frozen=True)
class PackResult:
    path: Path
    files: int
    codes: int
    bytes_written: int


def write_pack(year: int, out: str | Path, progress=None) -> PackResult:
    """The evidence pack of the year: a folder per code with its files, and the index sheet."""
    from par_desktop.services.par_index import outputs

    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise InvalidInput(f"Gói tài liệu kiểm chứng là tệp .zip (nhận được «{out.name}»).")
    with connection.translated_errors():
        index_set = C.require_set(year)
        items = C.criteria_of(index_set)
        leaves = C.leaf_ids(index_set)
        pieces = list_evidence(year)
    by_criterion: dict[int, list[EvidenceView]] = defaultdict(list)
    for piece in pieces:
        for criterion_id in piece.criterion_ids:
            by_criterion[criterion_id].append(piece)
    jobs: list[tuple[str, EvidenceView]] = []
    listing: list[tuple[IndexCriterion, EvidenceView | None, str, bool]] = []
    for c in items:
        if c.id not in leaves:
            listing.append((c, None, "", False))
            continue
        own = by_criterion.get(c.id, [])
        if not own:
            listing.append((c, None, "", True))
        for n, piece in enumerate(own, start=1):
            member = ""
            if piece.kind == "file":
                member = f"{c.path}/{c.path}_{n:02d}_{pack_name(piece.filename)}"
                jobs.append((member, piece))
            listing.append((c, piece, member, True))
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    written = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            sheet = outputs.evidence_index_sheet(index_set, listing)
            archive.writestr(INDEX_SHEET, sheet)
            for folder in dict.fromkeys(c.path for c in items if c.id in leaves):   # table order (I, II, …, IX)
                archive.writestr(zipfile.ZipInfo(f"{folder}/", date_time=_zip_time()), b"")
            for done, (member, piece) in enumerate(jobs, start=1):
                if progress is not None:
                    progress.check_cancelled()
                    progress.report(done - 1, len(jobs), f"Đang ghi {member}")
                info = zipfile.ZipInfo(member, date_time=_zip_time(piece.created_at))
                info.compress_type = (zipfile.ZIP_STORED if Path(piece.filename).suffix.lower() in _COMPRESSED
                                      else zipfile.ZIP_DEFLATED)
                with connection.translated_errors(), archive.open(info, "w", force_zip64=piece.size > 2**31) as dest:
                    for chunk in _chunks(piece.id):
                        dest.write(chunk)
                        written += len(chunk)
        os.replace(tmp, out)
    except OSError as exc:
        from par_desktop.windows import explain_write_error

        _drop(tmp)
        raise explain_write_error(out, exc) from None
    except BaseException:
        _drop(tmp)
        raise
    if progress is not None:
        progress.report(len(jobs), len(jobs), "Xong")
    return PackResult(out, len(jobs), len(leaves), written)


def _zip_time(moment: datetime | None = None) -> tuple[int, int, int, int, int, int]:
    moment = moment or datetime.now()
    if moment.year < 1980:
        moment = datetime(1980, 1, 1)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _drop(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
