"""Working-day arithmetic on the official holiday calendar (国务院办公厅节假日安排).

A year with a calendar file is exact. A later year with no file is computed provisionally
(weekends off, no holidays) and every such date is flagged, so the window keeps working in late
December (DOMAIN.md "The official calendar"). A date before the first calendar year is an error.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
    _ords: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
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
        self._check(day)
        return day in self._adjusted or (day.weekday() < 5 and day not in self._off)

    def _check(self, day: dt.date) -> None:
        first = self.first_year
        if first is None or day.year < first:
            raise CalendarError(f"{day.isoformat()} 早于日历的第一年（{first or '无日历文件'}），无法计算工作日")

    def _working_ordinals(self, until_year: int) -> list[int]:
        """Every working day's ordinal from the first calendar year to the end of `until_year`
        (later years provisional), sorted: counting becomes two binary searches."""
        cached: list[int] | None = self._ords.get("list")
        if cached is None or self._ords["until"] < until_year:
            first = dt.date(min(self.years), 1, 1).toordinal()  # callers have checked the day (_check)
            last = dt.date(until_year, 12, 31).toordinal()
            cached = [o for o in range(first, last + 1) if self.is_workday(dt.date.fromordinal(o))]
            self._ords.update(list=cached, until=until_year)
        return cached

    def _span(self, *days: dt.date) -> list[int]:
        return self._working_ordinals(max(max(d.year for d in days) + 1, max(self.years)))

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted); n == 0 gives start."""
        if n < 0:
            raise ValueError("n must not be negative")
        self._check(start)
        if n == 0:
            return start
        ords = self._span(start)
        i = bisect.bisect_right(ords, start.toordinal()) + n - 1
        while i >= len(ords):  # beyond the years listed so far: extend (provisionally) and retry
            ords = self._working_ordinals(self._ords["until"] + 2)
        return dt.date.fromordinal(ords[i])

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: add_workdays(start, workdays_between(start, end)) <= end."""
        if end <= start:
            return -self._count(end, start)
        return self._count(start, end)

    def _count(self, start: dt.date, end: dt.date) -> int:
        self._check(start)
        ords = self._span(end)
        return bisect.bisect_right(ords, end.toordinal()) - bisect.bisect_right(ords, start.toordinal())

    def next_workday(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the next one."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def any_provisional(self, *days: dt.date) -> bool:
        return any(self.is_provisional(d) for d in days)
