"""The assessment scheme as the office's scoring.yaml states it (DOMAIN.md "Assessment"; seed 002
十一、十二): composite weights, rating conversions, grade bands, category maxima and the case-handling
deductions the case log will feed."""

from __future__ import annotations

import pytest

from conftest import REPO
from svccli.store.home import load_home

SCHEME = load_home(REPO).scoring


@pytest.mark.parametrize(
    "quarterly, public, peer, score, grade",
    [
        (92, 95, 90, 92.2, "excellent"),
        (90, 90, 90, 90.0, "excellent"),
        (60, 80, 80, 68.0, "fail"),
        (100, 50, 50, 80.0, "pass"),
    ],
)
def test_composite__worked_numbers(quarterly, public, peer, score, grade):
    """Composite = quarterly 60 % + public rating 20 % + peer rating 20 %; 90+ excellent, 70 to under 90 pass."""
    assert SCHEME.composite(quarterly, public, peer) == score
    assert SCHEME.grade(score).code == grade


def test_grade_bands__edges():
    assert SCHEME.grade(89.99).code == "pass" and SCHEME.grade(70).code == "pass"
    assert SCHEME.grade(69.99).code == "fail" and SCHEME.grade(0).code == "fail"


def test_rating_grades_convert_to_points():
    assert {g: SCHEME.public_grades[g].points for g in SCHEME.public_grades} == {
        "excellent": 95,
        "good": 90,
        "pass": 80,
        "fail": 50,
    }
    assert {g: SCHEME.peer_grades[g].points for g in SCHEME.peer_grades} == {
        "good": 95,
        "fairly_good": 90,
        "average": 80,
        "poor": 50,
    }


def test_categories_make_one_hundred_points():
    """Computer management is 15 (the seed's text says 10; 15 makes the total 100)."""
    assert {c.code: c.max for c in SCHEME.categories} == {
        "service_attitude": 15,
        "work_discipline": 20,
        "case_handling": 30,
        "skills": 10,
        "computer_management": 15,
        "environment": 10,
    }
    assert sum(c.max for c in SCHEME.categories) == SCHEME.total == 100


@pytest.mark.parametrize(
    "code, points, unit",
    [
        ("refused_acceptable", -6, "c"),
        ("no_one_time_notice", -3, "c"),
        ("wrong_return", -2, "c"),
        ("overdue", -4, "c"),
        ("late_or_early", -1, "p"),
        ("absence", -3, "p"),
    ],
)
def test_deductions(code, points, unit):
    item = SCHEME.item(code)
    assert (item.points, item.unit) == (points, unit)


def test_absence_beyond_half_a_day_costs_four_a_day():
    assert SCHEME.item("absence").per_day == -4


def test_award_counts_and_prizes():
    assert [(a.code, a.count, a.prize, a.min_score) for a in SCHEME.awards] == [
        ("red_flag_window", 1, 200, 90),
        ("service_model", 1, 100, 90),
        ("advanced_individual", 3, 80, 90),
    ]
