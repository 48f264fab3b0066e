"""The document register: numbers per type per year from 01, full numbers as a văn thư writes them,
unique when several processes take numbers from one SQLite file at the same moment."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from par_desktop.db.models import AuditLog, OrgProfile, RegisterEntry
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.services import register
from par_desktop.services.session import SYSTEM, Actor

from conftest import REPO, wait_for_files


@pytest.fixture
def org_db(any_empty_db):
    """A fresh database on each backend (SQLite file, PostgreSQL) with the organisation's names."""
    OrgProfile.create(valid_from=date(2020, 1, 1), governing_body="UBND TỈNH BẮC GIANG",
                      agency_name="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                      agency_short="Sở Lao động - Thương binh và Xã hội", agency_abbr="SLĐTBXH",
                      place_name="Bắc Giang", office_unit_code="VP")
    return any_empty_db


def test_numbers_start_at_01_per_type_and_year(org_db):
    first = register.issue_number(SYSTEM, "KH", "Kế hoạch CCHC năm 2024", year=2024)
    second = register.issue_number(SYSTEM, "kh", "Kế hoạch kiểm soát TTHC", year=2024)
    report = register.issue_number(SYSTEM, "BC", "Báo cáo quý I", year=2024)
    next_year = register.issue_number(SYSTEM, "KH", "Kế hoạch CCHC năm 2025", year=2025)
    assert (first.number, first.full_number) == (1, "01/KH-SLĐTBXH")
    assert (second.number, second.full_number) == (2, "02/KH-SLĐTBXH")
    assert report.full_number == "01/BC-SLĐTBXH"
    assert next_year.full_number == "01/KH-SLĐTBXH" and next_year.year == 2025


def test_cong_van_has_no_type_abbreviation_and_units_issue_in_their_own_name(org_db):
    assert register.issue_number(SYSTEM, "CV", "V/v đôn đốc", year=2024).full_number == "01/SLĐTBXH-VP"
    assert register.issue_number(SYSTEM, "bc-vp", "Báo cáo tháng 3", year=2024).full_number == "01/BC-VP"
    assert register.issue_number(SYSTEM, "BC", "Báo cáo của Sở", year=2024).full_number == "01/BC-SLĐTBXH"


def test_numbers_from_ten_have_no_leading_zero(org_db):
    RegisterEntry.create(year=2024, type_abbr="KH", number=38, full_number="38/KH-SLĐTBXH", title="Kế hoạch 38")
    assert register.issue_number(SYSTEM, "KH", "Kế hoạch tiếp theo", year=2024).full_number == "39/KH-SLĐTBXH"
    assert register.full_number(125, "CV", "SLĐTBXH", "VP") == "125/SLĐTBXH-VP"
    assert register.full_number(5, "BC-VP", "SLĐTBXH", "VP") == "05/BC-VP"


def test_issue_is_audited_and_listed_newest_first(org_db):
    register.issue_number(SYSTEM, "TB", "Thông báo lịch trực", year=2024)
    register.issue_number(SYSTEM, "GM", "Giấy mời họp giao ban", year=2024)
    rows = register.list_register(2024)
    assert [r.full_number for r in rows] == ["01/GM-SLĐTBXH", "01/TB-SLĐTBXH"]
    assert rows[0].type_name == "Giấy mời" and rows[0].issued_by == "system"
    assert register.list_register(2024, "tb")[0].title == "Thông báo lịch trực"
    assert register.years() == [2024]
    audited = AuditLog.select().where(AuditLog.action == "issue").order_by(AuditLog.id)
    assert [a.new_value for a in audited] == ["01/TB-SLĐTBXH", "01/GM-SLĐTBXH"]


def test_unknown_type_typo_and_empty_title_are_refused_in_vietnamese(org_db):
    with pytest.raises(InvalidInput, match="Không có loại văn bản viết tắt «KHH»"):
        register.issue_number(SYSTEM, "KHH", "Kế hoạch")
    with pytest.raises(InvalidInput, match="trích yếu"):
        register.issue_number(SYSTEM, "KH", "   ")
    with pytest.raises(InvalidInput, match="LOẠI-ĐƠN VỊ"):
        register.issue_number(SYSTEM, "CV-VP", "Công văn")
    # Vietnamese letters decide between look-alike abbreviations
    assert register.normalise_type("đa") == "ĐA" and register.normalise_type("DA") == "DA"
    assert register.normalise_type("qd") == "QĐ" and register.normalise_type("ttr") == "TTr"
    assert RegisterEntry.select().count() == 0


def test_roles_without_the_register_right_are_refused(org_db):
    with pytest.raises(PermissionDenied):
        register.issue_number(Actor("lanhdao", "leader"), "KH", "Kế hoạch")
    with pytest.raises(PermissionDenied):
        register.issue_number(Actor("ncc", "unit", unit_id=1), "KH", "Kế hoạch")


def test_a_number_taken_meanwhile_is_retried_not_duplicated(org_db, monkeypatch):
    """The unique index is the last line of defence: a collision is retried with the next number."""
    RegisterEntry.create(year=2024, type_abbr="KH", number=1, full_number="01/KH-SLĐTBXH", title="của máy khác")
    real = register._highest
    reads = []

    def stale_then_real(year, abbr):  # the first read misses the other machine's number
        reads.append(year)
        return 0 if len(reads) == 1 else real(year, abbr)

    monkeypatch.setattr(register, "_highest", stale_then_real)
    entry = register.issue_number(SYSTEM, "KH", "Kế hoạch của tôi", year=2024)
    assert entry.full_number == "02/KH-SLĐTBXH"
    assert sorted(n for (n,) in RegisterEntry.select(RegisterEntry.number).tuples()) == [1, 2]
    assert len(reads) == 2


_WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from par_desktop.db.schema import open_database
    from par_desktop.services import register
    from par_desktop.services.session import SYSTEM

    db, start, worker = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    open_database(db)
    Path(f"{start}.{worker}").touch()      # ready
    while not start.exists():
        time.sleep(0.005)
    for i in range(10):
        entry = register.issue_number(SYSTEM, "KH", f"Kế hoạch {worker}-{i}", year=2024)
        print(entry.number, entry.full_number, flush=True)
""")


@pytest.mark.slow
def test_forty_numbers_taken_by_four_processes_at_once_are_forty_consecutive_numbers(org_db, tmp_path):
    """Real processes on one database: the SQLite file (BEGIN IMMEDIATE) or the PostgreSQL server
    (the numbering advisory lock)."""
    start = tmp_path / "start"
    workers = [subprocess.Popen([sys.executable, "-c", _WORKER, str(org_db), str(start), str(w)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(4)]
    wait_for_files(*(start.with_name(f"start.{w}") for w in range(4)))   # every process has opened the file
    start.touch()
    outputs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _, err in outputs]
    printed = [line.split() for out, _ in outputs for line in out.splitlines()]
    assert len(printed) == 40
    numbers = sorted(int(n) for n, _ in printed)
    assert numbers == list(range(1, 41))
    assert {text for _, text in printed} == {f"{n:02d}/KH-SLĐTBXH" for n in range(1, 41)}
    stored = sorted(RegisterEntry.select(RegisterEntry.number).where(RegisterEntry.type_abbr == "KH").tuples())
    assert [n for (n,) in stored] == list(range(1, 41))
    per_worker = [[int(line.split()[0]) for line in out.splitlines()] for out, _ in outputs]
    assert all(len(p) == 10 and p == sorted(p) for p in per_worker)   # each process saw its numbers grow
