"""Custody and the steps between acceptance and decision (issue 5).

Handover slips between the window and the lead section (项目收件交接单, seed 003 工作流程 四: the
section collects the same working day; 八: the result goes back to the window), their receipt,
review and check (一审一核: two different people), the parts of a joint item (联办件) and the
sending up of a forwarded item (报批件, seed 000 第四篇 二.6), and `svc holders`: who holds what.
"""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, pass_app
from svccli.cli.params import MATERIAL, TEXT, Text
from svccli.cli.recording import find_case, html_option, print_document, record, require, service_of
from svccli.core.cases import RESULTS, Case
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
    target = roster.target(to.strip())
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
    event = {
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
def handover(app: App, case_id: str, to: str, materials, note, html) -> None:
    """移交案件和材料（如窗口交主办科室），打印项目收件交接单（003 工作流程 四）。

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
def return_cmd(app: App, case_id: str, to, materials, note, html) -> None:
    """主办科室把办理结果和材料回交窗口，由窗口通知申请人领取（003 工作流程 八、九），同一交接单。"""
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
def receive(app: App, case_id: str) -> None:
    """接收交接：接收方核对交接单上的材料后记录接收，案件的持有人改为接收人。

    交给科室的，由该科人员接收；交给人员、岗位或窗口的，由该人员（岗位的 A、B 岗人员，窗口的岗位人员和
    负责人）接收；承办人不在岗的，首问责任人可代为接收、转交并跟踪办理（000 首问负责制 第三条）。
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
    late = app.today > receive_by(app.home.calendar, _day(moving["ts"]))
    click.echo(
        f"案件 {case.id} 已由 {roster.name(actor)} 接收"
        + (f"（代 {roster.name(on_behalf)} 接收）" if on_behalf else "")
        + ("；注意：未在移交当日接收" if late else ""),
        err=True,
    )


def _day(ts: str) -> dt.date:
    return dt.date.fromisoformat(ts[:10])


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
        by = receive_by(cal, _day(moving["ts"]))
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


# -- review and check (一审一核) -------------------------------------------------------------------


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--opinion", required=True, type=TEXT, help="审查意见。")
@pass_app
def review(app: App, case_id: str, opinion: str) -> None:
    """审查（一审）：记录审查意见；须由另一名工作人员复核（svc approve）后才能办结。"""
    _, case = find_case(app, case_id)
    require(case, WORKING, "审查（尚未受理或已作出决定）")
    not_in_transit(case, "审查")
    record(app, [{"type": "review", "case": case.id, "opinion": opinion}])
    click.echo(f"已记录案件 {case.id} 的审查意见；请由另一名工作人员复核：svc approve {case.id}", err=True)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--opinion", type=TEXT, help="复核意见。")
@pass_app
def approve(app: App, case_id: str, opinion) -> None:
    """复核（一核）：审查人以外的另一名工作人员复核同意，之后可以办结（svc conclude）。"""
    _, case = find_case(app, case_id)
    require(case, WORKING, "复核（尚未受理或已作出决定）")
    not_in_transit(case, "复核")
    if not case.reviews:
        raise DataError(f"案件 {case.id} 尚无审查意见，请先审查：svc review {case.id} --opinion ...")
    reviewer = case.reviews[-1]["by"]
    actor = app.actor()
    roster = app.home.roster
    if actor == reviewer:
        raise DataError(f"{roster.name(actor)} 是案件 {case.id} 的审查人，不能再复核（一审一核须由两人分别进行）")
    if case.approval:
        raise DataError(f"案件 {case.id} 的审查意见已由 {roster.name(case.approval['by'])} 复核")
    record(
        app,
        [
            {
                "type": "approve",
                "case": case.id,
                "reviewer": reviewer,
                "reviewer_name": roster.name(reviewer),
                "opinion": opinion or "",
            }
        ],
    )
    click.echo(
        f"案件 {case.id} 已复核（审查：{roster.name(reviewer)}，复核：{roster.name(actor)}），可以办结", err=True
    )


# -- joint and forwarded items ------------------------------------------------------------------


@click.command()
@click.argument("case_id", metavar="CASE")
@click.argument("department", metavar="DEPT")
@click.option("--done", is_flag=True, required=True, help="协办部门已完成其协办环节（必须明示）。")
@click.option("--opinion", type=TEXT, help="协办意见。")
@pass_app
def part(app: App, case_id: str, department: str, done: bool, opinion) -> None:
    """联办件：记录协办部门完成协办；全部协办完成后主办部门方可办结。"""
    _, case = find_case(app, case_id)
    item = service_of(app, case)
    require(case, WORKING, "记录协办（尚未受理或已作出决定）")
    dept = department.strip().upper()
    if not case.parts:
        raise DataError(f"案件 {case.id} 不是联办件，没有协办部门")
    if dept not in case.parts:
        raise UsageError(f"案件 {case.id} 的协办部门是 {'、'.join(case.parts)}，没有 “{department}”")
    if case.parts[dept].get("done_on"):
        raise DataError(f"协办部门 {dept} 已于 {case.parts[dept]['done_on']} 完成协办")
    home = app.home
    d = part_due(case, dept, item, home.catalog.office.rules, home.calendar)
    late = home.calendar.workdays_between(d, app.today) if d and app.today > d else 0
    record(
        app,
        [
            {
                "type": "part",
                "case": case.id,
                "department": dept,
                "name": case.parts[dept].get("name", dept),
                "opinion": opinion or "",
                "due": d.isoformat() if d else "",
                "days_late": late,
            }
        ],
    )
    left = [x for x in case.open_parts if x != dept]
    click.echo(
        f"协办部门 {home.catalog.department_name(dept)} 已完成协办"
        + (f"（超过协办时限 {late} 日）" if late else "")
        + (f"；仍待协办：{'、'.join(left)}" if left else "；协办已全部完成"),
        err=True,
    )


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--to", "authority", type=Text(80), help="报送的上级机关（默认：目录中该事项的 forward_to）。")
@pass_app
def forward(app: App, case_id: str, authority) -> None:
    """报批件：受理后报送上级机关；上级的办理时间计入承诺时限（000 第四篇 二.6）。"""
    _, case = find_case(app, case_id)
    item = service_of(app, case)
    if item.kind != "forwarded":
        raise DataError(f"事项 {item.code} 是{item.kind_name}，不是报批件，无需报送上级机关")
    require(case, WORKING, "报送上级机关（尚未受理或已作出决定）")
    not_in_transit(case, "报送上级机关")
    if case.forward and not case.forward.get("result"):
        raise DataError(f"案件 {case.id} 已于 {case.forward['on']} 报送 {case.forward['to']}，尚待答复")
    to = authority or item.forward_to
    if not to:
        raise UsageError("--to：请写明报送的上级机关（目录中该事项没有 forward_to）")
    record(app, [{"type": "forward", "case": case.id, "to": to}])
    d = due(case, item, app.home.catalog.office.rules, app.home.calendar, app.today)
    click.echo(
        f"案件 {case.id} 已报送 {to}；承诺办结期限 {d.due.isoformat() if d else '—'}（含上级机关办理时间）", err=True
    )


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--result", required=True, type=click.Choice(["approved", "denied"]), help="approved 批准；denied 不批准。"
)
@click.option("--note", type=TEXT, help="上级机关的批复文号或意见。")
@pass_app
def answer(app: App, case_id: str, result: str, note) -> None:
    """报批件：记录上级机关的答复；之后按答复作出办结决定（svc conclude）。"""
    _, case = find_case(app, case_id)
    require(case, WORKING, "记录上级答复（尚未受理或已作出决定）")
    if not case.forward or case.forward.get("result"):
        raise DataError(f"案件 {case.id} 没有待答复的报送（先 svc forward {case.id}）")
    record(app, [{"type": "answer", "case": case.id, "result": result, "note": note or ""}])
    click.echo(
        f"已记录 {case.forward['to']} 的答复：{RESULTS[result]}；请据此办结：svc conclude {case.id} --result {result}",
        err=True,
    )


# -- who holds what ------------------------------------------------------------------------------

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
    rows = []
    for case in sorted(folded.cases.values(), key=lambda c: (c.opened, c.id)):
        if not case.is_open:
            continue
        moving = case.in_transit
        if staff and not (
            case.holder == staff or (moving and roster.may_receive(moving.get("to_kind", "staff"), moving["to"], staff))
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
                "holder_name": roster.name(case.holder),
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
                "due": d.due.isoformat() if d else "",
            }
        )
    emit(rows, HOLDER_COLUMNS, fmt, encoding, empty="没有未办结的案件")


COMMANDS = [handover, return_cmd, receive, handovers, review, approve, part, forward, answer, holders]
