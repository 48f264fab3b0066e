"""Demo data: the organisation, units and 2024 plan of the reference plan 38/KH, a TTHC catalogue and a
realistic year of dossiers (plus a few received in the last days, so the dashboard shows live timers).

Random but reproducible (``seed``); 100,000 dossiers are generated with bulk inserts in a few seconds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from par_desktop.db import connection
from par_desktop.db.bulk import bulk_insert
from par_desktop.db.changes import audit
from par_desktop.db.models import (
    Dossier, DossierPause, Handover, OrgProfile, Procedure, Signer, Task, TaskOccurrence, Unit,
)
from par_desktop.errors import InvalidInput
from par_desktop.services.calendar import current_calendar
from par_desktop.services.dossiers.timing import search_text
from par_desktop.services.session import DEMO_ACCOUNTS, Actor, require

DEFAULT_DOSSIERS = 1500
DEMO_PASSWORD = "demo1234"   # of every demo account (services.session.DEMO_ACCOUNTS; README "Dữ liệu mẫu")

UNITS = [  # name, short code, kind, head
    ("Văn phòng Sở", "VP", "office", "Nguyễn Thị Hương", "Chánh Văn phòng"),
    ("Phòng Kế hoạch - Tài chính", "KHTC", "division", "Lê Văn Minh", "Trưởng phòng"),
    ("Phòng Lao động – Việc làm", "LĐVL", "division", "Phạm Quốc Tuấn", "Trưởng phòng"),
    ("Phòng Người có công", "NCC", "division", "Hoàng Thị Lan", "Trưởng phòng"),
    ("Phòng Bảo trợ xã hội", "BTXH", "division", "Đỗ Văn Nam", "Trưởng phòng"),
    ("Phòng Việc làm – An toàn Lao động", "VLATLĐ", "division", "Vũ Thị Mai", "Trưởng phòng"),
    ("Phòng Giáo dục nghề nghiệp", "GDNN", "division", "Ngô Đức Thắng", "Trưởng phòng"),
    ("Thanh tra Sở", "TTr", "division", "Bùi Văn Khánh", "Chánh Thanh tra"),
]

# The appendix of Kế hoạch 38/KH-SLĐTBXH, exactly as the reference states it:
# (section, section title, subsection, subsection title, row, content, lead, coordinating, deadline)
PLAN_2024_TITLE = ("Nâng cao Chỉ số cải cách hành chính; Chỉ số hài lòng của người dân, tổ chức năm 2024 "
                   "của Sở Lao động - Thương binh và Xã hội")
PLAN_2024_ROWS = [
    ("I", "Tham mưu ban hành văn bản QPPL", "", "", 1,
     "Dự thảo Nghị quyết sửa đổi, bổ sung Nghị quyết số 59/2021/NQ-HĐND ngày 10/12/2021 của HĐND tỉnh quy "
     "định hỗ trợ điều dưỡng, phục hồi sức khỏe tập trung cho người có công với cách mạng và thân nhân trên "
     "địa bàn tỉnh Bắc Giang", "Phòng Kế hoạch tài chính", "Các phòng, đơn vị có liên quan", "Tháng 12/2024"),
    ("I", "Tham mưu ban hành văn bản QPPL", "", "", 2,
     "Quyết định sửa đổi, bổ sung Quyết định số 13/2022/QĐ-UBND của UBND tỉnh Bắc Giang về việc ban hành "
     "Quy chế phối hợp quản lý người lao động nước ngoài làm việc trên địa bàn tỉnh Bắc Giang",
     "Phòng Lao động việc làm", "Các phòng, đơn vị có liên quan", "Tháng 7/2024"),
    ("I", "Tham mưu ban hành văn bản QPPL", "", "", 3,
     "Quy chế quản lý công trình ghi công liệt sĩ, mộ liệt sĩ trên địa bàn", "Người có công",
     "Các phòng, đơn vị có liên quan", "Tháng 7/2024"),
    ("II", "Công tác theo dõi thi hành pháp luật", "", "", 1,
     "Tổ chức thực hiện theo dõi tình hình thi hành pháp luật lĩnh vực Bảo trợ xã hội", "Phòng Bảo trợ xã hội",
     "Các phòng, đơn vị liên quan", "Xong trước ngày 30/9/2024"),
    ("III", "Cải cách thủ tục hành chính", "A", "Công tác truyền truyền về TTHC", 1,
     "Xây dựng video hướng dẫn, tuyên truyền thực hiện dịch vụ công trực tuyến toàn trình và một phần",
     "Văn phòng Sở", "Các phòng, đơn vị", "Tháng 7/2024"),
    ("III", "Cải cách thủ tục hành chính", "A", "Công tác truyền truyền về TTHC", 2,
     "Tổ chức đối thoại với người dân, doanh nghiệp về hoạt động sản xuất, kinh doanh và TTHC",
     "Phòng Việc làm – An toàn Lao động", "Văn phòng Sở, phòng kế hoạch – Tài chính", "Quý III/2024"),
    ("III", "Cải cách thủ tục hành chính", "A", "Công tác truyền truyền về TTHC", 3,
     "Triển khai thực hiện các hoạt động tuyên truyền về cải cách hành chính; truyền thông kiểm soát TTHC và "
     "cơ chế một cửa, một cửa liên thông", "Các phòng, đơn vị", "Văn phòng Sở", "Thường xuyên"),
    ("III", "Cải cách thủ tục hành chính", "B", "Rà soát đánh giá TTHC", 1,
     "Thực hiện rà soát, đánh giá các TTHC thuộc lĩnh vực quản lý theo Kế hoạch số 45/KH-UBND ngày 29/02/2024 "
     "của Chủ tịch UBND tỉnh", "Phòng Lao động – Việc làm; phòng Người có công", "Văn phòng Sở",
     "Trước ngày 01/6/2024"),
    ("III", "Cải cách thủ tục hành chính", "B", "Rà soát đánh giá TTHC", 2,
     "Lựa chọn và thực hiện rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực; đề xuất đơn giản hóa TTHC",
     "Các phòng, đơn vị", "Văn phòng Sở", "Trước ngày 01/6/2024"),
    ("IV", "Cải cách tài chính công", "", "", 1,
     "Đề án chi trả trợ cấp ưu đãi người có công, bảo trợ xã hội không dùng tiền mặt trên địa bàn tỉnh Bắc "
     "Giang", "Phòng Kế hoạch - Tài chính", "Các phòng, đơn vị có liên quan", "Tháng 6 năm 2024"),
]

# A catalogue of the Department's procedures: (code, name, field, unit code, limit in working days)
PROCEDURES = [
    ("1.002271", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", "NCC", 12),
    ("1.002305", "Cấp giấy chứng nhận thân nhân liệt sĩ", "Người có công", "NCC", 15),
    ("1.010808", "Giải quyết chế độ ưu đãi đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học",
     "Người có công", "NCC", 20),
    ("1.010820", "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú", "Người có công",
     "NCC", 5),
    ("1.001776", "Thành lập cơ sở trợ giúp xã hội công lập thuộc Sở", "Bảo trợ xã hội", "BTXH", 15),
    ("2.000286", "Cấp giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập",
     "Bảo trợ xã hội", "BTXH", 10),
    ("1.000105", "Tiếp nhận đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội cấp tỉnh",
     "Bảo trợ xã hội", "BTXH", 3),
    ("1.009811", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm",
     "LĐVL", 5),
    ("1.009812", "Cấp lại giấy phép lao động cho người lao động nước ngoài", "Việc làm", "LĐVL", 3),
    ("1.009813", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", "Việc làm",
     "LĐVL", 3),
    ("1.001978", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", "LĐVL", 20),
    ("2.001955", "Đăng ký nội quy lao động của doanh nghiệp", "Lao động - Tiền lương", "LĐVL", 7),
    ("1.000459", "Đăng ký hợp đồng nhận lao động thực tập thời hạn dưới 90 ngày", "Quản lý lao động ngoài nước",
     "LĐVL", 5),
    ("2.000134", "Khai báo với Sở khi đưa vào sử dụng máy, thiết bị có yêu cầu nghiêm ngặt về an toàn lao động",
     "An toàn, vệ sinh lao động", "VLATLĐ", 5),
    ("1.000232", "Gia hạn giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động hạng B",
     "An toàn, vệ sinh lao động", "VLATLĐ", 20),
    ("1.000479", "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trường trung cấp",
     "Giáo dục nghề nghiệp", "GDNN", 10),
    ("1.000496", "Cấp giấy chứng nhận đăng ký bổ sung hoạt động giáo dục nghề nghiệp", "Giáo dục nghề nghiệp",
     "GDNN", 10),
    ("2.001661", "Công nhận hội đồng quản trị trường trung cấp tư thục", "Giáo dục nghề nghiệp", "GDNN", 15),
    ("1.001257", "Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp", "Việc làm", "LĐVL", 7),
    ("1.004944", "Cấp giấy phép thành lập cơ sở cai nghiện ma túy tự nguyện", "Phòng, chống tệ nạn xã hội",
     "BTXH", 10),
]

_SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Vũ Đỗ Ngô Bùi Dương Đặng Đinh Hà Lương Trịnh Thân".split()
_MIDDLE = "Văn Thị Đức Minh Thu Quang Ngọc Thanh Hữu Xuân Hồng Kim".split()
_GIVEN = "An Bình Cường Dung Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Nam Nga Phúc Quân " \
         "Sơn Tâm Thảo Trang Tuấn Vân Yến".split()
_COMPANIES = ["Công ty TNHH May Đức Giang", "Công ty CP Fuhong Precision", "Công ty TNHH Luxshare-ICT",
              "Trường Trung cấp nghề Miền núi Yên Thế", "Công ty TNHH Crystal Martin", "Công ty CP Xây dựng Hà Bắc"]
# The demo's applicants: a person is "Ông" or "Bà" by the middle name the demo gave them; the others are
# left unrecorded, as many one-stop exports leave them.
_MEN, _WOMEN = {"Văn", "Đức", "Quang", "Hữu"}, {"Thị"}
# Procedures a person applies for (trợ cấp, thân nhân liệt sĩ …); the others are an organisation's.
INDIVIDUAL_PROCEDURES = frozenset({"1.002271", "1.002305", "1.010808", "1.010820", "1.000105", "1.001978"})
# Who applies for the others, by field: employers for labour, schools for vocational training …
_ORGANISATIONS_BY_FIELD = {
    "Giáo dục nghề nghiệp": ["Trường Trung cấp nghề Miền núi Yên Thế", "Trường Trung cấp Kỹ thuật Hà Bắc",
                             "Trung tâm Giáo dục nghề nghiệp Lục Nam"],
    "Bảo trợ xã hội": ["Trung tâm Công tác xã hội tỉnh", "Cơ sở trợ giúp xã hội Hoa Sen"],
    "Phòng, chống tệ nạn xã hội": ["Cơ sở cai nghiện ma túy tự nguyện Bình An"],
}
_EMPLOYERS = [c for c in _COMPANIES if c.startswith("Công ty")]


def fill_demo(actor: Actor, dossier_count: int | None = None, seed: int = 2024) -> None:
    """Fill an empty database with the demo organisation, plan, catalogue and dossiers."""
    require(actor, "import")
    count = DEFAULT_DOSSIERS if dossier_count is None else dossier_count
    if count < 0:
        raise InvalidInput("Số hồ sơ mẫu phải là số không âm.")
    if has_data():
        raise InvalidInput("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu mới.")
    require(actor, "manage_users")   # the demo brings its accounts
    rng = random.Random(seed)
    with connection.write_transaction():
        _organisation()
        units = {u.short_code: u for u in Unit.select()}
        procedures = _procedures(units)
        audit(actor.username, "import", "demo", "", "", None, f"dữ liệu mẫu: {count} hồ sơ")
    _accounts(actor)
    with connection.write_transaction():  # one commit for the hundreds of reports below
        _plan_2024(actor)
        _plan_progress(actor, rng)
    _dossiers(rng, procedures, count, service_rng=random.Random(seed + 14))
    with connection.write_transaction():
        _service_and_survey(actor, random.Random(seed + 15))
    with connection.write_transaction():
        from par_desktop.services.demo_index import fill_index_demo

        fill_index_demo(actor, _unit_actor("ncc"))


def _unit_actor(username: str) -> Actor | None:
    """A demo unit account as the services see it (it scores its own rows of the PAR INDEX)."""
    from par_desktop.db.models import User

    user = User.get_or_none(User.username == username)
    return None if user is None else Actor(user.username, user.role, user.unit_id, user.full_name)


def has_data() -> bool:
    """Whether the database already has units or dossiers: the demo is for a new database only."""
    return Unit.select().exists() or Dossier.select().exists()


def _organisation() -> None:
    # The Department merged into the Sở Nội vụ on 01/03/2025 (DOMAIN.md §8): its names end the day before;
    # what follows is the clerk's to record, so a document dated later says so.
    OrgProfile.create(valid_from=date(2020, 1, 1), valid_to=date(2025, 2, 28), governing_body="UBND TỈNH BẮC GIANG",
                      agency_name="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                      agency_short="Sở Lao động - Thương binh và Xã hội", agency_abbr="SLĐTBXH",
                      place_name="Bắc Giang", office_unit_code="VP")
    for position, (name, code, kind, head, title) in enumerate(UNITS):
        Unit.create(name=name, short_code=code, kind=kind, head_name=head, head_title=title, sort_order=position)
    Signer.create(name="Trần Văn Hà", title="PHÓ GIÁM ĐỐC", authority="KT. GIÁM ĐỐC", is_default=True)
    Signer.create(name="Nguyễn Văn Thành", title="GIÁM ĐỐC", authority="")


def _accounts(actor: Actor) -> None:
    """One account per role; a name already taken (the administrator created at first start) is kept."""
    from par_desktop.db.models import User
    from par_desktop.services import users

    for username, full_name, role, unit_code in DEMO_ACCOUNTS:
        if User.get_or_none(User.username == username) is not None:
            continue
        unit_id = Unit.get(Unit.short_code == unit_code).id if unit_code else None
        users.create_user(actor, username, role, DEMO_PASSWORD, full_name=full_name, unit_id=unit_id)


def _plan_2024(actor: Actor) -> None:
    """The reference plan, imported through the same path as a clerk's Word file, with its obligations."""
    from par_desktop.importers.plan_rows import PlanDocument, PlanTaskRow
    from par_desktop.services.tasks import plan_import

    rows = tuple(
        PlanTaskRow(ref=".".join(p for p in (sec, sub, str(row)) if p), section=sec, section_title=sec_title,
                    subsection=sub, subsection_title=sub_title, number=row, content=content, lead=lead,
                    coordinating=coord, deadline_text=deadline, note="", location=f"dòng {i + 1}")
        for i, (sec, sec_title, sub, sub_title, row, content, lead, coord, deadline) in enumerate(PLAN_2024_ROWS))
    document = PlanDocument(source="Kế hoạch 38/KH-SLĐTBXH", title=PLAN_2024_TITLE, number=38,
                            number_text="38/KH-SLĐTBXH", issued_on=date(2024, 2, 29), year_hint=2024, tasks=rows)
    plan_import.import_plan(actor, document, 2024, with_obligations=True)


# How the units did on the appendix in 2024: ref -> (final percent, completion date or None)
PLAN_2024_PROGRESS = {
    "I.1": (100, date(2024, 12, 10)), "I.2": (100, date(2024, 7, 25)), "I.3": (100, date(2024, 8, 12)),
    "II.1": (100, date(2024, 9, 20)), "III.A.1": (100, date(2024, 7, 30)), "III.A.2": (100, date(2024, 9, 26)),
    "III.A.3": (80, None), "III.B.1": (100, date(2024, 5, 28)), "III.B.2": (100, date(2024, 6, 7)),
    "IV.1": (60, None),
}


def _plan_progress(actor: Actor, rng: random.Random) -> None:
    """Progress reports as units would have sent them in 2024 (a few late, two not finished)."""
    from par_desktop.services.tasks import progress as task_progress

    for ref, (percent, done_on) in PLAN_2024_PROGRESS.items():
        task = Task.get(Task.ref == ref)
        reported = done_on or date(2024, 11, 15)
        # a task of every unit is reported by each unit on its own occurrence
        owed = [(o.unit_id, o.id) for o in task.occurrences] if task.per_unit else [(None, None)]
        for unit_id, occurrence_id in owed:
            for step_percent, day, text in ((min(percent, 50), reported - timedelta(days=30), "Đang triển khai."),
                                            (percent, reported, "Đã hoàn thành." if percent == 100
                                             else "Đang hoàn thiện dự thảo.")):
                task_progress.report_progress(actor, task.id, percent=step_percent, text=text, unit_id=unit_id,
                                      occurrence_id=occurrence_id, reported_on=day)
    obligations = (TaskOccurrence.select().join(Task)
                   .where(Task.kind == "obligation", TaskOccurrence.due_date <= date(2024, 12, 31))
                   .order_by(TaskOccurrence.id))
    for occurrence in obligations:
        fate = rng.random()
        if fate < 0.03:   # never sent: the Office has to chase it
            continue
        reported = (occurrence.due_date + timedelta(days=rng.randint(1, 6)) if fate < 0.11
                    else occurrence.due_date - timedelta(days=rng.randint(0, 4)))
        task_progress.report_progress(actor, occurrence.task_id, percent=100, unit_id=occurrence.unit_id,
                              occurrence_id=occurrence.id, reported_on=reported, text="Đã gửi báo cáo.")


def _procedures(units: dict[str, Unit]) -> list[Procedure]:
    rows = []
    for i, (code, name, field, unit_code, limit) in enumerate(PROCEDURES):
        # published by a provincial decision; two of them after the day they took effect (late)
        effective = date(2023, 1 + i % 12, 1 + (3 * i) % 27)
        published = effective + timedelta(days=6) if i % 9 == 4 else effective - timedelta(days=10 + i % 20)
        rows.append(Procedure.create(code=code, name=name, field=field, lead_unit=units[unit_code],
                                     limit_days=limit, reviewed_year=2024 if i % 7 == 0 else None,
                                     level="Toàn trình" if i % 3 else "Một phần",
                                     decision_number=f"{120 + 37 * (i % 5)}/QĐ-UBND", published_on=published,
                                     effective_on=effective))
    return rows


def _service_columns(rng: random.Random, proc: Procedure, channel: str, closed: bool, late: bool) -> dict:
    """The one-stop export's service columns for a demo dossier: most digitised, online payment where
    the procedure has a fee, about half the closed dossiers rated."""
    has_fee = int(proc.code.replace(".", "")) % 3 != 0
    payment = ("online" if rng.random() < (0.8 if channel == "online" else 0.15) else "direct") if has_fee else ""
    rating = ""
    if closed and rng.random() < 0.5:
        rating = rng.choices(("very_satisfied", "satisfied", "neutral", "unsatisfied"),
                             (0.2, 0.5, 0.2, 0.1) if late else (0.55, 0.37, 0.06, 0.02))[0]
    return {"digitised_dossier": rng.random() < (0.97 if channel == "online" else 0.75),
            "digitised_result": closed and rng.random() < 0.85,
            "payment": payment, "rating": rating}


def _applicant(rng: random.Random, names: random.Random, procedure: Procedure) -> tuple[str, str]:
    """(name, applicant kind) of a dossier's applicant: a person for a procedure meant for individuals,
    an organisation of the procedure's field otherwise. ``rng`` is drawn from exactly as the demo always
    did, so that every other random choice (dates, delays, results) stays the same; the name itself is
    then replaced, when it does not fit the procedure, by one drawn from ``names``."""
    drawn = rng.choice(_COMPANIES) if rng.random() < 0.15 else \
        f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
    person = drawn not in _COMPANIES
    if procedure.code in INDIVIDUAL_PROCEDURES:
        name = drawn if person else f"{names.choice(_SURNAMES)} {names.choice(_MIDDLE)} {names.choice(_GIVEN)}"
        middle = name.split()[1]
        return name, "man" if middle in _MEN else "woman" if middle in _WOMEN else ""
    choices = _ORGANISATIONS_BY_FIELD.get(procedure.field, _EMPLOYERS)
    return (drawn if not person and drawn in choices else names.choice(choices)), "organisation"


def _received_moment(rng: random.Random, day: date, online: bool) -> datetime:
    """Office-hours receptions, and online ones at any hour (nights and weekends included)."""
    if online and rng.random() < 0.25:
        return datetime.combine(day, time(rng.randrange(0, 24), rng.randrange(0, 60)))
    minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 45)
    return datetime.combine(day, time(minutes // 60, minutes % 60))


def _dossiers(rng: random.Random, procedures: list[Procedure], count: int, now: datetime | None = None,
              service_rng: random.Random | None = None) -> None:
    """Generate ``count`` dossiers: the year 2024, then ~2% received in the last two weeks before ``now``.
    ``service_rng`` draws the service columns apart, so they leave the rest of the data as it was."""
    service_rng = service_rng or random.Random(14)
    if count == 0:
        return
    calendar = current_calendar()
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    year_days = [date(2024, 1, 1) + timedelta(days=i) for i in range(366)]
    working_2024 = [d for d in year_days if calendar.is_working_day(d)]
    recent_days = [now.date() - timedelta(days=i) for i in range(1, 15)]
    recent_count = max(1, count // 50) if count >= 50 else 0
    office_unit = Unit.get(Unit.short_code == "VP")
    day_length = calendar.hours.day_minutes
    names = random.Random("demo applicants")   # names that replace ill-fitting ones (see _applicant)
    rows, pauses, handovers = [], [], []
    for n in range(count):
        proc = procedures[rng.randrange(len(procedures))]
        recent = n >= count - recent_count
        channel = rng.choices(("online", "direct", "post"), (0.6, 0.35, 0.05))[0]
        if recent:
            day = rng.choice(recent_days)
            while channel != "online" and not calendar.is_working_day(day):
                day -= timedelta(days=1)   # counters are closed: the previous working day, never after now
        else:
            day = rng.choice(year_days if channel == "online" else working_2024)
        received = _received_moment(rng, day, channel == "online")
        start = calendar.next_opening(received)
        limit = proc.limit_days
        pause = None
        if rng.random() < (0.25 if recent else 0.06):  # awaiting supplements from the applicant (chờ bổ sung)
            pause_start = calendar.add_working_time(start, rng.choice((0.5, 1, 2)))
            pause_end = calendar.add_working_time(pause_start, rng.choice((1, 2, 3, 5)))
            if not recent:
                pause = (pause_start, pause_end)
            elif pause_start < now:   # a recent one may still be waiting for the applicant
                pause = (pause_start, None if pause_end > now or rng.random() < 0.5 else pause_end)
        # the stored due counts finished pauses only; a running pause is judged by the services
        due = calendar.due(start, limit, [pause] if pause and pause[1] else ())
        paused_days = _paused_days(calendar, pause, day_length)
        fate = rng.random()
        result_at = closed_at = None
        if recent:
            if fate < 0.35 and (pause is None or pause[1] is not None):
                finished = calendar.add_working_time(start, limit * rng.uniform(0.2, 0.6) + paused_days)
                if finished <= now:
                    closed_at = result_at = finished
        else:
            if fate < 0.80:    # early
                spent = limit * rng.uniform(0.3, 0.85)
            elif fate < 0.93:  # on the due day, before the due moment
                spent = None
            elif fate < 0.975:  # late by a day or a few
                spent = limit + rng.choice((0.5, 1, 2, 3))
            else:               # never closed: some with a result that was not closed in the software
                spent = -1
            if spent is None:
                closed_at = due - timedelta(minutes=rng.randrange(1, 120))
                if closed_at.date() != due.date():
                    closed_at = due
            elif spent >= 0:
                closed_at = calendar.add_working_time(start, spent + paused_days)
            elif rng.random() < 0.5:
                result_at = calendar.add_working_time(start, limit * 0.8)
            if closed_at is not None:
                result_at = closed_at - timedelta(minutes=rng.randrange(0, 60))
        status = ("Đã trả kết quả" if closed_at else "Đã có kết quả, chưa kết thúc" if result_at
                  else "Chờ bổ sung" if pause and pause[1] is None else "Đang xử lý")
        code = f"000.00.18.H06-{received:%y%m%d}-{n + 1:05d}"
        applicant, applicant_kind = _applicant(rng, names, proc)
        rows.append({
            "code": code, "procedure": proc.id, "procedure_name": proc.name, "field": proc.field,
            "applicant": applicant, "applicant_kind": applicant_kind, "channel": channel, "received_at": received,
            "start_at": start,
            "limit_days": limit, "due_at": due, "result_at": result_at, "closed_at": closed_at,
            "paused_since": pause[0] if pause and pause[1] is None else None, "status_text": status,
            "unit": proc.lead_unit_id, "fold_text": search_text(code, applicant, proc.name),
            **_service_columns(service_rng, proc, channel, closed_at is not None,
                               closed_at is not None and closed_at > due),
        })
        if pause:
            pauses.append((code, pause))
        handovers.append((code, start, proc.lead_unit_id, closed_at or result_at))
    with connection.write_transaction():
        bulk_insert(Dossier, rows)
        ids = dict(Dossier.select(Dossier.code, Dossier.id).tuples())
        pause_rows = [{"dossier": ids[code], "paused_at": p[0], "resumed_at": p[1],
                       "reason": "Chờ công dân bổ sung giấy tờ"} for code, p in pauses]
        bulk_insert(DossierPause, pause_rows)
        hand_rows = []
        for code, start, unit_id, finished in handovers:
            to_division = start + timedelta(minutes=30)
            back = finished - timedelta(minutes=30) if finished else None
            hand_rows.append({"dossier": ids[code], "position": 1, "step_name": "Tiếp nhận, chuyển phòng chuyên môn",
                              "from_unit": office_unit.id, "to_unit": unit_id, "sent_at": to_division,
                              "received_at": to_division + timedelta(minutes=20)})
            if back is not None and back > to_division:
                hand_rows.append({"dossier": ids[code], "position": 2, "step_name": "Trả kết quả về Bộ phận một cửa",
                                  "from_unit": unit_id, "to_unit": office_unit.id, "sent_at": back,
                                  "received_at": back + timedelta(minutes=10)})
        bulk_insert(Handover, hand_rows)


def _paused_days(calendar, pause, day_length: int) -> float:
    """Working days a closed pause stopped the clock (the handling time resumes after it)."""
    if pause is None or pause[1] is None:
        return 0.0
    return calendar.working_minutes_between(pause[0], pause[1]) / day_length


def _service_and_survey(actor: Actor, rng: random.Random) -> None:
    """The figures a clerk enters by hand for 2024 (synchronisation with the national portal, each month)
    and the Office's survey of the fourth quarter: 160 paper forms, most about a dossier of the quarter,
    with the official SIPAS result (an example figure) beside it."""
    from par_desktop.db.models import ManualIndicatorValue, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyWave
    from par_desktop.domain import survey as S
    from par_desktop.domain.periods import report_month

    for month in range(1, 13):
        period = report_month(2024, month)
        received = rng.randint(110, 140)
        synced = received - rng.randint(0, 6)
        ManualIndicatorValue.create(key="status_sync", period_start=period.start, period_end=period.end,
                                    numerator=synced, denominator=received, value=100.0 * synced / received,
                                    note="Theo báo cáo của Cổng Dịch vụ công quốc gia", entered_by=actor.username)
    wave = SurveyWave.create(name="Quý IV/2024", started_on=date(2024, 10, 1), ended_on=date(2024, 12, 31),
                             note="Phiếu phát tại Bộ phận một cửa", official_index=86.45,
                             official_source="kết quả SIPAS năm 2024 do tỉnh công bố (số liệu mẫu)")
    questions = [SurveyQuestion.create(wave=wave.id, code=code, aspect=S.aspect_of(code), text=text, position=i)
                 for i, (code, text) in enumerate(S.DEFAULT_QUESTIONNAIRE)]
    closed = list(Dossier.select(Dossier.id, Dossier.code, Dossier.unit, Dossier.field, Dossier.channel, Dossier.closed_at)
                  .where((Dossier.closed_at >= datetime(2024, 10, 1)) & (Dossier.closed_at < datetime(2025, 1, 1)))
                  .order_by(Dossier.id).limit(400).tuples())
    weights = {"A1": (0.02, 0.04, 0.12, 0.5, 0.32), "A2": (0.01, 0.03, 0.08, 0.5, 0.38),
               "A3": (0.01, 0.02, 0.05, 0.42, 0.5), "A4": (0.01, 0.02, 0.07, 0.48, 0.42),
               "A5": (0.03, 0.06, 0.2, 0.45, 0.26)}
    answers = []
    for number in range(1, 161 if closed else 1):
        id_, code, unit, field_, channel, closed_at = closed[rng.randrange(len(closed))]
        response = SurveyResponse.create(
            wave=wave.id, form_number=str(number), answered_on=closed_at.date(), dossier=id_, dossier_code=code,
            unit=unit, field=field_, channel=channel, entered_by=actor.username)
        for q in questions:
            fate = rng.random()
            if fate < 0.03:
                score, raw = None, ""
            elif fate < 0.035:
                score, raw = None, "6"
            else:
                score = rng.choices(S.SCALE, weights[q.aspect])[0]
                raw = str(score)
            answers.append({"response": response.id, "question": q.id, "score": score, "raw": raw})
    bulk_insert(SurveyAnswer, answers)
