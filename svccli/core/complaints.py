"""Complaints (投诉): filed by the public, answered by a date, resolved by an inspector, followed up.

Stable API (the assessment imports it):

- `fold_complaints(events) -> dict[str, Complaint]`: the complaints as of the given events
  (types `complaint`, `complaint-resolve`, `complaint-follow-up`, in record order), by id.
- `Complaint`: id, against (staff id, window or section code), against_kind ('staff' | 'window' |
  'section'), case (case id or ""), about (a key of ABOUT), channel (a key of CHANNELS), filed
  (date), reply_by (date: the complainant's answer is due by then), status ('open' | 'upheld' |
  'dismissed'), resolved (date | None), finding, feedback, deduction (item code of
  catalog/scoring.yaml, or None), responsible (staff id answering for an upheld complaint, "" if
  none: a window or section as a whole), resolved_by, follow_ups (tuple of dicts: date, result,
  note, by), complainant and phone (personal data: mask before listing), text, by (who filed it).
- `reply_by(filed, days, calendar)`: the answer date, `days` working days after filing.
- `overdue(complaints, today)`: the open complaints past their answer date, latest first.
- `section_complaints(complaints, roster, section, year)` and `section_chief_barred(...)`: a
  section with two or more upheld complaints in a year bars its chief from "excellent" (seed 000
  首问首办 责任追究 二).

What an upheld complaint leads to (ABOUT): the deduction item of the scoring scheme, the sanction
ladder it climbs (core/sanctions.py) and the circulated criticism it triggers without a ladder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from svccli.core.calendar import Calendar
from svccli.core.cases import effective_day
from svccli.core.events import Event
from svccli.core.roster import Roster


@dataclass(frozen=True)
class About:
    name: str  # Chinese name (accepted on the command line too)
    deduction: str | None  # item code in catalog/scoring.yaml, deducted when upheld
    ladder: str | None  # "notice" (the office's notice-breach ladder) | "first_contact" | None
    trigger: str | None  # circulated_criticism_triggers code: circulated criticism at once when upheld


# What each kind of complaint costs when upheld (seed 002 十一 items; 002 三.6, 001 三 ladders; 002 十一.6(4)).
ABOUT: dict[str, About] = {
    "attitude": About("服务态度", "attitude_complaint", None, None),
    "notice": About("一次性告知", "no_one_time_notice", "notice", None),
    "delay": About("超时办理", "overdue", None, None),
    "integrity": About("吃拿卡要", "taking_advantage", None, "taking_advantage"),
    "first-contact": About("首问负责", "cold_obstructive", "first_contact", None),
    "fees": About("违规收费", None, None, "unauthorised_fees"),
    "other": About("其他", None, None, None),
}
CHANNELS = {
    "phone": "电话",
    "letter": "来信",
    "visit": "来访",
    "hotline12345": "12345热线",
    "online": "网上",
}
STATUS = {"open": "待处理", "upheld": "查证属实", "dismissed": "查无实据"}
FOLLOW_UP = {"satisfied": "满意", "unsatisfied": "不满意", "unreachable": "未联系上"}
AGAINST_KINDS = {"staff": "工作人员", "window": "窗口", "section": "科室"}
TYPES = ("complaint", "complaint-resolve", "complaint-follow-up")


@dataclass(frozen=True)
class Complaint:
    id: str
    against: str
    against_kind: str
    case: str
    about: str
    channel: str
    filed: dt.date
    reply_by: dt.date
    text: str = ""
    complainant: str = ""
    phone: str = ""
    by: str = ""
    status: str = "open"
    resolved: dt.date | None = None
    finding: str = ""
    feedback: str = ""
    deduction: str | None = None
    responsible: str = ""
    resolved_by: str = ""
    follow_ups: tuple[dict[str, Any], ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def upheld(self) -> bool:
        return self.status == "upheld"


def reply_by(filed: dt.date, days: int, calendar: Calendar) -> dt.date:
    """The answer date: `days` working days after the filing day (the filing day not counted)."""
    return calendar.add_workdays(filed, days)


def fold_complaints(events: Iterable[Event]) -> dict[str, Complaint]:
    """The complaints as the events leave them; a resolution or follow-up of an unknown complaint,
    or a second resolution, is ignored (the commands refuse to write them)."""
    found: dict[str, Complaint] = {}
    for e in events:
        kind, cid = e.get("type"), e.get("complaint", "")
        if kind == "complaint":
            found[cid] = Complaint(
                id=cid,
                against=e["against"],
                against_kind=e["against_kind"],
                case=e.get("case_ref", ""),
                about=e["about"],
                channel=e.get("channel", "visit"),
                filed=effective_day(e),
                reply_by=dt.date.fromisoformat(e["reply_by"]),
                text=e.get("text", ""),
                complainant=e.get("complainant", ""),
                phone=e.get("phone", ""),
                by=e.get("by", ""),
            )
        elif kind == "complaint-resolve" and cid in found and found[cid].is_open:
            found[cid] = replace(
                found[cid],
                status="upheld" if e["result"] == "upheld" else "dismissed",
                resolved=effective_day(e),
                finding=e.get("finding", ""),
                feedback=e.get("feedback", ""),
                deduction=e.get("deduction") or None,
                responsible=e.get("responsible", ""),
                resolved_by=e.get("by", ""),
            )
        elif kind == "complaint-follow-up" and cid in found and not found[cid].is_open:
            visit = {"date": effective_day(e), "result": e["result"], "note": e.get("note", ""), "by": e.get("by", "")}
            found[cid] = replace(found[cid], follow_ups=(*found[cid].follow_ups, visit))
    return found


def overdue(complaints: Iterable[Complaint], today: dt.date) -> list[Complaint]:
    """Open complaints whose answer date has passed, the oldest answer date first."""
    return sorted((c for c in complaints if c.is_open and today > c.reply_by), key=lambda c: (c.reply_by, c.id))


def section_of(c: Complaint, roster: Roster) -> str:
    """The section a complaint counts against: the section named, the staff member's section, or the
    section of the window's department."""
    if c.against_kind == "section":
        return c.against
    who = c.responsible or (c.against if c.against_kind == "staff" else "")
    if who and who in roster.staff and roster.staff[who].section:
        return roster.staff[who].section
    if c.against_kind == "window" and c.against in roster.windows:
        dept = roster.windows[c.against].department
        return next((s.code for s in roster.sections.values() if s.department == dept), "")
    return ""


def section_complaints(complaints: Iterable[Complaint], roster: Roster, section: str, year: int) -> list[Complaint]:
    """The upheld complaints of a calendar year (by resolution date) that count against a section."""
    return [
        c
        for c in complaints
        if c.upheld and c.resolved is not None and c.resolved.year == year and section_of(c, roster) == section
    ]


SECTION_LIMIT = 2  # "一年内投诉二次以上": two or more


def section_chief_barred(complaints: Iterable[Complaint], roster: Roster, section: str, year: int) -> bool:
    """Whether the section's chief may not be rated excellent for the year (two or more complaints)."""
    return len(section_complaints(complaints, roster, section, year)) >= SECTION_LIMIT


def chief_barred(complaints: Iterable[Complaint], roster: Roster, staff: str, year: int) -> bool:
    """Whether a staff member is the chief of a section barred for the year."""
    listed = list(complaints)
    return any(section_chief_barred(listed, roster, s.code, year) for s in roster.sections.values() if s.chief == staff)


def deciders_barred(c: Complaint, roster: Roster) -> set[str]:
    """Who may not resolve a complaint: the person complained about, and for a window or section its
    head or chief (and, for a staff member, nobody else: their chief is not the accused)."""
    if c.against_kind == "staff":
        return {c.against}
    if c.against_kind == "window" and c.against in roster.windows:
        return {roster.windows[c.against].head}
    if c.against_kind == "section" and c.against in roster.sections:
        return {roster.sections[c.against].chief}
    return set()
