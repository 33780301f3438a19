"""Where assessment entries come from (DOMAIN.md "Assessment"): the case log, upheld complaints,
attendance, manual entries by inspectors. Each entry names its record.

Who bears a penalty: the holder of the case at the time (or its first handler, else the first-contact
person); a temporary cover's penalties go to the window covered (seed 002 第三篇 4.3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from svccli.core.assessment import Entry
from svccli.core.attendance import Finding
from svccli.core.calendar import Calendar
from svccli.core.cases import Case, effective_day
from svccli.core.catalog import Catalog
from svccli.core.deadlines import due, part_due, served_late
from svccli.core.events import Event
from svccli.core.scoring import Scheme

HOLDS = ("intake", "accept", "receive")  # the steps after which their author holds the case


@dataclass(frozen=True)
class Span:
    """A temporary cover (临时顶岗, core/cover.py): `staff` (the cover's id) stands in at `window` from
    `start` to `end` (inclusive)."""

    staff: str
    window: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Blame:
    """Who bears a penalty on a day: the staff member, or the window for a temporary cover."""

    covers: tuple[Span, ...] = ()

    def who(self, staff: str, day: dt.date) -> tuple[str, str]:
        for c in self.covers:
            if c.staff == staff and c.start <= day and (c.end is None or day <= c.end):
                return c.window, "window"
        return staff, "staff"


def holder_on(case: Case, day: dt.date) -> str:
    """The holder of the case at the end of `day` (from its timeline), else first handler or contact."""
    holder = ""
    for s in case.steps:
        if s.kind in HOLDS and _step_day(s.ts, s.on) <= day:
            holder = s.by
    return holder or case.first_handler or case.first_contact


def _step_day(ts: str, on: str) -> dt.date:
    return dt.date.fromisoformat(on or ts[:10])


def _entry(
    scheme: Scheme, blame: Blame, staff: str, item: str, day: dt.date, case: Case, event: str, detail: str
) -> Entry:
    target, kind = blame.who(staff, day)
    found = scheme.item(item)
    points = found.points if found else 0.0
    return Entry(target, kind, item, points, day, "case", case.id, f"案件 {case.id} {event}：{detail}", case=case.id)


def case_entries(
    scheme: Scheme,
    cases: Iterable[Case],
    catalog: Catalog,
    calendar: Calendar,
    start: dt.date,
    end: dt.date,
    blame: Blame,
) -> list[Entry]:
    """Notice breaches, wrong returns, overdue cases and late joint parts in [start, end] (each −c per case)."""
    out: list[Entry] = []
    for case in cases:
        out += _breach(scheme, case, start, end, blame)
        out += _wrong_return(scheme, case, start, end, blame)
        out += _overdue(scheme, case, catalog, calendar, start, end, blame)
        out += _joint(scheme, case, catalog, calendar, start, end, blame)
    return out


def _breach(scheme: Scheme, case: Case, start: dt.date, end: dt.date, blame: Blame) -> list[Entry]:
    """A later notice re-listing what the first could have said: one −3 per case (the first such notice)."""
    for n in case.notices:
        day = effective_day(n)
        if n.get("breach") and start <= day <= end:
            what = "、".join(n["breach"])
            return [_entry(scheme, blame, n["by"], "no_one_time_notice", day, case, "一次性告知", f"再次告知 {what}")]
    return []


def _wrong_return(scheme: Scheme, case: Case, start: dt.date, end: dt.date, blame: Blame) -> list[Entry]:
    """The inspector's --wrong on a send-back: −2 to whoever sent it back."""
    sent: Event | None = None
    for e in case.sendbacks:
        if not e.get("wrong"):
            sent = e
            continue
        day = effective_day(e)
        if sent is not None and start <= day <= end:
            note = e.get("note") or "督查认定错误退件"
            return [_entry(scheme, blame, sent["by"], "wrong_return", day, case, "退件", f"{note}（认定人 {e['by']}）")]
    return []


def _overdue(
    scheme: Scheme, case: Case, catalog: Catalog, calendar: Calendar, start: dt.date, end: dt.date, blame: Blame
) -> list[Entry]:
    """Overdue once per case, in the quarter of its first evidence: a recorded overdue day, or a service
    (or notice to collect) after the due date. It goes to whoever held the case that day."""
    evidence = []
    if case.overdue_days:
        first = min(case.overdue_days)
        evidence.append((first, "超期检查记录超期"))
    item = catalog.item(case.service)
    served = min((x for x in (case.delivered_on, case.notified_on) if x), default=None)
    if item is not None and served is not None:
        d = due(case, item, catalog.office.rules, calendar, served)
        if d is not None and (served_late(case, d, calendar) or 0) > 0:
            evidence.append((served, f"送达（通知领取）日超过办结期限 {d.due}"))
    if not evidence:
        return []
    when, why = min(evidence)
    if not start <= when <= end:
        return []
    return [_entry(scheme, blame, holder_on(case, when), "overdue", when, case, "超期", why)]


def _joint(
    scheme: Scheme, case: Case, catalog: Catalog, calendar: Calendar, start: dt.date, end: dt.date, blame: Blame
) -> list[Entry]:
    """A co-handling department finishing its part after its own limit breaks the joint-approval rules."""
    item = catalog.item(case.service)
    if item is None:
        return []
    out = []
    for dept, p in case.parts.items():
        limit = part_due(case, dept, item, catalog.office.rules, calendar)
        done = p.get("done_on")
        if limit and done and done > limit and start <= done <= end and p.get("by"):
            why = f"协办部门 {dept} 于 {done} 完成，超过协办时限 {limit}"
            out.append(_entry(scheme, blame, p["by"], "joint_rule_breach", done, case, "协办", why))
    return out


def attendance_entries(scheme: Scheme, findings: Iterable[Finding], blame: Blame) -> list[Entry]:
    """Lates and earlies −1 each; absence −3 for a half day, `per_day` (−4) for a whole day; empty post −2.
    Signing for another is absence (002 五). The five-lates rule is already applied to the findings
    (store/attendance.py: each fifth late adds a whole day's absence; the office chooses whether the
    five also cost their −1)."""
    absence, late, empty = scheme.item("absence"), scheme.item("late_or_early"), scheme.item("post_empty")
    out: list[Entry] = []
    halves: dict[tuple[str, dt.date], list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.staff, f.day, f.half)):
        when = f"{f.day} {_HALF.get(f.half, '')}"
        if f.kind in ("absent", "proxy") and absence:
            halves.setdefault((f.staff, f.day), []).append(f)
        elif f.kind in _LATE and late:
            out.append(_att(blame, f, late.code, late.points, f"{when}{_LATE[f.kind]}：{f.why}"))
        elif f.kind == "empty_post" and empty:
            out.append(_att(blame, f, empty.code, empty.points, f"{when}空岗：{f.why}"))
    for (_, day), found in halves.items():
        assert absence is not None
        whole = len({f.half for f in found}) > 1 and absence.per_day is not None
        lost = absence.per_day if whole and absence.per_day is not None else absence.points
        why = "；".join(dict.fromkeys(f.why for f in found))
        out.append(_att(blame, found[0], absence.code, lost, f"{day} {'全天' if whole else '半天'}旷工：{why}"))
    return out


_HALF = {"am": "上午", "pm": "下午"}
_LATE = {"late": "迟到", "early": "早退"}


def _att(blame: Blame, f: Finding, item: str, points: float, detail: str) -> Entry:
    target, kind = blame.who(f.staff, f.day)
    return Entry(target, kind, item, points, f.day, "attendance", f"{f.day} {_HALF.get(f.half, '')}", detail)
