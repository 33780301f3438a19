"""Rows of the assessment listings and the view of the posted quarterly page (plain dicts).

JSON fields of `svc score QUARTER` (a documented contract, README "考核与评优"): target, target_kind
(staff | window), name, categories (category code -> points kept), bonus, quarterly, public, peer,
composite, grade (excellent | pass | fail, "" when a rating is missing), notes.
"""

from __future__ import annotations

from svccli.core.assessment import KINDS, SOURCES, Entry, Score, category_of
from svccli.core.awards import Awards, YearRow
from svccli.core.scoring import Scheme


def score_row(scheme: Scheme, s: Score) -> dict:
    return {
        "target": s.target.code,
        "target_kind": s.target.kind,
        "name": s.target.name,
        "categories": dict(s.categories),
        "bonus": s.bonus,
        "quarterly": s.quarterly,
        "public": s.public,
        "peer": s.peer,
        "composite": s.composite,
        "grade": s.grade,
        "notes": list(s.notes),
    }


def score_columns(scheme: Scheme) -> list[tuple[str, str]]:
    cats = [(f"c_{c.code}", f"{c.name}({c.max:g})") for c in scheme.categories]
    return [
        ("target", "编号"),
        ("name", "名称"),
        ("kind_name", "类别"),
        *cats,
        ("bonus", "加分"),
        ("quarterly", "季度考核"),
        ("public", "群众评议"),
        ("peer", "窗口互评"),
        ("composite", "综合得分"),
        ("grade_name", "等次"),
        ("notes_text", "说明"),
    ]


def table_row(scheme: Scheme, s: Score) -> dict:
    """The flat row of the table and CSV (a missing rating shows as 未评)."""
    row = {
        "target": s.target.code,
        "name": s.target.name,
        "kind_name": KINDS[s.target.kind],
        **{f"c_{k}": _num(v) for k, v in s.categories.items()},
        "bonus": _num(s.bonus),
        "quarterly": _num(s.quarterly),
        "public": _num(s.public),
        "peer": _num(s.peer),
        "composite": _num(s.composite),
        "grade_name": scheme.grade_name(s.grade) if s.grade else "缺评议",
        "notes_text": "；".join(s.notes),
    }
    return row


def _num(v: float | None) -> str:
    return "未评" if v is None else f"{v:g}"


EXPLAIN_COLUMNS = [
    ("day", "日期"),
    ("category", "类别"),
    ("item", "项目"),
    ("points", "分值"),
    ("source", "来源"),
    ("ref", "依据"),
    ("target", "计分对象"),
    ("by", "录入人"),
    ("detail", "情况"),
]


def explain_row(scheme: Scheme, e: Entry, names: dict[str, str]) -> dict:
    cat = category_of(scheme, e.item)
    cat_name = "加分" if cat == "bonus" else next((c.name for c in scheme.categories if c.code == cat), cat)
    item = scheme.item(e.item)
    return {
        "day": e.day.isoformat(),
        "category": cat_name,
        "item": item.name if item else e.item,
        "item_code": e.item,
        "points": f"{e.points:+g}",
        "source": SOURCES.get(e.source, e.source),
        "source_code": e.source,
        "ref": e.ref,
        "case": e.case,
        "target": f"{e.target} {names.get(e.target, '')}".strip(),
        "by": f"{e.by} {names.get(e.by, '')}".strip() if e.by else "",
        "detail": e.detail,
    }


AWARD_COLUMNS = [
    ("award_name", "奖项"),
    ("target", "编号"),
    ("name", "名称"),
    ("composite_text", "综合得分"),
    ("prize_text", "奖金（元）"),
    ("decided_name", "确定方式"),
]
DECIDED = {"score": "按得分排序（待投票确定）", "vote": "无记名投票确定"}


def award_rows(won: Awards) -> list[dict]:
    return [
        {
            "award": w.award,
            "award_name": w.name,
            "target": w.target,
            "name": w.target_name,
            "composite": w.composite,
            "prize": w.prize,
            "composite_text": _num(w.composite),
            "prize_text": _num(w.prize),
            "decided": w.decided,
            "decided_name": DECIDED[w.decided],
        }
        for w in won.winners
    ]


def year_row(scheme: Scheme, r: YearRow, quarters: list[str]) -> dict:
    return {
        "target": r.target,
        "target_kind": r.target_kind,
        "name": r.name,
        "quarters": {q: r.quarters.get(q) for q in quarters},
        **{f"q{i + 1}": _num(r.quarters.get(q)) for i, q in enumerate(quarters)},
        "year_bonus": r.bonus,
        "annual": r.annual,
        "year_bonus_text": _num(r.bonus),
        "annual_text": _num(r.annual) if r.annual is not None else "",
        "grade": r.grade,
        "grade_name": scheme.grade_name(r.grade) if r.grade else "缺评议",
        "awards": r.awards,
        "awards_text": "、".join(r.awards),
        "consequences": r.consequences,
        "consequences_text": "；".join(r.consequences),
    }


YEAR_COLUMNS = [
    ("target", "编号"),
    ("name", "名称"),
    ("q1", "一季度"),
    ("q2", "二季度"),
    ("q3", "三季度"),
    ("q4", "四季度"),
    ("year_bonus_text", "年终奖分"),
    ("annual_text", "年度得分"),
    ("grade_name", "年度等次"),
    ("awards_text", "季度奖项"),
    ("consequences_text", "年度后果"),
]


def quarter_page(got, office: dict, today) -> dict:
    """The view of templates/assessment_quarter.html.j2: windows first, then staff, each by composite."""
    scheme = got.scheme

    def rows(kind: str) -> list[dict]:
        chosen = [s for s in got.scores if s.target.kind == kind]
        chosen.sort(key=lambda s: (s.composite is None, -(s.composite or 0), s.target.code))
        return [table_row(scheme, s) for s in chosen]

    year, q = got.code[:4], got.code[-1]
    return {
        "office": office,
        "quarter": got.code,
        "title": f"{year}年第{'一二三四'[int(q) - 1]}季度窗口及工作人员考核结果",
        "period": f"{got.start} 至 {got.end}",
        "categories": [{"code": f"c_{c.code}", "name": c.name, "max": f"{c.max:g}"} for c in scheme.categories],
        "windows": rows("window"),
        "staff": rows("staff"),
        "awards": award_rows(got.awards),
        "excluded": [
            {"target": t, "name": got.targets[t].name, "reasons": why} for t, why in got.awards.excluded.items()
        ],
        "weights": {k: f"{v * 100:g}%" for k, v in scheme.weights.items()},
        "bands": _bands(scheme),
        "date": today.isoformat(),
    }


def _bands(scheme: Scheme) -> list[str]:
    """优秀（90 分及以上）、合格（70 分及以上）、不合格（不满 70 分）."""
    out = [f"{b.name}（{b.points:g} 分及以上）" for b in scheme.bands[:-1]]
    if len(scheme.bands) > 1:
        out.append(f"{scheme.bands[-1].name}（不满 {scheme.bands[-2].points:g} 分）")
    return out
