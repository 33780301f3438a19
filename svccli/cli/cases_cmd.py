"""Reading cases: `svc show`, `svc cases`, `svc print`."""

from __future__ import annotations

import json

import click

from svccli.cli.context import App, pass_app
from svccli.cli.corrections_cmd import field_history, history_lines
from svccli.cli.params import TEXT
from svccli.cli.recording import find_case, html_option, record, service_of
from svccli.core.cases import RESULTS, Case, effective_day
from svccli.core.deadlines import days_between, due, part_due, receive_by, served_late, unit_of
from svccli.core.describe import lateness
from svccli.core.privacy import mask_id, mask_phone
from svccli.errors import DataError, UsageError
from svccli.render import case_text
from svccli.render.views import DOCUMENTS, deemed_view


def note_reveal(app: App, reveal: bool, reason: str | None, what: str) -> None:
    """Showing personal data in full needs a reason and leaves a record of who, what, when, why."""
    if not reveal:
        return
    if not reason:
        raise UsageError("--reveal 须同时用 --reason 说明查看完整个人信息的理由")
    record(app, [{"type": "reveal", "what": what, "reason": reason}])


def case_row(app: App, case: Case, reveal: bool = False) -> dict:
    home = app.home
    item = home.catalog.item(case.service)
    d = due(case, item, home.catalog.office.rules, home.calendar, app.today) if item else None
    phone = case.applicant.get("phone", "")
    return {
        "id": case.id,
        "service": case.service,
        "service_name": item.name if item else "",
        "applicant": case.applicant.get("name", ""),
        "phone": phone if reveal else mask_phone(phone),
        "status": case.status,
        "status_name": case.status_name + ("（移交途中）" if case.in_transit else ""),
        "first_contact": case.first_contact,
        "first_handler": case.first_handler,
        "holder": case.holder,
        "holder_name": home.roster.name(case.holder),
        "first_handler_name": home.roster.name(case.first_handler) if case.first_handler else "",
        "opened": case.opened[:10],
        "accepted": case.accepted_on.isoformat() if case.accepted_on else "",
        "due": (d.due.isoformat() + ("（临时）" if d.provisional else "")) if d else "",
    }


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--reveal", is_flag=True, help="显示完整电话和证件号码（须 --reason，并留下查看记录）。")
@click.option("--reason", type=TEXT, help="查看完整个人信息的理由。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="输出格式：table（逐行文字）或 json。",
)
@pass_app
def show(app: App, case_id: str, reveal: bool, reason: str | None, fmt: str) -> None:
    """案件全过程：谁在何时做了什么、材料、告知、状态、持有人、办结期限及剩余或逾期时间、暂停、延期、送达。"""
    _, case = find_case(app, case_id)
    note_reveal(app, reveal, reason, f"case {case.id}")
    roster = app.home.roster
    item = service_of(app, case)
    row = case_row(app, case, reveal)
    a = case.applicant
    applicant = {
        "name": a.get("name", ""),
        "phone": row["phone"],
        "unit": a.get("unit", ""),
        "agent": a.get("agent", ""),
        "id_number": a.get("id_number", "") if reveal else mask_id(a.get("id_number", "")),
    }
    d = due(case, item, app.home.catalog.office.rules, app.home.calendar, app.today)
    late = served_late(case, d, app.home.calendar) if d else None
    times = case_text.times(case, item, app.home.catalog, app.home.calendar, app.today)
    timeline = [
        {"ts": s.ts, "on": s.on, "by": s.by, "by_name": roster.name(s.by), "kind": s.kind, "text": s.text}
        for s in case.steps
    ]
    dates = {
        "decision_date": case.concluded_on.isoformat() if case.concluded_on else "",
        "service_date": case.delivered_on.isoformat() if case.delivered_on else "",
        "notified_date": case.notified_on.isoformat() if case.notified_on else "",
        "on_time": None if late is None else late == 0,
        "days_late": late or 0,
    }
    custody = [t for t in timeline if t["kind"] in CUSTODY]
    extra = _progress(app, case, item)
    case_text.worded(timeline, times, extra["parts"])  # extensions, resumptions, parts: days in the item's unit
    home = app.home
    deemed = deemed_view(case, item, home.catalog, home.calendar, app.today)  # 超时默许 (002 一.7 / 十.6)
    pause = times["pauses"][-1] if times["pauses"] else None  # cause and time told (000 第四篇 二.10)
    corrected = field_history(case, app, reveal)  # each corrected field's history (issue 16 §6)
    if fmt == "json":
        data = {
            **row,
            **dates,
            "applicant": applicant,
            "first_contact_name": roster.name(case.first_contact),
            "received": case.received,
            "outstanding": case.outstanding,
            "owed": case.owed,
            "breaches": list(case.breaches),
            "timeline": timeline,
            "custody": custody,
            "deemed": deemed,
            "pause": pause,
            **times,
            "corrections": corrected,
            **extra,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    lines = [
        f"案件 {case.id}　{item.name}（{item.code}，{item.kind_name}）",
        f"状态：{case.status_name}{'（超时默许，视为准予）' if deemed else ''}　当前持有人：{row['holder_name']}",
        f"申请人：{applicant['name']}　电话：{applicant['phone']}"
        + (f"　证件：{applicant['id_number']}" if applicant["id_number"] else "")
        + (f"　单位：{applicant['unit']}" if applicant["unit"] else "")
        + (f"　代办人：{applicant['agent']}" if applicant["agent"] else ""),
        f"首问责任人：{roster.name(case.first_contact)}　首办责任人：{row['first_handler_name'] or '（未受理）'}",
        f"收件：{row['opened']}　受理：{row['accepted'] or '—'}　办结期限：{row['due'] or '—'}"
        + (f"（{times['late_text']}）" if times["late_text"] and not dates["decision_date"] else ""),
        "收到材料：" + ("、".join(f"{c}×{n}" for c, n in case.received.items()) or "无"),
    ]
    if dates["decision_date"]:
        lines.append(
            f"决定：{dates['decision_date']}　送达（办结）：{dates['service_date'] or '—'}"
            + (f"　{times['late_text']}" if late is not None else "")
        )
    if deemed:
        lines.append(
            f"超时默许：办结期限 {deemed['due']} 届满未作决定，自 {deemed['since']} 起视为准予（{deemed['basis']}）"
            + (f"；{deemed['decided']} 作出准予决定" if deemed["decided"] else "；只能作出准予决定")
        )
    lines += case_text.clock_lines(times)  # pauses, extensions, the delivery
    if case.owed:
        lines.append("容缺待补：" + "、".join(f"{c}（{v.get('by', '')} 前）" for c, v in case.owed.items()))
    if case.outstanding:
        lines.append("待补正：" + "、".join(f"{c}（{v.get('reason', '')}）" for c, v in case.outstanding.items()))
    if case.breaches:
        lines.append("违反一次性告知：" + "、".join(case.breaches))
    if extra["in_transit"]:
        t = extra["in_transit"]
        lines.append(
            f"移交途中：{t['from_name']} → {t['to_name']}（{t['since'][:16].replace('T', ' ')} 移交，"
            f"应于 {t['receive_by']} 接收）"
        )
    if extra["review"]:
        r = extra["review"]
        lines.append(
            f"一审一核：审查 {r['reviewer_name']}（{r['reviewed']}）；"
            + (f"复核 {r['checker_name']}（{r['checked']}）" if r["checker"] else "待另一名工作人员复核")
        )
    for p in extra["parts"]:
        lines.append(
            f"协办：{p['name']}　期限 {p['due']}　"
            + (
                f"{p['done_on']} 完成" + (f"，{lateness(p['days_late'], p['unit'])}" if p["days_late"] else "")
                if p["done_on"]
                else ("未完成，已超期" if p["late"] else "未完成")
            )
        )
    if extra["forward"]:
        f = extra["forward"]
        lines.append(
            f"报送：{f['to']}（{f['on']}）　"
            + (f"{f['answered_on']} 答复：{f['result_name']}" if f["result"] else "待上级机关答复")
        )
    lines += history_lines(corrected)
    width = case_text.name_width(timeline)
    if custody:
        lines.append("交接链：")
        lines += [case_text.step_line(t, width) for t in custody]
    lines.append("过程：")
    lines += [case_text.step_line(t, width) for t in timeline]
    click.echo("\n".join(lines))


# Steps that move a case from one holder to another (the chain of custody shown by `svc show`).
CUSTODY = ("intake", "accept", "handover", "receive", "return", "deliver")


def _progress(app: App, case: Case, item) -> dict:
    """Transit, review and check, joint parts and the forwarding, as `svc show` gives them (JSON keys)."""
    home, roster = app.home, app.home.roster
    moving = case.in_transit
    transit = None
    if moving:
        transit = {
            "kind": moving["type"],
            "from": moving["by"],
            "from_name": roster.name(moving["by"]),
            "to": moving["to"],
            "to_name": moving.get("to_name", ""),
            "receiver": moving.get("receiver", ""),
            "since": moving["ts"],
            "receive_by": receive_by(home.calendar, effective_day(moving)).isoformat(),
        }
    review = None
    if case.reviews:
        r, a = case.reviews[-1], case.approval
        review = {
            "reviewer": r["by"],
            "reviewer_name": roster.name(r["by"]),
            "reviewed": effective_day(r).isoformat(),
            "opinion": r.get("opinion", ""),
            "checker": a.get("by", ""),
            "checker_name": roster.name(a["by"]) if a else "",
            "checked": a.get("ts", "")[:10],
        }
    parts = []
    for dept, p in case.parts.items():
        d = part_due(case, dept, item, home.catalog.office.rules, home.calendar)
        done_on = p.get("done_on")
        unit = unit_of(item, home.catalog.office.rules)  # the part's limit counts as the case's does
        late_days = days_between(home.calendar, d, done_on, unit) if d and done_on and done_on > d else 0
        parts.append(
            {
                "department": dept,
                "name": p.get("name", dept),
                "limit": p["limit"],
                "due": d.isoformat() if d else "",
                "done_on": done_on.isoformat() if done_on else "",
                "days_late": late_days,
                "unit": unit,
                "late": bool(d and not done_on and app.today > d),
                "opinion": p.get("opinion", ""),
            }
        )
    fwd = None
    if case.forward:
        f = case.forward
        fwd = {
            "to": f["to"],
            "on": f["on"].isoformat(),
            "result": f.get("result", ""),
            "result_name": RESULTS.get(f.get("result", ""), ""),
            "answered_on": f["answered_on"].isoformat() if f.get("answered_on") else "",
            "note": f.get("note", ""),
        }
    return {"in_transit": transit, "review": review, "parts": parts, "forward": fwd}


@click.command("print")
@click.argument("case_id", metavar="CASE")
@click.argument("document", type=click.Choice(list(DOCUMENTS)))
@click.option("--number", help="文书编号（如 T01-0007 或完整编号）；不给时为该类文书最近出具的一份。")
@click.option("--reissue", is_flag=True, help="按案件现状出具一份新编号的文书，注明所替代的原文书编号（须 --reason）。")
@click.option("--reason", type=TEXT, help="--reissue 的理由（记入文书登记）。")
@html_option
@pass_app
def print_cmd(
    app: App, case_id: str, document: str, number: str | None, reissue: bool, reason: str | None, html
) -> None:
    """按出具时的原样重新打印案件的文书（一次性告知书、收件凭证、受理通知书、不予受理通知书、告知单、
    办结通知书、延期告知书、补办件通知书、退件通知书、项目收件交接单、暂停计时告知书、超时默许告知书），
    每次打印都记录打印人和时间；--reissue --reason 出具更正后的新文书。"""
    from svccli.cli import register

    _, case = find_case(app, case_id)
    if reissue and (not reason or number):
        raise UsageError("--reissue 须同时用 --reason 说明理由，且不能与 --number 同用")
    if reason and not reissue:
        raise UsageError("--reason 只与 --reissue 同用")
    if not reissue and (number or register.find(app, case.id, document, None)):
        return register.reprint(app, case, document, html, number)
    if not _has_document(app, case, document):
        raise DataError(f"案件 {case.id} 没有{DOCUMENTS[document][0]}（状态：{case.status_name}）")
    if reissue or document == "deemed":  # deemed: only `svc print` issues it
        last = register.find(app, case.id, document, None)
        register.issue(app, case, document, html, last["number"] if last else "", reason or "")
        return
    register.reconstruct(app, case, document, html)  # issued before the register existed


def _has_document(app: App, case: Case, document: str) -> bool:
    """Whether the case as it stands calls for the document (a reissue or a reconstruction)."""
    needs = {
        "notice": bool(case.notices),
        "acceptance": bool(case.accepted_on),
        "refusal": case.status == "refused",
        "referral": case.status == "referred",
        "conclusion": bool(case.result),
        "receipt": True,
        "extension": bool(case.extensions),
        "owed": bool(case.owed),
        "sendback": case.status == "returned",
        "handover": bool(case.handovers),
        "pause": bool(case.pauses),
        "deemed": False,
    }
    if document == "deemed":  # only once the due date has passed undecided, where the office's rule applies
        home = app.home
        needs["deemed"] = deemed_view(case, service_of(app, case), home.catalog, home.calendar, app.today) is not None
    return needs[document]


COMMANDS = [show, print_cmd]  # `svc cases` is in search_cmd.py
