"""`svc absence` (去向告知: a permitted short absence) and `svc patrol` (a patrol finding a post
empty), the two records attendance and the assessment read besides the clocking machine's punches.

A patrol's empty post is charged to the post's first holder (A, then the B holders in order) who
is not covered at that moment by approved leave or a permitted absence; when all of them are, the
finding is recorded as excused and charged to nobody (store/attendance.py checks it again when
the findings are read, so a leave approved afterwards still excuses it).
"""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.attendance_cmd import staff_of
from svccli.cli.context import App, parse_moment, pass_app, report, warn
from svccli.cli.params import Text
from svccli.cli.recording import record, say
from svccli.core.attendance import AWAY_LIMIT, minutes
from svccli.errors import DataError, UsageError

COMMANDS: list[click.Command] = []


def moment(text: str, what: str) -> dt.datetime:
    value = parse_moment(text, what)
    if not isinstance(value, dt.datetime):
        raise UsageError(f"{what} 的值 “{text}” 须含时间（YYYY-MM-DDTHH:MM）")
    return value.replace(tzinfo=None, second=0, microsecond=0)


def post_of(app: App, code: str) -> str:
    posts = app.home.roster.posts
    if code not in posts:
        raise UsageError(f"--post：没有岗位 “{code}”（岗位编码见 roster.yaml 的 posts）")
    return code


@click.command("absence")
@click.argument("staff")
@click.option("--from", "start", required=True, metavar="DATETIME", help="离岗时间（YYYY-MM-DDTHH:MM）。")
@click.option("--to", "end", required=True, metavar="DATETIME", help="预计返回时间（YYYY-MM-DDTHH:MM）。")
@click.option("--reason", required=True, type=Text(), help="外出事由和去向。")
@click.option("--post", "post", required=True, metavar="POST", help="离开的岗位编码。")
@pass_app
def absence(app: App, staff: str, start: str, end: str, reason: str, post: str) -> None:
    """登记工作时间内经许可的短时外出（去向告知）；超过一小时须请假，否则按旷工计。"""
    who = staff_of(app, staff, "STAFF")
    a, b = moment(start, "--from"), moment(end, "--to")
    if b <= a:
        raise UsageError("--to 须晚于 --from")
    if a.date() != b.date():
        raise UsageError("外出告知只用于当天的短时外出；跨天请用 svc leave request 请假")
    code = post_of(app, post)
    record(
        app,
        [{"type": "absence", "staff": who, "from": a.isoformat(), "to": b.isoformat(), "post": code, "reason": reason}],
    )
    gone = minutes(a, b)
    say(app, f"已登记外出告知：{app.home.roster.name(who)} {a:%Y-%m-%d %H:%M}～{b:%H:%M}（{gone} 分钟）")
    if gone > AWAY_LIMIT:
        warn(f"外出 {gone} 分钟，超过一小时：须经审批请假（svc leave request），否则考勤按旷工计")


COMMANDS.append(absence)


@click.command("patrol")
@click.option("--post", "post", required=True, metavar="POST", help="巡查发现空岗的岗位编码。")
@click.option("--at", "at", required=True, metavar="DATETIME", help="巡查时间（YYYY-MM-DDTHH:MM）。")
@click.option("--note", type=Text(), help="巡查情况说明。")
@pass_app
def patrol(app: App, post: str, at: str, note: str | None) -> None:
    """登记巡查发现的空岗：岗位上无人且无请假、外出告知的，记空岗（计入考核）。"""
    from svccli.store import attendance as store

    home = app.checked_home()
    actor = home.roster.staff[app.actor()]
    if not actor.oversees:
        raise DataError(f"{actor.name} 不是督查人员或中心领导，不能登记巡查结果")
    code, when = post_of(app, post), moment(at, "--at")
    if not _in_office_hours(home, when):
        raise DataError(f"{when:%Y-%m-%d %H:%M} 不在上班时间内，不记空岗")
    app.writing = True
    m = store.material(home)
    report(m.problems)
    charged, excused = "", []
    for holder in home.roster.posts[code].holders:
        cover = store.covering(m, holder, when)
        if cover is None:
            charged = holder
            break
        excused.append(f"{home.roster.name(holder)}：{cover.what or '外出告知'}")
    event = {"type": "patrol", "post": code, "at": when.isoformat(), "note": note or "", "staff": charged}
    record(app, [{**event, "excused": "；".join(excused)}])
    name = home.roster.posts[code].name
    if charged:
        say(app, f"已登记空岗：{when:%Y-%m-%d %H:%M} {name}，记 {home.roster.name(charged)} 空岗一次")
    else:
        say(app, f"已登记巡查：{when:%Y-%m-%d %H:%M} {name}无人在岗，岗位人员均已请假或外出告知，不记空岗")


COMMANDS.append(patrol)


def _in_office_hours(home, when: dt.datetime) -> bool:
    from svccli.core.attendance import half_span
    from svccli.core.workhours import Hours
    from svccli.store.attendance import working_days

    if not working_days(home, when.date(), when.date(), [(when.date(), when.date())]):
        return False
    hours = Hours.of(home.catalog.office.hours)
    return any(a <= when < b for a, b in (half_span(hours, when.date(), h) for h in ("am", "pm")))
