"""View models: plain dicts for templates, built from a case and the catalogue.

Documents handed to the applicant show their phone and ID number in full; listings mask them.
"""

from __future__ import annotations

import datetime as dt

from svccli.core.calendar import Calendar
from svccli.core.cases import RESULTS, STATUS, Case
from svccli.core.catalog import Catalog
from svccli.core.deadlines import due
from svccli.core.privacy import ID_TYPES
from svccli.core.roster import Roster

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
}


def office_view(catalog: Catalog) -> dict:
    o = catalog.office
    return {"code": o.code, "name": o.name, "address": o.address,
            "phones": {k: v for k, v in o.phones}}


def case_view(case: Case, catalog: Catalog, roster: Roster, calendar: Calendar, today: dt.date) -> dict:
    item = catalog.items[case.service]
    unit_name = "工作日" if (item.limit_unit or catalog.office.rules.limit_unit) == "working_days" else "自然日"
    d = due(case, item, catalog.office.rules, calendar, today)
    last_notice = case.notices[-1] if case.notices else None
    applicant = dict(case.applicant)
    return {
        "office": office_view(catalog),
        "today": today.isoformat(),
        "case": {
            "id": case.id, "status": case.status, "status_name": STATUS.get(case.status, case.status),
            "opened": case.opened[:10],
            "service_code": item.code, "service_name": item.name,
            "department": catalog.department_name(item.department),
            "kind": item.kind_name, "licensing": item.licensing, "legal_basis": item.legal_basis,
            "procedure": list(item.procedure), "statutory_limit": item.statutory_limit,
            "committed_limit": item.committed_limit, "unit": unit_name, "fee": item.fee or "不收费",
            "location": item.location, "body": item.body or catalog.department_name(item.department),
            "clock_from": case.clock_from.isoformat() if case.clock_from else "",
            "delivered_on": case.delivered_on.isoformat() if case.delivered_on else "",
            "consultation_phone": item.phone("consultation") or catalog.office.phone("consultation"),
            "supervision_phone": item.phone("supervision") or catalog.office.phone("supervision"),
            "first_contact": roster.name(case.first_contact),
            "first_handler": roster.name(case.first_handler) if case.first_handler else "",
            "holder": roster.name(case.holder),
        },
        "applicant": {
            "name": applicant.get("name", ""), "phone": applicant.get("phone", ""),
            "id_number": applicant.get("id_number", ""),
            "id_type": ID_TYPES.get(applicant.get("id_type", "resident"), applicant.get("id_type", "")),
            "unit": applicant.get("unit", ""), "agent": applicant.get("agent", ""),
            "address": applicant.get("address", ""),
        },
        "received": [{"code": code, "name": _material_name(item, code), "copies": copies,
                      "form": _material_form(item, code)} for code, copies in case.received.items()],
        "gaps": [{"code": g["code"], "name": g.get("name") or _material_name(item, g["code"]),
                  "problem": "缺少" if g.get("problem") == "missing" else "有误", "reason": g.get("reason", "")}
                 for g in (last_notice["items"] if last_notice else [])],
        "outstanding": [{"code": code, "name": _material_name(item, code), **info,
                         "problem_name": "缺少" if info.get("problem") == "missing" else "有误"}
                        for code, info in case.outstanding.items()],
        "notice": {"seq": last_notice.get("seq", 1), "date": last_notice["ts"][:10],
                   "supplement_by": last_notice.get("supplement_by", ""),
                   "written": bool(last_notice.get("written"))} if last_notice else None,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else "",
        "due": d.due.isoformat() if d else "",
        "due_provisional": bool(d and d.provisional),
        "owed": [{"code": code, "name": info.get("name", code), "by": info.get("by", "")}
                 for code, info in case.owed.items()],
        "owed_by": max((info.get("by", "") for info in case.owed.values()), default=""),
        "closing": {"reason": case.closing.get("reason", ""), "opinion": case.closing.get("opinion", ""),
                    "to": case.closing.get("to", ""),
                    "contact": case.closing.get("contact", ""),
                    "date": case.closing.get("ts", "")[:10]},
        "extension": _extension_view(case),
        "conclusion": {"result": case.result, "result_name": RESULTS.get(case.result, case.result),
                       "date": case.concluded_on.isoformat() if case.concluded_on else "",
                       "note": case.decision.get("note", ""), "reasons": case.decision.get("reasons", "")},
    }


def _material_name(item, code: str) -> str:
    m = item.material(code)
    return m.name if m else code


def _material_form(item, code: str) -> str:
    m = item.material(code)
    return m.form_name if m else ""


def _extension_view(case: Case) -> dict | None:
    """The latest extension, with the due date before it (for the 延期告知书)."""
    if not case.extensions:
        return None
    e = case.extensions[-1]
    return {"days": e.days, "reason": e.reason, "basis": e.basis, "date": e.on.isoformat(),
            "opinion": e.opinion, "old_due": e.old_due, "late": e.late}
