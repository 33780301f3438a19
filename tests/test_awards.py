"""Quarterly awards and the year-end assessment (seed 002 十一.6, 十二): who may be awarded and why not,
the counts and prizes of scoring.yaml, the deciding vote, the year-end bonuses and the year's consequences."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from svccli.core import assessment as a
from svccli.core import awards as aw
from svccli.store.catalog_files import load_scoring

REPO = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 2)


@pytest.fixture(scope="module")
def scheme():
    found = load_scoring(REPO, [])
    assert found is not None
    return found


def target(code: str) -> a.Target:
    return a.Target(code, "window", f"{code}窗口") if code.startswith("W") else a.Target(code, "staff", code, "W01")


def scored(scheme, code: str, public: float, peer: float = 95, *items: str, source: str = "manual") -> a.Score:
    entries = [a.Entry(code, target(code).kind, i, scheme.item(i).points, DAY, source, "x", i) for i in items]
    return a.score(scheme, target(code), entries, public, peer)


def test_awards_go_to_the_best_at_90_or_more_with_counts_and_prizes_from_the_scheme(scheme):
    scores = [
        scored(scheme, "W01", 95),
        scored(scheme, "W02", 90),
        *(scored(scheme, f"S00{i}", 100 - i) for i in range(1, 6)),
        scored(scheme, "S009", 50),  # composite 89: under 90
    ]
    got = aw.choose(scheme, "2026Q4", scores, {}, {}, {})
    won = [(w.award, w.target, w.prize) for w in got.winners]
    assert won == [
        ("red_flag_window", "W01", 200),
        ("service_model", "S001", 100),
        ("advanced_individual", "S002", 80),
        ("advanced_individual", "S003", 80),
        ("advanced_individual", "S004", 80),
    ]
    assert "S009" in got.below and not got.excluded


def test_each_disqualifier_excludes_with_its_reason(scheme):
    scores = [
        scored(scheme, "S001", 95, 95, "attitude_complaint", source="complaint"),
        scored(scheme, "S002", 95, 95, "handling_error"),
        scored(scheme, "S003", 95, 95, "overdue"),
        scored(scheme, "S004", 95, 95, "games_private_work"),
        scored(scheme, "S005", 95, 95, "missed_meeting"),
        scored(scheme, "S006", 95, 95),
        scored(scheme, "S007", 95, 95, "late_or_early"),  # a late is scored, not a 违纪 bar
    ]
    bars = {"S006": ["2026-08-03 通报批评（无故旷工）"]}
    got = aw.choose(scheme, "2026Q4", scores, bars, {}, {})
    why = {t: " ".join(r) for t, r in got.excluded.items()}
    assert "被投诉且查证属实" in why["S001"]
    assert "办件出现明显差错" in why["S002"]
    assert "因个人原因超时办结" in why["S003"]
    assert "违纪" in why["S004"]
    assert "无故不参加中心组织的活动" in why["S005"]
    assert "通报批评（无故旷工）" in why["S006"]
    assert "S007" not in got.excluded and [w.target for w in got.winners] == ["S007"]


def test_a_window_is_excluded_for_its_staffs_bar(scheme):
    got = aw.choose(scheme, "2026Q4", [scored(scheme, "W01", 95)], {"S001": ["通报批评"]}, {}, {"W01": ["S001"]})
    assert "W01" in got.excluded and not got.winners


def test_a_vote_decides_the_winners(scheme):
    scores = [scored(scheme, "S001", 95), scored(scheme, "S002", 90)]
    got = aw.choose(scheme, "2026Q4", scores, {}, {"service_model": ["S002"]}, {})
    assert [(w.award, w.target, w.decided) for w in got.winners] == [
        ("service_model", "S002", "vote"),
        ("advanced_individual", "S001", "score"),
    ]


def test_the_award_counts_come_from_scoring_yaml(scheme):
    fewer = replace(
        scheme, awards=tuple(replace(x, count=1) if x.code == "advanced_individual" else x for x in scheme.awards)
    )
    scores = [scored(scheme, f"S00{i}", 95) for i in range(1, 5)]
    assert len(aw.choose(scheme, "Q", scores, {}, {}, {}).winners) == 4
    assert len(aw.choose(fewer, "Q", scores, {}, {}, {}).winners) == 2


def quarters(scheme, grades: dict[str, list[float]]) -> dict[str, list[a.Score]]:
    """code -> the public rating of each quarter (peer 95, Q 100)."""
    return {f"2026Q{q + 1}": [scored(scheme, code, p[q]) for code, p in grades.items()] for q in range(4)}


def test_year_end_bonus_three_per_red_flag_or_service_model(scheme):
    qs = quarters(scheme, {"W01": [95, 95, 95, 95], "S001": [95, 95, 95, 95]})
    won = {q: aw.choose(scheme, q, s, {}, {}, {}) for q, s in qs.items()}
    rows = {r.target: r for r in aw.year_rows(scheme, qs, won, {"S001": "W01"}, {"W01": "S003"}, {})}
    assert rows["W01"].bonus == 12 and rows["S001"].bonus == 12  # four red-flag / service-model awards
    assert rows["W01"].annual == 98 + 12 and rows["W01"].grade == "excellent"


def test_two_failed_quarters_fail_the_window_and_its_staff_lose_the_years_awards(scheme):
    # W01 fails Q1 and Q2; S001 heads W02 (awards lost through the head) and S002 is on it
    qs = quarters(scheme, {"W01": [95, 95, 95, 95], "S001": [95, 95, 95, 95], "S002": [95, 95, 95, 95]})
    for q in ("2026Q1", "2026Q2"):
        qs[q][0] = replace(qs[q][0], composite=60.0, grade="fail")
    won = {q: aw.choose(scheme, q, s, {}, {}, {}) for q, s in qs.items()}
    rows = {r.target: r for r in aw.year_rows(scheme, qs, won, {"S002": "W01"}, {"W01": "S001"}, {})}
    assert rows["W01"].grade == "fail" and "报请通报批评并限期整改" in rows["W01"].consequences
    assert rows["S001"].bonus == 0 and "取消当年评先评优资格" in rows["S001"].consequences[0]  # the head
    assert rows["S002"].bonus == 0 and rows["S002"].consequences == ["取消当年评先评优资格"]  # its staff, no award


def test_one_failed_quarter_is_not_enough_and_the_count_is_the_schemes(scheme):
    qs = quarters(scheme, {"W01": [95, 95, 95, 95]})
    qs["2026Q1"][0] = replace(qs["2026Q1"][0], composite=60.0, grade="fail")
    rows = aw.year_rows(scheme, qs, {}, {}, {}, {})
    assert rows[0].grade != "fail"
    strict = replace(scheme, failed_quarters=1)
    assert aw.year_rows(strict, qs, {}, {}, {}, {})[0].grade == "fail"


def test_a_staff_member_failing_the_year_returns_to_the_sending_unit_and_sanctions_carry_over(scheme):
    qs = quarters(scheme, {"S001": [50, 50, 50, 50]})
    for q in qs:
        qs[q][0] = replace(qs[q][0], composite=60.0, grade="fail")
    rows = aw.year_rows(scheme, qs, {}, {}, {}, {"S001": ["受到待岗处理：年度考核评为不称职"]})
    assert rows[0].grade == "fail"
    assert rows[0].consequences == ["年度考核不合格：退回派出单位", "受到待岗处理：年度考核评为不称职"]


def test_a_chief_whose_section_had_two_upheld_complaints_is_not_excellent_for_the_year(scheme):
    qs = quarters(scheme, {"S001": [95, 95, 95, 95], "S002": [95, 95, 95, 95]})
    rows = {r.target: r for r in aw.year_rows(scheme, qs, {}, {}, {}, {}, frozenset({"S001"}))}
    assert rows["S001"].annual == 98 and rows["S001"].grade == "pass" and "科长" in rows["S001"].consequences[0]
    assert rows["S002"].grade == "excellent"
