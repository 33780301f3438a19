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
        raise DataError(
            f"没有 {year} 年的节假日日历文件 catalog/calendar/{year}.yaml"
            + ("（该年的日期按周末推算，标为临时）" if cal.first_year and year > cal.first_year else "")
        )
    rows, total = [], 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = cal.info(day)
        total += info.working
        if all_days or info.kind in ("holiday", "adjusted"):
            rows.append(
                {
                    "date": day.isoformat(),
                    "weekday": f"周{WEEKDAYS[day.weekday()]}",
                    "kind": info.kind,
                    "kind_name": KIND_NAMES[info.kind],
                    "working": info.working,
                    "holiday": info.holiday,
                }
            )
        day += dt.timedelta(days=1)
    if fmt == "table":
        notice = cal.years[year]
        click.echo(f"{year} 年：{notice.notice}" + (f"（{notice.published} 发布）" if notice.published else ""))
        click.echo(f"全年工作日 {total} 天")
    emit(rows, [("date", "日期"), ("weekday", "星期"), ("kind_name", "类别"), ("holiday", "节日")], fmt, encoding)


COMMANDS = [calendar]


IMPACT_COLUMNS = [
    ("case", "案件编号"),
    ("service", "事项"),
    ("holder_name", "持有人"),
    ("old_due", "原期限"),
    ("new_due", "新期限"),
    ("old_warning", "原预警日"),
    ("new_warning", "新预警日"),
]


@calendar.command()
@click.option(
    "--against",
    "rev",
    default="HEAD",
    show_default=True,
    metavar="GITREV",
    help="与该 git 版本中的日历比较（默认：已提交的日历）。",
)
@output_options
@pass_app
def impact(app: App, rev: str, fmt: str, encoding: str) -> None:
    """日历文件修改后，列出办结期限或预警日因此变动的每一件在办案件（旧 → 新）。

    无变动退出 0；有变动退出 3。
    """
    from svccli.core.deadlines import due, warning_date
    from svccli.errors import Found

    folded = app.records("open")
    home = app.home
    old_calendar = _calendar_at(home.path, rev)
    rules = home.catalog.office.rules
    rows = []
    for case in sorted(folded.cases.values(), key=lambda c: c.id):
        item = home.catalog.item(case.service)
        if not item or case.status not in ("accepted", "suspended", "concluded"):
            continue
        try:
            old = due(case, item, rules, old_calendar, app.today)
            new = due(case, item, rules, home.calendar, app.today)
        except CalendarError as e:
            raise DataError(str(e)) from None
        if old is None or new is None:  # not accepted yet: no due date under either calendar
            continue
        old_w = warning_date(old, old_calendar, rules.warning_days)
        new_w = warning_date(new, home.calendar, rules.warning_days)
        if (old.due, old_w) != (new.due, new_w):
            rows.append(
                {
                    "case": case.id,
                    "service": item.code,
                    "holder": case.holder,
                    "holder_name": home.roster.name(case.holder),
                    "old_due": old.due.isoformat(),
                    "new_due": new.due.isoformat(),
                    "old_warning": old_w.isoformat(),
                    "new_warning": new_w.isoformat(),
                }
            )
    emit(rows, IMPACT_COLUMNS, fmt, encoding)
    if rows:
        raise Found()


def _calendar_at(home, rev: str):
    """The calendar files as committed at `rev`, loaded through the same loader."""
    import subprocess
    import tempfile
    from pathlib import Path

    from svccli.store.catalog_files import load_calendar

    def git(*args: str) -> bytes:
        try:
            done = subprocess.run(["git", "-C", str(home), *args], capture_output=True, check=False)
        except OSError as e:
            raise DataError(f"无法运行 git：{e.strerror}") from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(f"--against {rev}：{said[-1] if said else 'git 出错'}")
        return done.stdout

    names = git("ls-tree", "--name-only", rev, "catalog/calendar/").decode().split()  # relative to the home
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "catalog" / "calendar"
        folder.mkdir(parents=True)
        for name in names:
            if name.endswith(".yaml"):
                (folder / Path(name).name).write_bytes(git("show", f"{rev}:./{name}"))
        problems: list = []
        calendar = load_calendar(Path(tmp), problems)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise DataError(f"{rev} 版本的日历文件有错误：{errors[0]}")
    return calendar
