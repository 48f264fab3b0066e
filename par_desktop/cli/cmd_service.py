"""Service quality and the satisfaction survey (CLI.md "Service quality and surveys"):
``stats service-index``, ``service points|set-points|enter``, ``survey import|index|waves|map-word|official|
export``. ``doc survey-report`` lives with the other documents (``cmd_documents``).
"""

from __future__ import annotations

import argparse
import sys

from par_desktop.cli.accounts import READ


def _score(text: str):
    """A rating word's meaning on the command line: 1–5, or "x" / "khong-hop-le" for not an answer."""
    if text.strip().lower() in ("x", "0", "khong-hop-le", "không-hợp-lệ", "invalid"):
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"điểm phải từ 1 đến 5 hoặc «x» (không hợp lệ): {text!r}") from None
    if not 1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"điểm phải từ 1 đến 5 hoặc «x» (không hợp lệ): {text!r}")
    return value


def _mapping(text: str):
    word, sep, score = text.rpartition("=")
    if not sep or not word.strip():
        raise argparse.ArgumentTypeError(f"ghi theo dạng TỪ=ĐIỂM, ví dụ «Tạm được=3»: {text!r}")
    return word.strip(), _score(score)


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải số: {text!r}") from None


def register(sub) -> None:
    from par_desktop.cli.cmd_dossiers import _group

    p = _group(sub, "stats", "thống kê").add_parser(
        "service-index", help="chỉ số phục vụ người dân, doanh nghiệp (5 nhóm, điểm từng chỉ số) cho một kỳ")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    p.add_argument("--unit", metavar="UNIT", help="chỉ một đơn vị (tên hoặc mã)")
    p.add_argument("--field", metavar="FIELD", help="chỉ một lĩnh vực (tên như trong danh mục)")
    p.add_argument("--procedure", metavar="CODE", help="chỉ một thủ tục (mã trong danh mục)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_service_index, access=READ)

    service = sub.add_parser("service", help="bảng điểm và chỉ số nhập tay của chỉ số phục vụ")
    commands = service.add_subparsers(dest="service_command", metavar="SUBCOMMAND", required=True)
    q = commands.add_parser("points", help="bảng điểm tối đa của từng chỉ số")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_points, access=READ)
    q = commands.add_parser("set-points", help="đặt điểm tối đa của một chỉ số")
    q.add_argument("key", metavar="KEY")
    q.add_argument("points", type=_number, metavar="POINTS")
    q.set_defaults(handler=cmd_set_points)
    q = commands.add_parser("enter", help="nhập tay số liệu của một chỉ số chương trình không tự tính được")
    q.add_argument("key", metavar="KEY", help="ví dụ status_sync, national_db_disclosure")
    q.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    q.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    q.add_argument("--value", type=_number, metavar="PERCENT")
    q.add_argument("--numerator", type=_number, metavar="N")
    q.add_argument("--denominator", type=_number, metavar="N")
    q.add_argument("--unit", metavar="UNIT", help="của một đơn vị (mặc định: toàn Sở)")
    q.add_argument("--note", default="", metavar="TEXT")
    q.set_defaults(handler=cmd_enter)

    survey = sub.add_parser("survey", help="khảo sát mức độ hài lòng (SIPAS) do Văn phòng thực hiện")
    commands = survey.add_subparsers(dest="survey_command", metavar="SUBCOMMAND", required=True)
    q = commands.add_parser("import", help="nhập phiếu khảo sát từ .xlsx/.csv (mỗi dòng một phiếu)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--wave", required=True, metavar="NAME", help="đợt khảo sát (tạo mới nếu chưa có)")
    q.add_argument("--map", action="append", type=_mapping, default=[], metavar="TỪ=ĐIỂM",
                   help="nghĩa của một từ đánh giá chưa biết (1–5, hoặc x = không hợp lệ); được ghi nhớ")
    q.set_defaults(handler=cmd_survey_import)
    q = commands.add_parser("index", help="chỉ số hài lòng theo câu hỏi, khía cạnh và chung")
    q.add_argument("--wave", required=True, metavar="NAME")
    q.add_argument("--by", choices=("unit", "field", "channel"), help="theo đơn vị, lĩnh vực hoặc kênh")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_survey_index, access=READ)
    q = commands.add_parser("waves", help="các đợt khảo sát")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_survey_waves, access=READ)
    q = commands.add_parser("map-word", help="ghi nhớ nghĩa của một từ đánh giá (1–5, hoặc x = không hợp lệ)")
    q.add_argument("word", metavar="WORD")
    q.add_argument("score", type=_score, metavar="SCORE")
    q.set_defaults(handler=cmd_map_word)
    q = commands.add_parser("official", help="ghi kết quả SIPAS chính thức của Sở bên cạnh đợt khảo sát")
    q.add_argument("--wave", required=True, metavar="NAME")
    q.add_argument("--index", type=_number, required=True, metavar="PERCENT")
    q.add_argument("--source", default="", metavar="TEXT", help="nơi công bố, ví dụ «Quyết định số …»")
    q.set_defaults(handler=cmd_survey_official)
    q = commands.add_parser("export", help="xuất đợt khảo sát ra Excel (chỉ số, theo nhóm, từng phiếu)")
    q.add_argument("--wave", required=True, metavar="NAME")
    q.add_argument("--out", required=True, metavar="FILE.xlsx")
    q.set_defaults(handler=cmd_survey_export, access=READ)


def _unit_id(name: str | None):
    if not name:
        return None
    from par_desktop.services import org

    return org.find_unit(name).id


def _field(name: str | None) -> str | None:
    """The catalogue's spelling of a field typed with any case or accents missing."""
    if not name:
        return None
    from par_desktop.domain.text import fold
    from par_desktop.errors import NotFound
    from par_desktop.services import procedures

    for known in procedures.fields():
        if fold(known) == fold(name):
            return known
    raise NotFound(f"Không có lĩnh vực «{name}» trong danh mục thủ tục hay hồ sơ.")


def _procedure_id(code: str | None) -> int | None:
    if not code:
        return None
    from par_desktop.services import procedures

    return procedures.procedure_by_code(code).id


def cmd_service_index(ctx) -> int:
    from par_desktop.domain.text import parse_date
    from par_desktop.services import service_quality

    start, end = parse_date(ctx.args.date_from), parse_date(ctx.args.date_to)
    ctx.open()
    result = service_quality.service_index(start, end, unit_id=_unit_id(ctx.args.unit),
                                           field=_field(ctx.args.field), procedure_id=_procedure_id(ctx.args.procedure))
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json(result.as_json())
    else:
        print(service_quality.format_index(result))
    return 0


def cmd_points(ctx) -> int:
    from par_desktop.domain.service_index import GROUP_NAMES
    from par_desktop.services import service_quality

    ctx.open()
    rows = service_quality.points_table()
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json([{"key": d.key, "group": d.group, "name": d.name, "max_points": d.max_points, "manual": d.manual}
                   for d in rows])
        return 0
    for d in rows:
        print(f"{d.key}\t{GROUP_NAMES[d.group]}\t{d.max_points:g}\t{'nhập tay' if d.manual else 'tự tính'}\t{d.name}")
    return 0


def cmd_set_points(ctx) -> int:
    from par_desktop.services import service_quality

    ctx.open()
    service_quality.set_indicator_points(ctx.actor, ctx.args.key, ctx.args.points)
    print("ok")
    return 0


def cmd_enter(ctx) -> int:
    from par_desktop.domain.text import parse_date
    from par_desktop.services import service_quality

    a = ctx.args
    start, end = parse_date(a.date_from), parse_date(a.date_to)
    ctx.open()
    service_quality.set_manual_value(ctx.actor, a.key, start, end, unit_id=_unit_id(a.unit), value=a.value,
                                     numerator=a.numerator, denominator=a.denominator, note=a.note)
    print("ok")
    return 0


def cmd_survey_import(ctx) -> int:
    from par_desktop.services import survey

    ctx.open()
    summary = survey.import_responses(ctx.actor, ctx.args.file, ctx.args.wave, mapping=dict(ctx.args.map))
    print(f"imported {summary.imported} responses")
    for line in summary.lines():
        print(f"warning: {line}", file=sys.stderr)
    return 0


def cmd_survey_index(ctx) -> int:
    from par_desktop.services import survey

    ctx.open()
    wave = survey.wave_by_name(ctx.args.wave)
    if ctx.args.by:
        groups = survey.index_by(wave.id, ctx.args.by)
        if ctx.args.json:
            from par_desktop.cli.main import emit_json

            emit_json({"wave": wave.name, "by": ctx.args.by,
                       "groups": [{"key": g.key, "name": g.label, "respondents": g.index.respondents,
                                   "overall": g.index.overall.as_json(),
                                   "aspects": [{"code": a.code, **a.fig.as_json()} for a in g.index.aspects]}
                                  for g in groups]})
        else:
            for g in groups:
                print(f"{g.label}: {survey.figure_text(g.index.overall)}")
        return 0
    result = survey.wave_index(wave.id)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json(result.as_json())
    else:
        print(survey.format_index(result))
    return 0


def cmd_survey_waves(ctx) -> int:
    from par_desktop.services import survey

    ctx.open()
    rows = survey.waves()
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json([{"name": w.name, "started_on": w.started_on.isoformat() if w.started_on else None,
                    "ended_on": w.ended_on.isoformat() if w.ended_on else None, "responses": w.responses,
                    "official_index": w.official_index} for w in rows])
        return 0
    for w in rows:
        print(f"{w.name}\t{w.responses} phiếu")
    return 0


def cmd_map_word(ctx) -> int:
    from par_desktop.services import survey

    ctx.open()
    survey.map_words(ctx.actor, {ctx.args.word: ctx.args.score})
    print("ok")
    return 0


def cmd_survey_official(ctx) -> int:
    from par_desktop.services import survey

    ctx.open()
    wave = survey.wave_by_name(ctx.args.wave)
    survey.set_official(ctx.actor, wave.id, ctx.args.index, ctx.args.source)
    print("ok")
    return 0


def cmd_survey_export(ctx) -> int:
    from par_desktop.services import survey

    ctx.open()
    wave = survey.wave_by_name(ctx.args.wave)
    print(survey.export_xlsx(wave.id, ctx.args.out))
    return 0
