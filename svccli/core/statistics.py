"""The monthly statistics a centre reports (002 第二篇 第十条; 001 十.3–4): what each case contributes.

The counting itself is SQL that DuckDB and Spark both run (store/statistics_sql.py), over one row a
case: one office's `svc report month` and a province's `svc rollup` count alike and cannot disagree.
The facts here are what that SQL cannot work out from dates alone: how the case was accepted, its
first one-time notice, the working days it took, whether it was deemed approved, and its mistakes.

How the figures read (docs/statistics.md has the full list):
- a case is *concluded* on its service date (送达之日即为办结日期, 000 第九条) — the day it was
  delivered, or the applicant was told to collect, whichever came first — and *on time* when that
  day is not after its due date;
- *working days to conclude* count from the day the clock started to the service date, in the
  item's unit, pauses included (what the applicant waited);
- the *error rate* (办错率) counts the send-backs an inspector marked wrong and the decisions
  withdrawn by a void (a wrong decision undone), against the cases concluded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from svccli.core.calendar import Calendar
from svccli.core.cases import Case, effective_day
from svccli.core.catalog import Catalog, ServiceItem
from svccli.core.deadlines import days_between, unit_of
from svccli.core.events import Event
from svccli.core.overdue import deemed_since

ON_THE_SPOT, AFTER_SUPPLEMENT, PROVISIONAL = "on_the_spot", "after_supplement", "provisional"
ACCEPTANCE = {ON_THE_SPOT: "当场受理", AFTER_SUPPLEMENT: "补正后受理", PROVISIONAL: "容缺受理"}


@dataclass(frozen=True)
class CaseFacts:
    noticed: dt.date | None  # the day of the first one-time notice
    acceptance: str  # ON_THE_SPOT, AFTER_SUPPLEMENT, PROVISIONAL; "" before acceptance
    working_days: int | None  # clock start to service date, in the item's unit; None until served
    deemed: dt.date | None  # the first day the case was deemed approved (超时默许)
    wrong_returns: int  # send-backs an inspector marked wrong
    undone_decisions: int  # decisions (conclude, refuse) withdrawn by a void


def facts(
    case: Case, item: ServiceItem | None, catalog: Catalog, calendar: Calendar, today: dt.date, events: list[Event]
) -> CaseFacts:
    """The case's facts on `today`; `events` are its records (the voids are counted from them)."""
    return CaseFacts(
        noticed=effective_day(case.notices[0]) if case.notices else None,
        acceptance=acceptance(case, events),
        working_days=_working_days(case, item, catalog, calendar),
        deemed=deemed_since(case, item, catalog, calendar, today) if item else None,
        wrong_returns=sum(1 for e in case.sendbacks if e.get("wrong")),
        undone_decisions=sum(1 for e in events if e.get("type") == "void" and e.get("step") in ("conclude", "refuse")),
    )


def acceptance(case: Case, events: list[Event]) -> str:
    """How the case was accepted, as it was that day: materials owed then (容缺) stay provisional after
    they have come in."""
    if case.accepted_on is None:
        return ""
    if any(e.get("type") == "accept" and e.get("owed") for e in events):
        return PROVISIONAL
    return AFTER_SUPPLEMENT if case.notices else ON_THE_SPOT


def _working_days(case: Case, item: ServiceItem | None, catalog: Catalog, calendar: Calendar) -> int | None:
    served = min((x for x in (case.delivered_on, case.notified_on) if x), default=None)
    if item is None or case.clock_from is None or served is None:
        return None
    return max(0, days_between(calendar, case.clock_from, served, unit_of(item, catalog.office.rules)))
