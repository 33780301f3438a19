"""A due date explained day by day: the ledger behind `svc due --explain`.

It walks the same rules as `deadlines.due` one day at a time; the day where the count reaches the
limit plus extensions is the due date, which a test holds equal to `due()` for every case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from svccli.core.calendar import Calendar
from svccli.core.cases import Case, Pause
from svccli.core.catalog import Rules, ServiceItem
from svccli.core.deadlines import ONE_DAY, PAUSE_REASONS, unit_of

MARKS = {
    "received": "收件",
    "accepted": "受理（不计）",
    "before": "未起算",
    "counted": "计入",
    "adjusted": "调休上班，计入",
    "weekend": "周末",
    "holiday": "节假日",
    "paused": "暂停，不计",
    "extended": "延期，计入",
    "after": "超过期限",
}


@dataclass(frozen=True)
class LedgerDay:
    day: dt.date
    mark: str
    count: int  # days counted so far (0 before counting starts)
    note: str = ""  # the holiday's name, or the pause's cause in Chinese
    provisional: bool = False
    due: bool = False


def _pause_on(case: Case, day: dt.date, today: dt.date) -> Pause | None:
    for p in case.pauses:
        if p.start < day <= (p.end or today):
            return p
    return None


def ledger(case: Case, item: ServiceItem, rules: Rules, calendar: Calendar, today: dt.date) -> list[LedgerDay]:
    if case.clock_from is None:
        return []
    unit = unit_of(item, rules)
    limit = item.committed_limit + sum(e.days for e in case.extensions)
    start = dt.date.fromisoformat(case.opened[:10])
    days, count, day, due_day = [], 0, min(start, case.clock_from), None
    while due_day is None or day <= today:
        info = calendar.info(day)
        note = info.holiday
        if day <= case.clock_from:
            mark = "received" if day == start else ("accepted" if day == case.accepted_on else "before")
        elif (pause := _pause_on(case, day, today)) and (unit == "calendar_days" or info.working):
            mark, note = "paused", PAUSE_REASONS.get(pause.reason, pause.reason)  # in Chinese wherever shown
        elif unit == "calendar_days" or info.working:
            count += 1 if due_day is None else 0
            if due_day is not None:
                mark = "after"
            elif count > item.committed_limit:
                mark = "extended"
            else:
                mark = "adjusted" if info.kind == "adjusted" else "counted"
        else:
            mark = info.kind
        is_due = (
            due_day is None and day > case.clock_from and count == limit and mark in ("counted", "adjusted", "extended")
        )
        if is_due or (limit == 0 and day == case.clock_from):
            due_day = day
        days.append(
            LedgerDay(day, mark, count, note, info.provisional, is_due or (limit == 0 and day == case.clock_from))
        )
        day += ONE_DAY
    return days
