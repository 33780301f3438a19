"""Temporary cover from outside the roster (临时顶岗, DOMAIN.md "A/B posts, leave, cover").

Approved and registered with the supervision section, at most one month; up to one week (five
working days) the cover signs in and out by hand four times a day, longer by fingerprint. The
cover's violations are charged to the window, so each cover event names its window. The
registration is cancelled at the end (注销备案).

Events (office events): `cover` {cover, name, post, window, unit, from, to, approved_by, sign_in,
working_days}; `cover-end` {cover, at}.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from svccli.core.leave import parse_local

SIGN_IN = {"manual": "手工签到，每日4次", "fingerprint": "指纹考勤"}
MANUAL_UP_TO = 5  # working days: one working week
COVER_TYPES = ("cover", "cover-end")


def one_month_after(day: dt.date) -> dt.date:
    """The same date next month (the month's last day when it has no such date)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, months.monthrange(year, month)[1]))


def too_long(start: dt.date, end: dt.date) -> bool:
    """Temporary cover is at most one month: the last day no later than the same date next month."""
    return end > one_month_after(start)


def sign_in(working_days: int) -> str:
    """Manual sign-in for up to one working week, fingerprints beyond."""
    return "manual" if working_days <= MANUAL_UP_TO else "fingerprint"


@dataclass(frozen=True)
class Cover:
    id: str
    name: str
    post: str
    window: str  # the window charged with the cover's violations
    unit: str
    start: dt.datetime
    end: dt.datetime
    approved_by: str
    sign_in: str
    working_days: int
    registered_by: str = ""
    registered_at: str = ""
    ended: dt.datetime | None = None

    @property
    def until(self) -> dt.datetime:
        return min(self.end, self.ended) if self.ended else self.end

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start < end and start < self.until


def fold_covers(events: Iterable[dict[str, Any]]) -> dict[str, Cover]:
    covers: dict[str, Cover] = {}
    for e in events:
        if e.get("type") == "cover":
            covers[e["cover"]] = Cover(
                id=e["cover"],
                name=e["name"],
                post=e["post"],
                window=e.get("window", ""),
                unit=e.get("unit", ""),
                start=parse_local(e["from"]),
                end=parse_local(e["to"]),
                approved_by=e.get("approved_by", ""),
                sign_in=e.get("sign_in", "manual"),
                working_days=int(e.get("working_days", 0)),
                registered_by=e.get("by", ""),
                registered_at=e.get("ts", ""),
            )
        elif e.get("type") == "cover-end" and (c := covers.get(e.get("cover", ""))) and c.ended is None:
            covers[c.id] = replace(c, ended=parse_local(e["at"]))
    return covers
