"""The quarterly 100-point assessment (DOMAIN.md "Assessment", seed 002 十一): entries → scores.

An entry is one deduction or bonus, linked to the record it comes from (a case event, a complaint,
an attendance day, a manual entry). Entries are made by core/assessment_sources.py; here they are
summed per target. A staff member's entries are also rolled up to their window, so a window's
score holds its own entries (a temporary cover's, manual ones against the window) and every one
of its staff's. Each category keeps at least `category_floor` (0) points; bonuses come on top.
Every value comes from the scheme (catalog/scoring.yaml): no number here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from svccli.core.scoring import Scheme

QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
KINDS = {"staff": "工作人员", "window": "窗口"}
SOURCES = {"case": "案件记录", "complaint": "投诉", "attendance": "考勤", "manual": "督查录入", "award": "评优"}


@dataclass(frozen=True)
class Entry:
    """One deduction (points < 0) or bonus (points > 0) of one target, with its source."""

    target: str  # staff id or window code
    target_kind: str  # staff | window
    item: str  # the scheme's item code
    points: float  # signed total of this entry (count already applied)
    day: dt.date
    source: str  # case | complaint | attendance | manual | award
    ref: str  # case id, complaint id, attendance day, manual entry id
    detail: str = ""  # what happened (Chinese): the event, the finding
    by: str = ""  # who entered it (manual entries)
    count: float = 1
    case: str = ""


@dataclass(frozen=True)
class Target:
    code: str
    kind: str  # staff | window
    name: str
    window: str = ""  # a staff member's window ("" when none)


@dataclass
class Score:
    target: Target
    categories: dict[str, float]  # category code -> points kept
    bonus: float
    quarterly: float
    public: float | None
    peer: float | None
    composite: float | None
    grade: str  # excellent | pass | fail, "" when a rating is missing
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. attendance data missing


def parse_quarter(text: str) -> tuple[int, int]:
    """'2026Q4' -> (2026, 4); ValueError otherwise."""
    m = QUARTER.match(text.strip())
    if not m:
        raise ValueError(text)
    return int(m.group(1)), int(m.group(2))


def quarter_range(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def category_of(scheme: Scheme, item: str) -> str:
    """The category code of a deduction item; "bonus" for a bonus item, "" when unknown."""
    for c in scheme.categories:
        if any(i.code == item for i in c.items):
            return c.code
    return "bonus" if any(b.code == item for b in scheme.bonuses) else ""


def roll_up(entries: list[Entry], targets: dict[str, Target]) -> dict[str, list[Entry]]:
    """Entries per target: each staff member's own, and each window's own plus its staff's."""
    out: dict[str, list[Entry]] = {code: [] for code in targets}
    for e in entries:
        out.setdefault(e.target, []).append(e)
        t = targets.get(e.target)
        if e.target_kind == "staff" and t is not None and t.window:
            out.setdefault(t.window, []).append(e)
    return out


def score(
    scheme: Scheme,
    target: Target,
    entries: list[Entry],
    public: float | None,
    peer: float | None,
    notes: list[str] | None = None,
) -> Score:
    """The categories (each floored), the bonus, Q, the composite and its grade."""
    lost: dict[str, float] = {c.code: 0.0 for c in scheme.categories}
    bonus = 0.0
    for e in entries:
        cat = category_of(scheme, e.item)
        if cat == "bonus":
            bonus += e.points
        elif cat:
            lost[cat] += e.points
    kept = {c.code: max(scheme.floor, c.max + lost[c.code]) for c in scheme.categories}
    quarterly = round(sum(kept.values()) + bonus, 2)
    composite = None if public is None or peer is None else scheme.composite(quarterly, public, peer)
    grade = scheme.grade(composite).code if composite is not None else ""
    return Score(target, kept, round(bonus, 2), quarterly, public, peer, composite, grade, list(entries), notes or [])


def score_all(
    scheme: Scheme,
    targets: dict[str, Target],
    entries: list[Entry],
    ratings: dict[tuple[str, str], float],
    notes: dict[str, list[str]] | None = None,
) -> list[Score]:
    """Every target's score; ratings maps (target, public|peer) to points."""
    per = roll_up(entries, targets)
    notes = notes or {}
    return [
        score(scheme, t, per.get(code, []), ratings.get((code, "public")), ratings.get((code, "peer")), notes.get(code))
        for code, t in targets.items()
    ]


def bonus_points(scheme: Scheme, item: str, chosen: float | None) -> float:
    """The points of one bonus within the scheme's limits (a range item takes a chosen value)."""
    b = next(x for x in scheme.bonuses if x.code == item)
    if chosen is None:
        return b.points
    high = b.max_points if b.max_points is not None else b.points
    if not b.points <= chosen <= high:
        raise ValueError(f"{b.name} 的加分应在 {b.points:g}～{high:g} 分之间（实为 {chosen:g}）")
    return chosen
