"""One case as a row of the reporting tables (`report_case`, the `svc sql` cases view) and its
searchable text: the case's facts, then what the catalogue, the calendar and the date make of them
(due date, lateness as `svc overdue` counts it, the monthly statistics' facts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from svccli.core import statistics
from svccli.core.cases import Case
from svccli.core.deadlines import due, served_late, unit_of
from svccli.core.overdue import check_case
from svccli.store.home import Home


def text_of(value: Any) -> str:
    """A field as text for a column: "" for none."""
    return value if isinstance(value, str) else ("" if value is None else str(value))


def case_row(case: Case, home: Home, today: dt.date, events: list[dict]) -> tuple:
    """One report_case row: the case's facts, then what the catalogue and the date make of them."""
    a = case.applicant
    served = min((d for d in (case.delivered_on, case.notified_on) if d), default=None)
    facts = (
        case.id,
        case.service,
        case.status,
        int(case.is_open),
        int(case.in_transit is not None),
        text_of(a.get("name")),
        text_of(a.get("phone")),
        text_of(a.get("id_number") or a.get("credit_code")),
        case.holder,
        case.first_contact,
        case.first_handler,
        case.opened[:10],
        held_since(case),
        _iso(case.accepted_on),
        _iso(case.concluded_on),
        case.result,
        _iso(case.notified_on),
        _iso(case.delivered_on),
        _iso(served),
        _iso(case.closed_on),
    )
    return facts + _timing(case, home, today) + (case.opened,) + _counted(case, home, today, events)


def _counted(case: Case, home: Home, today: dt.date, events: list[dict]) -> tuple:
    """window_code, acceptance, noticed, working_days, deemed, wrong_returns, undone_decisions: what the monthly
    statistics count (core/statistics.py)."""
    item = home.catalog.item(case.service)
    post = home.roster.posts.get(item.post) if item and item.post else None
    f = statistics.facts(case, item, home.catalog, home.calendar, today, events)
    return (
        post.window if post else "",
        f.acceptance,
        _iso(f.noticed),
        f.working_days,
        _iso(f.deemed),
        f.wrong_returns,
        f.undone_decisions,
    )


# Fields of an event that are no text of the case: the log's own, hashes, and a document's copy of the case.
NOT_TEXT = frozenset({"v", "id", "prev", "ts", "by", "type", "case", "view", "templates", "rendered", "on"})


def case_text(case: Case, home: Home, events: list[dict]) -> str:
    """Every text the case's events hold (names, address, unit, agent, reasons, opinions, notes) and
    its item's name, one per line: what `svc cases --text` searches."""
    item = home.catalog.item(case.service)
    found: list[str] = [item.name] if item else []
    for event in events:
        _strings((v for k, v in event.items() if k not in NOT_TEXT), found)
    return "\n".join(dict.fromkeys(found))


def _strings(values: Iterable[Any], found: list[str]) -> None:
    for v in values:
        if isinstance(v, str):
            if v:
                found.append(v)
        elif isinstance(v, dict):
            _strings(v.values(), found)
        elif isinstance(v, list):
            _strings(v, found)


def _timing(case: Case, home: Home, today: dt.date) -> tuple:
    """department, due, provisional, limit_unit, on_time, days_late — as `svc show` and `svc overdue`
    give them. A closed case is counted as it stood the day it closed (a pause ends there)."""
    catalog, calendar = home.catalog, home.calendar
    item = catalog.item(case.service)
    if item is None:  # an item no longer in the catalogue: no time limit to count
        return "", None, 0, "", None, None
    d = due(case, item, catalog.office.rules, calendar, today if case.is_open else (case.closed_on or today))
    late = served_late(case, d, calendar) if d else None
    on_time = None if late is None else int(late == 0)
    if d is None:
        days = None
    elif case.is_open:  # the daily check's count: 0 until it lists the case as overdue or deemed
        days = next(
            (f.days_late for f in check_case(case, catalog, calendar, today, None) if f.kind in ("overdue", "deemed")),
            0,
        )
    else:
        days = late  # served: days after the due date; closed otherwise (withdrawn, sent back): none
    return (
        item.department,
        _iso(d.due) if d else None,
        int(bool(d and d.provisional)),
        d.unit if d else unit_of(item, catalog.office.rules),
        on_time,
        days,
    )


def held_since(case: Case) -> str:
    """The day the holder took the case: the last handover received, else acceptance, else intake."""
    for h in reversed(case.handovers):
        if h.get("received"):
            return str(h["received"].get("ts", ""))[:10]
    return _iso(case.accepted_on) or case.opened[:10]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
