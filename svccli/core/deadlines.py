"""Time limits (限时办结): due dates with pauses and extensions, warnings, lateness.

One function, `due`, gives the due date every command shows (DOMAIN.md "Time limits"):
  counting starts the day after `clock_from` (acceptance, or the completing supplement under the
  office's clock-start rule); working days of the official calendar unless the item is counted
  in calendar days; the working days of each pause, after the suspension day up to and
  including the resumption day, are not counted; extensions add their days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from svccli.core.calendar import Calendar
from svccli.core.cases import Case
from svccli.core.catalog import Rules, ServiceItem

ONE_DAY = dt.timedelta(days=1)
# Steps whose time is not counted (DOMAIN.md "Time limits"; 002 十.2(3): a site visit is counted)
PAUSE_REASONS = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "survey": "勘测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert-review": "专家评审",
}


@dataclass(frozen=True)
class Due:
    due: dt.date
    limit: int
    unit: str  # working_days | calendar_days
    paused: int  # days not counted because of pauses (to today for an open pause)
    extended: int
    provisional: bool  # some day of the count lies in a year with no calendar file
    running: bool  # False while paused


def unit_of(item: ServiceItem, rules: Rules) -> str:
    return item.limit_unit or rules.limit_unit


def add_days(calendar: Calendar, start: dt.date, n: int, unit: str) -> dt.date:
    return calendar.add_workdays(start, n) if unit == "working_days" else start + n * ONE_DAY


def days_between(calendar: Calendar, start: dt.date, end: dt.date, unit: str) -> int:
    """Days counted in (start, end]."""
    return calendar.workdays_between(start, end) if unit == "working_days" else (end - start).days


def clock_start(accepted_on: dt.date, after_supplement: bool, rules: Rules) -> dt.date:
    """The day after which counting starts. Under `same_day` a completing supplement's own day counts."""
    if after_supplement and rules.clock_start_after_supplement == "same_day":
        return accepted_on - ONE_DAY
    return accepted_on


def due(case: Case, item: ServiceItem, rules: Rules, calendar: Calendar, today: dt.date) -> Due | None:
    """The due date of an accepted case, or None before acceptance."""
    if case.clock_from is None:
        return None
    unit = unit_of(item, rules)
    extended = sum(e.days for e in case.extensions)
    end = add_days(calendar, case.clock_from, item.committed_limit + extended, unit)
    paused = 0
    for p in sorted(case.pauses, key=lambda p: p.start):
        if p.start >= end:  # paused once the count was complete (svc suspend refuses it): moves nothing
            continue
        n = max(0, days_between(calendar, p.start, p.end or max(today, p.start), unit))
        paused += n
        end = add_days(calendar, end, n, unit)
    return Due(
        end,
        item.committed_limit,
        unit,
        paused,
        extended,
        calendar.any_provisional(case.clock_from, end),
        case.status != "suspended",
    )


def days_late(d: Due, calendar: Calendar, on: dt.date) -> int:
    """How many (working) days past the due date `on` is; 0 or less when not late."""
    return days_between(calendar, d.due, on, d.unit)


def warning_date(d: Due, calendar: Calendar, warning_days: int) -> dt.date:
    """Due date minus k working days (001 质量规范 3); the caller warns at once if that has passed."""
    day, left = d.due, warning_days
    while left > 0:
        day -= ONE_DAY
        if calendar.is_workday(day):
            left -= 1
    return day


def served_late(case: Case, d: Due, calendar: Calendar) -> int | None:
    """Days the service (or the notice to collect) came after the due date; None while neither
    happened. The conclusion date is the service date (000 第四篇 二.8); an applicant told in time
    who does not come counts as on time (000 第九条)."""
    served = min((x for x in (case.delivered_on, case.notified_on) if x), default=None)
    if served is None:
        return None
    return max(0, days_between(calendar, d.due, served, d.unit)) if served > d.due else 0


def part_due(case: Case, department: str, item: ServiceItem, rules: Rules, calendar: Calendar) -> dt.date | None:
    """A co-handling department's own limit (联办件, seed 000 第四篇 二.6 《项目并联办理流程时限表》),
    counted like the case's from the day after acceptance (pauses and extensions of the case do not move it)."""
    part = case.parts.get(department)
    if part is None or case.clock_from is None:
        return None
    return add_days(calendar, case.clock_from, part["limit"], unit_of(item, rules))


def receive_by(calendar: Calendar, handed: dt.date) -> dt.date:
    """The section collects a handover the same working day (seed 003 工作流程 四); a handover made on
    a day off is due by the end of the next working day."""
    return handed if calendar.is_workday(handed) else calendar.add_workdays(handed, 1)
