"""The office's own records as tables for the roll-up (`svc export`, docs/export.md): leave, the
attendance findings, complaints and the quarterly scores, each row as the office's own commands show
it (`svc leave list`, `svc attendance report`, `svc complaint list`, `svc score`). The raw events are
in the `events` table as well; these are what a city compares across its offices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from svccli.core.assessment import quarter_of, quarter_range
from svccli.core.complaints import TYPES as COMPLAINT_TYPES
from svccli.core.complaints import fold_complaints
from svccli.core.leave import LEAVE_TYPES, fold_leaves
from svccli.core.privacy import mask_name, mask_phone
from svccli.store.home import Home
from svccli.store.office_events import office_events

# name -> (columns, the column a row's month is taken from, integer columns); numbers with a fraction
# (FLOATS) are doubles, every other column text.
FLOATS = frozenset({"days", "hours", "quarterly", "bonus", "public", "peer", "composite"})
COLUMNS: dict[str, tuple[tuple[str, ...], str, frozenset[str]]] = {
    "leave": (
        (
            "leave_id",
            "staff",
            "staff_name",
            "kind",
            "start",
            "end",
            "status",
            "returned",
            "days",
            "hours",
            "approver_level",
            "needs_substitute",
            "approved_by",
        ),
        "start",
        frozenset({"needs_substitute"}),
    ),  # fmt: skip
    "attendance": (("staff", "staff_name", "day", "half", "kind", "why", "source"), "day", frozenset()),
    "complaints": (
        (
            "complaint_id",
            "against",
            "against_kind",
            "case_id",
            "about",
            "channel",
            "filed",
            "reply_by",
            "status",
            "resolved",
            "deduction",
            "responsible",
            "complainant",
            "phone",
        ),
        "filed",
        frozenset(),
    ),  # fmt: skip
    "scores": (
        ("quarter", "target", "target_kind", "name", "quarterly", "bonus", "public", "peer", "composite", "grade"),
        "last_day",
        frozenset(),
    ),
}


def office_rows(home: Home, today: dt.date, reveal: bool, since: str | None = None) -> dict[str, list[tuple]]:
    """Each table's rows, each row ending with the day its month is taken from; the scores only of
    the quarters from `since` (YYYY-MM) on, as scoring a quarter folds every case."""
    makers: dict[str, Callable[[Home, dt.date, bool], list[tuple]]] = {
        "leave": _leave,
        "attendance": _attendance,
        "complaints": _complaints,
        "scores": lambda h, t, r: _scores(h, t, since),
    }
    return {name: make(home, today, reveal) for name, make in makers.items()}


def _leave(home: Home, today: dt.date, reveal: bool) -> list[tuple]:
    events, _ = office_events(home, LEAVE_TYPES)
    name = home.roster.name
    return [
        (lv.id, lv.staff, name(lv.staff), lv.kind, lv.start.isoformat(), lv.end.isoformat(), lv.status,
         lv.returned.isoformat() if lv.returned else None, lv.days, lv.hours, lv.approver_level,
         int(lv.needs_substitute), lv.approved_by, lv.start.date().isoformat())
        for lv in fold_leaves(events).values()
    ]  # fmt: skip


def _attendance(home: Home, today: dt.date, reveal: bool) -> list[tuple]:
    from svccli.store.attendance import findings

    events, _ = office_events(home, ("punches",))
    spans = [(e["from"], e["to"]) for e in events if e.get("from") and e.get("to")]
    if not spans:
        return []
    start = dt.date.fromisoformat(min(s for s, _ in spans))
    end = min(dt.date.fromisoformat(max(t for _, t in spans)), today)
    found, _ = findings(home, start, end)
    name = home.roster.name
    return [
        (f.staff, name(f.staff), f.day.isoformat(), f.half, f.kind, f.why, f.source, f.day.isoformat()) for f in found
    ]


def _complaints(home: Home, today: dt.date, reveal: bool) -> list[tuple]:
    events, _ = office_events(home, COMPLAINT_TYPES)
    shown: Callable[[str, Callable[[str], str]], str] = (lambda v, mask: v) if reveal else (lambda v, mask: mask(v))
    return [
        (c.id, c.against, c.against_kind, c.case, c.about, c.channel, c.filed.isoformat(), c.reply_by.isoformat(),
         c.status, c.resolved.isoformat() if c.resolved else None, c.deduction, c.responsible,
         shown(c.complainant, mask_name), shown(c.phone, mask_phone), c.filed.isoformat())
        for c in fold_complaints(events).values()
    ]  # fmt: skip


def _scores(home: Home, today: dt.date, since: str | None) -> list[tuple]:
    """Every quarter from the first record's (or `since`'s) to today's, scored as `svc score` does."""
    from svccli.store.assessment_data import quarter

    first = _first_day(home)
    if first is not None and since is not None:
        first = max(first, dt.date.fromisoformat(since + "-01"))
    if home.scoring is None or first is None:
        return []
    rows: list[tuple] = []
    cache: dict[str, Any] = {}
    code = quarter_of(first)
    while code <= quarter_of(today):
        got = quarter(home, code, cache)
        _, end = quarter_range(int(code[:4]), int(code[5]))
        for s in got.scores:
            t = s.target
            rows.append(
                (code, t.code, t.kind, t.name, s.quarterly, s.bonus, s.public, s.peer, s.composite, s.grade,
                 end.isoformat())
            )  # fmt: skip
        code = quarter_of(end + dt.timedelta(days=1))
    return rows


def _first_day(home: Home) -> dt.date | None:
    days = [p.stem for p in home.log.files()]
    return dt.date.fromisoformat(min(days)) if days else None
