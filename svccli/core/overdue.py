"""The daily check: which open cases are past due, deemed approved, or due soon.

A paused case is never overdue while paused. A case decided and with the applicant told to
collect by the due date is on time even if they have not come (seed 000 限时办结制 第九条); one told
after it stays listed as late, by the days counted on the day they were told, and is recorded no more. The
conclusion date is the day the written result is served (000 第四篇 二.8), so a decided case not
yet served and not notified is still counted against its due date.

Two more kinds (issue 5): a handover slip not received by the end of its working day (the section
collects the same working day, seed 003 工作流程 四: the office's own lateness), and a co-handling
department's part of a joint item past its own limit (seed 000 第四篇 二.6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from svccli.core.calendar import Calendar
from svccli.core.cases import Case, effective_day
from svccli.core.catalog import Catalog, ServiceItem
from svccli.core.deadlines import Due, days_between, due, part_due, receive_by

# Order of the listing. A late handover and a late part come first: materials adrift between the window
# and a section, and a co-handler holding up a joint case, are the most urgent things to chase.
KINDS = {
    "problem": "问题记录",  # a case that cannot be evaluated (its file and line): first, to be mended
    "unattended": "岗位无人在岗",  # a post with neither its A nor any B holder present (cli/duty_cmd.py)
    "handover": "交接未接收",
    "part": "协办超期",
    "complaint": "投诉逾期未答复",  # a complaint past its answer date (core/complaints.py)
    "overdue": "超期",
    "deemed": "超时默许",
    "lapsed": "补正逾期",
    "owed": "容缺材料逾期",
    "warning": "即将到期",
}
# the office's own lateness: the daily check exits 3 for these
LATE = ("handover", "part", "overdue", "deemed", "complaint", "unattended")


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    case: Case
    item: ServiceItem | None  # None only for a problem: a case whose item is not in the catalogue
    due: Due | None  # None for a lapsed supplement (the clock has not started)
    days_late: int  # negative for a warning: days left
    date: dt.date | None = None  # the date that was missed (due, supplement-by, owed-by, receive-by or part due)
    detail: str = ""  # the part's department, the handover's receiver, or a late notification's date


def deemed_applies(item: ServiceItem, catalog: Catalog) -> bool:
    """Deemed approval (超时默许): the item's switch, else the office rule (002 一.7 / 十.6)."""
    if item.deemed_approval is not None:
        return item.deemed_approval
    rule = catalog.office.rules.deemed_approval
    return rule == "all" or (rule == "committed" and item.kind == "committed")


def deemed_since(case: Case, item: ServiceItem, catalog: Catalog, calendar: Calendar, today: dt.date) -> dt.date | None:
    """The first day a case is deemed approved (超时默许, 002 一.7 / 十.6 as the office chose), or None:
    the day after the due date of a case the office had not decided by then. It stays deemed approved once
    decided (only an approval may follow, `svc conclude`); a case decided otherwise under older records is not."""
    if not deemed_applies(item, catalog) or case.status not in ("accepted", "concluded", "delivered"):
        return None
    d = due(case, item, catalog.office.rules, calendar, today)
    if d is None:
        return None
    if case.concluded_on is None:
        return d.due + ONE_DAY if case.status == "accepted" and today > d.due else None
    return d.due + ONE_DAY if case.concluded_on > d.due and case.result == "approved" else None


def recordable(f: Finding) -> bool:
    """Whether `svc overdue --record` records a finding: the office's own lateness still growing. A case
    told to collect after its due date is listed with the lateness of that day, and recorded no more."""
    return f.kind in ("overdue", "deemed") and f.due is not None and f.case.notified_on is None


def _served_or_told_by(case: Case, on: dt.date) -> bool:
    if case.delivered_on and case.delivered_on <= on:
        return True
    return bool(case.notified_on and case.notified_on <= on)


def check_case(
    case: Case, catalog: Catalog, calendar: Calendar, today: dt.date, warn_days: int | None
) -> list[Finding]:
    item = catalog.item(case.service)
    if item is None:
        return []
    found = [
        f
        for f in (
            _handover(case, item, calendar, today),
            *_parts(case, item, catalog, calendar, today),
            _lapsed(case, item, calendar, today),
            _owed(case, item, catalog, calendar, today),
        )
        if f
    ]
    late = _late(case, item, catalog, calendar, today, warn_days)
    return found + [late] if late else found


def _handover(case: Case, item: ServiceItem, calendar: Calendar, today: dt.date) -> Finding | None:
    """A handover (or return) not received by the end of its working day."""
    moving = case.in_transit
    if moving is None or not case.is_open:
        return None
    by = receive_by(calendar, effective_day(moving))
    if today <= by:
        return None
    return Finding(
        "handover",
        case,
        item,
        None,
        max(1, calendar.workdays_between(by, today)),
        by,
        moving.get("to_name") or moving.get("to", ""),
    )


def _parts(case: Case, item: ServiceItem, catalog: Catalog, calendar: Calendar, today: dt.date) -> list[Finding]:
    if case.status not in ("accepted", "suspended"):
        return []
    found = []
    for dept in case.open_parts:
        d = part_due(case, dept, item, catalog.office.rules, calendar)
        if d is not None and today > d:
            unit = item.limit_unit or catalog.office.rules.limit_unit
            found.append(
                Finding(
                    "part",
                    case,
                    item,
                    None,
                    max(1, days_between(calendar, d, today, unit)),
                    d,
                    case.parts[dept].get("name", dept),
                )
            )
    return found


def _lapsed(case: Case, item: ServiceItem, calendar: Calendar, today: dt.date) -> Finding | None:
    """A one-time notice whose supplement date has passed: listed, but the case is not overdue."""
    if case.status != "pending" or not case.notices or not case.notices[-1].get("supplement_by"):
        return None
    by = dt.date.fromisoformat(case.notices[-1]["supplement_by"])
    if today <= by:
        return None
    return Finding("lapsed", case, item, None, max(1, calendar.workdays_between(by, today)), by)


def _owed(case: Case, item: ServiceItem, catalog: Catalog, calendar: Calendar, today: dt.date) -> Finding | None:
    dates = [dt.date.fromisoformat(o["by"]) for o in case.owed.values() if o.get("by")]
    if case.status not in ("accepted", "suspended") or not dates or today <= min(dates):
        return None
    d = due(case, item, catalog.office.rules, calendar, today)
    return Finding("owed", case, item, d, max(1, calendar.workdays_between(min(dates), today)), min(dates))


def _late(
    case: Case, item: ServiceItem, catalog: Catalog, calendar: Calendar, today: dt.date, warn_days: int | None
) -> Finding | None:
    if case.status not in ("accepted", "concluded"):  # paused, pending or closed: not overdue
        return None
    d = due(case, item, catalog.office.rules, calendar, today)
    if d is None or _served_or_told_by(case, d.due):
        return None
    if today > d.due:
        # Told to collect after the due date: the office's lateness stops on the day it told the applicant
        # (000 第九条: not coming when told is the applicant's own doing). Still listed every day until served,
        # with the count of the notification day and not recorded again (`recordable`).
        told = case.notified_on if case.notified_on and case.notified_on <= today else None
        late = max(1, days_between(calendar, d.due, told or today, d.unit))  # a weekend after the due day counts
        undecided = case.status == "accepted"
        kind = "deemed" if undecided and deemed_applies(item, catalog) else "overdue"
        return Finding(kind, case, item, d, late, d.due, f"{told} 已通知领取，逾期天数不再增加" if told else "")
    if warn_days is not None and case.status == "accepted" and today <= d.due:
        left = days_between(calendar, today, d.due, d.unit)
        if left <= warn_days:
            return Finding("warning", case, item, d, -left, d.due)
    return None


ONE_DAY = dt.timedelta(days=1)


def wake(case: Case, catalog: Catalog, calendar: Calendar) -> tuple[dt.date | None, dt.date | None]:
    """The first day `check_case` can list the case other than as a warning, and the due date a
    warning counts back from (None: never). A lower bound kept beside each open case in the
    derived state, so the daily check of a million-case year examines only the cases that can
    be listed; it changes only with the case, the catalogue or the calendar. Mirrors the kinds above."""
    item = catalog.item(case.service)
    if item is None or not case.is_open:
        return None, None
    rules = catalog.office.rules
    days = []
    moving = case.in_transit
    if moving is not None:
        days.append(receive_by(calendar, effective_day(moving)) + ONE_DAY)
    if case.status == "pending" and case.notices and case.notices[-1].get("supplement_by"):
        days.append(dt.date.fromisoformat(case.notices[-1]["supplement_by"]) + ONE_DAY)
    if case.status in ("accepted", "suspended"):
        parts = (part_due(case, dept, item, rules, calendar) for dept in case.open_parts)
        days += [d + ONE_DAY for d in parts if d is not None]
        days += [dt.date.fromisoformat(o["by"]) + ONE_DAY for o in case.owed.values() if o.get("by")]
    warn_from = None
    # A pause moves the due date: no lateness while paused. (An accepted case has a clock_from.)
    if case.status in ("accepted", "concluded") and case.clock_from is not None:
        d = due(case, item, rules, calendar, case.clock_from)  # every pause has ended: `today` moves nothing
        if d is not None and not _served_or_told_by(case, d.due):
            days.append(d.due + ONE_DAY)
            warn_from = d.due if case.status == "accepted" else None
    return min(days, default=None), warn_from


def may_be_listed(woken: tuple[dt.date | None, dt.date | None], today: dt.date, horizon: dt.date | None) -> bool:
    """Whether a case with these wake dates can be listed today; `horizon` (see `warning_horizon`)
    when warnings are asked for."""
    first, due_day = woken
    return (first is not None and first <= today) or (
        horizon is not None and due_day is not None and due_day <= horizon
    )


def warning_horizon(calendar: Calendar, today: dt.date, warn_days: int | None) -> dt.date | None:
    """A day after every due date that is within `warn_days` working or calendar days of today."""
    if warn_days is None:
        return None
    return max(calendar.add_workdays(today, warn_days + 1), today + (warn_days + 1) * ONE_DAY)


def daily_check(
    cases: Iterable[Case], catalog: Catalog, calendar: Calendar, today: dt.date, warn_days: int | None = None
) -> list[Finding]:
    """Every finding of every case; a case that cannot be evaluated is listed as a problem with the
    file and line of its intake, never dropped, so one bad record never silences the others."""
    found = []
    for case in cases:
        try:
            found += check_case(case, catalog, calendar, today, warn_days) or unevaluable(case, catalog)
        except ValueError as e:  # CalendarError: a date the calendar cannot count
            found.append(problem(case, catalog, str(e)))
    return sorted(found, key=listing_order)


def unevaluable(case: Case, catalog: Catalog) -> list[Finding]:
    """An open case whose service item is not in the catalogue: its time limit is unknown."""
    if case.is_open and catalog.item(case.service) is None:
        return [problem(case, catalog, f"事项 {case.service} 不在服务事项目录中，无法计算期限")]
    return []


def problem(case: Case, catalog: Catalog, message: str) -> Finding:
    path, line = case.where
    return Finding("problem", case, catalog.item(case.service), None, 0, None, f"{path}:{line}: {message}")


ORDER = {kind: i for i, kind in enumerate(KINDS)}


def listing_order(f: Finding) -> tuple[int, int, str]:
    """Where a finding stands in the listing: by kind (KINDS), the latest first, then by case."""
    return ORDER[f.kind], -f.days_late, f.case.id
