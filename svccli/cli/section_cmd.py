"""The section's steps between acceptance and decision (issue 5): review and check (一审一核: two
different people), the parts of a joint item (联办件) and the sending up of a forwarded item
(报批件, seed 000 第四篇 二.6)."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.cli.handover_cmd import WORKING, not_in_transit
from svccli.cli.params import TEXT, Text
from svccli.cli.recording import find_case, record, require, service_of
from svccli.core.cases import RESULTS
from svccli.core.deadlines import due, part_due
from svccli.errors import DataError, UsageError

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
# Rule (docs/rules.md): the higher authority's time counts in the committed limit, 000 第四篇 二.6.
def forward(app: App, case_id: str, authority) -> None:
    """报批件：受理后报送上级机关；上级的办理时间计入承诺时限。"""
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


COMMANDS = [review, approve, part, forward, answer]
