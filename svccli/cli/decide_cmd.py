"""Decisions at and after the window: refuse, refer, withdraw, conclude, deliver."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.cli.params import TEXT, Text
from svccli.cli.recording import find_case, html_option, print_document, record, require, service_of
from svccli.core.cases import RESULTS
from svccli.errors import DataError, UsageError
from svccli.render.views import deemed_view


def _close(app: App, case_id: str, allowed: tuple[str, ...], action: str, event: dict, doc: str | None, html) -> None:
    _, case = find_case(app, case_id)
    require(case, allowed, action)
    record(app, [{**event, "case": case.id}])
    _, case = find_case(app, case.id)
    click.echo(f"案件 {case.id}：{case.status_name}", err=True)
    if doc:
        print_document(app, case, doc, html)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--reason", required=True, type=TEXT, help="不予受理的理由（写入不予受理通知书）。")
@html_option
@pass_app
def refuse(app: App, case_id: str, reason: str, html) -> None:
    """不予受理，并打印写明理由的不予受理通知书。"""
    _close(app, case_id, ("pending",), "不予受理", {"type": "refuse", "reason": reason}, "refusal", html)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--to", "authority", required=True, type=Text(80), help="有权机关名称（申请人应向其提出申请的机关）。")
@click.option("--contact", required=True, type=Text(80), help="有权机关的地址或电话。")
@html_option
@pass_app
def refer(app: App, case_id: str, authority: str, contact: str, html) -> None:
    """非本机关事项：告知申请人向有权机关提出申请，并打印告知单。"""
    _close(
        app,
        case_id,
        ("pending",),
        "告知非本机关事项",
        {"type": "refer", "to": authority, "contact": contact},
        "referral",
        html,
    )


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--reason", type=TEXT, help="撤回原因。")
@pass_app
def withdraw(app: App, case_id: str, reason: str | None) -> None:
    """申请人撤回申请。"""
    _close(
        app,
        case_id,
        ("pending", "accepted", "suspended"),
        "撤回",
        {"type": "withdraw", "reason": reason or ""},
        None,
        None,
    )


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--result", required=True, type=click.Choice(list(RESULTS)), help="approved 准予；denied 不予；replied 答复。"
)
@click.option("--reason", type=TEXT, help="不予许可的理由（行政许可事项必须书面说明）。")
@click.option("--note", type=TEXT, help="备注（证照编号等）。")
@html_option
@pass_app
def conclude(app: App, case_id: str, result: str, reason: str | None, note: str | None, html) -> None:
    """首办责任人记录办理决定；送达后（svc deliver）办结。"""
    _, case = find_case(app, case_id)
    item = service_of(app, case)
    if case.status == "suspended":
        raise DataError(f"案件 {case.id} 处于暂停计时状态，请先 svc resume")
    require(case, ("accepted",), "作出办结决定（尚未受理或已决定）")
    if case.owed:
        raise DataError(f"案件 {case.id} 容缺受理的材料尚未补齐（{'、'.join(case.owed)}），不能办结")
    _not_against_deemed_approval(app, case, item, result)
    _ready_to_conclude(app, case, item, result)
    if result == "denied" and item.licensing and not reason:
        raise UsageError("--reason：行政许可事项不予许可的，必须书面说明理由")
    record(app, [{"type": "conclude", "case": case.id, "result": result, "reasons": reason or "", "note": note or ""}])
    _, case = find_case(app, case.id)
    print_document(app, case, "conclusion", html)


def _not_against_deemed_approval(app: App, case, item, result: str) -> None:
    """超时默许 (002 一.7 / 十.6, as the office chose): a case not decided by its due date is deemed approved
    from the next day; the decision that follows can only be an approval."""
    home = app.home
    deemed = deemed_view(case, item, home.catalog, home.calendar, app.today)
    if deemed and result != "approved":
        raise DataError(
            f"案件 {case.id} 的办结期限 {deemed['due']} 已届满未作决定，自 {deemed['since']} 起超时默许、视为准予"
            f"（{deemed['basis']}），不能再作出“{RESULTS[result]}”决定"
        )


def _ready_to_conclude(app: App, case, item, result: str) -> None:
    """Issue 5's guards: nobody decides a case in transit; a joint case waits for every co-handling
    department; a forwarded case for the higher authority's answer; a committed or joint case, where the
    office keeps 一审一核, for a review and a check by two different staff members."""
    from svccli.cli.handover_cmd import not_in_transit

    not_in_transit(case, "作出办结决定")
    if case.open_parts:
        names = "、".join(case.parts[d].get("name", d) for d in case.open_parts)
        raise DataError(f"联办件 {case.id} 的协办部门 {names} 尚未完成协办（svc part {case.id} DEPT --done），不能办结")
    if item.kind == "forwarded" and case.forward:
        if not case.forward.get("result"):
            raise DataError(f"案件 {case.id} 已报送 {case.forward['to']}，尚未答复（svc answer），不能办结")
        if case.forward["result"] != result:
            raise DataError(f"{case.forward['to']} 的答复是“{RESULTS[case.forward['result']]}”，办结决定须与之一致")
    if item.kind in ("committed", "joint") and app.home.catalog.office.rules.review_and_check:
        if not case.reviews:
            raise DataError(f"案件 {case.id} 尚未审查（svc review），不能办结（一审一核：审查和复核须由两人分别进行）")
        if not case.approval:
            raise DataError(f"案件 {case.id} 的审查意见尚未由另一名工作人员复核（svc approve），不能办结（一审一核）")


HOW = {"in_person": "当面领取", "proxy": "代领", "post": "邮寄送达"}


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--by", "how", type=click.Choice(list(HOW)), help="送达方式：in_person 当面；proxy 代领；post 邮寄。")
@click.option("--to", "to", type=Text(40), help="领取人姓名（默认：申请人）。")
@click.option("--proxy", is_flag=True, help="由他人代领（同 --by proxy；须 --authorisation 写明授权委托书）。")
@click.option("--authorisation", type=TEXT, help="代领的授权委托书（名称、编号）。")
@click.option("--tracking", type=Text(40), help="邮寄送达的快递单号（--by post 必填）。")
@pass_app
# Rules (docs/rules.md): the service date is the conclusion date, 000 第四篇 二.8; a proxy needs an
# authorisation, 001 十二.3.
def deliver(app: App, case_id: str, how, to, proxy: bool, authorisation, tracking) -> None:
    """送达：书面结果送达申请人之日即为办结日期。

    当面领取、代领（须授权委托书），或邮寄（记快递单号，以交寄日为送达日）。
    """
    _, case = find_case(app, case_id)
    require(case, ("concluded",), "送达（尚未作出决定或已送达）")
    from svccli.cli.handover_cmd import not_in_transit

    not_in_transit(case, "送达")
    how = how or ("proxy" if proxy else "in_person")
    if how == "proxy" and not (to and authorisation):
        raise UsageError("--proxy：代领须用 --to 写明代领人，并用 --authorisation 写明授权委托书")
    if how == "post" and not tracking:
        raise UsageError("--tracking：邮寄送达须写明快递单号")
    record(
        app,
        [
            {
                "type": "deliver",
                "case": case.id,
                "to": to or case.applicant.get("name", ""),
                "proxy": how == "proxy",
                "authorisation": authorisation or "",
                "how": how,
                "tracking": tracking or "",
                "served_on": app.today.isoformat(),
            }
        ],
    )
    click.echo(f"案件 {case.id} 已{HOW[how]}，{app.today} 办结", err=True)


@click.command("send-back")
@click.argument("case_id", metavar="CASE")
@click.option("--reason", type=TEXT, help="退件理由。")
@click.option("--opinion", type=TEXT, help="复审意见。")
@click.option("--wrong", is_flag=True, help="督查：把此前的退件标为错误退件（考核扣 2 分）。")
@click.option("--note", type=TEXT, help="督查说明（与 --wrong 一起）。")
@html_option
@pass_app
# Rule (docs/rules.md): 退件 with review opinion and reasons, 003 工作流程 六.
def send_back(app: App, case_id: str, reason, opinion, wrong: bool, note, html) -> None:
    """退件：科室将申请连同复审意见和退件理由退回窗口，并打印退件通知书。"""
    _, case = find_case(app, case_id)
    if wrong:
        actor = app.home.roster.staff[app.actor()]
        if not actor.has_role("inspector"):
            raise DataError(f"只有督查人员可以认定错误退件（{actor.name} 不是督查人员）")
        if case.status != "returned":
            raise DataError(f"案件 {case.id} 没有退件，无从认定错误退件")
        if any(e.get("wrong") for e in case.sendbacks):
            raise DataError(f"案件 {case.id} 的退件已认定为错误退件")
        record(app, [{"type": "send-back", "case": case.id, "wrong": True, "note": note or ""}])
        click.echo(f"已认定案件 {case.id} 为错误退件", err=True)
        return
    if not (reason and opinion):
        raise UsageError("退件须用 --reason 写明退件理由，并用 --opinion 写明复审意见")
    require(case, ("accepted", "suspended"), "退件")
    record(app, [{"type": "send-back", "case": case.id, "reason": reason, "opinion": opinion}])
    _, case = find_case(app, case.id)
    print_document(app, case, "sendback", html)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--lapsed", is_flag=True, required=True, help="申请人逾期未补正，终止办理（必须明示）。")
@pass_app
def close(app: App, case_id: str, lapsed: bool) -> None:
    """终止逾期未补正的申请（留有记录，不会悄悄消失）。"""
    _, case = find_case(app, case_id)
    require(case, ("pending",), "按逾期未补正终止")
    by = case.notices[-1].get("supplement_by", "") if case.notices else ""
    if by and app.today.isoformat() <= by:
        raise DataError(f"案件 {case.id} 的补正期限 {by} 尚未届满，不能终止")
    record(app, [{"type": "close", "case": case.id, "reason": f"申请人逾期（{by}）未补正材料"}])
    click.echo(f"案件 {case.id} 已按逾期未补正终止", err=True)


COMMANDS = [refuse, refer, withdraw, conclude, deliver, send_back, close]
