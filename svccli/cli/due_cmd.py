"""`svc due`: a case's due date, and (--explain) the day-by-day count behind it."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.cli.recording import find_case, html_option, service_of, write_page
from svccli.core.calendar import CalendarError
from svccli.core.deadlines import PAUSE_REASONS, days_between, due
from svccli.core.describe import days_text
from svccli.errors import DataError
from svccli.render.output import emit

WEEKDAYS = "一二三四五六日"


@click.command("due")
@click.argument("case_id", metavar="CASE")
@click.option(
    "--explain", is_flag=True, help="逐日列出从收件到期限（及今天）的每一天：计入、周末、节假日、调休、暂停、延期。"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="--explain 的输出格式。",
)
@click.option(
    "--encoding",
    type=click.Choice(["utf-8-sig", "gb18030"]),
    default="utf-8-sig",
    show_default=True,
    help="--explain 以 CSV 输出时的编码。",
)
@html_option
@pass_app
def due_cmd(app: App, case_id: str, explain: bool, fmt: str, encoding: str, html) -> None:
    """案件的办结期限及其计算过程（受理、暂停、延期）。"""
    if explain or html:
        return explaincase_due(app, case_id, fmt, encoding, html)
    case, item, d = _accepted_casecase_due(app, case_id)
    home = app.home
    from svccli.render.case_text import standing

    now = standing(case, d, home.calendar, app.today)  # in the daily check's words: 还剩 2 个工作日, 今日到期 …
    lines = [
        f"案件 {case.id} 办结期限：{d.due}（周{WEEKDAYS[d.due.weekday()]}）"
        + ("（临时：涉及尚无节假日日历的年份）" if d.provisional else "")
        + (f"　{now}" if now else ""),
        f"  时限：承诺 {days_text(d.limit, d.unit)}（法定 {days_text(item.statutory_limit, d.unit)}）",
        f"  起算：{case.accepted_on} 受理；自 {case.clock_from} 的次日起计算",
    ]
    for p in case.pauses:
        end = p.end or app.today
        n = max(0, days_between(home.calendar, p.start, end, d.unit))
        lines.append(
            f"  暂停：{p.start}～{end if p.end else str(end) + '（仍在暂停）'} {PAUSE_REASONS.get(p.reason, p.reason)}，"
            f"不计 {days_text(n, d.unit)}"
        )
    for e in case.extensions:
        lines.append(f"  延期：+{days_text(e.days, d.unit)}（{e.reason}，{e.on} 记录{'，告知迟延' if e.late else ''}）")
    lines.append(f"  合计：{case.clock_from} 之后第 {days_text(d.limit + d.paused + d.extended, d.unit)}")
    if not d.running:
        lines.append("  目前暂停计时，期限随暂停顺延")
    click.echo("\n".join(lines))


def _accepted_casecase_due(app: App, case_id: str):
    """The case, its item and its due date; refused before acceptance."""
    _, case = find_case(app, case_id)
    item = service_of(app, case)
    try:
        d = due(case, item, app.home.catalog.office.rules, app.home.calendar, app.today)
    except CalendarError as e:
        raise DataError(str(e)) from None
    if d is None:
        raise DataError(f"案件 {case.id} 尚未受理（{case.status_name}），办结期限从受理次日起算")
    return case, item, d


LEDGER_COLUMNS = [("date", "日期"), ("weekday", "星期"), ("mark_name", "标记"), ("count", "已计天数"), ("note", "说明")]


def explaincase_due(app: App, case_id: str, fmt: str, encoding: str, html) -> None:
    """The day-by-day ledger; its due date is `due()`'s (a test holds them equal)."""
    from svccli.core.explain import MARKS, ledger
    from svccli.render.documents import render
    from svccli.render.views import case_view

    case, item, d = _accepted_casecase_due(app, case_id)
    home = app.home
    rules = home.catalog.office.rules
    days = ledger(case, item, rules, home.calendar, app.today)
    rows = [
        {
            "date": x.day.isoformat(),
            "weekday": f"周{WEEKDAYS[x.day.weekday()]}",
            "mark": x.mark,
            "mark_name": MARKS[x.mark] + ("（到期日）" if x.due else "") + ("（临时）" if x.provisional else ""),
            "count": x.count,
            "note": x.note,  # a holiday's name or a pause's cause, in Chinese (core/explain.py)
            "provisional": x.provisional,
            "due": x.due,
        }
        for x in days
    ]
    years = sorted({x.day.year for x in days})
    notices = [
        f"{y} 年：{home.calendar.years[y].notice}"
        if y in home.calendar.years
        else f"{y} 年：无节假日日历文件，按周末推算（临时）"
        for y in years
    ]
    clock = "补齐材料次日起算" if rules.clock_start_after_supplement == "next_day" else "补齐材料当日起算"
    unit = "工作日" if d.unit == "working_days" else "自然日"
    head = [
        f"案件 {case.id}　{item.name}　办结期限 {d.due}" + ("（临时）" if d.provisional else ""),
        f"规则：受理次日起算（补正后：{clock}）；时限单位：{unit}；承诺时限 {d.limit}，暂停不计 {d.paused}，延期 {d.extended}",
        "日历依据：" + "；".join(notices),
    ]
    if html is not None:
        view = case_view(case, home.catalog, home.roster, home.calendar, app.today)
        view.update(ledger=rows, rules_text=head[1], notices=notices)
        write_page(app, html, render("due_explain.html.j2", view, home.path), "逐日计算表")
    if fmt == "table":
        click.echo("\n".join(head))
    emit(rows, LEDGER_COLUMNS, fmt, encoding)


COMMANDS = [due_cmd]
