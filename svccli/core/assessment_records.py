"""Assessment entries from the office's own events: upheld complaints, inspectors' manual entries
and bonuses, and the public and peer ratings of a quarter.

Ratings (seed 002 十一.5(3)(4)): `svc rate public|peer TARGET GRADE` records one rating of a target
for a quarter; `svc rate case CASE GRADE` records one 评议卡 for the case's first handler (else its
first-contact person). A target's public rating for the quarter is the mean of every public rating
and every card of that quarter that names it; a window's also takes the cards of its staff. The peer
rating is the mean of the peer ratings. A later correction is simply another rating.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from svccli.core.assessment import Entry, Target
from svccli.core.assessment_sources import Blame
from svccli.core.cases import effective_day
from svccli.core.complaints import Complaint
from svccli.core.events import Event
from svccli.core.scoring import Scheme, ScoreItem

ENTRY = "score-entry"
CANCEL = "score-cancel"
RATING = "rating"
VOTE = "award-vote"


def manual_entries(scheme: Scheme, events: Iterable[Event], start: dt.date, end: dt.date) -> list[Entry]:
    """Inspectors' entries dated in [start, end], less those cancelled later."""
    events = list(events)
    cancelled = {e.get("entry") for e in events if e.get("type") == CANCEL}
    out = []
    for e in events:
        item = scheme.item(e.get("item", ""))
        if e.get("type") != ENTRY or e.get("id") in cancelled or item is None:
            continue
        day = dt.date.fromisoformat(e["day"]) if e.get("day") else effective_day(e)
        if not start <= day <= end:
            continue
        count = e.get("count", 1)
        note = e.get("note", "")
        detail = f"{item.name}{f' ×{count:g}' if count != 1 else ''}{f'：{note}' if note else ''}"
        points = _points(item, e.get("points")) * count
        kind = e.get("target_kind", "staff")
        by, case = e.get("by", ""), e.get("case_ref", "")
        out.append(Entry(e["target"], kind, item.code, points, day, "manual", e.get("id", ""), detail, by, count, case))
    return out


def _points(item: ScoreItem, chosen: float | None) -> float:
    """A fixed item's value is the scheme's today; a range bonus keeps the value chosen, within the range."""
    if chosen is None or item.max_points is None:
        return item.points
    return min(max(chosen, item.points), item.max_points)


def complaint_entries(
    scheme: Scheme, complaints: Iterable[Complaint], start: dt.date, end: dt.date, blame: Blame
) -> list[Entry]:
    """An upheld complaint, in the quarter it was upheld: its deduction item against the person responsible,
    else the window complained about. Dismissed and open complaints cost nothing."""
    out = []
    for c in complaints:
        day = c.resolved or c.filed
        item = scheme.item(c.deduction or "")
        if not c.upheld or item is None or not start <= day <= end:
            continue
        if c.responsible or c.against_kind == "staff":
            target, kind = blame.who(c.responsible or c.against, day)
        elif c.against_kind == "window":
            target, kind = c.against, "window"
        else:
            continue  # a section as a whole is no assessment target (its chief's bar: core/complaints.py)
        detail = f"{item.name}：投诉 {c.id}{f'（案件 {c.case}）' if c.case else ''}"
        out.append(Entry(target, kind, item.code, item.points, day, "complaint", c.id, detail, case=c.case))
    return out


def ratings(
    events: Iterable[Event], quarter: str, targets: dict[str, Target]
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
    """(target, public|peer) -> mean points, and how many ratings made each mean."""
    found: dict[tuple[str, str], list[float]] = {}
    for e in events:
        if e.get("type") != RATING or e.get("quarter") != quarter:
            continue
        kind = "public" if e.get("kind") in ("public", "case") else "peer"
        found.setdefault((e["target"], kind), []).append(float(e["points"]))
        t = targets.get(e["target"])
        if e.get("kind") == "case" and t is not None and t.window:
            found.setdefault((t.window, "public"), []).append(float(e["points"]))
    means = {k: round(sum(v) / len(v), 2) for k, v in found.items()}
    return means, {k: len(v) for k, v in found.items()}
