"""Leave (请假) and return (销假) of window staff: length in working time, the approval it needs,
the substitute rule, and the fold of the leave events into one Leave each (DOMAIN.md "A/B posts,
leave, cover"; the slip's fields are those of the leave form).

Events (office events, core/events.py OFFICE), each naming the leave by `leave`:
  leave          the request: staff, from, to (local time, YYYY-MM-DDTHH:MM), kind, reason, hours, days,
                 approver_level, needs_substitute, substitute, substitute_name, substitute_phone, certificate
  leave-approve  approved by `by`; unit_opinion; handovers (the A→B handovers, recorded at approval
                 for the leave's start: [{post, to}], empty when the office's choice needs none)
  leave-reject   reason
  leave-return   at: the moment the person came back (销假)
Leave under one hour is oral: recorded as approved with the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

KINDS = {
    "personal": "事假",
    "sick": "病假",
    "annual": "年休假",
    "official": "公假",
    "marriage": "婚假",
    "maternity": "产假",
    "bereavement": "丧假",
}
LEVELS = {
    "oral": "口头请假（向中心报告）",
    "business_section": "业务科审批",
    "deputy_director": "中心副主任审批",
    "director": "中心主任审批",
}
STATUS = {"requested": "待审批", "approved": "已批准", "rejected": "未批准", "returned": "已销假"}
# Who approves each level; a higher role may approve a lower level.
APPROVER_ROLES = {
    "oral": (),
    "business_section": ("section_chief", "chief_representative", "deputy_director", "director"),
    "deputy_director": ("deputy_director", "director"),
    "director": ("director",),
}
# Levels where the sending unit's opinion (and seal) comes before the centre's approval.
NEEDS_UNIT_OPINION = ("deputy_director", "director")
LEAVE_TYPES = ("leave", "leave-approve", "leave-reject", "leave-return")


def kind_code(text: str) -> str | None:
    """The kind's code from its code or its Chinese name (事假, 病假 …)."""
    text = text.strip()
    if text in KINDS:
        return text
    return next((k for k, zh in KINDS.items() if zh == text or zh.rstrip("假") == text), None)


def approver_level(minutes: int, days: float) -> str:
    """Under 1 hour oral; 1 hour up to 1 day the business section; over 1 up to 3 days the deputy
    director; over 3 days the director."""
    if minutes < 60:
        return "oral"
    if days <= 1:
        return "business_section"
    if days <= 3:
        return "deputy_director"
    return "director"


def needs_substitute(days: float, substitute_from: str = "half_day") -> bool:
    """Half a day or more (default), or only more than one day (office choice `substitute_from`)."""
    return days > 1 if substitute_from == "over_one_day" else days >= 0.5


def needs_handover(days: float, handover_before: str = "any_absence") -> bool:
    """The A→B handover is recorded for any absence (default) or only for one day or more."""
    return days >= 1 if handover_before == "one_day_or_more" else True


def may_approve(level: str, roles: Iterable[str]) -> bool:
    return any(r in APPROVER_ROLES.get(level, ()) for r in roles)


def parse_local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None, second=0, microsecond=0)


def local_text(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Leave:
    id: str
    staff: str
    start: dt.datetime  # local time, naive
    end: dt.datetime
    kind: str
    status: str  # requested | approved | rejected | returned
    returned: dt.datetime | None = None
    substitute: str = ""  # a staff id, or a name when the substitute is from outside the roster
    substitute_name: str = ""
    substitute_phone: str = ""
    reason: str = ""
    certificate: str = ""
    hours: float = 0.0
    days: float = 0.0
    approver_level: str = "business_section"
    needs_substitute: bool = False
    requested_by: str = ""
    requested_at: str = ""  # ts of the request
    approved_by: str = ""
    approved_at: str = ""
    unit_opinion: str = ""
    rejected_reason: str = ""
    handovers: tuple[tuple[str, str], ...] = ()  # (post, to) recorded at approval

    @property
    def until(self) -> dt.datetime:
        """When the leave really ends: the return (销假) when earlier than the planned end."""
        return min(self.end, self.returned) if self.returned else self.end

    @property
    def granted(self) -> bool:
        """Approved (and perhaps returned from): the person is excused while it runs."""
        return self.status in ("approved", "returned")

    def away_at(self, moment: dt.datetime) -> bool:
        return self.granted and self.start <= moment < self.until

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the granted leave covers any part of [start, end)."""
        return self.granted and self.start < end and start < self.until


def fold_leaves(events: Iterable[dict[str, Any]]) -> dict[str, Leave]:
    """Every leave by id, from its events in record order. Steps naming an unknown leave, or coming
    after the leave was decided, are ignored (the commands refuse to record them)."""
    leaves: dict[str, Leave] = {}
    for e in events:
        kind, lid = e.get("type"), e.get("leave", "")
        if kind == "leave":
            leaves[lid] = _requested(e)
            continue
        leave = leaves.get(lid)
        if leave is None:
            continue
        if kind == "leave-approve" and leave.status == "requested":
            leaves[lid] = replace(
                leave,
                status="approved",
                approved_by=e.get("by", ""),
                approved_at=e.get("ts", ""),
                unit_opinion=e.get("unit_opinion", ""),
                handovers=tuple((h["post"], h["to"]) for h in e.get("handovers", [])),
            )
        elif kind == "leave-reject" and leave.status == "requested":
            leaves[lid] = replace(leave, status="rejected", rejected_reason=e.get("reason", ""))
        elif kind == "leave-return" and leave.status == "approved":
            leaves[lid] = replace(leave, status="returned", returned=parse_local(e["at"]))
    return leaves


def _requested(e: dict[str, Any]) -> Leave:
    level = e.get("approver_level", "business_section")
    oral = level == "oral"
    return Leave(
        id=e["leave"],
        staff=e["staff"],
        start=parse_local(e["from"]),
        end=parse_local(e["to"]),
        kind=e.get("kind", "personal"),
        status="approved" if oral else "requested",
        substitute=e.get("substitute", ""),
        substitute_name=e.get("substitute_name", ""),
        substitute_phone=e.get("substitute_phone", ""),
        reason=e.get("reason", ""),
        certificate=e.get("certificate", ""),
        hours=float(e.get("hours", 0)),
        days=float(e.get("days", 0)),
        approver_level=level,
        needs_substitute=bool(e.get("needs_substitute", False)),
        requested_by=e.get("by", ""),
        requested_at=e.get("ts", ""),
        approved_by="",  # oral: told to the office, approved by nobody in particular
        approved_at=e.get("ts", "") if oral else "",
        handovers=tuple((h["post"], h["to"]) for h in e.get("handovers", [])),
    )


def away(leaves: Iterable[Leave], start: dt.datetime, end: dt.datetime) -> dict[str, Leave]:
    """The staff on granted leave during any part of [start, end), each with that leave."""
    found: dict[str, Leave] = {}
    for leave in leaves:
        if leave.overlaps(start, end):
            found.setdefault(leave.staff, leave)
    return found
