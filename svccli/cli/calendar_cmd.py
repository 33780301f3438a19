"""`svc calendar due|workdays|show`: working-day arithmetic on the official calendar."""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, pass_app
from svccli.core.calendar import CalendarError
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options

WEEKDAYS = "一二三四五六日"
KIND_NAMES = {"workday": "工作日", "weekend": "周末", "holiday": "节假日", "adjusted": "调休上班"}


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} “{text}” 不是有效日期（YYYY-MM-DD）") from None


def _mark(app: App, *days: dt.date) -> str:
    return "（临时：该年无节假日日历，按周末推算）" if app.home.calendar.any_provisional(*days) else ""


@click.group()
def calendar() -> None:
    """节假日日历与工作日计算。"""


@calendar.command()
@click.argument("start", metavar="DATE")
@click.argument("days", metavar="N", type=click.IntRange(0, 3650))
@pass_app
def due(app: App, start: str, days: int) -> None:
    """DATE 受理、时限 N 个工作日的到期日（受理当日不计）。"""
    cal = app.checked_home().calendar
    day = _date(start, "DATE")
    try:
        end = cal.add_workdays(day, days)
    except CalendarError as e:
        raise DataError(str(e)) from None
    click.echo(f"{end.isoformat()}（周{WEEKDAYS[end.weekday()]}）{_mark(app, day, end)}")


@calendar.command()
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@pass_app
def workdays(app: App, start: str, end: str) -> None:
    """FROM 之后到 TO（含）之间的工作日数。"""
    cal = app.checked_home().calendar
    first, last = _date(start, "FROM"), _date(end, "TO")
    try:
        n = cal.workdays_between(first, last)
    except CalendarError as e:
        raise DataError(str(e)) from None
    click.echo(f"{n}{_mark(app, first, last)}")


@calendar.command()
@click.argument("year", type=click.IntRange(1900, 2200))
@click.option("--all", "all_days", is_flag=True, help="列出全年每一天（默认只列假日和调休上班日）。")
@output_options
@pass_app
def show(app: App, year: int, all_days: bool, fmt: str, encoding: str) -> None:
    """显示一年的节假日安排与工作日数。"""
    cal = app.checked_home().calendar
    if year not in cal.years:
        raise DataError(f"没有 {year} 年的节假日日历文件 catalog/calendar/{year}.yaml"
                        + ("（该年的日期按周末推算，标为临时）" if cal.first_year and year > cal.first_year else ""))
    rows, total = [], 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = cal.info(day)
        total += info.working
        if all_days or info.kind in ("holiday", "adjusted"):
            rows.append({"date": day.isoformat(), "weekday": f"周{WEEKDAYS[day.weekday()]}",
                         "kind": info.kind, "kind_name": KIND_NAMES[info.kind], "working": info.working,
                         "holiday": info.holiday})
        day += dt.timedelta(days=1)
    if fmt == "table":
        notice = cal.years[year]
        click.echo(f"{year} 年：{notice.notice}" + (f"（{notice.published} 发布）" if notice.published else ""))
        click.echo(f"全年工作日 {total} 天")
    emit(rows, [("date", "日期"), ("weekday", "星期"), ("kind_name", "类别"), ("holiday", "节日")], fmt, encoding)


COMMANDS = [calendar]
