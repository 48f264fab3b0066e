"""The Office's satisfaction survey (SIPAS-style, DOMAIN.md §10; rules in ``domain.survey``): waves, the
questionnaire (a default one the administrator edits, copied into each new wave), forms typed on the
entry screen or imported from Excel, the rating words clerks mapped, the index with its intervals, the
official SIPAS result beside it, and the Excel export.

An import is all or nothing: unknown rating words, form numbers already in the wave or repeated in the
file, dossiers or units the database does not know — every problem is listed with its rows, and nothing
is saved until the file is clean. Blank answers and answers outside the scale are kept (raw text) but
not valid: the index leaves them out of their question and counts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import fn

from par_desktop.db import connection
from par_desktop.db.changes import audit, delete_record, insert_record, update_record
from par_desktop.db.models import Dossier, RatingWord, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyWave, Unit
from par_desktop.domain import survey as S
from par_desktop.domain.safe_cells import append_row
from par_desktop.domain.text import fold, nfc, ui_date
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import settings
from par_desktop.services.session import Actor, require

CHANNEL_LABELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "post": "Bưu chính", "": "Chưa rõ"}


# ---- waves and questionnaires ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Wave:
    id: int
    name: str
    started_on: date | None
    ended_on: date | None
    note: str
    official_index: float | None
    official_source: str
    responses: int
    version: int


def waves() -> list[Wave]:
    counts = dict(SurveyResponse.select(SurveyResponse.wave, fn.COUNT(SurveyResponse.id))
                  .group_by(SurveyResponse.wave).tuples())
    return [_wave(w, counts.get(w.id, 0)) for w in SurveyWave.select().order_by(SurveyWave.created_at.desc(),
                                                                               SurveyWave.id.desc())]


def _wave(w: SurveyWave, responses: int | None = None) -> Wave:
    if responses is None:
        responses = SurveyResponse.select().where(SurveyResponse.wave == w.id).count()
    return Wave(w.id, w.name, w.started_on, w.ended_on, w.note, w.official_index, w.official_source, responses,
                w.version)


def wave_by_name(name: str) -> Wave:
    row = _wave_row(name)
    if row is None:
        raise NotFound(f"Không có đợt khảo sát «{nfc(name)}».")
    return _wave(row)


def _wave_row(name: str) -> SurveyWave | None:
    wanted = fold(name)
    return next((w for w in SurveyWave.select() if fold(w.name) == wanted), None)


def _wave_by_id(wave_id: int) -> SurveyWave:
    row = SurveyWave.get_or_none(SurveyWave.id == wave_id)
    if row is None:
        raise NotFound("Đợt khảo sát không còn tồn tại (có thể người khác vừa xóa).")
    return row


def default_questionnaire() -> list[tuple[str, str]]:
    """The questionnaire new waves start from: the administrator's version, else the shipped one."""
    stored = settings.get(settings.SURVEY_QUESTIONNAIRE)
    return [tuple(q) for q in stored] if stored else list(S.DEFAULT_QUESTIONNAIRE)


def _check_questions(rows: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    out, seen = [], set()
    for code_text, text in rows:
        code = S.question_code(code_text)
        if code is None or code != nfc(code_text).upper().replace(" ", ""):
            raise InvalidInput(f"Mã câu hỏi «{nfc(code_text)}» không đúng dạng A1.1 (khía cạnh A1–A5, số thứ tự).")
        if S.aspect_of(code) not in S.ASPECT_NAMES:
            raise InvalidInput(f"Câu hỏi {code}: không có khía cạnh {S.aspect_of(code)} (chỉ có A1 đến A5).")
        if code in seen:
            raise InvalidInput(f"Mã câu hỏi {code} xuất hiện hai lần.")
        if not nfc(text):
            raise InvalidInput(f"Câu hỏi {code} chưa có nội dung.")
        seen.add(code)
        out.append((code, nfc(text)))
    if not out:
        raise InvalidInput("Bảng hỏi phải có ít nhất một câu hỏi.")
    return sorted(out, key=lambda q: S.code_order(q[0]))


def set_default_questionnaire(actor: Actor, rows: Sequence[tuple[str, str]] | None) -> None:
    """Save the administrator's default questionnaire (None: back to the shipped one). Waves already
    created keep their own questions."""
    require(actor, "settings")
    settings.set_value(actor, settings.SURVEY_QUESTIONNAIRE, None if rows is None else [list(q) for q in _check_questions(rows)])


def create_wave(actor: Actor, name: str, *, started_on: date | None = None, ended_on: date | None = None,
                note: str = "") -> Wave:
    """A new survey wave with a copy of the default questionnaire."""
    require(actor, "import")
    with connection.write_transaction():
        return _wave(_create_wave(actor, name, started_on, ended_on, note), 0)


def _create_wave(actor: Actor, name: str, started_on, ended_on, note) -> SurveyWave:
    name = nfc(name)
    if not name:
        raise InvalidInput("Tên đợt khảo sát không được để trống.")
    if _wave_row(name) is not None:
        raise InvalidInput(f"Đã có đợt khảo sát «{name}».")
    if started_on and ended_on and ended_on < started_on:
        raise InvalidInput("Ngày kết thúc đợt khảo sát trước ngày bắt đầu.")
    wave = insert_record(SurveyWave, actor.username, name=name, started_on=started_on, ended_on=ended_on,
                         note=nfc(note))
    SurveyQuestion.insert_many([{"wave": wave.id, "code": code, "aspect": S.aspect_of(code), "text": text,
                                 "position": i} for i, (code, text) in enumerate(default_questionnaire())]).execute()
    return wave


def update_wave(actor: Actor, wave_id: int, expected_version: int | None, **changes: Any) -> Wave:
    """Rename or date a wave, or record the official SIPAS result beside it (official_index, official_source)."""
    require(actor, "settings" if {"official_index", "official_source"} & set(changes) else "import")
    allowed = {"name", "started_on", "ended_on", "note", "official_index", "official_source"}
    if set(changes) - allowed:
        raise ValueError(f"not editable: {sorted(set(changes) - allowed)}")
    changes = {k: nfc(v) if isinstance(v, str) else v for k, v in changes.items()}
    if "official_index" in changes and changes["official_index"] is not None \
            and not 0 <= changes["official_index"] <= 100:
        raise InvalidInput("Chỉ số SIPAS chính thức phải từ 0 đến 100 (%).")
    with connection.write_transaction():
        current = _wave_by_id(wave_id)
        if "name" in changes:
            if not changes["name"]:
                raise InvalidInput("Tên đợt khảo sát không được để trống.")
            other = _wave_row(changes["name"])
            if other is not None and other.id != wave_id:
                raise InvalidInput(f"Đã có đợt khảo sát «{changes['name']}».")
        start, end = changes.get("started_on", current.started_on), changes.get("ended_on", current.ended_on)
        if start and end and end < start:
            raise InvalidInput("Ngày kết thúc đợt khảo sát trước ngày bắt đầu.")
        return _wave(update_record(SurveyWave, wave_id, expected_version, actor.username, **changes))


def delete_wave(actor: Actor, wave_id: int) -> None:
    require(actor, "settings")
    with connection.write_transaction():
        delete_record(_wave_by_id(wave_id), actor.username)


@dataclass(frozen=True)
class Question:
    id: int
    code: str
    aspect: str
    text: str


def questions(wave_id: int) -> list[Question]:
    rows = SurveyQuestion.select().where(SurveyQuestion.wave == wave_id)
    out = [Question(q.id, q.code, q.aspect, q.text) for q in rows]
    return sorted(out, key=lambda q: S.code_order(q.code))


def save_question(actor: Actor, wave_id: int, code: str, text: str) -> Question:
    """Add a question to a wave, or change its wording."""
    require(actor, "settings")
    (code, text), = _check_questions([(code, text)])
    with connection.write_transaction():
        _wave_by_id(wave_id)
        row = SurveyQuestion.get_or_none((SurveyQuestion.wave == wave_id) & (SurveyQuestion.code == code))
        if row is None:
            position = (SurveyQuestion.select(fn.MAX(SurveyQuestion.position))
                        .where(SurveyQuestion.wave == wave_id).scalar() or 0) + 1
            row = insert_record(SurveyQuestion, actor.username, wave=wave_id, code=code, aspect=S.aspect_of(code),
                                text=text, position=position)
        else:
            row = update_record(SurveyQuestion, row.id, None, actor.username, text=text)
    return Question(row.id, row.code, row.aspect, row.text)


def save_questions(actor: Actor, wave_id: int, rows: Sequence[tuple[str, str]]) -> None:
    """A wave's questions as the clerk left them in the editor: new ones added, wordings changed, the ones
    removed deleted (refused for a question somebody answered) — in one transaction."""
    require(actor, "settings")
    rows = _check_questions(rows)
    with connection.write_transaction():
        wanted = dict(rows)
        for q in questions(wave_id):
            if q.code not in wanted:
                delete_question(actor, wave_id, q.code)
        for code, text in rows:
            save_question(actor, wave_id, code, text)


def delete_question(actor: Actor, wave_id: int, code: str) -> None:
    """Remove a question nobody answered yet."""
    require(actor, "settings")
    with connection.write_transaction():
        row = SurveyQuestion.get_or_none((SurveyQuestion.wave == wave_id) & (SurveyQuestion.code == code))
        if row is None:
            raise NotFound(f"Đợt khảo sát không có câu hỏi {code}.")
        answered = SurveyAnswer.select().where(SurveyAnswer.question == row.id).count()
        if answered:
            raise InvalidInput(f"Câu hỏi {code} đã có {answered} câu trả lời, không xóa được.")
        delete_record(row, actor.username)


# ---- rating words ---------------------------------------------------------------------------------------

def mapped_words() -> dict[str, int | None]:
    """word_key -> score (None: not an answer) for every word a clerk mapped."""
    return {r.key: r.score for r in RatingWord.select()}


@dataclass(frozen=True)
class MappedWord:
    word: str
    score: int | None
    mapped_by: str
    mapped_at: datetime


def rating_words() -> list[MappedWord]:
    return [MappedWord(r.word, r.score, r.mapped_by, r.mapped_at)
            for r in RatingWord.select().order_by(RatingWord.key)]


def map_words(actor: Actor, mapping: Mapping[str, int | None]) -> None:
    """Remember what rating words mean (word -> 1..5, or None for "not an answer"), for every import."""
    require(actor, "import")
    with connection.write_transaction():
        for word, score in mapping.items():
            key = S.word_key(word)
            if not key:
                raise InvalidInput("Từ đánh giá không được để trống.")
            if score is not None and score not in S.SCALE:
                raise InvalidInput(f"«{nfc(word)}»: điểm phải từ 1 đến 5 (hoặc «không hợp lệ»).")
            known = S.read_answer(word)
            if not known.unknown:
                raise InvalidInput(f"«{nfc(word)}» là câu trả lời chương trình đã hiểu, không cần ánh xạ.")
            row = RatingWord.get_or_none(RatingWord.key == key)
            if row is None:
                RatingWord.create(key=key, word=nfc(word), score=score, mapped_by=actor.username)
                audit(actor.username, "insert", "rating_word", key, "score", None, score)
            elif row.score != score:
                RatingWord.update(score=score, word=nfc(word), mapped_by=actor.username,
                                  mapped_at=datetime.now()).where(RatingWord.id == row.id).execute()
                audit(actor.username, "update", "rating_word", key, "score", row.score, score)


def forget_word(actor: Actor, word: str) -> None:
    require(actor, "import")
    with connection.write_transaction():
        row = RatingWord.get_or_none(RatingWord.key == S.word_key(word))
        if row is not None:
            RatingWord.delete().where(RatingWord.id == row.id).execute()
            audit(actor.username, "delete", "rating_word", row.key, "score", row.score, None)


# ---- responses --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponseContext:
    """What a form says about who answered: the dossier (its unit, field, channel fill the gaps)."""

    dossier_id: int | None
    dossier_code: str
    unit_id: int | None
    field: str
    channel: str


def _channel(text: str) -> str:
    """"Trực tuyến" / "online" -> online …; raises InvalidInput for a channel that cannot be read."""
    from par_desktop.importers.dossiers import parse_channel

    if text in ("online", "direct", "post", ""):
        return text
    try:
        return parse_channel(text) or ""
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _context(dossier_code: str, unit_id: int | None, field_: str, channel: str) -> ResponseContext:
    dossier_code = nfc(dossier_code)
    dossier = None
    if dossier_code:
        dossier = Dossier.get_or_none(Dossier.code == dossier_code)
        if dossier is None:
            raise NotFound(f"Không có hồ sơ mã «{dossier_code}».")
    return ResponseContext(dossier.id if dossier else None, dossier_code,
                           unit_id if unit_id is not None else (dossier.unit_id if dossier else None),
                           nfc(field_) or (dossier.field if dossier else ""),
                           channel or (dossier.channel if dossier else ""))


@dataclass(frozen=True)
class SavedForm:
    response_id: int
    form_number: str
    valid: int
    blank: int
    invalid: int


def add_response(actor: Actor, wave_id: int, form_number: str, answered_on: date,
                 answers: Mapping[str, Any], *, dossier_code: str = "", unit_id: int | None = None,
                 field: str = "", channel: str = "") -> SavedForm:
    """Save one paper form typed on the entry screen (one transaction). ``answers``: question code ->
    what was typed (1–5, a word, or blank)."""
    require(actor, "import")
    form_number = nfc(form_number)
    if not form_number:
        raise InvalidInput("Chưa nhập số phiếu.")
    if answered_on is None:
        raise InvalidInput("Chưa nhập ngày của phiếu.")
    channel = _channel(channel)
    mapped = mapped_words()
    with connection.write_transaction():
        wave = _wave_by_id(wave_id)
        if SurveyResponse.select().where((SurveyResponse.wave == wave_id)
                                         & (SurveyResponse.form_number == form_number)).exists():
            raise InvalidInput(f"Phiếu số {form_number} đã có trong đợt «{wave.name}».")
        context = _context(dossier_code, unit_id, field, channel)
        qs = {q.code: q.id for q in questions(wave_id)}
        unknown_codes = set(answers) - set(qs)
        if unknown_codes:
            raise InvalidInput(f"Đợt khảo sát không có câu hỏi {', '.join(sorted(unknown_codes))}.")
        read = {code: S.read_answer(answers.get(code), mapped) for code in qs}
        unknown = [f"{code}: «{a.raw}»" for code, a in read.items() if a.unknown]
        if unknown:
            raise InvalidInput("Câu trả lời không đọc được (chỉ 1–5 hoặc để trống): " + "; ".join(unknown) + ".")
        response = SurveyResponse.create(
            wave=wave_id, form_number=form_number, answered_on=answered_on, dossier=context.dossier_id,
            dossier_code=context.dossier_code, unit=context.unit_id, field=context.field, channel=context.channel,
            entered_by=actor.username)
        SurveyAnswer.insert_many([{"response": response.id, "question": qs[code], "score": a.score, "raw": a.raw}
                                  for code, a in read.items()]).execute()
        audit(actor.username, "insert", "survey_response", response.id, "", None,
              f"{wave.name}: phiếu {form_number}")
    return SavedForm(response.id, form_number, sum(1 for a in read.values() if a.score is not None),
                     sum(1 for a in read.values() if a.blank), sum(1 for a in read.values() if a.invalid))


def delete_response(actor: Actor, response_id: int) -> None:
    require(actor, "import")
    with connection.write_transaction():
        row = SurveyResponse.get_or_none(SurveyResponse.id == response_id)
        if row is not None:
            delete_record(row, actor.username)


def next_form_number(wave_id: int) -> str:
    """The number after the highest numeric form number of the wave ("1" for the first)."""
    numbers = [int(n) for (n,) in SurveyResponse.select(SurveyResponse.form_number)
               .where(SurveyResponse.wave == wave_id).tuples() if n.isdigit()]
    return str(max(numbers, default=0) + 1)


@dataclass(frozen=True)
class ResponseRow:
    id: int
    form_number: str
    answered_on: date | None
    dossier_code: str
    unit: str
    field: str
    channel: str
    source: str
    answers: dict[str, str]          # code -> raw text


def responses(wave_id: int) -> list[ResponseRow]:
    """Every form of the wave with its answers as typed or read, in form-number order."""
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    codes = {q.id: q.code for q in questions(wave_id)}
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    query = (SurveyAnswer.select(SurveyAnswer.response, SurveyAnswer.question, SurveyAnswer.raw)
             .join(SurveyResponse).where(SurveyResponse.wave == wave_id))
    for response_id, question_id, raw in query.tuples():
        answers[response_id][codes.get(question_id, "?")] = raw
    rows = [ResponseRow(r.id, r.form_number, r.answered_on, r.dossier_code, units.get(r.unit_id, ""), r.field,
                        r.channel, r.source, answers.get(r.id, {}))
            for r in SurveyResponse.select().where(SurveyResponse.wave == wave_id)]
    rows.sort(key=lambda r: (0, int(r.form_number)) if r.form_number.isdigit() else (1, r.form_number))
    return rows


# ---- import -----------------------------------------------------------------------------------------------

class UnknownWords(InvalidInput):
    """Rating words the app cannot read: each with the rows it is on. Nothing was imported; the clerk
    maps them (``map_words``) and imports again."""

    def __init__(self, path: Path, words: dict[str, list[int]]):
        listed = "; ".join(f"«{w}» (dòng {', '.join(map(str, rows[:8]))}{'…' if len(rows) > 8 else ''})"
                           for w, rows in words.items())
        super().__init__(f"{path.name}: {len(words)} từ đánh giá chưa biết, chưa nhập phiếu nào: {listed}. "
                         "Hãy cho biết mỗi từ ứng với mức nào (1–5 hoặc không hợp lệ) rồi nhập lại.")
        self.path = path
        self.words = words


@dataclass
class ImportSummary:
    file: str
    wave: str
    imported: int = 0
    valid: int = 0
    blank: int = 0
    invalid: int = 0
    wave_created: bool = False
    questions_added: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the clerk should know beyond the count (excluded answers, questions added)."""
        out = []
        if self.blank or self.invalid:
            out.append(f"Loại khỏi câu hỏi tương ứng: {self.blank} câu trả lời để trống, {self.invalid} câu trả "
                       "lời ngoài thang điểm 1–5.")
        if self.wave_created:
            out.append(f"Đã tạo đợt khảo sát «{self.wave}» với bảng hỏi mặc định.")
        if self.questions_added:
            out.append("Đã thêm vào bảng hỏi các câu có trong tệp: " + ", ".join(self.questions_added) + ".")
        return out


def unknown_words(path: str | Path) -> dict[str, list[int]]:
    """The rating words of a survey sheet the app cannot read yet (neither known nor mapped), each with
    the rows it is on — asked of the clerk before the import."""
    from par_desktop.importers.survey import read_survey_file

    parsed = read_survey_file(Path(path))
    return _unknown(parsed.rows, mapped_words())


def _unknown(rows, mapped: Mapping[str, int | None]) -> dict[str, list[int]]:
    words: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        for value in r.answers.values():
            answer = S.read_answer(value, mapped)
            if answer.unknown:
                words[answer.raw].append(r.row)
    return dict(words)


def import_responses(actor: Actor, path: str | Path, wave_name: str, *, mapping: Mapping[str, int | None] | None = None,
                     progress=None) -> ImportSummary:
    """Import a survey sheet into the wave (created with the default questionnaire if new) in one
    transaction. ``mapping``: words the clerk just mapped (remembered before the import). Raises
    ``UnknownWords`` or ``ImportRefused`` and saves nothing when the file has problems."""
    from par_desktop.importers.dossiers import ImportRefused, RowProblem
    from par_desktop.importers.survey import read_survey_file

    require(actor, "import")
    path = Path(path)
    wave_name = nfc(wave_name)
    if not wave_name:
        raise InvalidInput("Cần tên đợt khảo sát (--wave).")
    parsed = read_survey_file(path)
    if progress is not None:
        progress(len(parsed.rows) // 2, len(parsed.rows), "Đang kiểm tra phiếu")
    for code in parsed.codes:
        if S.aspect_of(code) not in S.ASPECT_NAMES:
            raise InvalidInput(f"{path.name}: cột {code} không thuộc khía cạnh nào (chỉ có A1 đến A5).")
    if mapping:
        map_words(actor, mapping)
    mapped = mapped_words()
    problems: list[RowProblem] = list(parsed.problems)
    unknown = _unknown(parsed.rows, mapped)
    read_rows = [(r, {code: S.read_answer(value, mapped) for code, value in r.answers.items()}) for r in parsed.rows]

    wave_row = _wave_row(wave_name)
    existing = set() if wave_row is None else {n for (n,) in SurveyResponse.select(SurveyResponse.form_number)
                                               .where(SurveyResponse.wave == wave_row.id).tuples()}
    seen: dict[str, list[int]] = defaultdict(list)
    for r in parsed.rows:
        seen[r.form_number].append(r.row)
    for form, rows in seen.items():
        if len(rows) > 1:
            problems.append(RowProblem(rows[0], f"số phiếu {form} lặp lại ở các dòng {', '.join(map(str, rows))}"))
        if wave_row is not None and form in existing:
            problems.append(RowProblem(rows[0], f"phiếu số {form} đã có trong đợt «{wave_row.name}»"))
    codes = [r.dossier_code for r in parsed.rows if r.dossier_code]
    dossiers = _dossiers_by_code(codes)
    unit_cache: dict[str, int | None] = {}
    contexts: dict[int, ResponseContext] = {}
    for r in parsed.rows:
        unit_id = None
        if r.unit:
            if r.unit not in unit_cache:
                from par_desktop.services.org import match_unit

                found = match_unit(r.unit)
                unit_cache[r.unit] = found.id if found else None
            unit_id = unit_cache[r.unit]
            if unit_id is None:
                problems.append(RowProblem(r.row, f"không có đơn vị «{r.unit}»"))
        try:
            channel = _channel(r.channel)
        except InvalidInput as exc:
            problems.append(RowProblem(r.row, exc.message))
            channel = ""
        d = dossiers.get(r.dossier_code) if r.dossier_code else None
        if r.dossier_code and d is None:
            problems.append(RowProblem(r.row, f"không có hồ sơ mã «{r.dossier_code}»"))
        contexts[r.row] = ResponseContext(d[0] if d else None, r.dossier_code,
                                          unit_id if unit_id is not None else (d[1] if d else None),
                                          nfc(r.field) or (d[2] if d else ""), channel or (d[3] if d else ""))
    if unknown:
        raise UnknownWords(path, unknown)
    problems.sort(key=lambda p: p.row or 0)
    if problems:
        raise ImportRefused(path, problems, nothing_saved="chưa nhập phiếu nào")

    summary = ImportSummary(path.name, wave_name)
    with connection.write_transaction():
        wave_row = _wave_row(wave_name)
        if wave_row is None:
            wave_row = _create_wave(actor, wave_name, None, None, "")
            summary.wave_created = True
        qs = {q.code: q.id for q in questions(wave_row.id)}
        position = len(qs)
        for code in parsed.codes:
            if code not in qs:
                position += 1
                qs[code] = SurveyQuestion.create(wave=wave_row.id, code=code, aspect=S.aspect_of(code),
                                                 text=f"Câu hỏi {code} (thêm từ tệp {path.name})",
                                                 position=position).id
                summary.questions_added.append(code)
        stamp = datetime.now()
        for r, read in read_rows:
            c = contexts[r.row]
            response = SurveyResponse.create(
                wave=wave_row.id, form_number=r.form_number, answered_on=r.answered_on, dossier=c.dossier_id,
                dossier_code=c.dossier_code, unit=c.unit_id, field=c.field, channel=c.channel, source=path.name,
                entered_by=actor.username, entered_at=stamp)
            SurveyAnswer.insert_many([{"response": response.id, "question": qs[code], "score": a.score,
                                       "raw": a.raw} for code, a in read.items()]).execute()
            summary.imported += 1
            summary.valid += sum(1 for a in read.values() if a.score is not None)
            summary.blank += sum(1 for a in read.values() if a.blank)
            summary.invalid += sum(1 for a in read.values() if a.invalid)
        audit(actor.username, "import", "survey_response", "", "", None,
              f"{path.name} → {wave_row.name}: {summary.imported} phiếu, {summary.blank} để trống, "
              f"{summary.invalid} ngoài thang điểm")
    if progress is not None:
        progress(len(parsed.rows), len(parsed.rows), "Xong")
    return summary


def _dossiers_by_code(codes: Iterable[str]) -> dict[str, tuple[int, int | None, str, str]]:
    codes = list(set(codes))
    out = {}
    for i in range(0, len(codes), 500):
        for code, id_, unit, field_, channel in (Dossier.select(Dossier.code, Dossier.id, Dossier.unit, Dossier.field,
                                                                Dossier.channel)
                                                 .where(Dossier.code.in_(codes[i:i + 500])).tuples()):
            out[code] = (id_, unit, field_, channel)
    return out


# ---- the index ---------------------------------------------------------------------------------------------

DIMENSIONS = ("unit", "field", "channel")


def _answers(wave_id: int) -> tuple[S.Questionnaire, dict[int, dict[str, S.Answer]], dict[int, tuple]]:
    """The questionnaire, each response's answers, and each response's (unit id, field, channel)."""
    qs = questions(wave_id)
    codes = {q.id: q.code for q in qs}
    by_response: dict[int, dict[str, S.Answer]] = defaultdict(dict)
    query = (SurveyAnswer.select(SurveyAnswer.response, SurveyAnswer.question, SurveyAnswer.score, SurveyAnswer.raw)
             .join(SurveyResponse).where(SurveyResponse.wave == wave_id))
    meta = {r: (u, f or "", c or "") for r, u, f, c in
            SurveyResponse.select(SurveyResponse.id, SurveyResponse.unit, SurveyResponse.field, SurveyResponse.channel)
            .where(SurveyResponse.wave == wave_id).order_by(SurveyResponse.id).tuples()}
    for response_id in meta:   # respondents in a fixed order: the bootstrap draws from this list
        by_response[response_id] = {}
    for response_id, question_id, score, raw in query.tuples():
        blank = score is None and raw.strip().lower() in S.BLANK_MARKS
        by_response[response_id][codes[question_id]] = S.Answer(raw, score, blank=blank,
                                                                 invalid=score is None and not blank)
    return S.Questionnaire([(q.code, q.text) for q in qs]), by_response, meta


@dataclass(frozen=True)
class WaveIndex:
    wave: Wave
    index: S.SurveyIndex

    def as_json(self) -> dict:
        """Exactly the object of CLI.md: {"wave", "respondents", "overall": FIG, "aspects": [...]}."""
        return {"wave": self.wave.name, "respondents": self.index.respondents,
                "overall": self.index.overall.as_json(),
                "aspects": [{"code": a.code, "name": a.name, **a.fig.as_json(),
                             "questions": [{"code": q.code, **q.fig.as_json()} for q in a.questions]}
                            for a in self.index.aspects]}


def wave_index(wave_id: int) -> WaveIndex:
    questionnaire, answers, _ = _answers(wave_id)
    return WaveIndex(_wave(_wave_by_id(wave_id)), S.compute_index(questionnaire, list(answers.values())))


@dataclass(frozen=True)
class GroupIndex:
    key: Any
    label: str
    index: S.SurveyIndex


def index_by(wave_id: int, dimension: str) -> list[GroupIndex]:
    """The index per unit, field or channel (each with its own sample size and intervals)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    questionnaire, answers, meta = _answers(wave_id)
    position = DIMENSIONS.index(dimension)
    groups: dict[Any, list] = defaultdict(list)
    for response_id, values in answers.items():
        groups[meta[response_id][position]].append(values)
    if dimension == "unit":
        names = dict(Unit.select(Unit.id, Unit.name).tuples())
        label = lambda k: names.get(k, "(Chưa rõ đơn vị)")  # noqa: E731
    elif dimension == "channel":
        label = lambda k: CHANNEL_LABELS.get(k, k)  # noqa: E731
    else:
        label = lambda k: k or "(Chưa rõ lĩnh vực)"  # noqa: E731
    out = [GroupIndex(k, label(k), S.compute_index(questionnaire, items)) for k, items in groups.items()]
    out.sort(key=lambda g: (g.key in (None, ""), fold(g.label)))
    return out


def set_official(actor: Actor, wave_id: int, index: float | None, source: str = "") -> Wave:
    """Record the Department's official SIPAS result beside the wave's own index."""
    return update_wave(actor, wave_id, None, official_index=index, official_source=source)


def figure_text(fig: S.Fig) -> str:
    """"92,5% (87,1–95,8; n = 120)" with "mẫu nhỏ" when fewer than 30 valid answers."""
    from par_desktop.domain.text import vn_number

    if fig.index is None:
        return "chưa có câu trả lời hợp lệ"
    interval = ("" if fig.low is None or fig.high is None
                else f"{vn_number(round(fig.low, 1))}–{vn_number(round(fig.high, 1))}; ")
    small = "; mẫu nhỏ" if fig.small else ""
    return f"{vn_number(round(fig.index, 1))}% ({interval}n = {fig.valid}{small})"


def format_index(result: WaveIndex) -> str:
    lines = [f"CHỈ SỐ HÀI LÒNG — đợt «{result.wave.name}», {result.index.respondents} phiếu",
             f"Chung: {figure_text(result.index.overall)}"]
    if result.wave.official_index is not None:
        from par_desktop.domain.text import vn_number

        lines.append(f"SIPAS chính thức: {vn_number(result.wave.official_index, 2)}%"
                     + (f" ({result.wave.official_source})" if result.wave.official_source else ""))
    for a in result.index.aspects:
        lines.append(f"{a.code} {a.name}: {figure_text(a.fig)}")
        for q in a.questions:
            excluded = f" — loại {q.blank} trống, {q.invalid} ngoài thang" if q.blank or q.invalid else ""
            lines.append(f"  {q.code} {q.text}: {figure_text(q.fig)}{excluded}")
    return "\n".join(lines)


# ---- Excel export ------------------------------------------------------------------------------------------

def export_xlsx(wave_id: int, path: str | Path) -> Path:
    """The wave in Excel: the index (overall, aspects, questions), per unit / field / channel, and every form
    as imported or typed (one row per respondent, a column per question, as the import reads it)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    result = wave_index(wave_id)
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InvalidInput(f"Không xuất được ra tệp «{target.name}»: chỉ xuất được .xlsx.")
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Chỉ số"
    bold = Font(bold=True)
    append_row(sheet, [f"CHỈ SỐ HÀI LÒNG — ĐỢT {result.wave.name.upper()}"])
    append_row(sheet, [f"Số phiếu: {result.index.respondents}"])
    if result.wave.official_index is not None:
        append_row(sheet, ["SIPAS chính thức (%)", result.wave.official_index, result.wave.official_source])
    append_row(sheet, [])
    header = ["Mã", "Nội dung", "Chỉ số (%)", "Cận dưới 95% (%)", "Cận trên 95% (%)", "Số trả lời hợp lệ",
              "Mẫu nhỏ (< 30)", "Để trống", "Ngoài thang điểm"]
    append_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold

    def fig_cells(fig: S.Fig) -> list:
        return [_round(fig.index), _round(fig.low), _round(fig.high), fig.valid, "x" if fig.small else ""]

    append_row(sheet, ["Chung", "Chỉ số hài lòng chung", *fig_cells(result.index.overall)])
    for a in result.index.aspects:
        append_row(sheet, [a.code, a.name, *fig_cells(a.fig)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for q in a.questions:
            append_row(sheet, [q.code, q.text, *fig_cells(q.fig), q.blank, q.invalid])
    by = wb.create_sheet("Theo nhóm")
    append_row(by, ["Nhóm", "Giá trị", "Số phiếu", "Chỉ số chung (%)", "Cận dưới 95% (%)", "Cận trên 95% (%)",
               "Số người trả lời hợp lệ", "Mẫu nhỏ (< 30)"])
    for dimension, title in (("unit", "Đơn vị"), ("field", "Lĩnh vực"), ("channel", "Kênh")):
        for g in index_by(wave_id, dimension):
            append_row(by, [title, g.label, g.index.respondents, *fig_cells(g.index.overall)])
    forms = wb.create_sheet("Phiếu")
    codes = [q.code for q in questions(wave_id)]
    append_row(forms, ["Số phiếu", "Ngày", "Mã hồ sơ", "Đơn vị", "Lĩnh vực", "Kênh", *codes])
    for r in responses(wave_id):
        append_row(forms, [r.form_number, ui_date(r.answered_on), r.dossier_code, r.unit, r.field,
                      CHANNEL_LABELS.get(r.channel, r.channel) if r.channel else "",
                      *(_answer_cell(r.answers.get(c, "")) for c in codes)])
    wb.save(target)
    return target


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _answer_cell(raw: str) -> Any:
    return int(raw) if raw.isdigit() else raw
