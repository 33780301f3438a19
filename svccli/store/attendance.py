"""Attendance over a period, from the office events: the report's half days and the assessment's
findings.

Stable API (the assessment, issue 19, builds on it):

    findings(home, start: date, end: date) -> tuple[list[Finding], set[str]]

`Finding` (core/attendance.py) is a frozen dataclass: staff, day (date), half ('am' | 'pm'), kind
('late' | 'early' | 'absent' | 'proxy' | 'empty_post'), why (Chinese text), source (the id of the
event it comes from; "" for a missing punch). The set holds the staff ids with attendance data in
the period (punches imported for them): a person not in it has no data — never absent every day.
The office's `five_lates` choice is applied (core/attendance.five_lates): the 5-to-1 conversion
adds two `absent` findings (am and pm) for each fifth late or early; under `absence_only` the five
are dropped, under `also_deduct` kept. `proxy` is an absence; `empty_post` is the patrol's 空岗.

Days judged: the official calendar's working days (core/calendar.py) that an import covers (from
the first to the last day of the punches in one imported file), within the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from svccli.core.attendance import (
    Finding,
    Judged,
    Punch,
    Span,
    boundary,
    five_lates,
    half_of,
    half_span,
    judge_half,
    punch_id,
)
from svccli.core.calendar import CalendarError
from svccli.core.events import Event
from svccli.core.leave import KINDS as LEAVE_KINDS
from svccli.core.leave import fold_leaves
from svccli.core.problems import Problem
from svccli.core.workhours import Hours
from svccli.store.home import Home
from svccli.store.office_events import office_events

ATTENDANCE_TYPES = ("punches", "attendance-proxy", "attendance-post", "attendance-objection", "absence", "patrol")
LEAVE_EVENTS = ("leave", "leave-approve", "leave-reject", "leave-return")


@dataclass
class Material:
    """The office events that attendance is judged from, gathered once."""

    punches: dict[str, list[Punch]] = field(default_factory=lambda: defaultdict(list))
    covered: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    leaves: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    permits: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    proxies: dict[tuple[str, dt.date, str], list[Span]] = field(default_factory=lambda: defaultdict(list))
    patrols: list[Event] = field(default_factory=list)
    posts: list[Event] = field(default_factory=list)
    objections: list[Event] = field(default_factory=list)
    imports: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)


def material(home: Home) -> Material:
    events, problems = office_events(home, (*ATTENDANCE_TYPES, *LEAVE_EVENTS))
    m = Material(problems=problems)
    for e in events:
        kind = e["type"]
        if kind == "punches":
            m.imports.append(e)
            for staff, at, mark in e.get("punches", ()):
                m.punches[staff].append(Punch(staff, local(at), mark, e["id"]))
            if e.get("from") and e.get("to"):
                m.covered.append((dt.date.fromisoformat(e["from"]), dt.date.fromisoformat(e["to"])))
        elif kind == "absence":
            span = Span(local(e["from"]), local(e["to"]), e.get("reason", ""), e["id"])
            m.permits[e["staff"]].append(span)
        elif kind == "attendance-proxy":
            _proxy(m, e)
        elif kind == "patrol":
            m.patrols.append(e)
        elif kind == "attendance-post":
            m.posts.append(e)
        elif kind == "attendance-objection":
            m.objections.append(e)
    for lv in fold_leaves(e for e in events if e["type"] in LEAVE_EVENTS).values():
        if lv.status in ("approved", "returned"):
            end = min(lv.end, lv.returned) if lv.returned else lv.end
            what = f"{LEAVE_KINDS.get(lv.kind, lv.kind)}（{lv.id}）"
            m.leaves[lv.staff].append(Span(lv.start, end, what, lv.id))
    return m


def _proxy(m: Material, e: Event) -> None:
    day, half, signer, other = dt.date.fromisoformat(e["day"]), e["half"], e["staff"], e.get("for", "")
    what = f"代{e.get('for_name') or other}签到" if other else "代签到"
    m.proxies[(signer, day, half)].append(Span(dt.datetime.min, dt.datetime.min, f"巡查发现{what}", e["id"]))
    if other:
        who = e.get("staff_name") or signer
        m.proxies[(other, day, half)].append(Span(dt.datetime.min, dt.datetime.min, f"巡查发现由{who}代签到", e["id"]))


@dataclass
class Period:
    """Attendance judged over a period: each person's half days, the other findings (empty posts),
    the staff with data, and the problems met in the records."""

    judged: dict[str, list[Judged]]
    extra: dict[str, list[Finding]]
    with_data: set[str]
    days: list[dt.date]
    material: Material

    @property
    def problems(self) -> list[Problem]:
        return self.material.problems


def working_days(home: Home, start: dt.date, end: dt.date, covered: Iterable[tuple[dt.date, dt.date]]) -> list[dt.date]:
    spans = list(covered)
    days, day = [], start
    while day <= end:
        if any(a <= day <= b for a, b in spans) and _working(home, day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _working(home: Home, day: dt.date) -> bool:
    try:
        return home.calendar.is_workday(day)
    except CalendarError:  # before the first calendar year: weekdays
        return day.weekday() < 5


def judge(home: Home, start: dt.date, end: dt.date, m: Material | None = None) -> Period:
    """Every person with punches, every working day covered by an import, both half days."""
    m = m or material(home)
    hours = Hours.of(home.catalog.office.hours)
    days = working_days(home, start, end, m.covered)
    with_data = {s for s, ps in m.punches.items() if any(start <= p.at.date() <= end for p in ps)}
    judged: dict[str, list[Judged]] = {}
    for staff in sorted(with_data):
        by_half: dict[tuple[dt.date, str], list[Punch]] = defaultdict(list)
        for p in m.punches[staff]:
            by_half[(p.at.date(), half_of(hours, p.at))].append(p)
        judged[staff] = [
            judge_half(
                staff,
                day,
                half,
                half_span(hours, day, half),
                by_half[(day, half)],
                m.leaves.get(staff, ()),
                m.permits.get(staff, ()),
                m.proxies.get((staff, day, half), ()),
            )
            for day in days
            for half in ("am", "pm")
        ]
    extra = _empty_posts(home, m, hours, start, end)
    return Period(judged, extra, with_data, days, m)


def _empty_posts(home: Home, m: Material, hours: Hours, start: dt.date, end: dt.date) -> dict[str, list[Finding]]:
    """The patrols' empty posts charged to someone, unless a permit or leave covers that moment."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for e in m.patrols:
        staff, at = e.get("staff", ""), local(e["at"])
        if not staff or not start <= at.date() <= end or covering(m, staff, at):
            continue
        post = home.roster.posts.get(e["post"])
        why = f"{at:%H:%M} 巡查{post.name if post else e['post']}空岗" + (f"（{e['note']}）" if e.get("note") else "")
        out[staff].append(Finding(staff, at.date(), half_of(hours, at), "empty_post", why, e["id"]))
    return out


def covering(m: Material, staff: str, at: dt.datetime) -> Span | None:
    """The approved leave or permitted absence covering a moment, if any."""
    for span in (*m.leaves.get(staff, ()), *m.permits.get(staff, ())):
        if span.start <= at < span.end:
            return span
    return None


def findings(home: Home, start: dt.date, end: dt.date) -> tuple[list[Finding], set[str]]:
    """The attendance findings of a period for the assessment (see the module docstring)."""
    period = judge(home, start, end)
    return period_findings(home, period), period.with_data


def period_findings(home: Home, period: Period) -> list[Finding]:
    found = [f for js in period.judged.values() for j in js for f in j.findings]
    found += [f for fs in period.extra.values() for f in fs]
    return five_lates(found, home.catalog.office.rules.five_lates)


def known_punches(m: Material) -> set[str]:
    """The ids of the punches already imported (a file imported again adds nothing)."""
    return {punch_id(s, p.at) for s, ps in m.punches.items() for p in ps}


def latest_post(m: Material, week: str) -> Event | None:
    return next((e for e in reversed(m.posts) if e.get("week") == week), None)


__all__ = ["findings", "judge", "material", "boundary", "covering", "known_punches", "latest_post"]
