"""Who is at each post (A、B岗): `svc duty`, and what the other commands share to know who is away —
the leaves and temporary covers read from the office events, the moment a command acts at, the
unattended posts that the daily check (`svc overdue`) lists."""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, parse_moment, pass_app, report
from svccli.cli.params import Text
from svccli.core.cover import COVER_TYPES, Cover, fold_covers
from svccli.core.duty import Duty, away_staff, duty_of
from svccli.core.leave import LEAVE_TYPES, Leave, fold_leaves
from svccli.core.workhours import HALVES, Hours
from svccli.errors import Found, UsageError
from svccli.render.output import emit, output_options

DUTY_COLUMNS = [
    ("window", "窗口"),
    ("post", "岗位"),
    ("post_name", "岗位名称"),
    ("half_name", "时段"),
    ("on_duty_name", "在岗人员"),
    ("role_name", "岗别"),
    ("why", "原因"),
]
ROLE_NAMES = {"A": "A岗", "temporary": "临时顶岗", "": "无人在岗"}


def leaves_of(app: App) -> dict[str, Leave]:
    """Every leave, folded from the office events (problems reported as any read is)."""
    from svccli.store.office_events import office_events

    events, problems = office_events(app.checked_home(), LEAVE_TYPES)
    report(problems)
    return fold_leaves(events)


def covers_of(app: App) -> dict[str, Cover]:
    from svccli.store.office_events import office_events

    events, problems = office_events(app.checked_home(), COVER_TYPES)
    report(problems)
    return fold_covers(events)


def hours_of(app: App) -> Hours:
    return Hours.of(app.home.catalog.office.hours)


def _given(app: App) -> dt.datetime | dt.date:
    """What the command acts at: --today's moment when it has a time; now on the business day
    itself; another business day (--today without a time) as a whole day."""
    now = app.now.replace(tzinfo=None, second=0)
    if app.today_option:
        given = parse_moment(app.today_option, "--today")
        if isinstance(given, dt.datetime):
            return given.replace(tzinfo=None, second=0, microsecond=0)
    return now if app.business_day == now.date() else app.business_day


def moment_of(app: App) -> dt.datetime:
    """The local moment a command acts at (a whole day given: the start of its office hours)."""
    given = _given(app)
    return given if isinstance(given, dt.datetime) else hours_of(app).span(given, "morning")[0]


def away_now(app: App) -> frozenset[str]:
    """The staff on granted leave at the moment the command acts: routing passes them over."""
    moment = moment_of(app)
    return away_staff(leaves_of(app).values(), moment, moment + dt.timedelta(minutes=1))


def periods(app: App, date: str | None) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """The half days asked about: the half day of a moment (--date with a time, or now), or both
    half days of a date (--date without one, or a business day other than today)."""
    hours = hours_of(app)
    moment = parse_moment(date, "--date") if date else _given(app)
    if isinstance(moment, dt.datetime):
        half = hours.half_of(moment.replace(tzinfo=None))
        return [(half, *hours.span(moment.date(), half))]
    return [(half, *hours.span(moment, half)) for half in HALVES]


def duties(app: App, spans, window: str | None = None, post: str | None = None) -> list[tuple[str, dt.date, Duty]]:
    """(half day, date, Duty) for every post asked about in every half day given."""
    roster = app.checked_home().roster
    leaves, covers = leaves_of(app).values(), covers_of(app).values()
    found = []
    for half, start, end in spans:
        for p in roster.posts.values():
            if (window and p.window != window) or (post and p.code != post):
                continue
            found.append((half, start.date(), duty_of(roster, p, start, end, leaves, covers)))
    return found


def _row(half: str, day: dt.date, d: Duty) -> dict:
    return {
        **d.row(),
        "date": day.isoformat(),
        "half": half,
        "half_name": HALVES[half],
        "role_name": ROLE_NAMES.get(d.role, f"{d.role}岗"),
        "cover": d.cover,
    } | ({"on_duty_name": "（无人在岗）"} if d.unattended else {})


def working(app: App, day: dt.date) -> bool:
    from svccli.core.calendar import CalendarError

    try:
        return app.home.calendar.is_workday(day)
    except CalendarError:
        return day.weekday() < 5


@click.command()
@click.option(
    "--date",
    "date",
    type=Text(20),
    help="日期 YYYY-MM-DD（上午、下午各列一次）或时刻 YYYY-MM-DDTHH:MM（该半天）；默认当前时刻。",
)
@click.option("--window", type=Text(20), help="只列出该窗口的岗位。")
@click.option("--post", type=Text(20), help="只列出该岗位。")
@output_options
@pass_app
# Rule (docs/rules.md): A、B岗, the first B holder present covers.
def duty(app: App, date, window, post, fmt: str, encoding: str) -> None:
    """各岗位在岗人员：A 岗在岗由 A 岗值守；A 岗请假时由登记的临时顶岗人员或按顺序第一位在岗的 B 岗顶岗。

    有岗位无人在岗时列出并退出 3（与超期检查相同，供 cron 使用）。非工作日不排岗。
    """
    roster = app.checked_home().roster
    if window and window not in roster.windows:
        raise UsageError(f"--window：没有窗口 “{window}”（可选：{'、'.join(roster.windows)}）")
    if post and post not in roster.posts:
        raise UsageError(f"--post：没有岗位 “{post}”（可选：{'、'.join(roster.posts)}）")
    spans = [s for s in periods(app, date) if working(app, s[1].date())]
    if not spans:
        click.echo("该日不是工作日，不排岗", err=True)
    rows = [_row(*found) for found in duties(app, spans, window, post)]
    emit(rows, DUTY_COLUMNS, fmt, encoding, empty="没有符合条件的岗位")
    if any(r["unattended"] for r in rows):
        raise Found()


def unattended_rows(app: App) -> list[dict]:
    """The overdue check's rows (kind `unattended`) for each post nobody holds in a half day of the
    business day, shaped as its case rows so that every listing format keeps its fields."""
    day = app.today
    if not working(app, day):
        return []
    hours = hours_of(app)
    spans = [(half, *hours.span(day, half)) for half in HALVES]
    rows = []
    for half, date, d in duties(app, spans):
        if not d.unattended:
            continue
        rows.append(
            {
                "kind": "unattended",
                "kind_name": "岗位无人在岗",
                "case": "",
                "service": d.post,
                "service_name": d.post_name,
                "department": app.home.roster.windows[d.window].name
                if d.window in app.home.roster.windows
                else d.window,
                "applicant": "",
                "phone": "",
                "holder": "",
                "holder_name": "（无人在岗）",
                "first_handler": "",
                "first_handler_name": "",
                "accepted": "",
                "due": "",
                "date": date.isoformat(),
                "provisional": False,
                "days_late": 0,
                "unit": "working_days",
                "late_text": f"{HALVES[half]}{d.post_name}无人在岗：{d.why}",
                "detail": d.why,
                "post": d.post,
                "window": d.window,
                "half": half,
            }
        )
    return rows


COMMANDS = [duty]
