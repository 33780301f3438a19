"""`svc score`: the quarterly assessment (季度考核) and its entries; `svc rate`: public and peer ratings.

`svc score 2026Q4` lists the scores (a quarter is written 2026Q4); `svc score add` records an inspector's
deduction or bonus; `svc score cancel` withdraws one; `svc score year 2026` the year-end assessment.
"""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, parse_moment, pass_app
from svccli.cli.params import TEXT
from svccli.cli.recording import record
from svccli.core import assessment as a
from svccli.core.assessment_records import CANCEL, ENTRY, RATING
from svccli.errors import DataError, UsageError
from svccli.render import assessment_view as view
from svccli.render.output import emit, output_options


class QuarterGroup(click.Group):
    """`svc score 2026Q4 …` runs the listing: a first word that is no subcommand is a quarter."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["quarter", *args]
        return super().parse_args(ctx, args)


def quarter_code(text: str, what: str = "QUARTER") -> str:
    try:
        year, q = a.parse_quarter(text)
    except ValueError:
        raise UsageError(f"{what} 的值 “{text}” 不是季度（写作 2026Q4）") from None
    return f"{year}Q{q}"


def overseer(app: App, action: str) -> str:
    """The actor, who must be an inspector (or a director) to `action`."""
    who = app.actor()
    staff = app.home.roster.staff[who]
    if not staff.oversees:
        raise DataError(f"只有督查人员或中心领导可以{action}（{staff.name} 不是）")
    return who


def load(app: App, code: str, cache: dict | None = None):
    """The quarter's scores and awards (store/assessment_data.py), problems reported as every reader does."""
    from svccli.cli.context import report
    from svccli.store.assessment_data import quarter

    home = app.checked_home()
    if home.scoring is None:
        raise DataError("缺少考核方案 catalog/scoring.yaml")
    got = quarter(home, code, cache)
    report(got.problems)
    return got


@click.group(cls=QuarterGroup, invoke_without_command=False)
def score() -> None:
    """季度考核：svc score 2026Q4 列出得分；add 录入扣分或加分；year 年终考核。

    \b
    svc score 季度 [--staff|--windows] [--explain 人员或窗口] [--format table|json|csv]
    季度写作 2026Q4；工作人员只能查看本人得分，督查人员和中心领导可查看全部。
    """


@score.command("quarter", hidden=True)
@click.argument("quarter")
@click.option("--staff", "only", flag_value="staff", help="只列工作人员。")
@click.option("--windows", "only", flag_value="window", help="只列窗口。")
@click.option("--explain", "explain", metavar="TARGET", help="列出该人员或窗口的每一项扣分和加分及其依据。")
@output_options
@pass_app
def show(app: App, quarter: str, only: str | None, explain: str | None, fmt: str, encoding: str) -> None:
    """列出季度考核得分：六类得分、加分、季度考核分、群众评议、窗口互评、综合得分和等次。"""
    code = quarter_code(quarter)
    who = app.actor()
    roster = app.home.roster
    everyone = roster.staff[who].oversees
    got = load(app, code)
    scores = got.scores
    if not everyone:  # staff see their own score only
        if explain and explain != who:
            raise DataError("工作人员只能查看本人的考核得分")
        scores = [s for s in scores if s.target.code == who]
    if explain:
        _explain(app, got, explain, fmt, encoding)
        return
    if only:
        scores = [s for s in scores if s.target.kind == only]
    if fmt == "json":
        emit([view.score_row(got.scheme, s) for s in scores], [], fmt, encoding)
        return
    emit([view.table_row(got.scheme, s) for s in scores], view.score_columns(got.scheme), fmt, encoding, "没有考核对象")


def _explain(app: App, got, target: str, fmt: str, encoding: str) -> None:
    found = next((s for s in got.scores if s.target.code == target.strip().upper()), None)
    if found is None:
        raise UsageError(f"--explain：{got.code} 没有考核对象 “{target}”（人员编号或窗口编号）")
    names = {s.id: s.name for s in app.home.roster.staff.values()}
    rows = [view.explain_row(got.scheme, e, names) for e in sorted(found.entries, key=lambda e: (e.day, e.item))]
    emit(rows, view.EXPLAIN_COLUMNS, fmt, encoding)
    if fmt == "table":
        s = found
        total = f"{s.target.name}（{s.target.code}）{got.code}：季度考核 {s.quarterly:g} 分"
        if s.composite is not None:
            total += f"，综合得分 {s.composite:g}（{got.scheme.grade_name(s.grade)}）"
        click.echo("；".join([total, *s.notes]) if s.notes else total)


@score.command("add")
@click.argument("target")
@click.argument("item")
@click.option("--bonus", is_flag=True, help="这是加分项目（如 public_praise、info_report_used_centre）。")
@click.option("--count", type=click.IntRange(1, 99), default=1, show_default=True, help="次数（件数）。")
@click.option("--points", type=float, help="区间加分项目（如表扬 1～5 分）的本次分值。")
@click.option("--date", "day", metavar="DATE", help="发生日期（默认今天）。")
@click.option("--case", "case_id", metavar="CASE", help="涉及的案件编号（办件质量项目按件计）。")
@click.option("--note", type=TEXT, help="情况说明。")
@pass_app
def add(app: App, target: str, item: str, bonus: bool, count: int, points, day, case_id, note) -> None:
    """督查录入考核扣分（或 --bonus 加分）：TARGET 为人员编号或窗口编号，ITEM 为考核方案中的项目代码。"""
    overseer(app, "录入考核扣分和加分")
    home = app.checked_home()
    scheme = home.scoring
    if scheme is None:
        raise DataError("缺少考核方案 catalog/scoring.yaml")
    code, kind, cover = _target_of(app, target)
    found = scheme.item(item)
    is_bonus = found is not None and a.category_of(scheme, item) == "bonus"
    if found is None:
        raise UsageError(f"ITEM：考核方案中没有项目 “{item}”（见 catalog/scoring.yaml）")
    if bonus != is_bonus:
        raise UsageError(
            f"ITEM：“{found.name}” {'是加分项目，须加 --bonus' if is_bonus else '是扣分项目，不能加 --bonus'}"
        )
    if found.year_end:
        raise DataError(f"“{found.name}” 由季度评优自动计入年终考核，不能手工录入")
    if points is not None and not is_bonus:
        raise UsageError("--points 只用于区间加分项目")
    try:
        each = a.bonus_points(scheme, item, points) if is_bonus else found.points
    except ValueError as e:
        raise UsageError(f"--points：{e}") from None
    when = _date(day) if day else app.business_day
    event: dict[str, object] = {"type": ENTRY, "target": code, "target_kind": kind, "item": item}
    event |= {"count": count, "day": when.isoformat(), "note": f"{cover}{note or ''}"}
    if points is not None:  # a chosen value within a range; fixed values are read from scoring.yaml when scored
        event["points"] = each
    if case_id:
        if app.case(case_id.strip().upper()) is None:
            raise UsageError(f"--case：没有案件 “{case_id}”")
        event["case_ref"] = case_id.strip().upper()
    written = record(app, [event])
    click.echo(f"已录入 {written[0]['id']}：{code} {found.name} {each * count:+g} 分（{when}）")


@score.command("cancel")
@click.argument("entry")
@click.option("--reason", type=TEXT, required=True, help="撤销理由。")
@pass_app
def cancel(app: App, entry: str, reason: str) -> None:
    """督查撤销一条录错的考核录入（原录入保留，另记撤销）。"""
    from svccli.store.office_events import office_events

    overseer(app, "撤销考核录入")
    events, _ = office_events(app.checked_home(), [ENTRY, CANCEL])
    if not any(e.get("id") == entry and e["type"] == ENTRY for e in events):
        raise UsageError(f"ENTRY：没有考核录入 “{entry}”（svc score QUARTER --explain TARGET 列出编号）")
    if any(e.get("entry") == entry for e in events):
        raise DataError(f"考核录入 {entry} 已撤销")
    record(app, [{"type": CANCEL, "entry": entry, "reason": reason}])
    click.echo(f"已撤销考核录入 {entry}")


def _target_of(app: App, target: str) -> tuple[str, str, str]:
    """(target, staff | window, note): a temporary cover's entry goes to the window covered."""
    from svccli.cli.duty_cmd import covers_of  # the registered covers, their read problems reported

    code = target.strip().upper()
    if code in app.home.roster.staff or code in app.home.roster.windows:
        return code, _target_kind(app, code), ""
    cover = covers_of(app).get(target.strip())
    if cover is not None and cover.window:
        return cover.window, "window", f"临时顶岗人员 {cover.name}（{cover.id}）："
    return code, _target_kind(app, code), ""


def _target_kind(app: App, target: str) -> str:
    code = target.strip().upper()
    roster = app.home.roster
    if code in roster.staff:
        return "staff"
    if code in roster.windows:
        return "window"
    raise UsageError(f"TARGET：“{target}” 不是名册中的人员编号、窗口编号或临时顶岗备案编号")


def _date(text: str) -> dt.date:
    moment = parse_moment(text, "--date")
    return moment.date() if isinstance(moment, dt.datetime) else moment


def grade_of(grades: dict, text: str) -> tuple[str, float, str]:
    """A grade by code or Chinese name -> (code, points, Chinese name)."""
    t = text.strip().lower().replace(" ", "_").replace("-", "_")
    for g in grades.values():
        if t in (g.code, g.name):
            return g.code, g.points, g.name
    names = "、".join(f"{g.code}（{g.name}）" for g in grades.values())
    raise UsageError(f"GRADE：“{text}” 不是评议等次；可用 {names}")


@click.group()
def rate() -> None:
    """群众评议、窗口互评和评议卡：等次折算为分数，计入季度综合得分。"""


@rate.command("public")
@click.argument("target")
@click.argument("grade")
@click.option("--quarter", "quarter", required=True, help="季度，如 2026Q4。")
@pass_app
def rate_public(app: App, target: str, grade: str, quarter: str) -> None:
    """群众评议（电话抽查等）：优秀 95、良好 90、合格 80、不合格 50。"""
    _rate(app, "public", target, grade, quarter)


@rate.command("peer")
@click.argument("target")
@click.argument("grade")
@click.option("--quarter", "quarter", required=True, help="季度，如 2026Q4。")
@pass_app
def rate_peer(app: App, target: str, grade: str, quarter: str) -> None:
    """窗口互评：好 95、较好 90、一般 80、差 50。"""
    _rate(app, "peer", target, grade, quarter)


def _rate(app: App, kind: str, target: str, grade: str, quarter: str) -> None:
    code = quarter_code(quarter, "--quarter")
    overseer(app, "录入评议结果")
    scheme = app.checked_home().scoring
    if scheme is None:
        raise DataError("缺少考核方案 catalog/scoring.yaml")
    g, points, name = grade_of(scheme.public_grades if kind == "public" else scheme.peer_grades, grade)
    who = target.strip().upper()
    event = {"type": RATING, "kind": kind, "target": who, "target_kind": _target_kind(app, who), "quarter": code}
    record(app, [{**event, "grade": g, "points": points}])
    click.echo(f"已记录 {who} {code} {'群众评议' if kind == 'public' else '窗口互评'}：{name}（{points:g} 分）")


@rate.command("case")
@click.argument("case_id", metavar="CASE")
@click.argument("grade")
@pass_app
def rate_case(app: App, case_id: str, grade: str) -> None:
    """录入窗口评议卡：办事群众对本案首办人员的评议，计入当季该人员及其窗口的群众评议平均分。"""
    scheme = app.checked_home().scoring
    if scheme is None:
        raise DataError("缺少考核方案 catalog/scoring.yaml")
    case = app.case(case_id.strip().upper())
    if case is None:
        raise UsageError(f"CASE：没有案件 “{case_id}”")
    rated = case.first_handler or case.first_contact
    if app.actor() == rated:
        raise DataError("评议卡不能由被评议人本人录入")
    g, points, name = grade_of(scheme.public_grades, grade)
    code = a.quarter_of(app.business_day)
    event = {"type": RATING, "kind": "case", "case_ref": case.id, "target": rated, "target_kind": "staff"}
    record(app, [{**event, "quarter": code, "grade": g, "points": points}])
    click.echo(f"已记录案件 {case.id} 评议卡：{app.home.roster.name(rated)} {name}（{points:g} 分，计入 {code}）")


@score.command("year")
@click.argument("year", type=click.IntRange(2000, 2100))
@output_options
@pass_app
def year(app: App, year: int, fmt: str, encoding: str) -> None:
    """年终考核：四个季度的综合得分、年终奖分（每获一次红旗窗口或服务标兵）、年度得分和等次，及年度处理。"""
    from svccli.store.assessment_data import year as year_of

    overseer(app, "查看年终考核")
    scheme, rows = year_of(app.checked_home(), year, lambda got: load_report(got))
    quarters = [f"{year}Q{q}" for q in range(1, 5)]
    shown = [view.year_row(scheme, r, quarters) for r in rows]
    if fmt == "json":
        for r in shown:
            for k in (
                "q1",
                "q2",
                "q3",
                "q4",
                "awards_text",
                "consequences_text",
                "grade_name",
                "year_bonus_text",
                "annual_text",
            ):
                r.pop(k)
    emit(shown, view.YEAR_COLUMNS, fmt, encoding, "没有考核对象")


def load_report(got) -> None:
    from svccli.cli.context import report

    report(got.problems)


COMMANDS = [score, rate]
