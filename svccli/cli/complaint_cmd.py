"""Complaints (投诉): `svc complaint file|resolve|follow-up|list|print`; their overdue answers for `svc overdue`.

The rules are in core/complaints.py; the sanctions an upheld complaint brings in core/sanctions.py
(listed by `svc sanctions`, cli/sanction_cmd.py).
"""

from __future__ import annotations

from dataclasses import replace

import click

from svccli.cli.context import App, pass_app, report
from svccli.cli.params import PHONE, STAFF, TEXT, Named, Text
from svccli.cli.recording import html_option, next_number, record, render_document, show_document
from svccli.core.complaints import (
    ABOUT,
    AGAINST_KINDS,
    CHANNELS,
    FOLLOW_UP,
    STATUS,
    TYPES,
    Complaint,
    deciders_barred,
    fold_complaints,
    reply_by,
)
from svccli.core.privacy import mask_name, mask_phone
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options
from svccli.render.views import office_view

PREFIX = "TS"  # 投诉: complaint numbers TS-<clone>-YYMMDD-NNN


def complaints_of(app: App) -> dict[str, Complaint]:
    """The complaints as the records leave them (as of --as-of's day when given)."""
    from svccli.store.office_events import office_events

    events, problems = office_events(app.checked_home(), TYPES)
    report(problems)
    if app.as_of:
        events = [e for e in events if (e.get("on") or e["ts"])[:10] <= app.as_of.isoformat()]
    return fold_complaints(events)


def one(app: App, complaint_id: str) -> Complaint:
    found = complaints_of(app).get(complaint_id.strip().upper())
    if found is None:
        raise UsageError(f"没有投诉 “{complaint_id}”（svc complaint list 列出全部投诉）")
    return found


def against_kind(app: App, code: str) -> str:
    roster = app.home.roster
    for kind, table in (("staff", roster.staff), ("window", roster.windows), ("section", roster.sections)):
        if code in table:
            return kind
    raise UsageError(f"--against：“{code}” 不是名册中的人员编号、窗口或科室代码")


def against_name(app: App, c: Complaint) -> str:
    roster = app.home.roster
    if c.against_kind == "window":
        return roster.windows[c.against].name if c.against in roster.windows else c.against
    if c.against_kind == "section":
        return roster.sections[c.against].name if c.against in roster.sections else c.against
    return roster.name(c.against)


@click.group()
def complaint() -> None:
    """投诉：登记并出具受理回执、调查处理并反馈投诉人、回访、列出、重新打印。"""


@complaint.command("file")
@click.option("--against", required=True, type=Text(40), help="被投诉的人员编号、窗口代码或科室代码。")
@click.option("--case", "case_id", type=Text(40), help="投诉涉及的案件编号。")
@click.option("--about", required=True, type=Named({k: a.name for k, a in ABOUT.items()}), help="投诉事由。")
@click.option("--text", required=True, type=TEXT, help="投诉内容。")
@click.option("--from", "person", required=True, type=Text(40), help="投诉人姓名。")
@click.option("--phone", required=True, type=PHONE, help="投诉人联系电话。")
@click.option("--channel", type=Named(CHANNELS), default="visit", show_default=True, help="投诉渠道。")
@html_option
@pass_app
def file_cmd(app: App, against, case_id, about, text, person, phone, channel, html) -> None:
    """登记投诉，打印投诉受理回执（含答复期限：办公室规定的工作日数）。"""
    home = app.checked_home()
    kind = against_kind(app, against)
    if case_id:
        case_id = case_id.upper()
        if app.case(case_id) is None:
            raise UsageError(f"--case：没有案件 “{case_id}”")
    filed = app.business_day
    by = reply_by(filed, home.catalog.office.rules.complaint_reply_days, home.calendar)

    def made(_case_id: str) -> list[dict]:  # numbered under the record lock from the day's file
        number = next_number(app, PREFIX, "complaint")
        event = {
            "type": "complaint",
            "complaint": number,
            "against": against,
            "against_kind": kind,
            "case_ref": case_id or "",
            "about": about,
            "channel": channel,
            "text": text,
            "complainant": person,
            "phone": phone,
            "reply_by": by.isoformat(),
        }
        return [event]

    written = record(app, made)
    c = fold_complaints(written)[written[0]["complaint"]]
    print_complaint(app, c, "receipt", html)


@complaint.command()
@click.argument("complaint_id", metavar="ID")
@click.option("--upheld", "result", flag_value="upheld", help="查证属实。")
@click.option("--dismissed", "result", flag_value="dismissed", help="查无实据，不予支持。")
@click.option("--finding", required=True, type=TEXT, help="调查认定的事实。")
@click.option("--feedback", type=TEXT, help="反馈投诉人的处理意见（默认：按调查结论写明）。")
@click.option(
    "--responsible", type=STAFF, help="查证属实时承担责任的人员编号（投诉人员时默认为该人员；投诉窗口、科室时可不填）。"
)
@html_option
@pass_app
def resolve(app: App, complaint_id, result, finding, feedback, responsible, html) -> None:
    """调查处理投诉（限督查人员，且不得是被投诉人或被投诉窗口、科室的负责人），打印投诉处理反馈意见书。

    查证属实的，按考核方案扣分，并按处理阶梯（每个自然年重新计数）给予相应处理（svc sanctions 列出）。
    """
    if result is None:
        raise UsageError("请用 --upheld（查证属实）或 --dismissed（查无实据）写明调查结论")
    home = app.checked_home()
    c = one(app, complaint_id)
    actor = app.actor()
    roster = home.roster
    if not roster.staff[actor].has_role("inspector"):
        raise DataError("投诉只能由督查人员调查处理（名册中角色为 inspector 的人员）")
    if not c.is_open:
        raise DataError(f"投诉 {c.id} 已于 {c.resolved} 处理（{STATUS[c.status]}），不能再次处理")
    if responsible and responsible not in roster.staff:
        raise UsageError(f"--responsible：人员编号 “{responsible}” 不在名册中")
    who = responsible or (c.against if c.against_kind == "staff" else "")
    if actor in deciders_barred(c, roster) or actor == who:
        raise DataError(f"{roster.name(actor)} 是被投诉人或被投诉窗口、科室的负责人，须回避，不能处理此投诉")
    deduction = ABOUT[c.about].deduction if result == "upheld" else None
    if deduction and home.scoring is not None and home.scoring.item(deduction) is None:
        click.echo(f"svc: 警告：考核方案中没有扣分项目 {deduction}，本投诉不扣分", err=True)
        deduction = None
    event = {
        "type": "complaint-resolve",
        "complaint": c.id,
        "result": result,
        "finding": finding,
        "feedback": feedback or _default_feedback(result),
        "deduction": deduction or "",
        "responsible": who if result == "upheld" else "",
    }
    record(app, [event])
    done = {**event, "ts": app.now.isoformat(), "on": app.business_day.isoformat(), "by": actor}
    c = fold_complaints([_as_filed(c), done])[c.id]
    print_complaint(app, c, "feedback", html)


def _default_feedback(result: str) -> str:
    if result == "upheld":
        return (
            "经调查，您反映的问题属实。我中心已依照有关规定对责任人作出处理，并责成其整改。感谢您对政务服务工作的监督。"
        )
    return "经调查，您反映的问题未能查实。如有新的情况或证据，欢迎继续向我中心反映。感谢您对政务服务工作的监督。"


def _as_filed(c: Complaint) -> dict:
    """A complaint as its filing event (to fold a resolution just recorded onto it)."""
    return {
        "type": "complaint",
        "complaint": c.id,
        "against": c.against,
        "against_kind": c.against_kind,
        "case_ref": c.case,
        "about": c.about,
        "channel": c.channel,
        "text": c.text,
        "complainant": c.complainant,
        "phone": c.phone,
        "reply_by": c.reply_by.isoformat(),
        "ts": c.filed.isoformat(),
        "by": c.by,
    }


@complaint.command("follow-up")
@click.argument("complaint_id", metavar="ID")
@click.option("--result", required=True, type=Named(FOLLOW_UP), help="回访结果。")
@click.option("--note", required=True, type=TEXT, help="回访情况（投诉人意见）。")
@html_option
@pass_app
def follow_up(app: App, complaint_id, result, note, html) -> None:
    """回访投诉人（处理之后），打印投诉回访记录。"""
    c = one(app, complaint_id)
    actor = app.actor()
    if c.is_open:
        raise DataError(f"投诉 {c.id} 尚未处理，处理后方可回访")
    if actor in deciders_barred(c, app.home.roster) or actor == c.responsible:
        raise DataError("被投诉人或被投诉窗口、科室的负责人不能回访投诉人")
    event = {"type": "complaint-follow-up", "complaint": c.id, "result": result, "note": note}
    record(app, [event])
    visit = {"date": app.business_day, "result": result, "note": note, "by": actor}
    print_complaint(app, replace(c, follow_ups=(*c.follow_ups, visit)), "followup", html)


DOCS = {"receipt": "投诉受理回执", "feedback": "投诉处理反馈意见书", "followup": "投诉回访记录"}


@complaint.command("print")
@click.argument("complaint_id", metavar="ID")
@click.argument("doc", type=click.Choice(list(DOCS)), default="receipt")
@html_option
@pass_app
def print_cmd(app: App, complaint_id, doc, html) -> None:
    """重新打印投诉的文书：receipt 受理回执；feedback 处理反馈意见书；followup 回访记录。"""
    c = one(app, complaint_id)
    if doc != "receipt" and c.is_open:
        raise DataError(f"投诉 {c.id} 尚未处理，没有{DOCS[doc]}")
    if doc == "followup" and not c.follow_ups:
        raise DataError(f"投诉 {c.id} 尚未回访")
    print_complaint(app, c, doc, html)


def print_complaint(app: App, c: Complaint, doc: str, html) -> None:
    view = complaint_view(app, c)
    text, page = render_document(app, c.id, f"complaint_{doc}", view, html)
    show_document(app, DOCS[doc], text, page, html)


def complaint_view(app: App, c: Complaint) -> dict:
    """What the complaint templates see (the complainant's phone in full: the documents go to them)."""
    home = app.home
    roster = home.roster
    visits = [
        {
            **v,
            "date": v["date"].isoformat(),
            "result_name": FOLLOW_UP.get(v["result"], v["result"]),
            "by_name": roster.name(v["by"]),
        }
        for v in c.follow_ups
    ]
    item = home.scoring.item(c.deduction) if home.scoring is not None and c.deduction else None
    return {
        "office": office_view(home.catalog),
        "today": app.today.isoformat(),
        "case": {"id": c.id},
        "complaint": {
            **row(app, c, reveal=True),
            "text": c.text,
            "finding": c.finding,
            "feedback": c.feedback,
            "filed_by_name": roster.name(c.by),
            "resolved_by_name": roster.name(c.resolved_by) if c.resolved_by else "",
            "deduction_name": f"{item.name}（{item.points:g} 分）" if item else "",
            "reply_days": home.catalog.office.rules.complaint_reply_days,
            "follow_ups": visits,
        },
    }


COLUMNS = [
    ("id", "投诉编号"),
    ("filed", "受理日期"),
    ("channel_name", "渠道"),
    ("against_name", "被投诉对象"),
    ("about_name", "事由"),
    ("complainant", "投诉人"),
    ("phone", "电话"),
    ("reply_by", "答复期限"),
    ("status_name", "状态"),
    ("resolved", "处理日期"),
    ("responsible_name", "责任人"),
]


def row(app: App, c: Complaint, reveal: bool = False) -> dict:
    """One complaint as listed; these JSON field names are a contract (README "投诉与问责")."""
    roster = app.home.roster
    late = c.is_open and app.today > c.reply_by
    return {
        "id": c.id,
        "filed": c.filed.isoformat(),
        "channel": c.channel,
        "channel_name": CHANNELS.get(c.channel, c.channel),
        "against": c.against,
        "against_kind": c.against_kind,
        "against_name": f"{against_name(app, c)}（{AGAINST_KINDS[c.against_kind]}）",
        "case": c.case,
        "about": c.about,
        "about_name": ABOUT[c.about].name if c.about in ABOUT else c.about,
        "complainant": c.complainant if reveal else mask_name(c.complainant),
        "phone": c.phone if reveal else mask_phone(c.phone),
        "reply_by": c.reply_by.isoformat(),
        "status": c.status,
        "status_name": STATUS[c.status] + ("（逾期未答复）" if late else ""),
        "resolved": c.resolved.isoformat() if c.resolved else "",
        "deduction": c.deduction or "",
        "responsible": c.responsible,
        "responsible_name": roster.name(c.responsible) if c.responsible else "",
        "follow_up": c.follow_ups[-1]["result"] if c.follow_ups else "",
    }


@complaint.command("list")
@click.option("--open", "only_open", is_flag=True, help="只列出尚未处理的投诉。")
@click.option("--against", type=Text(40), help="只列出针对该人员、窗口或科室的投诉。")
@click.option("--year", type=click.IntRange(2000, 2100), help="只列出该年受理的投诉。")
@click.option("--reveal", is_flag=True, help="显示投诉人完整姓名和电话（须同时给出 --reason，并记录查看）。")
@click.option("--reason", type=TEXT, help="查看完整个人信息的理由。")
@output_options
@pass_app
def list_cmd(app: App, only_open, against, year, reveal, reason, fmt, encoding) -> None:
    """列出投诉（投诉人电话打码，--reveal --reason 显示完整）。"""
    from svccli.cli.cases_cmd import note_reveal

    found = complaints_of(app).values()
    if against:
        against_kind(app, against)
    note_reveal(app, reveal, reason, "complaints")
    rows = [
        row(app, c, reveal)
        for c in sorted(found, key=lambda c: (c.filed, c.id))
        if (not only_open or c.is_open) and (not against or c.against == against) and (not year or c.filed.year == year)
    ]
    emit(rows, COLUMNS, fmt, encoding, empty="没有符合条件的投诉")


COMMANDS = [complaint]

__all__ = ["COMMANDS", "complaints_of", "row"]
