"""Reading catalog/scoring.yaml into the assessment scheme, with file:line problems."""

from __future__ import annotations

from svccli.core.scoring import UNITS, Award, Category, Grade, Scheme, ScoreItem
from svccli.store.yamlfile import Node

TOP_KEYS = (
    "total",
    "category_floor",
    "categories",
    "bonuses",
    "composite",
    "public_grades",
    "peer_grades",
    "grade_bands",
    "year_rules",
    "awards",
    "award_disqualifiers",
    "sanctions",
    "sanction_ladders",
    "circulated_criticism_triggers",
    "sanction_effects",
    "return_to_unit_triggers",
)
WEIGHTS = ("quarterly", "public", "peer")


def scheme_from(n: Node) -> Scheme | None:
    n.only(*TOP_KEYS)
    total = n.number("total", required=True, default=100.0)
    codes: dict[str, int] = {}
    categories = tuple(_category(c, codes) for c in n.items("categories", required=True, what="考核类别") if c.ok)
    if categories and abs(sum(c.max for c in categories) - total) > 1e-9:
        n.problem(n.key_line("categories"), f"各类别满分之和 {sum(c.max for c in categories):g} 不等于总分 {total:g}")
    bonuses = tuple(_item(b, codes, bonus=True) for b in n.items("bonuses", what="加分项目") if b.ok)
    weights = _weights(n)
    sanctions = {s.code("code") for s in n.items("sanctions", what="处理方式") if s.ok}
    return Scheme(
        total=total,
        categories=categories,
        bonuses=bonuses,
        weights=weights,
        public_grades=_grades(n, "public_grades", "points"),
        peer_grades=_grades(n, "peer_grades", "points"),
        bands=_bands(n),
        awards=tuple(_award(a) for a in n.items("awards", what="奖项") if a.ok),
        ladders=_ladders(n, sanctions),
        floor=n.number("category_floor", default=0.0),
        failed_quarters=_failed_quarters(n),
        disqualifiers={d.code("code"): d.text("name", required=True) for d in n.items("award_disqualifiers") if d.ok},
    )


def _failed_quarters(n: Node) -> int:
    """year_rules two_failed_quarters: how many failed quarters fail a window's year (the seed: two)."""
    for r in n.items("year_rules", what="年度规则"):
        if r.ok and r.code("code") == "two_failed_quarters":
            return r.integer("failed_quarters", default=2)
    return 2


def _category(n: Node, codes: dict) -> Category:
    n.only("code", "name", "max", "items")
    items = tuple(_item(i, codes) for i in n.items("items", required=True, what="扣分项目") if i.ok)
    return Category(n.code("code"), n.text("name", required=True), n.number("max", required=True, default=0.0), items)


def _item(n: Node, codes: dict, bonus: bool = False) -> ScoreItem:
    n.only("code", "name", "points", "unit", "per_day", "max_points", "year_end")
    code = n.code("code")
    if code in codes:
        n.problem(n.line, f"考核项目代码 {code} 重复（第 {codes[code]} 行已定义）")
    codes.setdefault(code, n.line)
    points = n.number("points", required=True, default=0.0)
    if points <= 0 if bonus else points >= 0:
        n.problem(
            n.key_line("points"),
            f"{'加分项目的分值应为正数' if bonus else '扣分项目的分值应为负数'}（实为 {points:g}）",
        )
    max_points = n.number("max_points")
    if max_points is not None and max_points < points:
        n.problem(n.key_line("max_points"), f"max_points {max_points:g} 小于 points {points:g}")
    return ScoreItem(
        code,
        n.text("name", required=True),
        points,
        n.choice("unit", UNITS, required=True, default="p"),
        n.number("per_day"),
        max_points,
        bool(n.flag("year_end")),
    )


def _weights(n: Node) -> dict[str, float]:
    weights = {}
    for w in n.items("composite", required=True, what="综合得分权重"):
        w.only("code", "name", "weight")
        code = w.choice("code", WEIGHTS, required=True)
        if code:
            weights[code] = w.number("weight", required=True, default=0.0)
    missing = [c for c in WEIGHTS if c not in weights]
    if missing:
        n.problem(n.key_line("composite"), f"composite 缺少权重：{', '.join(missing)}")
        weights.update({c: 0.0 for c in missing})
    elif abs(sum(weights.values()) - 1) > 1e-9:
        n.problem(n.key_line("composite"), f"综合得分权重之和应为 1（实为 {sum(weights.values()):g}）")
    return weights


def _grades(n: Node, key: str, field: str) -> dict[str, Grade]:
    grades = {}
    for g in n.items(key, required=True, what="等次"):
        g.only("code", "name", field)
        grade = Grade(g.code("code"), g.text("name", required=True), g.number(field, required=True, default=0.0))
        grades[grade.code] = grade
    return grades


def _bands(n: Node) -> tuple[Grade, ...]:
    bands = []
    for g in n.items("grade_bands", required=True, what="考核等次"):
        g.only("code", "name", "min")
        bands.append(Grade(g.code("code"), g.text("name", required=True), g.number("min", required=True, default=0.0)))
    if bands and [b.points for b in bands] != sorted((b.points for b in bands), reverse=True):
        n.problem(n.key_line("grade_bands"), "grade_bands 应按 min 从高到低排列")
    if bands and bands[-1].points > 0:
        n.problem(n.key_line("grade_bands"), "grade_bands 的最后一档 min 应为 0（每个得分都要有等次）")
    return tuple(bands) or (Grade("fail", "不合格", 0.0),)


def _award(n: Node) -> Award:
    n.only("code", "name", "target", "count", "prize", "min_score")
    return Award(
        n.code("code"),
        n.text("name", required=True),
        n.choice("target", ("window", "person"), required=True),
        n.integer("count", required=True, default=0),
        n.number("prize", default=0.0),
        n.number("min_score", default=90.0),
    )


def _ladders(n: Node, sanctions: set[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    ladders = {}
    for lad in n.items("sanction_ladders", what="处理阶梯"):
        lad.only("code", "name", "steps")
        steps = []
        for s in lad.items("steps", required=True, what="阶梯步骤"):
            s.only("step", "sanctions")
            names = s.texts("sanctions", required=True)
            for name in names:
                if name not in sanctions:
                    s.problem(s.line, f"处理方式 {name} 不在 sanctions 清单中")
            steps.append(names)
        ladders[lad.code("code")] = tuple(steps)
    return ladders
