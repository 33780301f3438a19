"""Sanctions (问责): what upheld complaints and inspectors' decisions do to a person, per calendar year.

Stable API (the assessment imports it):

- `SanctionRules.of(office_rules, scheme_ladders)`: the office's choices (`notice_ladder`:
  "notice_breach" | "first_contact"; `award_bar`: "year" | "quarter") and the ladders of
  catalog/scoring.yaml (`sanction_ladders`: code -> steps -> sanction codes).
- `sanctions(events, complaints, rules) -> list[Sanction]`: every sanction in date order, from
  1. upheld complaints that climb a ladder: a first-contact complaint the first-contact ladder
     (seed 001 三: criticism, circulated criticism, suspension); a notice complaint the ladder the
     office chose (002 三.6: oral warning, admonition talk, efficiency warning letter and circulated
     criticism; or 001 三's). The n-th upheld complaint of a person on a ladder in a calendar year
     (by resolution date) takes step n; beyond the last step, the last step again;
  2. upheld complaints that call for circulated criticism at once (002 十一.6(4): taking advantage,
     unauthorised fees);
  3. `sanction` events: an inspector's decision without a complaint;
  4. the rule: a second circulated criticism in a year returns the person to the sending unit
     (002 十一.6(5.2)); one return a year.
- `Sanction`: id, staff, kind (a key of KINDS, the codes of scoring.yaml's `sanctions`), date,
  reason, basis, source (complaint id, "direct" or "rule"), ladder ("" | "notice_breach" |
  "first_contact"), step (0 when no ladder), trigger (circulated_criticism_triggers code or ""),
  by (inspector; "" for derived ones); effects as properties: award_barred, unfit, returned.
- Year status: `award_barred(sanctions, staff, year, quarter=None, bar="year")`,
  `returned(sanctions, staff, year)`, `unfit(sanctions, staff, year)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from svccli.core.cases import effective_day
from svccli.core.complaints import ABOUT, Complaint
from svccli.core.events import Event

# The codes of scoring.yaml `sanctions`, mildest first.
KINDS = {
    "oral_warning": "口头警告",
    "criticism": "批评教育",
    "admonition_talk": "诫勉谈话",
    "efficiency_warning": "效能告诫",
    "circulated_criticism": "通报批评",
    "suspension": "待岗",
    "return_to_unit": "退回派出单位",
}
# `svc sanction --kind`: the short names of the command line.
DIRECT = {
    "circulated": "circulated_criticism",
    "warning": "efficiency_warning",
    "admonition": "admonition_talk",
    "suspension": "suspension",
    "returned": "return_to_unit",
}
LADDERS = {"notice_breach": "违反一次性告知制度", "first_contact": "违反首问负责制"}
# The defaults when scoring.yaml has no sanction_ladders (the seeds' own steps).
DEFAULT_LADDERS = {
    "notice_breach": (("oral_warning",), ("admonition_talk",), ("efficiency_warning", "circulated_criticism")),
    "first_contact": (("criticism",), ("circulated_criticism",), ("suspension",)),
}
# Circulated criticism or worse removes award eligibility (001 三, 002 八.7(4)).
BARRING = frozenset({"circulated_criticism", "suspension", "return_to_unit"})
RETURN_AFTER = 2  # circulated criticisms in one year (002 十一.6(5.2))


@dataclass(frozen=True)
class SanctionRules:
    notice_ladder: str = "notice_breach"
    award_bar: str = "year"
    ladders: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=lambda: dict(DEFAULT_LADDERS))

    @classmethod
    def of(
        cls, office_rules: Any, scheme_ladders: Mapping[str, tuple[tuple[str, ...], ...]] | None = None
    ) -> SanctionRules:
        """From the office rules (core.catalog.Rules) and the scheme's ladders (core.scoring.Scheme.ladders)."""
        ladders = {**DEFAULT_LADDERS, **(scheme_ladders or {})}
        return cls(
            getattr(office_rules, "notice_ladder", "notice_breach"), getattr(office_rules, "award_bar", "year"), ladders
        )

    def ladder(self, about_ladder: str) -> str:
        """The ladder a complaint's kind climbs: the notice ladder is the office's choice."""
        return self.notice_ladder if about_ladder == "notice" else about_ladder

    def steps(self, code: str) -> tuple[tuple[str, ...], ...]:
        return self.ladders.get(code) or DEFAULT_LADDERS[code]


@dataclass(frozen=True)
class Sanction:
    id: str
    staff: str
    kind: str
    date: dt.date
    reason: str
    source: str  # complaint id | "direct" | "rule"
    ladder: str = ""
    step: int = 0
    basis: str = ""
    trigger: str = ""
    by: str = ""

    @property
    def award_barred(self) -> bool:
        return self.kind in BARRING

    @property
    def unfit(self) -> bool:
        """Suspension: rated unfit (不称职) for the year (001 三)."""
        return self.kind == "suspension"

    @property
    def returned(self) -> bool:
        return self.kind == "return_to_unit"

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, self.kind)


def sanctions(events: Iterable[Event], complaints: Mapping[str, Complaint], rules: SanctionRules) -> list[Sanction]:
    """Every sanction, by date (see the module's docstring)."""
    found = _from_complaints(complaints, rules) + [_direct(e) for e in events if e.get("type") == "sanction"]
    found.sort(key=lambda s: (s.date, s.source == "direct", s.id))
    return _with_returns(found)


def _from_complaints(complaints: Mapping[str, Complaint], rules: SanctionRules) -> list[Sanction]:
    found: list[Sanction] = []
    climbed: dict[tuple[str, str, int], int] = {}
    upheld = sorted(
        (c for c in complaints.values() if c.upheld and c.responsible and c.resolved),
        key=lambda c: (c.resolved, c.id),
    )
    for c in upheld:
        about = ABOUT.get(c.about)
        if about is None or c.resolved is None:
            continue
        if about.ladder:
            ladder = rules.ladder(about.ladder)
            key = (c.responsible, ladder, c.resolved.year)
            climbed[key] = climbed.get(key, 0) + 1
            steps = rules.steps(ladder)
            step = min(climbed[key], len(steps))
            for i, kind in enumerate(steps[step - 1], 1):
                reason = f"{LADDERS.get(ladder, ladder)}（本年第 {climbed[key]} 次查证属实）"
                found.append(Sanction(f"{c.id}/{i}", c.responsible, kind, c.resolved, reason, c.id, ladder, step))
        if about.trigger:
            found.append(
                Sanction(f"{c.id}/0", c.responsible, "circulated_criticism", c.resolved, about.name, c.id, "", 0, "")
            )
    return found


def _direct(e: Event) -> Sanction:
    return Sanction(
        e["sanction"],
        e["staff"],
        e["kind"],
        effective_day(e),
        e.get("reason", ""),
        "direct",
        basis=e.get("basis", ""),
        trigger=e.get("trigger", ""),
        by=e.get("by", ""),
    )


def _with_returns(found: list[Sanction]) -> list[Sanction]:
    """Add the return to the sending unit that a second circulated criticism in a year brings."""
    counted: dict[tuple[str, int], int] = {}
    returned = {(s.staff, s.date.year) for s in found if s.returned}
    out: list[Sanction] = []
    for s in found:
        out.append(s)
        if s.kind != "circulated_criticism":
            continue
        key = (s.staff, s.date.year)
        counted[key] = counted.get(key, 0) + 1
        if counted[key] == RETURN_AFTER and key not in returned:
            returned.add(key)
            out.append(
                Sanction(
                    f"R-{s.staff}-{s.date.year}", s.staff, "return_to_unit", s.date, "一年内两次受到通报批评", "rule"
                )
            )
    return out


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def award_barred(
    found: Iterable[Sanction], staff: str, year: int, quarter: int | None = None, bar: str = "year"
) -> list[Sanction]:
    """The sanctions that remove a person's award eligibility for the year, or (office choice
    `award_bar: quarter`) for the given quarter only; empty when eligible. Truthy when barred."""
    return [
        s
        for s in found
        if s.staff == staff
        and s.award_barred
        and s.date.year == year
        and (bar != "quarter" or quarter is None or quarter_of(s.date) == quarter)
    ]


def returned(found: Iterable[Sanction], staff: str, year: int) -> bool:
    """Returned to the sending unit in the year (退回派出单位)."""
    return any(s.staff == staff and s.returned and s.date.year == year for s in found)


def unfit(found: Iterable[Sanction], staff: str, year: int) -> bool:
    """Rated unfit (不称职) for the year: suspended in it."""
    return any(s.staff == staff and s.unfit and s.date.year == year for s in found)
