"""The 办事指南 page of a service item (seed 000 第四篇: the elements a guide must state)."""

from __future__ import annotations

from pathlib import Path

from svccli.core.catalog import Catalog, ServiceItem
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
        "joint_parts": [
            {"department": catalog.department_name(p.department), "limit": p.limit} for p in item.joint_parts
        ],
        "forward_to": item.forward_to,
        "office": office.name,
    }


def guide_text(item: ServiceItem, catalog: Catalog, roster: Roster, home: Path | None = None) -> str:
    return render("guide.txt.j2", {"item": item_view(item, catalog, roster)}, home)
