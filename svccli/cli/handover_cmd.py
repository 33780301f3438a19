"""Custody (issue 5): handover slips between the window and the lead section (项目收件交接单, seed 003
工作流程 四: the section collects the same working day; 八: the result goes back to the window),
their receipt, and `svc holders`: who holds what. The section's steps are in section_cmd.py.
"""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.cli.duty_cmd import away_now, leaves_of, moment_of
from svccli.cli.params import MATERIAL, TEXT, Text
from svccli.cli.recording import find_case, html_option, print_document, record, require, service_of
from svccli.core.cases import Case, effective_day
from svccli.core.deadlines import due, part_due, receive_by
from svccli.errors import DataError, Found, UsageError
from svccli.render.output import emit, output_options

MOVABLE = ("accepted", "suspended", "concluded")  # a case closed for good (办结送达, 终止) is not handed over
WORKING = ("accepted", "suspended")


def not_in_transit(case: Case, action: str) -> None:
    """Nobody holds a case between a handover and its receipt: nothing is done to it meanwhile."""
    moving = case.in_transit
    if moving:
        raise DataError(
            f"案件 {case.id} 已于 {moving['ts'][:16].replace('T', ' ')} 移交 {moving.get('to_name', '')}，"
            f"尚未接收，不能{action}（接收方先运行 svc receive {case.id}）"
        )


def _materials(case: Case, item, given) -> list[dict]:
    """The materials on the slip: those given (CODE:COPIES), or everything received."""
    if not given:
        return [{"code": c, "copies": n} for c, n in case.received.items()]
    listed: dict[str, int] = {}
    for code, copies in given:
        code = code.upper()
        if item.material(code) is None:
            raise UsageError(f"--material：事项 {item.code} 没有材料 “{code}”")
        listed[code] = listed.get(code, 0) + copies
        if listed[code] > case.received.get(code, 0):
            raise DataError(f"材料 {code} 只收到 {case.received.get(code, 0)} 份，不能移交 {listed[code]} 份")
    return [{"code": c, "copies": n} for c, n in listed.items()]


def _move(app: App, case_id: str, kind: str, to: str, given, note, html) -> None:
    _, case = find_case(app, case_id)
    item = service_of(app, case)
    verb = "移交" if kind == "handover" else "回交窗口"
    require(case, MOVABLE, f"{verb}（案件已办结送达或已终止，材料已不在本中心流转）")
    not_in_transit(case, verb)
    roster = app.home.roster
    code = to.strip()
    # a post or window goes to whoever is on duty now: the first B holder present while A is on leave
    target = roster.target(code, away_now(app) if code in roster.posts or code in roster.windows else frozenset())
    if target is None:
        raise UsageError(f"--to：“{to}” 不是科室、人员、岗位或窗口编码（见 catalog/roster.yaml）")
    if kind == "return" and target.kind not in ("window", "post"):
        raise UsageError(
            f"--to：回交须交给窗口或窗口岗位（“{to}” 是{dict(section='科室', staff='人员')[target.kind]}）"
        )
    if target.kind in ("post", "window") and not target.receiver:
        raise DataError(f"{target.name} 当日无人在岗，不能交接")
    actor = app.actor()
    if target.receiver == actor:
        raise DataError(f"不能把案件移交给自己（{target.name}）")
    event: dict = {
        "type": kind,
        "case": case.id,
        "to": target.code,
        "to_kind": target.kind,
        "to_name": target.name,
        "receiver": target.receiver,
        "from_name": roster.name(actor),
        "materials": _materials(case, item, given),
        "note": note or "",
    }
    if target.kind in ("post", "window"):
        event["routed"] = f"当日在岗：{roster.name(target.receiver)}"
        covered = [p for p in roster.posts.values() if p.code == code or p.window == code]
        if covered and target.receiver != covered[0].a:
            event["routed"] += f"（{roster.name(covered[0].a)}请假，顶岗）"
    record(app, [event])
    _, case = find_case(app, case.id)
    print_document(app, case, "handover", html)
    click.echo(
        f"案件 {case.id} 已{verb} {target.name}，移交途中；接收方当日运行 svc receive {case.id} 记录接收", err=True
    )


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--to",
    "to",
    required=True,
    type=Text(40),
    help="接收方：科室编码（该科人员接收）、人员编号，或岗位、窗口编码（交给当日在岗人员）。",
)
@click.option(
    "--material",
    "materials",
    multiple=True,
    type=MATERIAL,
    help="移交的材料 CODE[:份数]，可重复（默认：收到的全部材料）。",
)
@click.option("--note", type=TEXT, help="备注。")
@html_option
@pass_app
# Rule (docs/rules.md): 项目收件交接单, collected the same working day, 003 工作流程 四.
def handover(app: App, case_id: str, to: str, materials, note, html) -> None:
    """移交案件和材料（如窗口交主办科室），打印项目收件交接单。

    接收方记录接收（svc receive）之前，案件处于“移交途中”；当日工作时间内未接收的，列入 svc overdue。
    """
    _move(app, case_id, "handover", to, materials, note, html)


@click.command("return")
@click.argument("case_id", metavar="CASE")
@click.option("--to", "to", type=Text(40), help="回交的窗口或岗位编码（默认：该事项受理岗位所在窗口）。")
@click.option(
    "--material",
    "materials",
    multiple=True,
    type=MATERIAL,
    help="回交的材料 CODE[:份数]，可重复（默认：收到的全部材料）。",
)
@click.option("--note", type=TEXT, help="备注（如批复文件、证书编号）。")
@html_option
@pass_app
# Rule (docs/rules.md): the result goes back to the window, 003 工作流程 八、九.
def return_cmd(app: App, case_id: str, to, materials, note, html) -> None:
    """主办科室把办理结果和材料回交窗口，由窗口通知申请人领取，同一交接单。"""
    if not to:
        _, case = find_case(app, case_id)
        item = service_of(app, case)
        roster = app.home.roster
        post = roster.posts.get(item.post)
        to = (
            post.window
            if post
            else next((w.code for w in roster.windows.values() if w.department == item.department), "")
        )
        if not to:
            raise UsageError(f"--to：事项 {item.code} 没有受理窗口，请写明回交的窗口编码")
    _move(app, case_id, "return", to, materials, note, html)


@click.command()
@click.argument("case_id", metavar="CASE")
@pass_app
# Rule (docs/rules.md): the first handler may receive for an absent handler, 000 首问负责制 第三条.
def receive(app: App, case_id: str) -> None:
    """接收交接：接收方核对交接单上的材料后记录接收，案件的持有人改为接收人。

    交给科室的，由该科人员接收；交给人员、岗位或窗口的，由该人员（岗位的 A、B 岗人员，窗口的岗位人员和
    负责人）接收；承办人不在岗的，首问责任人可代为接收、转交并跟踪办理。
    """
    _, case = find_case(app, case_id)
    moving = case.in_transit
    if moving is None:
        raise DataError(f"案件 {case.id} 不在移交途中，无需接收")
    roster = app.home.roster
    actor = app.actor()
    if actor == moving["by"]:
        raise DataError(f"移交人 {roster.name(actor)} 不能自己接收案件 {case.id}")
    kind, code = moving.get("to_kind", "staff"), moving["to"]
    on_behalf = ""
    if not roster.may_receive(kind, code, actor):
        if moving.get("receiver") and actor == case.first_contact:
            on_behalf = moving["receiver"]
        else:
            who = f"{roster.name(actor)}（{actor}）"
            if kind == "section":
                raise DataError(f"{who}不是{moving.get('to_name', code)}的人员，不能接收案件 {case.id} 的交接")
            raise DataError(f"{who}不是接收方 {moving.get('to_name', code)}，不能接收案件 {case.id} 的交接")
    event = {
        "type": "receive",
        "case": case.id,
        "from": moving["by"],
        "from_name": roster.name(moving["by"]),
        "handover_ts": moving["ts"],
    }
    if on_behalf:
        event.update({"for": on_behalf, "for_name": roster.name(on_behalf)})
    record(app, [event])
    late = app.today > receive_by(app.home.calendar, effective_day(moving))
    click.echo(
        f"案件 {case.id} 已由 {roster.name(actor)} 接收"
        + (f"（代 {roster.name(on_behalf)} 接收）" if on_behalf else "")
        + ("；注意：未在移交当日接收" if late else ""),
        err=True,
    )


TRANSIT_COLUMNS = [
    ("case", "案件编号"),
    ("service", "事项"),
    ("kind_name", "交接"),
    ("from_name", "移交人"),
    ("to_name", "接收方"),
    ("handed", "移交时间"),
    ("receive_by", "应接收日期"),
    ("late_text", "情况"),
]


@click.command()
@click.option("--pending", is_flag=True, help="只列出移交当日工作时间内未接收的（有则退出 3，供 cron 使用）。")
@output_options
@pass_app
def handovers(app: App, pending: bool, fmt: str, encoding: str) -> None:
    """列出移交途中（尚未接收）的交接。"""
    folded = app.records("open")
    cal, roster = app.home.calendar, app.home.roster
    rows = []
    for case in sorted(folded.cases.values(), key=lambda c: c.id):
        moving = case.in_transit
        if not moving or not case.is_open:
            continue
        by = receive_by(cal, effective_day(moving))
        late = max(1, cal.workdays_between(by, app.today)) if app.today > by else 0
        if pending and not late:
            continue
        rows.append(
            {
                "case": case.id,
                "service": case.service,
                "kind": moving["type"],
                "kind_name": "移交" if moving["type"] == "handover" else "回交窗口",
                "from": moving["by"],
                "from_name": roster.name(moving["by"]),
                "to": moving["to"],
                "to_name": moving.get("to_name", ""),
                "receiver": moving.get("receiver", ""),
                "handed": moving["ts"][:16].replace("T", " "),
                "receive_by": by.isoformat(),
                "days_late": late,
                "late_text": f"逾期 {late} 个工作日未接收" if late else "待接收",
            }
        )
    emit(rows, TRANSIT_COLUMNS, fmt, encoding, empty="没有移交途中的交接")
    if pending and rows:
        raise Found()


HOLDER_COLUMNS = [
    ("case", "案件编号"),
    ("service", "事项"),
    ("status_name", "状态"),
    ("holder_name", "当前持有人"),
    ("in_transit", "移交途中"),
    ("open_parts", "未完成协办"),
    ("forwarded", "报送上级"),
    ("due", "办结期限"),
]


@click.command()
@click.option("--staff", type=Text(40), help="只列出该人员持有或待其接收的案件。")
@output_options
@pass_app
def holders(app: App, staff, fmt: str, encoding: str) -> None:
    """每件未办结案件的当前持有人、移交途中的交接和未完成的协办。"""
    home = app.home
    roster = home.roster
    if staff and staff not in roster.staff:
        raise UsageError(f"--staff：人员编号 “{staff}” 不在名册中")
    folded = app.records("open")
    covering = _covering(app)
    rows = []
    for case in sorted(folded.cases.values(), key=lambda c: (c.opened, c.id)):
        if not case.is_open:
            continue
        moving = case.in_transit
        if staff and not (
            case.holder == staff
            or covering.get(case.holder, ("", ""))[0] == staff  # the B holder covering for one on leave
            or (moving and roster.may_receive(moving.get("to_kind", "staff"), moving["to"], staff))
        ):
            continue
        item = home.catalog.item(case.service)
        d = due(case, item, home.catalog.office.rules, home.calendar, app.today) if item else None
        parts = []
        for dept in case.open_parts:
            pd = part_due(case, dept, item, home.catalog.office.rules, home.calendar) if item else None
            parts.append(
                {
                    "department": dept,
                    "name": case.parts[dept].get("name", dept),
                    "due": pd.isoformat() if pd else "",
                    "late": bool(pd and app.today > pd),
                }
            )
        fwd = case.forward if case.forward and not case.forward.get("result") else None
        rows.append(
            {
                "case": case.id,
                "service": case.service,
                "status": case.status,
                "status_name": case.status_name,
                "holder": case.holder,
                "holder_name": roster.name(case.holder) + covering.get(case.holder, ("", ""))[1],
                "covered_by": covering.get(case.holder, ("", ""))[0],
                "transit": {
                    "kind": moving["type"],
                    "from": moving["by"],
                    "to": moving["to"],
                    "to_name": moving.get("to_name", ""),
                    "receiver": moving.get("receiver", ""),
                    "since": moving["ts"],
                }
                if moving
                else None,
                "in_transit": (
                    f"→ {moving.get('to_name', '')}（{moving['ts'][:16].replace('T', ' ')} 起）" if moving else ""
                ),
                "parts": parts,
                "open_parts": "、".join(f"{p['name']}（{p['due']}{'，已超期' if p['late'] else ''}）" for p in parts),
                "forward": {"to": fwd["to"], "on": fwd["on"].isoformat()} if fwd else None,
                "forwarded": f"{fwd['to']}（{fwd['on']} 报送，待答复）" if fwd else "",
                # as `svc cases`: a date counted into a year with no calendar file is marked wherever shown
                "due": (d.due.isoformat() + ("（临时）" if d.provisional else "")) if d else "",
                "provisional": bool(d and d.provisional),
            }
        )
    emit(rows, HOLDER_COLUMNS, fmt, encoding, empty="没有未办结的案件")


def _covering(app: App) -> dict[str, tuple[str, str]]:
    """For each holder on leave now: who covers (the first B holder present at their A post) and the note
    shown after their name."""
    import datetime as dt

    from svccli.core.leave import away

    roster, moment = app.home.roster, moment_of(app)
    gone = away(leaves_of(app).values(), moment, moment + dt.timedelta(minutes=1))
    found = {}
    for staff in gone:
        post = next((p for p in roster.posts.values() if p.a == staff), None)
        who = roster.on_duty(post.code, frozenset(gone)) if post else None
        if who:
            found[staff] = (who, f"（请假，{roster.name(who)}顶岗）")
        else:
            found[staff] = ("", "（请假，无人顶岗）" if post else "（请假）")
    return found


COMMANDS = [handover, return_cmd, receive, handovers, holders]
