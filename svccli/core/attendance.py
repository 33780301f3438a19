"""Attendance (考勤, DOMAIN.md "Attendance"; seed 002 五): judging each half day from the clocking
machine's punches, approved leave, permitted short absences (去向告知), patrols and proxy findings.

Pure rules: times are naive local datetimes of the office's time zone; nothing here reads files.

How a half day is judged (morning 08:00-12:00, afternoon 14:30-17:30, summer 15:00-18:00, from
office.yaml `hours`):
- Approved leave (up to its return) covering the whole half day excuses it (a leave half day). Leave
  covering its start moves the start to the leave's end; leave covering its end moves the end to
  the leave's start; the person is then judged on the rest.
- The punches of a half day are those nearer to it than to the other half (the boundary is midway
  between the morning's end and the afternoon's start). A punch the source marks as 上班 / 下班 is a
  sign-in / sign-out; an unmarked one (most fingerprint machines mark nothing useful) is a sign-in
  before the middle of the (remaining) half day, a sign-out from it. The sign-in is the earliest,
  the sign-out the latest. Times count in whole minutes (seconds are dropped).
- Late: no sign-in, or signing in 20 minutes or more after the start (08:20 late, 08:19 not).
- Early: no sign-out, or signing out more than 20 minutes before the end (11:40 not, 11:39 early).
- Absent: neither sign-in nor sign-out; or away over one hour without leave. "Away" is measured
  from the records that say when someone left and came back: a permitted short absence (`svc
  absence`, 去向告知, which stands for the oral notice the rules allow for under an hour) and a
  machine's 外出 / 外出返回 punches (ZKTeco status 2 and 3). Each such stretch counts its minutes
  within the half day not covered by approved leave; over 60 minutes is absence (61 absent, 60 not).
  A permit over an hour without leave is therefore absence: beyond an hour a leave slip is needed.
- A permit covering the start excuses lateness when the sign-in comes within 20 minutes of the
  permit's end; one covering the end excuses leaving early from the permit's start.
- Signing for someone else (代签, found by a patrol): absence for both, whatever the punches say.
- An absent half day is only absent (not also late or early).
- 5 lates or earlies (counted together, in order, within the period judged) make one day of
  absence. Office choice `five_lates`: `absence_only` (default) — those five count only as the
  day of absence; `also_deduct` — they also count as lates and earlies (−1 each in the assessment).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from svccli.core.workhours import Hours

HALVES = {"am": "上午", "pm": "下午"}
KINDS = {"late": "迟到", "early": "早退", "absent": "旷工", "proxy": "代签到", "empty_post": "空岗"}
GRACE_LATE = 20  # minutes after the start: at or beyond it is late
GRACE_EARLY = 20  # minutes before the end: beyond it is early
AWAY_LIMIT = 60  # minutes away without leave: beyond it is absence
IN_MARKS, OUT_MARKS = frozenset({"in"}), frozenset({"out"})
BREAK_OUT, BREAK_IN = "break-out", "break-in"


@dataclass(frozen=True)
class Finding:
    """One thing found about one half day of one person (the contract with the assessment)."""

    staff: str
    day: dt.date
    half: str  # am | pm
    kind: str  # late | early | absent | proxy | empty_post
    why: str
    source: str  # the id of the event it comes from ("" when no event holds it: a missing punch)


@dataclass(frozen=True)
class Punch:
    staff: str
    at: dt.datetime
    mark: str = ""  # in | out | break-out | break-in | "" (the source does not say)
    source: str = ""  # the id of the event that imported it


@dataclass(frozen=True)
class Span:
    """A stretch of time: approved leave, a permitted absence (去向告知)."""

    start: dt.datetime
    end: dt.datetime
    what: str = ""
    source: str = ""


HALF_NAMES = {"am": "morning", "pm": "afternoon"}  # core/workhours.py's names of the half days


def half_span(hours: Hours, day: dt.date, half: str) -> tuple[dt.datetime, dt.datetime]:
    return hours.span(day, HALF_NAMES[half])


def boundary(hours: Hours, day: dt.date) -> dt.datetime:
    """Midway between the morning's end and the afternoon's start: which half day a punch belongs to
    (an afternoon sign-in at 14:20 is the afternoon's, a morning sign-out at 12:10 the morning's)."""
    noon, after = half_span(hours, day, "am")[1], half_span(hours, day, "pm")[0]
    return noon + (after - noon) / 2


def half_of(hours: Hours, moment: dt.datetime) -> str:
    return "am" if moment < boundary(hours, moment.date()) else "pm"


def punch_id(staff: str, at: dt.datetime) -> str:
    """The stable id of a punch: the same person at the same second is the same punch, whichever
    file or format it came from (importing a file twice adds nothing)."""
    return hashlib.sha256(f"{staff}|{at:%Y-%m-%dT%H:%M:%S}".encode()).hexdigest()[:16]


def minute(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0)


def minutes(a: dt.datetime, b: dt.datetime) -> int:
    return int((minute(b) - minute(a)).total_seconds() // 60)


@dataclass(frozen=True)
class Judged:
    """One half day of one person: what was found, and whether leave excused all of it."""

    staff: str
    day: dt.date
    half: str
    findings: tuple[Finding, ...] = ()
    leave: bool = False
    leave_why: str = ""


def judge_half(
    staff: str,
    day: dt.date,
    half: str,
    span: tuple[dt.datetime, dt.datetime],
    punches: Sequence[Punch],
    leaves: Sequence[Span] = (),
    permits: Sequence[Span] = (),
    proxies: Sequence[Span] = (),
) -> Judged:
    """Judge one half day by the rules in the module docstring. `proxies` are the patrol findings
    of signing for someone else in this half day (their `what` says who and how)."""

    def found(kind: str, why: str, source: str = "") -> Judged:
        return Judged(staff, day, half, (Finding(staff, day, half, kind, why, source),))

    if proxies:
        p = proxies[0]
        return found("proxy", p.what, p.source)
    start, end = span
    for lv in leaves:
        if lv.start <= start and lv.end >= end:
            return Judged(staff, day, half, leave=True, leave_why=lv.what)
    for lv in leaves:  # leave at the start or the end: judged on the rest
        if lv.start <= start < lv.end:
            start = lv.end
        if lv.start < end <= lv.end:
            end = lv.start
    if end <= start:  # leaves at both ends meeting: all of it excused
        return Judged(staff, day, half, leave=True, leave_why="；".join(lv.what for lv in leaves))
    away = _away(start, end, punches, leaves, permits)
    if away is not None:
        return found("absent", away[0], away[1])
    middle = start + (end - start) / 2
    ins = [p for p in punches if p.mark in IN_MARKS or (not p.mark and p.at < middle)]
    outs = [p for p in punches if p.mark in OUT_MARKS or (not p.mark and p.at >= middle)]
    sign_in = min(ins, key=lambda p: p.at) if ins else None
    sign_out = max(outs, key=lambda p: p.at) if outs else None
    if sign_in is None and sign_out is None:
        return found("absent", "既无签到又无签退")
    findings = []
    late = _late(start, sign_in, permits)
    if late:
        findings.append(Finding(staff, day, half, "late", late, sign_in.source if sign_in else ""))
    early = _early(end, sign_out, permits)
    if early:
        findings.append(Finding(staff, day, half, "early", early, sign_out.source if sign_out else ""))
    return Judged(staff, day, half, tuple(findings))


def _late(start: dt.datetime, sign_in: Punch | None, permits: Sequence[Span]) -> str:
    if sign_in is not None and minutes(start, sign_in.at) < GRACE_LATE:
        return ""
    for p in permits:  # out on a permit at the start, and signed in on coming back
        if p.start <= start < p.end and sign_in is not None and minutes(p.end, sign_in.at) < GRACE_LATE:
            return ""
    if sign_in is None:
        return "无签到"
    return f"{sign_in.at:%H:%M} 签到，晚 {minutes(start, sign_in.at)} 分钟"


def _early(end: dt.datetime, sign_out: Punch | None, permits: Sequence[Span]) -> str:
    if sign_out is not None and minutes(sign_out.at, end) <= GRACE_EARLY:
        return ""
    for p in permits:  # left on a permit that runs to the end
        if p.start < end <= p.end and sign_out is not None and minutes(sign_out.at, p.start) <= GRACE_EARLY:
            return ""
    if sign_out is None:
        return "无签退"
    return f"{sign_out.at:%H:%M} 签退，早 {minutes(sign_out.at, end)} 分钟"


def _away(
    start: dt.datetime, end: dt.datetime, punches: Sequence[Punch], leaves: Sequence[Span], permits: Sequence[Span]
) -> tuple[str, str] | None:
    """The first stretch away of over an hour not covered by leave: (why, source), or None."""
    stretches = [(p.start, p.end, f"外出告知 {p.start:%H:%M}～{p.end:%H:%M}（{p.what}）", p.source) for p in permits]
    marked = sorted((p for p in punches if p.mark in (BREAK_OUT, BREAK_IN)), key=lambda p: p.at)
    for i, p in enumerate(marked):
        if p.mark == BREAK_OUT:
            back = next((q.at for q in marked[i + 1 :] if q.mark == BREAK_IN), end)
            stretches.append((p.at, back, f"打卡外出 {p.at:%H:%M}～{back:%H:%M}", p.source))
    for a, b, what, source in stretches:
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        gone = minutes(a, b) - sum(max(0, minutes(max(a, lv.start), min(b, lv.end))) for lv in leaves)
        if gone > AWAY_LIMIT:
            return f"{what}，离岗 {gone} 分钟，超过一小时未请假", source
    return None


def five_lates(findings: Sequence[Finding], choice: str) -> list[Finding]:
    """Every 5 lates or earlies of one person (in order) make one day of absence, dated on the day
    of the fifth: two `absent` findings (am and pm). Under `absence_only` the five are replaced by
    it; under `also_deduct` they stay besides it."""
    out: list[Finding] = []
    by_staff: dict[str, list[Finding]] = {}
    for f in findings:
        (by_staff.setdefault(f.staff, []) if f.kind in ("late", "early") else out).append(f)
    for staff, marks in by_staff.items():
        marks.sort(key=lambda f: (f.day, f.half, f.kind))
        whole = len(marks) // 5 * 5
        for n in range(0, whole, 5):
            fifth = marks[n + 4]
            why = f"累计迟到、早退 5 次（第 {n + 1}～{n + 5} 次），记旷工 1 天"
            out += [Finding(staff, fifth.day, h, "absent", why, fifth.source) for h in ("am", "pm")]
        out += marks if choice == "also_deduct" else marks[whole:]
    out.sort(key=lambda f: (f.staff, f.day, f.half, f.kind))
    return out


@dataclass
class Tally:
    """One person's counts over a period (the report's JSON fields)."""

    late: int = 0
    early: int = 0
    absent_half_days: int = 0
    five_lates_days: int = 0
    leave_half_days: int = 0
    empty_posts: int = 0

    @property
    def absent_days(self) -> float:
        return self.absent_half_days / 2 + self.five_lates_days

    @property
    def leave_days(self) -> float:
        return self.leave_half_days / 2


def tally(judged: Iterable[Judged], extra: Iterable[Finding] = ()) -> Tally:
    """Counts from the half days judged and the other findings (empty posts)."""
    t = Tally()
    for j in judged:
        t.leave_half_days += j.leave
        for f in j.findings:
            if f.kind == "late":
                t.late += 1
            elif f.kind == "early":
                t.early += 1
            else:
                t.absent_half_days += 1
    t.five_lates_days = (t.late + t.early) // 5
    t.empty_posts = sum(1 for f in extra if f.kind == "empty_post")
    return t
