"""Working-day arithmetic on the official holiday calendar (国务院办公厅节假日安排).

A year with a calendar file is exact. A later year with no file is computed provisionally
(weekends off, no holidays) and every such date is flagged, so the window keeps working in late
December (DOMAIN.md "The official calendar"). A date before the first calendar year is an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Holiday:
    name: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class CalendarYear:
    year: int
    notice: str
    published: dt.date | None
    holidays: tuple[Holiday, ...]
    workdays: tuple[tuple[dt.date, str], ...]  # weekend days made working days, with the holiday

    @property
    def days_off(self) -> dict[dt.date, str]:
        off = {}
        for h in self.holidays:
            day = h.first
            while day <= h.last:
                off[day] = h.name
                day += ONE_DAY
        return off


class CalendarError(ValueError):
    """A date the calendar cannot answer for (before the first calendar year)."""


@dataclass(frozen=True)
class DayInfo:
    day: dt.date
    working: bool
    kind: str  # workday | weekend | holiday | adjusted (调休 working weekend day)
    holiday: str = ""
    provisional: bool = False


@dataclass(frozen=True)
class Calendar:
    years: dict[int, CalendarYear]
    _off: dict[dt.date, str] = field(default_factory=dict, compare=False, repr=False)
    _adjusted: dict[dt.date, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for y in self.years.values():
            self._off.update(y.days_off)
            self._adjusted.update(dict(y.workdays))

    @property
    def first_year(self) -> int | None:
        return min(self.years) if self.years else None

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self.years

    def info(self, day: dt.date) -> DayInfo:
        first = self.first_year
        if first is None or day.year < first:
            raise CalendarError(f"{day.isoformat()} 早于日历的第一年（{first or '无日历文件'}），无法计算工作日")
        provisional = day.year not in self.years
        if day in self._adjusted:
            return DayInfo(day, True, "adjusted", self._adjusted[day], provisional)
        if day in self._off:
            return DayInfo(day, False, "holiday", self._off[day], provisional)
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend", "", provisional)
        return DayInfo(day, True, "workday", "", provisional)

    def is_workday(self, day: dt.date) -> bool:
        return self.info(day).working

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted); n == 0 gives start."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        self.info(day)  # fail early for a date before the calendar
        while n > 0:
            day += ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: add_workdays(start, workdays_between(start, end)) <= end."""
        if end <= start:
            return -self._count(end, start)
        return self._count(start, end)

    def _count(self, start: dt.date, end: dt.date) -> int:
        self.info(start)
        n, day = 0, start
        while day < end:
            day += ONE_DAY
            n += self.is_workday(day)
        return n

    def next_workday(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the next one."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def any_provisional(self, *days: dt.date) -> bool:
        return any(self.is_provisional(d) for d in days)
