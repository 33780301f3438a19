"""The daily check: which open cases are past due, deemed approved, or due soon.

A paused case is never overdue while paused. A case decided and with the applicant told to
collect by the due date is on time even if they have not come (seed 000 限时办结制 第九条). The
conclusion date is the day the written result is served (000 第四篇 二.8), so a decided case not
yet served and not notified is still counted against its due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from svccli.core.calendar import Calendar
from svccli.core.cases import Case
from svccli.core.catalog import Catalog, ServiceItem
from svccli.core.deadlines import Due, days_between, due

KINDS = {"overdue": "超期", "deemed": "超时默许", "warning": "即将到期"}


@dataclass(frozen=True)
class Finding:
    kind: str  # overdue | deemed | warning
    case: Case
    item: ServiceItem
    due: Due
    days_late: int  # negative for a warning: days left


def deemed_applies(item: ServiceItem, catalog: Catalog) -> bool:
    """Deemed approval (超时默许): the item's switch, else the office rule (002 一.7 / 十.6)."""
    if item.deemed_approval is not None:
        return item.deemed_approval
    rule = catalog.office.rules.deemed_approval
    return rule == "all" or (rule == "committed" and item.kind == "committed")


def _served_or_told_by(case: Case, on: dt.date) -> bool:
    if case.delivered_on and case.delivered_on <= on:
        return True
    return bool(case.notified_on and case.notified_on <= on)


def check_case(case: Case, catalog: Catalog, calendar: Calendar, today: dt.date, warn_days: int | None) -> Finding | None:
    if case.status not in ("accepted", "concluded"):  # paused, pending or closed: nothing to say
        return None
    item = catalog.item(case.service)
    if item is None:
        return None
    d = due(case, item, catalog.office.rules, calendar, today)
    if d is None or _served_or_told_by(case, d.due):
        return None
    if today > d.due:
        late = max(1, days_between(calendar, d.due, today, d.unit))  # a weekend after the due day still counts
        undecided = case.status == "accepted"
        kind = "deemed" if undecided and deemed_applies(item, catalog) else "overdue"
        return Finding(kind, case, item, d, late)
    if warn_days is not None and case.status == "accepted" and today <= d.due:
        left = days_between(calendar, today, d.due, d.unit)
        if left <= warn_days:
            return Finding("warning", case, item, d, -left)
    return None


def daily_check(cases, catalog: Catalog, calendar: Calendar, today: dt.date, warn_days: int | None = None) -> list[Finding]:
    found = [f for c in cases if (f := check_case(c, catalog, calendar, today, warn_days))]
    order = {"overdue": 0, "deemed": 1, "warning": 2}
    return sorted(found, key=lambda f: (order[f.kind], -f.days_late, f.case.id))
