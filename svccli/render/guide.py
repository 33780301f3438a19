"""The 办事指南 page of a service item (seed 000 第四篇: the elements a guide must state): on the
terminal (guide.txt.j2) and as an A4 page for the window's display rack (guide.html.j2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from svccli.core.catalog import Catalog, Office, ServiceItem
from svccli.core.roster import Roster
from svccli.render.documents import render


def item_view(item: ServiceItem, catalog: Catalog, roster: Roster) -> dict:
    office = catalog.office
    post = roster.posts.get(item.post)
    unit = "个工作日" if (item.limit_unit or office.rules.limit_unit) == "working_days" else "个自然日"
    return {
        "code": item.code,
        "name": item.name,
        "department": catalog.department_name(item.department),
        "kind": item.kind_name,
        "licensing": item.licensing,
        "legal_basis": item.legal_basis,
        "body": item.body or catalog.department_name(item.department),
        "conditions": list(item.conditions),
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "copies": m.copies,
                "form": m.form_name,
                "required": m.required,
                "condition": m.condition,
                "sample": m.sample,
                "may_owe": m.may_owe,
            }
            for m in item.materials
        ],
        "procedure": list(item.procedure),
        "statutory_limit": item.statutory_limit,
        "committed_limit": item.committed_limit,
        "unit": unit,
        "fee": item.fee or "不收费",
        "fee_basis": item.fee_basis,
        "post": post.name if post else item.post,
        "location": item.location,
        "consultation_phone": item.phone("consultation") or office.phone("consultation"),
        "supervision_phone": item.phone("supervision") or office.phone("supervision"),
        "complaint_phone": item.phone("complaint") or office.phone("complaint"),
        "department_phone": catalog.departments[item.department].phone
        if item.department in catalog.departments
        else "",
        "address": office.address,
        "hours": hours_text(office),
        "licensing_name": "是" if item.licensing else "否",
        "joint_parts": [
            {"department": catalog.department_name(p.department), "limit": p.limit} for p in item.joint_parts
        ],
        "forward_to": item.forward_to,
        "office": office.name,
    }


def hours_text(office: Office) -> str:
    """office.yaml's hours in words: "工作日上午 08:00—12:00，下午 14:30—17:30（7月1日至9月30日下午 15:00—18:00）"."""
    hours = dict(office.hours)
    spans = [
        f"{name} {hours[key][0]}—{hours[key][1]}"
        for key, name in (("morning", "上午"), ("afternoon", "下午"))
        if len(hours.get(key, ())) == 2
    ]
    text = "工作日" + "，".join(spans) if spans else ""
    summer, late = hours.get("summer", ()), hours.get("summer_afternoon", ())
    if text and len(summer) == 2 and len(late) == 2:
        text += f"（{_month_day(summer[0])}至{_month_day(summer[1])}下午 {late[0]}—{late[1]}）"
    return text + "；法定节假日除外" if text else ""


def _month_day(text: str) -> str:
    month, _, day = text.partition("-")
    return f"{int(month)}月{int(day)}日" if month.isdigit() and day.isdigit() else text


def guide_page(item: ServiceItem, catalog: Catalog, roster: Roster, home: Path | None, today: dt.date) -> str:
    view = {"item": item_view(item, catalog, roster), "office": {"name": catalog.office.name}, "today": today}
    return render("guide.html.j2", view, home)


def guide_text(item: ServiceItem, catalog: Catalog, roster: Roster, home: Path | None = None) -> str:
    return render("guide.txt.j2", {"item": item_view(item, catalog, roster)}, home)
