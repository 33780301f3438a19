"""View models: plain dicts for templates, built from a case and the catalogue.

Documents handed to the applicant show their phone and ID number in full; listings mask them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from svccli.core.calendar import Calendar
from svccli.core.cases import STATUS, Case, effective_day
from svccli.core.catalog import Catalog
from svccli.core.deadlines import PAUSE_REASONS, days_between, due, unit_of
from svccli.core.describe import DELIVERY_METHODS, UNIT_NAMES, days_text, delivery_method
from svccli.core.overdue import deemed_since
from svccli.core.privacy import ID_TYPES, mask_phone
from svccli.core.roster import Roster
from svccli.core.wording import reconsideration_body, result_text

DOCUMENTS = {
    "notice": ("一次性告知书", "notice"),
    "receipt": ("收件凭证", "receipt"),
    "acceptance": ("受理通知书", "acceptance"),
    "refusal": ("不予受理通知书", "refusal"),
    "referral": ("告知单（非本机关事项）", "referral"),
    "conclusion": ("办结通知书", "conclusion"),
    "extension": ("延期告知书", "extension"),
    "owed": ("补办件通知书", "owed"),
    "sendback": ("退件通知书", "sendback"),
    "handover": ("项目收件交接单", "handover"),
    "pause": ("暂停计时告知书", "pause"),
    "deemed": ("超时默许告知书", "deemed"),
}
# How an inquiry came (`svc inquiry --channel`), as listings and the monthly report name it.
INQUIRY_CHANNELS = {"visit": "来访", "phone": "来电", "letter": "来信", "email": "电子邮件", "online": "网上"}
TARGET_KINDS = {"section": "科室", "staff": "工作人员", "post": "岗位", "window": "窗口"}


def office_view(catalog: Catalog) -> dict:
    o = catalog.office
    return {
        "code": o.code,
        "name": o.name,
        "address": o.address,
        "phones": {k: v for k, v in o.phones},
        "reconsideration_body": reconsideration_body(o.name),  # 复议机关, for the refusal's remedies
    }


def case_view(case: Case, catalog: Catalog, roster: Roster, calendar: Calendar, today: dt.date) -> dict:
    item = catalog.items[case.service]
    unit_name = UNIT_NAMES[unit_of(item, catalog.office.rules)]
    d = due(case, item, catalog.office.rules, calendar, today)
    last_notice = case.notices[-1] if case.notices else None
    applicant = dict(case.applicant)
    return {
        "office": office_view(catalog),
        "today": today.isoformat(),
        "case": {
            "id": case.id,
            "status": case.status,
            "status_name": STATUS.get(case.status, case.status),
            "opened": case.opened[:10],
            "service_code": item.code,
            "service_name": item.name,
            "department": catalog.department_name(item.department),
            "kind": item.kind_name,
            "licensing": item.licensing,
            "legal_basis": item.legal_basis,
            "procedure": list(item.procedure),
            "statutory_limit": item.statutory_limit,
            "committed_limit": item.committed_limit,
            "unit": unit_name,
            "fee": item.fee or "不收费",
            "location": item.location,
            "body": item.body or catalog.department_name(item.department),
            "clock_from": case.clock_from.isoformat() if case.clock_from else "",
            "delivered_on": case.delivered_on.isoformat() if case.delivered_on else "",
            "consultation_phone": item.phone("consultation") or catalog.office.phone("consultation"),
            "supervision_phone": item.phone("supervision") or catalog.office.phone("supervision"),
            "first_contact": roster.name(case.first_contact),
            "first_handler": roster.name(case.first_handler) if case.first_handler else "",
            "holder": roster.name(case.holder),
        },
        "applicant": {
            "name": applicant.get("name", ""),
            "phone": applicant.get("phone", ""),
            "id_number": applicant.get("id_number", ""),
            "id_type": ID_TYPES.get(applicant.get("id_type", "resident"), applicant.get("id_type", "")),
            "unit": applicant.get("unit", ""),
            "agent": applicant.get("agent", ""),
            "address": applicant.get("address", ""),
            "credit_code": applicant.get("credit_code", ""),  # a company's 统一社会信用代码 (core/identity.py)
            "legal_rep": applicant.get("legal_rep", ""),
        },
        "received": [
            {"code": code, "name": _material_name(item, code), "copies": copies, "form": _material_form(item, code)}
            for code, copies in case.received.items()
        ],
        "gaps": [
            {
                "code": g["code"],
                "name": g.get("name") or _material_name(item, g["code"]),
                "problem": "缺少" if g.get("problem") == "missing" else "有误",
                "reason": g.get("reason", ""),
            }
            for g in (last_notice["items"] if last_notice else [])
        ],
        "outstanding": [
            {
                "code": code,
                "name": _material_name(item, code),
                **info,
                "problem_name": "缺少" if info.get("problem") == "missing" else "有误",
            }
            for code, info in case.outstanding.items()
        ],
        "pending": _pending(case, item, last_notice),
        "notice": {
            "seq": last_notice.get("seq", 1),
            "date": effective_day(last_notice).isoformat(),
            "supplement_by": last_notice.get("supplement_by", ""),
            # else told orally (office rule written_notice); a notice recorded without the field was printed
            "written": bool(last_notice.get("written", True)),
            "requested": bool(last_notice.get("requested")),  # the applicant asked for it in writing
            "by_name": roster.name(last_notice["by"]) if last_notice.get("by") else "",
        }
        if last_notice
        else None,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else "",
        "due": d.due.isoformat() if d else "",
        "due_provisional": bool(d and d.provisional),
        "owed": [
            {"code": code, "name": info.get("name", code), "by": info.get("by", "")} for code, info in case.owed.items()
        ],
        "owed_by": max((info.get("by", "") for info in case.owed.values()), default=""),
        "closing": {
            "reason": case.closing.get("reason", ""),
            "opinion": case.closing.get("opinion", ""),
            "to": case.closing.get("to", ""),
            "contact": case.closing.get("contact", ""),
            "date": case.closing.get("ts", "")[:10],
        },
        "extension": next(reversed(extensions_view(case, item, catalog, calendar)), None),
        "pause": pause_view(case, item, catalog, calendar, today),
        "delivery": delivery_view(case),
        "deemed": deemed_view(case, item, catalog, calendar, today),
        "handover": _handover_view(case, item, roster),
        "conclusion": {
            "result": case.result,
            "result_name": result_text(case.result, item.licensing),  # one phrase (core/wording.py)
            "result_text": result_text(case.result, item.licensing),
            "date": case.concluded_on.isoformat() if case.concluded_on else "",
            "note": case.decision.get("note", ""),
            "reasons": case.decision.get("reasons", ""),
        },
    }


def _pending(case: Case, item, last_notice: dict | None) -> list[dict]:
    """Every material still to be supplied, for a notice (issue 16 section 5): what earlier notices
    asked for and was not brought yet comes with what this one adds (`new`)."""
    added = {g["code"] for g in last_notice["items"]} if last_notice else set()
    return [
        {
            "code": code,
            "name": _material_name(item, code),
            "problem": "缺少" if info.get("problem") == "missing" else "有误",
            "reason": info.get("reason", ""),
            "new": code in added,
        }
        for code, info in case.outstanding.items()
    ]


def _material_name(item, code: str) -> str:
    m = item.material(code)
    return m.name if m else code


def _material_form(item, code: str) -> str:
    m = item.material(code)
    return m.form_name if m else ""


def extensions_view(case: Case, item, catalog: Catalog, calendar: Calendar) -> list[dict]:
    """Every extension (延期): its days in the item's unit, the due date before and after it as they stood
    the day it was recorded, and whether the applicant was told later than the office rule allows
    (extension_notice / extension_notice_days). A record without the old due date (an older one) has it
    and the flag computed from the case's events."""
    rules = catalog.office.rules
    unit = unit_of(item, rules)
    views = []
    for i, e in enumerate(case.extensions):
        then = _as_on(case, e.on)
        old = due(replace(then, extensions=case.extensions[:i]), item, rules, calendar, e.on)
        new = due(replace(then, extensions=case.extensions[: i + 1]), item, rules, calendar, e.on)
        late = e.late
        if not e.old_due and old is not None:  # recorded before the flag was: judged by the office's rule
            left = days_between(calendar, e.on, old.due, "working_days")
            late = rules.extension_notice == "before_due" and left < rules.extension_notice_days
        views.append(
            {
                "days": e.days,
                "unit": unit,
                "days_text": days_text(e.days, unit),
                "reason": e.reason,
                "basis": e.basis,
                "opinion": e.opinion,
                "approved_by": e.approved_by,
                "date": e.on.isoformat(),
                "old_due": e.old_due or (old.due.isoformat() if old else ""),
                "new_due": new.due.isoformat() if new else "",
                "late": late,
                "late_text": f"延期告知迟延（到期前不足 {rules.extension_notice_days} 个工作日告知）" if late else "",
            }
        )
    return views


def _as_on(case: Case, day: dt.date) -> Case:
    """The case's pauses and extensions as they stood on `day` (a pause not yet resumed then is open)."""
    pauses = tuple(p if p.end is None or p.end <= day else replace(p, end=None) for p in case.pauses if p.start <= day)
    return replace(case, pauses=pauses, extensions=tuple(e for e in case.extensions if e.on <= day))


def pauses_view(case: Case, item, catalog: Catalog, calendar: Calendar, today: dt.date) -> list[dict]:
    """Every pause (暂停计时): the cause in Chinese, the time the step takes as told to the applicant
    (000 第四篇 二.10; the case keeps it for the latest pause), and the days it added to the due date as
    `due` counts them (an open pause: so far), with the due date before and after it as they stood then."""
    rules = catalog.office.rules
    unit = unit_of(item, rules)
    views = []
    for i, p in enumerate(case.pauses):
        end = p.end or today
        before = due(replace(_as_on(case, p.start), pauses=case.pauses[:i]), item, rules, calendar, p.start)
        after = due(replace(_as_on(case, end), pauses=case.pauses[: i + 1]), item, rules, calendar, end)
        added = after.paused - before.paused if before and after else 0
        last = i == len(case.pauses) - 1
        views.append(
            {
                "reason": p.reason,
                "reason_name": PAUSE_REASONS.get(p.reason, p.reason),
                "expected": case.suspension.get("expected", "") if last else "",
                "note": p.note,
                "since": p.start.isoformat(),
                "resumed": p.end.isoformat() if p.end else "",
                "days": added,
                "unit": unit,
                "days_text": days_text(added, unit),
                "due_before": before.due.isoformat() if before else "",
                "due_after": after.due.isoformat() if after else "",
            }
        )
    return views


def pause_view(case: Case, item, catalog: Catalog, calendar: Calendar, today: dt.date) -> dict | None:
    """The latest pause, for the 暂停计时告知书 and `svc show` (see `pauses_view`)."""
    return pauses_view(case, item, catalog, calendar, today)[-1] if case.pauses else None


def delivery_view(case: Case) -> dict | None:
    """How the written result was served (送达): the method, who took it, a proxy's authorisation, the
    tracking number of a posting, and the service date (the conclusion date, 000 第四篇 二.8)."""
    if case.delivered_on is None:
        return None
    d = case.delivery
    how = delivery_method(d)
    return {
        "method": how,
        "method_name": DELIVERY_METHODS[how],
        "to": d.get("to", ""),
        "authorisation": d.get("authorisation", ""),
        "tracking": d.get("tracking", ""),
        "served_on": case.delivered_on.isoformat(),
    }


# The office rule a deemed approval rests on (002 一.7 / 十.6; an item's own switch in the catalogue).
DEEMED_BASIS = {
    "committed": "承诺件超过承诺时限的，实行超时默许制",
    "all": "各类审批事项均实行超时默许制",
    "item": "本事项实行超时默许制",
}


def deemed_view(case: Case, item, catalog: Catalog, calendar: Calendar, today: dt.date) -> dict | None:
    """Deemed approval (超时默许), for the 超时默许告知书 and `svc show`: None unless the case is deemed approved."""
    since = deemed_since(case, item, catalog, calendar, today)
    if since is None:
        return None
    basis = "item" if item.deemed_approval is not None else catalog.office.rules.deemed_approval
    return {
        "since": since.isoformat(),
        "due": (since - dt.timedelta(days=1)).isoformat(),
        "basis": DEEMED_BASIS.get(basis, DEEMED_BASIS["item"]),
        "decided": case.concluded_on.isoformat() if case.concluded_on else "",
    }


def _handover_view(case: Case, item, roster: Roster) -> dict | None:
    """The latest handover or return, for the 项目收件交接单 (seed 003 工作流程 四 and 八): the applicant's
    phone is masked, the slip stays inside the office."""
    if not case.handovers:
        return None
    h = case.handovers[-1]
    got = h.get("received") or {}
    sender = roster.staff.get(h["by"])
    section = roster.sections.get(sender.section) if sender and sender.section else None
    materials = [
        {
            "code": m["code"],
            "name": _material_name(item, m["code"]),
            "form": _material_form(item, m["code"]),
            "copies": int(m.get("copies", 1)),
        }
        for m in h.get("materials", [])
    ]
    return {
        "kind": h["type"],
        "is_return": h["type"] == "return",
        "subtitle": "（办理结果及材料回交窗口）" if h["type"] == "return" else "（窗口移交主办科室）",
        "from_name": roster.name(h["by"]),
        "from_unit": section.name if section else (sender.unit if sender else ""),
        "to_name": h.get("to_name") or h.get("to", ""),
        "to_kind": TARGET_KINDS.get(h.get("to_kind", ""), ""),
        "receiver_name": roster.name(h["receiver"]) if h.get("receiver") else "",
        "materials": materials,
        "count": len(materials),
        "total": sum(m["copies"] for m in materials),
        "date": effective_day(h).isoformat(),
        "time": h["ts"][11:16],
        "note": h.get("note", ""),
        "applicant_phone": mask_phone(case.applicant.get("phone", "")),
        "result_name": result_text(case.result, item.licensing) if h["type"] == "return" and case.result else "",
        "received": bool(got),
        "received_by": roster.name(got["by"]) if got else "",
        "received_at": got.get("ts", "")[:16].replace("T", " ") if got else "",
        "received_for": roster.name(got["for"]) if got.get("for") else "",
    }
