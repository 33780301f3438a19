"""The first-contact ledger (首问登记): `svc inquiry` and `svc inquiries`."""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, pass_app
from svccli.cli.params import DAY, PHONE, STAFF, TEXT, Text
from svccli.cli.recording import record
from svccli.core.cases import effective_day
from svccli.core.privacy import mask_phone
from svccli.errors import UsageError
from svccli.render.output import emit, output_options
from svccli.render.views import INQUIRY_CHANNELS

CHANNELS = INQUIRY_CHANNELS
OUTCOMES = {"answered": "当场答复", "led": "引导至经办人", "referred": "告知主管机关"}


# -- first-contact ledger (首问登记) ------------------------------------------------------------


@click.command()
@click.option("--channel", type=click.Choice(list(CHANNELS)), default="visit", show_default=True, help="来访方式。")
@click.option("--person", required=True, type=Text(40), help="来访（来电）人姓名。")
@click.option("--unit", type=Text(80), help="单位。")
@click.option("--address", type=Text(120), help="地址。")
@click.option("--phone", type=PHONE, help="联系电话。")
@click.option("--matter", required=True, type=TEXT, help="咨询或办理的事项。")
@click.option(
    "--outcome",
    type=click.Choice(list(OUTCOMES)),
    required=True,
    help="answered 当场答复；led 引导至本机关经办人（--handler）；referred 告知主管机关（--authority、--contact）。",
)
@click.option("--handler", type=STAFF, help="引导到的经办人员编号（outcome=led）。")
@click.option("--authority", type=Text(80), help="主管机关名称（outcome=referred）。")
@click.option("--contact", type=Text(80), help="主管机关联系方式（outcome=referred）。")
@click.option("--first-contact", "first_contact", type=STAFF, help="首问责任人（默认：操作人员）。")
@pass_app
def inquiry(
    app: App, channel, person, unit, address, phone, matter, outcome, handler, authority, contact, first_contact
) -> None:
    """首问登记：咨询或来电（尚未成为案件）记入登记台账。"""
    roster = app.checked_home().roster
    if outcome == "led" and not handler:
        raise UsageError("--outcome led 须用 --handler 指明引导到的经办人员")
    if outcome == "referred" and not (authority and contact):
        raise UsageError("--outcome referred 须用 --authority 和 --contact 写明主管机关及其联系方式")
    for option, staff in (("--handler", handler), ("--first-contact", first_contact)):
        if staff and staff not in roster.staff:
            raise UsageError(f"{option}：人员编号 “{staff}” 不在名册中")
    actor = app.actor()
    event = {
        "type": "inquiry",
        "channel": channel,
        "person": person,
        "unit": unit or "",
        "address": address or "",
        "phone": phone or "",
        "matter": matter,
        "outcome": outcome,
        "handler": handler or "",
        "authority": authority or "",
        "contact": contact or "",
        "first_contact": first_contact or actor,
    }
    written = record(app, [event])
    click.echo(f"已登记首问台账（{written[0]['id']}）", err=True)


INQUIRY_COLUMNS = [
    ("date", "日期"),
    ("channel", "方式"),
    ("person", "来访人"),
    ("unit", "单位"),
    ("phone", "电话"),
    ("matter", "事项"),
    ("outcome", "结果"),
    ("handler", "经办人/主管机关"),
    ("first_contact", "首问责任人"),
]


@click.command()
@click.option("--since", type=DAY, help="只列出该日及以后的登记。")
@click.option("--reveal", is_flag=True, help="显示完整电话（须同时给出 --reason，并记录查看）。")
@click.option("--reason", type=TEXT, help="查看完整个人信息的理由。")
@output_options
@pass_app
def inquiries(app: App, since: dt.date | None, reveal: bool, reason: str | None, fmt: str, encoding: str) -> None:
    """首问登记台账。"""
    from svccli.cli.cases_cmd import note_reveal

    folded = app.records()
    roster = app.home.roster
    note_reveal(app, reveal, reason, "inquiries")
    rows = []
    for e in folded.inquiries:
        if since and effective_day(e) < since:
            continue
        where = (
            roster.name(e["handler"])
            if e["outcome"] == "led"
            else (f"{e['authority']}（{e['contact']}）" if e["outcome"] == "referred" else "")
        )
        rows.append(
            {
                "id": e["id"],
                "date": effective_day(e).isoformat(),
                "channel": CHANNELS.get(e["channel"], e["channel"]),
                "person": e["person"],
                "unit": e.get("unit", ""),
                "phone": e.get("phone", "") if reveal else mask_phone(e.get("phone", "")),
                "matter": e["matter"],
                "outcome": OUTCOMES.get(e["outcome"], e["outcome"]),
                "handler": where,
                "first_contact": roster.name(e["first_contact"]),
            }
        )
    emit(rows, INQUIRY_COLUMNS, fmt, encoding, empty="台账中没有符合条件的登记")


# -- intake (收件) --------------------------------------------------------------------------------


COMMANDS = [inquiry, inquiries]
