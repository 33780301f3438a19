"""Who is on duty at a post (A、B岗): the A holder when present; else a temporary cover registered
for the post; else the first B holder, in order, who is present; else nobody — the post is
unattended, an alarm (DOMAIN.md "A/B posts, leave, cover").

Present means not on granted leave during any part of the period asked about (a half day, or a
whole working day). `absent` lets a caller add other reasons someone is away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from svccli.core.cover import Cover
from svccli.core.leave import KINDS, Leave, away
from svccli.core.roster import Post, Roster


@dataclass(frozen=True)
class Duty:
    post: str
    post_name: str
    window: str
    on_duty: str  # a staff id, the temporary cover's name, or "" when unattended
    on_duty_name: str
    role: str  # A | B1 | B2 | … | temporary | ""
    why: str  # why the A holder (and any B passed over) is not on duty
    unattended: bool
    cover: str = ""  # the temporary cover's id

    def row(self) -> dict[str, object]:
        return {
            "post": self.post,
            "post_name": self.post_name,
            "window": self.window,
            "on_duty": self.on_duty,
            "on_duty_name": self.on_duty_name,
            "role": self.role,
            "why": self.why,
            "unattended": self.unattended,
        }


def away_text(leave: Leave, name: str) -> str:
    return f"{name}{KINDS.get(leave.kind, '请假')}（{leave.start:%m-%d %H:%M}至{leave.until:%m-%d %H:%M}，{leave.id}）"


def duty_of(
    roster: Roster,
    post: Post,
    start: dt.datetime,
    end: dt.datetime,
    leaves: Iterable[Leave],
    covers: Iterable[Cover] = (),
    absent: Mapping[str, str] | None = None,
) -> Duty:
    """Who holds `post` during [start, end)."""
    gone = {s: away_text(lv, roster.name(s)) for s, lv in away(leaves, start, end).items()}
    gone.update(absent or {})
    base = (post.code, post.name, post.window)
    if post.a not in gone:
        return Duty(*base, post.a, roster.name(post.a), "A", "", False)
    why = [gone[post.a]]
    temp = next((c for c in covers if c.post == post.code and c.overlaps(start, end)), None)
    if temp is not None:
        return Duty(*base, temp.name, f"{temp.name}（临时顶岗）", "temporary", "；".join(why), False, temp.id)
    for i, b in enumerate(post.b, 1):
        if b not in gone:
            return Duty(*base, b, roster.name(b), f"B{i}", "；".join(why), False)
        why.append(gone[b])
    return Duty(*base, "", "", "", "；".join(why), True)


def away_staff(leaves: Iterable[Leave], start: dt.datetime, end: dt.datetime) -> frozenset[str]:
    """The staff away during [start, end), for routing (Roster.target, Roster.on_duty)."""
    return frozenset(away(leaves, start, end))
