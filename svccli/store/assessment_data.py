"""Gathering a quarter's assessment from the records: cases (folded with their timelines), the office
events (complaints, sanctions, covers, manual entries, ratings, votes) and attendance; then scoring it
with core/assessment.py and choosing the awards with core/awards.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from svccli.core import assessment as a
from svccli.core import assessment_records as rec
from svccli.core import awards as aw
from svccli.core.assessment_sources import Blame, Span, attendance_entries, case_entries
from svccli.core.complaints import TYPES as COMPLAINT_TYPES
from svccli.core.complaints import Complaint, chief_barred, fold_complaints
from svccli.core.cover import fold_covers
from svccli.core.events import Event
from svccli.core.fold import fold
from svccli.core.problems import Problem
from svccli.core.roster import Roster
from svccli.core.sanctions import Sanction, SanctionRules, award_barred, returned, sanctions, unfit
from svccli.core.scoring import Scheme
from svccli.store.attendance import findings
from svccli.store.home import Home
from svccli.store.office_events import office_events


@dataclass
class Quarter:
    code: str  # 2026Q4
    start: dt.date
    end: dt.date
    scheme: Scheme
    targets: dict[str, a.Target]
    scores: list[a.Score]
    awards: aw.Awards
    rating_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)


def window_of(roster: Roster) -> dict[str, str]:
    """Each staff member's window: the first post they hold as A, else as B, else the window they head."""
    found: dict[str, str] = {}
    for p in roster.posts.values():
        found.setdefault(p.a, p.window)
    for p in roster.posts.values():
        for b in p.b:
            found.setdefault(b, p.window)
    for w in roster.windows.values():
        if w.head:
            found.setdefault(w.head, w.code)
    return found


def targets_of(roster: Roster, extra: set[str]) -> dict[str, a.Target]:
    """The windows, the staff with a window, and anyone else an entry names."""
    windows = window_of(roster)
    out = {w.code: a.Target(w.code, "window", w.name) for w in roster.windows.values()}
    for s in roster.staff.values():
        if s.id in windows or s.id in extra:
            out[s.id] = a.Target(s.id, "staff", s.name, windows.get(s.id, ""))
    return out


def _attendance(home: Home, start: dt.date, end: dt.date) -> tuple[list, set[str] | None]:
    """The attendance findings and who has data; (.., None) while attendance cannot be read."""
    found, known = findings(home, start, end)
    return list(found), set(known)


def quarter(home: Home, code: str, cases_cache: dict | None = None) -> Quarter:
    """The scores and awards of one quarter (raises ValueError for a bad quarter)."""
    scheme = home.scoring
    if scheme is None:
        raise ValueError("scoring")
    year, q = a.parse_quarter(code)
    code = f"{year}Q{q}"
    start, end = a.quarter_range(year, q)
    events, problems = office_events(home)
    cases, found = _cases(home, cases_cache)
    covers = fold_covers(events)
    blame = Blame(tuple(Span(c.id, c.window, c.start.date(), c.until.date()) for c in covers.values() if c.window))
    complaints = fold_complaints([e for e in events if e.get("type") in COMPLAINT_TYPES])
    rules = SanctionRules.of(home.catalog.office.rules, scheme.ladders)
    given = sanctions(events, complaints, rules)
    findings, known = _attendance(home, start, end)
    entries = (
        case_entries(scheme, cases, home.catalog, home.calendar, start, end, blame)
        + rec.complaint_entries(scheme, complaints.values(), start, end, blame)
        + attendance_entries(scheme, findings, blame)
        + rec.manual_entries(scheme, events, start, end)
    )
    entries = _once_per_case(scheme, entries)
    roster = home.roster
    targets = targets_of(roster, {e.target for e in entries if e.target_kind == "staff" and e.target in roster.staff})
    notes = _notes(targets, known)
    means, counts = rec.ratings(events, code, targets)
    scores = a.score_all(scheme, targets, entries, means, notes)
    bars = {
        t: [f"{s.date} {s.kind_name}（{s.reason}）" for s in award_barred(given, t, year, q, rules.award_bar)]
        for t in targets
    }
    staff_of: dict[str, list[str]] = {}
    for t in targets.values():
        if t.kind == "staff" and t.window:
            staff_of.setdefault(t.window, []).append(t.code)
    chosen = aw.choose(scheme, code, scores, bars, votes(events, code), staff_of)
    found_all = problems + found
    return Quarter(
        code, start, end, scheme, targets, scores, chosen, counts, found_all, given, list(complaints.values())
    )


def _cases(home: Home, cache: dict | None):
    if cache is not None and "cases" in cache:
        return cache["cases"]
    lines, problems = home.log.read()
    folded = fold(lines, timeline=True)
    result = (list(folded.cases.values()), problems + folded.problems)
    if cache is not None:
        cache["cases"] = result
    return result


def _once_per_case(scheme: Scheme, entries: list[a.Entry]) -> list[a.Entry]:
    """A per-case item (unit c) costs once per case: an upheld complaint about a notice breach the case log
    already holds is kept (it still bars the awards, and --explain shows it) at 0 points."""
    seen: set[tuple[str, str]] = set()
    out = []
    for e in entries:
        item = scheme.item(e.item)
        if e.case and item is not None and item.unit == "c":
            if (e.item, e.case) in seen:
                e = replace(e, points=0.0, detail=f"{e.detail}（本案已按案件记录扣分，不重复扣分）")
            seen.add((e.item, e.case))
        out.append(e)
    return out


def _notes(targets: dict[str, a.Target], known: set[str] | None) -> dict[str, list[str]]:
    missing = "本期无考勤数据（考勤未扣分）"
    return {
        code: [missing] for code, t in targets.items() if t.kind == "staff" and (known is None or code not in known)
    }


def votes(events: list[Event], code: str) -> dict[str, list[str]]:
    """The latest recorded vote of the quarter, per award: award code -> winners."""
    found: dict[str, list[str]] = {}
    for e in events:
        if e.get("type") == rec.VOTE and e.get("quarter") == code:
            found.update({k: list(v) for k, v in e.get("winners", {}).items()})
    return found


def year_consequences(given: list[Sanction], year: int, staff: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in staff:
        if returned(given, s, year):
            out.setdefault(s, []).append("退回派出单位")
        if unfit(given, s, year):
            out.setdefault(s, []).append("受到待岗处理：年度考核评为不称职")
    return out


def year(home: Home, year: int, check) -> tuple[Scheme, list[aw.YearRow]]:
    """The year-end assessment from the four quarters; `check` is given each quarter (to report problems)."""
    cache: dict = {}
    quarters: dict[str, list[a.Score]] = {}
    won: dict[str, aw.Awards] = {}
    given: list[Sanction] = []
    complaints: list[Complaint] = []
    for q in range(1, 5):
        got = quarter(home, f"{year}Q{q}", cache)
        check(got)
        quarters[got.code], won[got.code], given, complaints = got.scores, got.awards, got.sanctions, got.complaints
    roster = home.roster
    heads = {w.code: w.head for w in roster.windows.values()}
    staff = [t for scores in quarters.values() for t in (s.target.code for s in scores)]
    consequences = year_consequences(given, year, list(dict.fromkeys(staff)))
    scheme = home.scoring
    assert scheme is not None  # quarter() refused otherwise
    chiefs = frozenset(s for s in dict.fromkeys(staff) if chief_barred(complaints, roster, s, year))
    return scheme, aw.year_rows(scheme, quarters, won, window_of(roster), heads, consequences, chiefs)
