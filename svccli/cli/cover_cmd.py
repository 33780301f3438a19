"""Temporary cover from outside the roster (临时顶岗): `svc cover add|end|list`."""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, pass_app
from svccli.cli.duty_cmd import covers_of, moment_of
from svccli.cli.leave_cmd import _moment
from svccli.cli.params import STAFF, Text
from svccli.cli.recording import next_number, record
from svccli.core import cover as cv
from svccli.core.leave import local_text
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options

COVER_COLUMNS = [
    ("id", "备案编号"),
    ("name", "顶岗人员"),
    ("unit", "派出单位"),
    ("post", "岗位"),
    ("window_name", "窗口"),
    ("from", "开始"),
    ("to", "结束"),
    ("working_days", "工作日"),
    ("sign_in_name", "考勤方式"),
    ("approved_by_name", "批准人"),
    ("status_name", "状态"),
]


@click.group()
def cover() -> None:
    """名册外人员临时顶岗：备案、注销备案和列表。"""


def _working_days(app: App, start: dt.date, end: dt.date) -> int:
    from svccli.core.calendar import CalendarError

    try:
        return app.home.calendar.workdays_between(start - dt.timedelta(days=1), end)
    except CalendarError as e:
        raise DataError(str(e)) from None


@cover.command("add")
@click.argument("name", type=Text(40))
@click.option("--post", required=True, type=Text(20), help="顶岗的岗位编码。")
@click.option("--from", "start", required=True, type=Text(20), help="开始 YYYY-MM-DD[THH:MM]。")
@click.option("--to", "end", required=True, type=Text(20), help="结束 YYYY-MM-DD[THH:MM]（最长一个月）。")
@click.option("--unit", required=True, type=Text(80), help="派出单位。")
@click.option(
    "--approved-by", "approved_by", required=True, type=STAFF, help="同意顶岗的中心领导或督查人员（人员编号）。"
)
@pass_app
# Rule (docs/rules.md): temporary cover at most one month; manual sign-in up to a week, fingerprints beyond.
def add(app: App, name: str, post: str, start: str, end: str, unit: str, approved_by: str) -> None:
    """临时顶岗备案（在督查科登记）：最长一个月；一周（5 个工作日）以内每日 4 次手工签到、签退，超过一周录指纹考勤。

    顶岗人员违纪违规的，扣所在窗口的考核分。
    """
    app.writing = True
    roster = app.checked_home().roster
    if post not in roster.posts:
        raise UsageError(f"--post：没有岗位 “{post}”（可选：{'、'.join(roster.posts)}）")
    approver = roster.staff.get(approved_by)
    if approver is None:
        raise UsageError(f"--approved-by：人员编号 “{approved_by}” 不在名册中")
    if not approver.oversees:
        raise DataError(f"{approver.name}不是中心领导或督查人员，不能批准临时顶岗")
    first, last = _moment(app, start, "--from", False), _moment(app, end, "--to", True)
    if last <= first:
        raise UsageError("--to：结束时间须晚于开始时间")
    if cv.too_long(first.date(), last.date()):
        raise DataError(
            f"临时顶岗最长一个月（至 {cv.one_month_after(first.date()).isoformat()}），"
            f"所请至 {last.date().isoformat()} 超过期限，不予备案"
        )
    days = _working_days(app, first.date(), last.date())
    event: dict = {
        "type": "cover",
        "name": name,
        "post": post,
        "window": roster.posts[post].window,  # the cover's violations are charged to this window
        "unit": unit,
        "from": local_text(first),
        "to": local_text(last),
        "approved_by": approved_by,
        "sign_in": cv.sign_in(days),
        "working_days": days,
    }
    written = record(app, lambda _case: [{**event, "cover": next_number(app, "DG", "cover")}])
    click.echo(
        f"已备案临时顶岗 {written[0]['cover']}：{name}顶 {roster.posts[post].name}，{days} 个工作日，"
        f"{cv.SIGN_IN[event['sign_in']]}",
        err=True,
    )


@cover.command("end")
@click.argument("cover_id", metavar="ID")
@click.option("--at", "at", type=Text(20), help="结束时间（默认：现在）。")
@pass_app
def end_cmd(app: App, cover_id: str, at) -> None:
    """注销临时顶岗备案（原窗口工作人员返岗后，顶岗人员不得继续留岗）。"""
    app.writing = True
    found = covers_of(app).get(cover_id.strip())
    if found is None:
        raise DataError(f"没有临时顶岗备案 {cover_id}")
    if found.ended is not None:
        raise DataError(f"临时顶岗备案 {found.id} 已于 {local_text(found.ended)} 注销")
    when = _moment(app, at, "--at", False) if at else moment_of(app)
    record(app, [{"type": "cover-end", "cover": found.id, "at": local_text(when)}])
    click.echo(f"已注销临时顶岗备案 {found.id}（{found.name}）", err=True)


@cover.command("list")
@click.option("--open", "only_open", is_flag=True, help="只列出尚未结束的备案。")
@output_options
@pass_app
def cover_list(app: App, only_open: bool, fmt: str, encoding: str) -> None:
    """临时顶岗备案。"""
    roster, now = app.checked_home().roster, moment_of(app)
    rows = []
    for c in sorted(covers_of(app).values(), key=lambda c: (c.start, c.id)):
        running = c.ended is None and now < c.end
        if only_open and not running:
            continue
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "unit": c.unit,
                "post": c.post,
                "window": c.window,
                "window_name": roster.windows[c.window].name if c.window in roster.windows else c.window,
                "from": local_text(c.start),
                "to": local_text(c.end),
                "ended": local_text(c.ended) if c.ended else "",
                "working_days": c.working_days,
                "sign_in": c.sign_in,
                "sign_in_name": cv.SIGN_IN.get(c.sign_in, c.sign_in),
                "approved_by": c.approved_by,
                "approved_by_name": roster.name(c.approved_by),
                "status": "open" if running else "ended",
                "status_name": "在岗" if running else ("已注销" if c.ended else "已到期，未注销"),
            }
        )
    emit(rows, COVER_COLUMNS, fmt, encoding, empty="没有临时顶岗备案")


COMMANDS = [cover]
