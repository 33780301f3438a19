"""Decisions at and after the window: refuse, refer, withdraw, conclude, deliver."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.cli.params import TEXT, Text
from svccli.cli.recording import find_case, html_option, print_document, record, require, service_of
from svccli.core.cases import RESULTS
from svccli.errors import DataError, UsageError


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
@click.option("--to", "authority", required=True, type=Text(80), help="主管机关名称。")
@click.option("--contact", required=True, type=Text(80), help="主管机关地址或电话。")
@html_option
@pass_app
def refer(app: App, case_id: str, authority: str, contact: str, html) -> None:
    """非本机关事项：告知申请人向主管机关申请，并打印告知单。"""
    _close(app, case_id, ("pending",), "告知非本机关事项",
           {"type": "refer", "to": authority, "contact": contact}, "referral", html)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--reason", type=TEXT, help="撤回原因。")
@pass_app
def withdraw(app: App, case_id: str, reason: str | None) -> None:
    """申请人撤回申请。"""
    _close(app, case_id, ("pending", "accepted", "suspended"), "撤回",
           {"type": "withdraw", "reason": reason or ""}, None, None)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--result", required=True, type=click.Choice(list(RESULTS)), help="approved 准予；denied 不予；replied 答复。")
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
    if result == "denied" and item.licensing and not reason:
        raise UsageError("--reason：行政许可事项不予许可的，必须书面说明理由")
    record(app, [{"type": "conclude", "case": case.id, "result": result, "reasons": reason or "", "note": note or ""}])
    _, case = find_case(app, case.id)
    print_document(app, case, "conclusion", html)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--to", "to", type=Text(40), help="领取人姓名（默认：申请人）。")
@click.option("--proxy", is_flag=True, help="由他人代领（须 --authorisation 写明授权委托书）。")
@click.option("--authorisation", type=TEXT, help="代领的授权委托书（名称、编号）。")
@pass_app
def deliver(app: App, case_id: str, to: str | None, proxy: bool, authorisation: str | None) -> None:
    """送达：申请人或代领人领取结果（证照、批文）。"""
    _, case = find_case(app, case_id)
    require(case, ("concluded",), "送达（尚未作出决定或已送达）")
    if proxy and not (to and authorisation):
        raise UsageError("--proxy：代领须用 --to 写明代领人，并用 --authorisation 写明授权委托书")
    record(app, [{"type": "deliver", "case": case.id, "to": to or case.applicant.get("name", ""),
                  "proxy": proxy, "authorisation": authorisation or "", "how": "proxy" if proxy else "in_person"}])
    click.echo(f"案件 {case.id} 已送达，办结", err=True)


COMMANDS = [refuse, refer, withdraw, conclude, deliver]
