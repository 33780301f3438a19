"""`svc leave return` (销假: the cover reports what was done meanwhile), `svc leave list`, `svc leave slip`."""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, pass_app
from svccli.cli.duty_cmd import leaves_of, moment_of
from svccli.cli.leave_cmd import _find, _moment, _row, _slip
from svccli.cli.params import MONTH, STAFF, Text
from svccli.cli.recording import html_option, record
from svccli.core import leave as lv
from svccli.core.events import label
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options

# What the cover did while the person was away (001: B reports and hands the materials back).
ACTIVITY = {
    "intake": ("received", "收件"),
    "accept": ("received", "受理"),
    "receive": ("handover", "交接"),
    "handover": ("handover", "交接"),
    "return": ("handover", "交接"),
    "conclude": ("decision", "决定"),
    "refuse": ("decision", "决定"),
    "refer": ("decision", "决定"),
}
ACTIVITY_COLUMNS = [
    ("category_name", "类别"),
    ("time", "时间"),
    ("case", "案件编号"),
    ("action", "操作"),
    ("by_name", "顶岗人员"),
]
LEAVE_COLUMNS = [
    ("id", "请假编号"),
    ("staff_name", "请假人"),
    ("kind_name", "类别"),
    ("from", "开始"),
    ("to", "结束"),
    ("days", "天数"),
    ("level_name", "审批"),
    ("status_name", "状态"),
    ("substitute_name", "顶岗人员"),
    ("handover_text", "A岗交接"),
]


def covers_for(app: App, leave: lv.Leave) -> set[str]:
    """Who covered: the B holders the handovers named, those on duty at the start, the substitute."""
    roster = app.home.roster
    gone = frozenset(lv.away(leaves_of(app).values(), leave.start, leave.start + dt.timedelta(minutes=1))) | {
        leave.staff
    }
    found = {t for _, t in leave.handovers if t}
    found |= {roster.on_duty(p.code, gone) or "" for p in roster.posts.values() if p.a == leave.staff}
    if leave.substitute in roster.staff:
        found.add(leave.substitute)
    return found - {""}


def activity(app: App, who: set[str], start: dt.datetime, end: dt.datetime) -> list[dict]:
    from svccli.cli.context import report

    lines, problems = app.checked_home().log.read()
    report(problems)
    roster, tz, rows = app.home.roster, app.tz, []
    for ln in lines:
        e = ln.event
        if e.get("type") not in ACTIVITY or e.get("by") not in who:
            continue
        at = dt.datetime.fromisoformat(e["ts"]).astimezone(tz).replace(tzinfo=None)
        if start <= at < end:
            category, name = ACTIVITY[e["type"]]
            rows.append(
                {
                    "category": category,
                    "category_name": name,
                    "time": at.strftime("%Y-%m-%d %H:%M"),
                    "case": e.get("case", ""),
                    "type": e["type"],
                    "action": label(e["type"]),
                    "by": e["by"],
                    "by_name": roster.name(e["by"]),
                }
            )
    return sorted(rows, key=lambda r: (r["time"], r["case"]))


@click.command("return")
@click.argument("leave_id", metavar="ID")
@click.option("--at", "at", type=Text(20), help="返岗时间 YYYY-MM-DDTHH:MM（默认：现在）；早于请假结束时间即提前销假。")
@output_options
@pass_app
def return_cmd(app: App, leave_id: str, at, fmt: str, encoding: str) -> None:
    """销假：请假人返岗，列出顶岗人员在此期间收件、交接和作出决定的案件，以便交回材料。"""
    app.writing = True
    found = _find(app, leave_id)
    if found.status != "approved":
        raise DataError(f"请假 {found.id} {lv.STATUS[found.status]}，不能销假")
    back = _moment(app, at, "--at", False) if at else moment_of(app)
    if back < found.start:
        raise DataError(f"返岗时间早于请假开始（{lv.local_text(found.start)}），不能销假")
    record(app, [{"type": "leave-return", "leave": found.id, "at": lv.local_text(back)}])
    until = min(back, found.end)
    rows = activity(app, covers_for(app, found), found.start, until)
    early = "（提前销假）" if back < found.end else ""
    click.echo(f"请假 {found.id} 已于 {back:%Y-%m-%d %H:%M} 销假{early}；顶岗期间办理 {len(rows)} 项：", err=True)
    emit(rows, ACTIVITY_COLUMNS, fmt, encoding, empty="顶岗期间没有收件、交接或决定")


@click.command("list")
@click.option("--staff", type=STAFF, help="只列出该人员的请假。")
@click.option("--open", "only_open", is_flag=True, help="只列出待审批和尚未销假的请假。")
@click.option("--month", type=MONTH, help="只列出与该月（YYYY-MM）有交叠的请假。")
@output_options
@pass_app
def leave_list(app: App, staff, only_open: bool, month, fmt: str, encoding: str) -> None:
    """请假记录。"""
    if staff and staff not in app.checked_home().roster.staff:
        raise UsageError(f"--staff：人员编号 “{staff}” 不在名册中")
    span = None
    if month:
        first = dt.datetime.fromisoformat(month + "-01")  # checked by params.MONTH
        span = (first, (first + dt.timedelta(days=32)).replace(day=1))
    rows = []
    for found in sorted(leaves_of(app).values(), key=lambda x: (x.start, x.id)):
        if staff and found.staff != staff:
            continue
        if only_open and found.status not in ("requested", "approved"):
            continue
        if span and not (found.start < span[1] and span[0] < found.until):
            continue
        rows.append(_row(app, found))
    emit(rows, LEAVE_COLUMNS, fmt, encoding, empty="没有符合条件的请假")


@click.command("slip")
@click.argument("leave_id", metavar="ID")
@html_option
@pass_app
def slip(app: App, leave_id: str, html) -> None:
    """重新打印请假单（含已签署的意见）。"""
    _slip(app, _find(app, leave_id), html)
