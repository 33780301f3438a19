"""The quarterly 100-point assessment scheme (DOMAIN.md "Assessment", seed 002 十一、十二)."""

from __future__ import annotations

from dataclasses import dataclass, field

UNITS = {"p": "每人每次", "c": "每件", "x": "每次"}


@dataclass(frozen=True)
class ScoreItem:
    code: str
    name: str
    points: float
    unit: str
    per_day: float | None = None
    max_points: float | None = None
    year_end: bool = False


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    max: float
    items: tuple[ScoreItem, ...]


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    points: float  # for rating grades: converted points; for bands: the lower bound


@dataclass(frozen=True)
class Award:
    code: str
    name: str
    target: str
    count: int
    prize: float
    min_score: float


@dataclass(frozen=True)
class Scheme:
    total: float
    categories: tuple[Category, ...]
    bonuses: tuple[ScoreItem, ...]
    weights: dict[str, float]
    public_grades: dict[str, Grade]
    peer_grades: dict[str, Grade]
    bands: tuple[Grade, ...]  # highest first
    awards: tuple[Award, ...] = ()
    ladders: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    floor: float = 0.0  # category_floor: a category never goes below it
    failed_quarters: int = 2  # year_rules two_failed_quarters: failed quarters that fail a window's year
    disqualifiers: dict[str, str] = field(default_factory=dict)  # award_disqualifiers: code -> name

    def composite(self, quarterly: float, public: float, peer: float) -> float:
        w = self.weights
        return round(w["quarterly"] * quarterly + w["public"] * public + w["peer"] * peer, 2)

    def grade_name(self, code: str) -> str:
        return next((b.name for b in self.bands if b.code == code), code)

    def grade(self, score: float) -> Grade:
        return next(b for b in self.bands if score >= b.points)

    def item(self, code: str) -> ScoreItem | None:
        for c in self.categories:
            for i in c.items:
                if i.code == code:
                    return i
        return next((b for b in self.bonuses if b.code == code), None)
