"""Quarterly awards and the year-end assessment (seed 002 十一.6, 十二; DOMAIN.md "Assessment").

Awards: per award of the scheme (in its order), the targets of its kind at `min_score` or more with
no disqualifier, highest composite first; a person is given one award a quarter. The ranking is the
proposal; a recorded vote (无记名投票, the deciding step) names the winners instead.

Disqualifiers, read from the quarter's entries (a window's include its staff's):
  complaint_upheld — an entry from an upheld complaint; obvious_error — handling_error;
  overdue_own_fault — overdue; criticism_or_discipline — an award bar from a sanction (circulated
  criticism or worse, for the year or the quarter as the office chose) or a work-discipline
  deduction other than a late or early (our reading of 违纪); unexcused_activity_absence — missed_meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svccli.core.assessment import Entry, Score, category_of
from svccli.core.scoring import Scheme

DISCIPLINE = "work_discipline"
NOT_DISCIPLINE = frozenset({"late_or_early"})  # attendance lateness is scored, not a 违纪 bar
BY_ITEM = {
    "handling_error": "obvious_error",
    "overdue": "overdue_own_fault",
    "missed_meeting": "unexcused_activity_absence",
}
KIND = {"window": "window", "person": "staff"}


@dataclass(frozen=True)
class Winner:
    award: str
    name: str
    target: str
    target_name: str
    composite: float
    prize: float
    decided: str  # score (the ranking's proposal) | vote


@dataclass
class Awards:
    quarter: str
    winners: list[Winner] = field(default_factory=list)
    excluded: dict[str, list[str]] = field(default_factory=dict)  # target -> reasons (Chinese)
    below: list[str] = field(default_factory=list)  # targets under the minimum score or without ratings


def disqualifiers(scheme: Scheme, s: Score, bars: dict[str, list[str]], staff_of: dict[str, list[str]]) -> list[str]:
    """Why a target may not be awarded this quarter (Chinese, one line each)."""
    why: list[str] = []
    names = scheme.disqualifiers
    for e in s.entries:
        code = _code(scheme, e)
        if code and code in names:
            why.append(f"{names[code]}：{_where(e)}")
    people = [s.target.code, *staff_of.get(s.target.code, [])] if s.target.kind == "window" else [s.target.code]
    for who in people:
        for reason in bars.get(who, []):
            why.append(f"{names.get('criticism_or_discipline', '受到通报批评')}：{reason}")
    return list(dict.fromkeys(why))


def _code(scheme: Scheme, e: Entry) -> str:
    if e.source == "complaint":
        return "complaint_upheld"
    if e.item in BY_ITEM:
        return BY_ITEM[e.item]
    if category_of(scheme, e.item) == DISCIPLINE and e.item not in NOT_DISCIPLINE and e.points < 0:
        return "criticism_or_discipline"
    return ""


def _where(e: Entry) -> str:
    return f"{e.day} {e.detail}" + (f"（{e.target}）" if e.target_kind == "staff" else "")


def choose(
    scheme: Scheme,
    quarter: str,
    scores: list[Score],
    bars: dict[str, list[str]],
    votes: dict[str, list[str]],
    staff_of: dict[str, list[str]],
) -> Awards:
    out = Awards(quarter)
    eligible: dict[str, Score] = {}
    for s in scores:
        why = disqualifiers(scheme, s, bars, staff_of)
        if why:
            out.excluded[s.target.code] = why
        elif s.composite is None or s.composite < min((a.min_score for a in scheme.awards), default=0):
            out.below.append(s.target.code)
        else:
            eligible[s.target.code] = s
    taken: set[str] = set()
    for a in scheme.awards:
        pool = [
            s
            for s in eligible.values()
            if s.target.kind == KIND[a.target] and s.composite is not None and s.composite >= a.min_score
        ]
        pool.sort(key=lambda s: (-(s.composite or 0), s.target.code))
        if a.code in votes:
            chosen, how = [eligible[c] for c in votes[a.code] if c in eligible], "vote"
        else:
            chosen, how = [s for s in pool if s.target.code not in taken][: a.count], "score"
        for s in chosen:
            taken.add(s.target.code)
            out.winners.append(Winner(a.code, a.name, s.target.code, s.target.name, s.composite or 0, a.prize, how))
    return out


@dataclass
class YearRow:
    target: str
    target_kind: str
    name: str
    quarters: dict[str, float | None]  # 2026Q1 -> composite
    grades: dict[str, str]  # 2026Q1 -> grade code ("" when not rated)
    bonus: float  # year-end bonuses
    annual: float | None
    grade: str
    awards: list[str] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)


def year_rows(
    scheme: Scheme,
    quarters: dict[str, list[Score]],
    awards: dict[str, Awards],
    window_of: dict[str, str],
    window_head: dict[str, str],
    sanctions: dict[str, list[str]],
    no_excellent: frozenset[str] = frozenset(),
) -> list[YearRow]:
    """The four quarters, the year-end bonuses, the annual score and grade, and the consequences.

    The annual score is the mean of the rated quarters' composites plus the year-end bonuses (the seed
    sets none; our reading). A window with `failed_quarters` failed quarters fails the year; its head
    and staff lose the year's awards (their year-end bonuses). `sanctions` maps staff to the year's
    consequences of their sanctions (returned, unfit). The chiefs in `no_excellent` (their section had two
    or more upheld complaints in the year) are rated one band below excellent at best."""
    rows: dict[str, YearRow] = {}
    for q, scores in sorted(quarters.items()):
        for s in scores:
            t = s.target
            row = rows.setdefault(t.code, YearRow(t.code, t.kind, t.name, {}, {}, 0.0, None, ""))
            row.quarters[q], row.grades[q] = s.composite, s.grade
    year_end = {b.code: b for b in scheme.bonuses if b.year_end}
    for q, won in sorted(awards.items()):
        for w in won.winners:
            bonus = year_end.get(f"{w.award}_award")
            if w.target in rows:
                rows[w.target].awards.append(f"{q} {w.name}")
                rows[w.target].bonus += bonus.points if bonus else 0
    fail = scheme.bands[-1].code  # the lowest band: 不合格
    failed = {
        r.target for r in rows.values() if r.target_kind == "window" and _fails(r, fail) >= scheme.failed_quarters
    }
    for r in rows.values():
        lost = (
            r.target in failed
            or window_of.get(r.target) in failed
            or any(window_head.get(w) == r.target for w in failed)
        )
        if lost and r.bonus:
            r.consequences.append(f"取消当年评先评优资格，年终奖分 {r.bonus:g} 分不计")
            r.bonus = 0.0
        elif lost:
            r.consequences.append("取消当年评先评优资格")
        rated = [v for v in r.quarters.values() if v is not None]
        r.annual = round(sum(rated) / len(rated) + r.bonus, 2) if rated else None
        r.grade = scheme.grade(r.annual).code if r.annual is not None else ""
        if r.target in no_excellent and r.grade == scheme.bands[0].code and len(scheme.bands) > 1:
            r.grade = scheme.bands[1].code
            r.consequences.append(f"所在科室一年内被投诉查实两次以上：科长年度考核不能评为{scheme.bands[0].name}")
        if r.target in failed:
            r.grade = fail
            r.consequences[:0] = [
                f"{_fails(r, fail)} 个季度考核不合格：窗口年度考核不合格（视为不称职岗）",
                "报请通报批评并限期整改",
            ]
        elif r.target_kind == "staff" and r.grade == fail:
            r.consequences.append("年度考核不合格：退回派出单位")
        r.consequences += sanctions.get(r.target, [])
    return list(rows.values())


def _fails(r: YearRow, fail: str) -> int:
    return sum(1 for g in r.grades.values() if g == fail)
