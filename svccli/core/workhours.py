"""Office hours (office.yaml `hours`): the two half days of a working day, with summer afternoons.

Used to measure leave in working time and to tell which half day a moment falls in. The calendar
(core/calendar.py, the same as for case deadlines) says which days are working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from svccli.core.calendar import Calendar, CalendarError

HALVES = {"morning": "上午", "afternoon": "下午"}
DEFAULT_HOURS = (
    ("morning", ("08:00", "12:00")),
    ("afternoon", ("14:30", "17:30")),
    ("summer_afternoon", ("15:00", "18:00")),
    ("summer", ("07-01", "09-30")),
)


def _hm(text: str) -> dt.time:
    h, m = text.split(":")
    return dt.time(int(h), int(m))


@dataclass(frozen=True)
class Hours:
    morning: tuple[dt.time, dt.time]
    afternoon: tuple[dt.time, dt.time]
    summer_afternoon: tuple[dt.time, dt.time]
    summer: tuple[tuple[int, int], tuple[int, int]]  # (month, day) first and last

    @classmethod
    def of(cls, hours: tuple[tuple[str, tuple[str, ...]], ...]) -> Hours:
        """From Office.hours; a missing entry takes the centre's default (DOMAIN.md "Attendance")."""
        given = dict(DEFAULT_HOURS) | dict(hours)
        summer_afternoon = given.get("summer_afternoon") or given["afternoon"]
        first, last = (tuple(int(x) for x in s.split("-")) for s in given["summer"])
        return cls(
            (_hm(given["morning"][0]), _hm(given["morning"][1])),
            (_hm(given["afternoon"][0]), _hm(given["afternoon"][1])),
            (_hm(summer_afternoon[0]), _hm(summer_afternoon[1])),
            ((first[0], first[1]), (last[0], last[1])),
        )

    def is_summer(self, day: dt.date) -> bool:
        return self.summer[0] <= (day.month, day.day) <= self.summer[1]

    def periods(self, day: dt.date) -> list[tuple[str, dt.datetime, dt.datetime]]:
        """The day's half days (name, start, end) regardless of whether it is a working day."""
        after = self.summer_afternoon if self.is_summer(day) else self.afternoon
        return [
            ("morning", dt.datetime.combine(day, self.morning[0]), dt.datetime.combine(day, self.morning[1])),
            ("afternoon", dt.datetime.combine(day, after[0]), dt.datetime.combine(day, after[1])),
        ]

    def half_of(self, moment: dt.datetime) -> str:
        """The half day a moment belongs to: morning until the afternoon starts, then afternoon."""
        return "morning" if moment < self.periods(moment.date())[1][1] else "afternoon"

    def span(self, day: dt.date, half: str | None = None) -> tuple[dt.datetime, dt.datetime]:
        """A half day's start and end, or the whole working day's (morning start to afternoon end)."""
        periods = self.periods(day)
        if half is None:
            return periods[0][1], periods[1][2]
        return next((s, e) for name, s, e in periods if name == half)


@dataclass(frozen=True)
class Length:
    minutes: int
    days: float  # each full half day counts 0.5; a part of one, its share of 0.5

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def working_periods(
    start: dt.datetime, end: dt.datetime, hours: Hours, calendar: Calendar
) -> Iterator[tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]]:
    """For each working half day overlapping [start, end): the half day's bounds and the overlap."""
    day = start.date()
    while day <= end.date():
        try:
            working = calendar.is_workday(day)
        except CalendarError:
            working = day.weekday() < 5  # before the first calendar year: weekends only
        if working:
            for _, ps, pe in hours.periods(day):
                lo, hi = max(start, ps), min(end, pe)
                if lo < hi:
                    yield ps, pe, lo, hi
        day += dt.timedelta(days=1)


def working_length(start: dt.datetime, end: dt.datetime, hours: Hours, calendar: Calendar) -> Length:
    """Working time between two moments: office hours on the official calendar's working days."""
    minutes, days = 0.0, 0.0
    for ps, pe, lo, hi in working_periods(start, end, hours, calendar):
        part = (hi - lo).total_seconds() / 60
        minutes += part
        days += 0.5 * part / ((pe - ps).total_seconds() / 60)
    return Length(round(minutes), round(days, 2))
