"""The assessment engine (DOMAIN.md "Assessment"): the worked numbers, category floors, attendance
points, who bears a penalty, the roll-up to the window, complaints, and values read from scoring.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from svccli.core import assessment as a
from svccli.core.assessment_records import complaint_entries, manual_entries, ratings
from svccli.core.assessment_sources import Blame, Span, attendance_entries
from svccli.core.attendance import Finding
from svccli.core.complaints import Complaint
from svccli.store.catalog_files import load_scoring

REPO = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 2)
Q4 = a.quarter_range(2026, 4)


@pytest.fixture(scope="module")
def scheme():
    problems: list = []
    found = load_scoring(REPO, problems)
    assert found is not None and not [p for p in problems if not p.warning], problems
    return found


def entry(scheme, item: str, count: float = 1, target: str = "S001", kind: str = "staff", source: str = "manual"):
    return a.Entry(target, kind, item, scheme.item(item).points * count, DAY, source, "x", count=count)


STAFF = a.Target("S001", "staff", "张伟", "W01")
TARGETS = {"W01": a.Target("W01", "window", "1号窗口"), "S001": STAFF, "S002": a.Target("S002", "staff", "李娜", "W01")}


@pytest.mark.parametrize(
    "q, p, r, composite, grade",
    [
        (92, 95, 90, 92.2, "excellent"),
        (90, 90, 90, 90, "excellent"),
        (60, 80, 80, 68, "fail"),
        (100, 50, 50, 80, "pass"),
    ],
)
def test_domain_composites(scheme, q, p, r, composite, grade):
    assert scheme.composite(q, p, r) == composite
    assert scheme.grade(composite).code == grade


def test_domain_worked_quarter_gives_87_and_composite_90_2(scheme):
    """3 lates + one empty post + 2 notice breaches + one overdue case + a bulletin item used by the centre."""
    found = [Finding("S001", DAY + dt.timedelta(days=i), "am", "late", "08:25 签到", "") for i in range(3)]
    found.append(Finding("S001", DAY, "pm", "empty_post", "巡查空岗", "p1"))
    entries = attendance_entries(scheme, found, Blame())
    entries += [entry(scheme, "no_one_time_notice", source="case"), entry(scheme, "no_one_time_notice", source="case")]
    entries += [entry(scheme, "overdue", source="case"), entry(scheme, "info_report_used_centre")]
    s = a.score(scheme, STAFF, entries, 95, 95)
    assert s.quarterly == 87
    assert s.categories["work_discipline"] == 15 and s.categories["case_handling"] == 20 and s.bonus == 2
    assert s.composite == 90.2 and s.grade == "excellent"


def test_a_category_never_goes_below_zero(scheme):
    s = a.score(scheme, STAFF, [entry(scheme, "eating", 7)], 90, 90)  # −14 in a 10-point category
    assert s.categories["environment"] == 0 and s.quarterly == 90


def test_absence_half_day_three_whole_day_four_proxy_is_absence(scheme):
    found = [
        Finding("S001", DAY, "am", "absent", "无签到签退", ""),
        Finding("S001", DAY + dt.timedelta(days=1), "am", "absent", "无签到签退", ""),
        Finding("S001", DAY + dt.timedelta(days=1), "pm", "absent", "无签到签退", ""),
        Finding("S002", DAY, "am", "proxy", "替他人签到", "e1"),
        Finding("S002", DAY, "pm", "early", "17:00 签退", ""),
    ]
    got = {(e.target, e.day, e.item): e.points for e in attendance_entries(scheme, found, Blame())}
    assert got == {
        ("S001", DAY, "absence"): -3,
        ("S001", DAY + dt.timedelta(days=1), "absence"): -4,
        ("S002", DAY, "absence"): -3,
        ("S002", DAY, "late_or_early"): -1,
    }


def test_a_temporary_covers_penalties_go_to_the_window(scheme):
    blame = Blame((Span("LS-1", "W02", DAY, DAY + dt.timedelta(days=4)),))
    found = [
        Finding("LS-1", DAY, "am", "late", "08:30", ""),
        Finding("LS-1", DAY + dt.timedelta(days=9), "am", "late", "", ""),
    ]
    got = attendance_entries(scheme, found, blame)
    assert [(e.target, e.target_kind) for e in got] == [
        ("W02", "window"),
        ("LS-1", "staff"),
    ]  # after the cover: not the window's


def test_staff_entries_roll_up_to_their_window_and_missing_attendance_is_said(scheme):
    entries = [
        entry(scheme, "quarrel"),
        entry(scheme, "clutter", target="S002"),
        entry(scheme, "posters", target="W01", kind="window"),
    ]
    notes = {"S002": ["本期无考勤数据（考勤未扣分）"]}
    scores = {s.target.code: s for s in a.score_all(scheme, TARGETS, entries, {}, notes)}
    assert scores["S001"].quarterly == 97 and scores["S002"].quarterly == 99
    assert scores["W01"].quarterly == 100 - 3 - 1 - 2
    assert scores["W01"].composite is None and scores["W01"].grade == ""  # no ratings yet
    assert scores["S002"].notes == ["本期无考勤数据（考勤未扣分）"] and scores["S001"].notes == []


def complaint(
    cid: str,
    status: str,
    against: str = "S001",
    kind: str = "staff",
    responsible: str = "",
    deduction="attitude_complaint",
):
    return Complaint(
        cid,
        against,
        kind,
        "",
        "attitude",
        "phone",
        DAY,
        DAY,
        status=status,
        resolved=DAY,
        deduction=deduction,
        responsible=responsible,
    )


def test_only_upheld_complaints_cost_points_and_go_to_the_person_responsible(scheme):
    found = [
        complaint("TS-1", "upheld"),
        complaint("TS-2", "dismissed"),
        complaint("TS-3", "open"),
        complaint("TS-4", "upheld", "W01", "window"),
        complaint("TS-5", "upheld", "ZG-SP", "section"),
        complaint("TS-6", "upheld", "ZG-SP", "section", responsible="S002"),
    ]
    got = [(e.ref, e.target, e.points) for e in complaint_entries(scheme, found, *Q4, Blame())]
    assert got == [("TS-1", "S001", -5), ("TS-4", "W01", -5), ("TS-6", "S002", -5)]


def test_manual_entries_in_the_quarter_less_cancelled_ones(scheme):
    events = [
        {
            "type": "score-entry",
            "id": "e1",
            "by": "S021",
            "ts": "2026-11-02T09:00:00+08:00",
            "target": "S001",
            "item": "eating",
            "count": 2,
            "day": "2026-11-02",
        },
        {
            "type": "score-entry",
            "id": "e2",
            "by": "S021",
            "ts": "2026-11-02T09:00:00+08:00",
            "target": "S001",
            "item": "eating",
            "day": "2026-09-30",
        },
        {
            "type": "score-entry",
            "id": "e3",
            "by": "S021",
            "ts": "2026-11-02T09:00:00+08:00",
            "target": "S001",
            "item": "clutter",
            "day": "2026-11-03",
        },
        {"type": "score-cancel", "id": "e4", "by": "S021", "ts": "2026-11-04T09:00:00+08:00", "entry": "e3"},
    ]
    got = manual_entries(scheme, events, *Q4)
    assert [(e.ref, e.points, e.by) for e in got] == [("e1", -4, "S021")]


def test_case_cards_are_averaged_into_the_public_rating_of_the_person_and_window():
    def rating(kind, target, points):
        return {"type": "rating", "kind": kind, "target": target, "quarter": "2026Q4", "points": points}

    events = [
        rating("public", "S001", 95),
        rating("case", "S001", 80),
        rating("case", "S002", 50),
        rating("peer", "S001", 90),
    ]
    events.append({**rating("public", "S001", 50), "quarter": "2026Q3"})
    means, counts = ratings(events, "2026Q4", TARGETS)
    assert means[("S001", "public")] == 87.5 and counts[("S001", "public")] == 2
    assert means[("W01", "public")] == 65  # the window's cards: 80 and 50
    assert means[("S001", "peer")] == 90


def test_quarters_are_written_like_2026Q4():
    assert a.parse_quarter("2026Q4") == (2026, 4) and a.parse_quarter("2026q1") == (2026, 1)
    assert a.quarter_range(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert a.quarter_range(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    with pytest.raises(ValueError):
        a.parse_quarter("2026Q5")


def test_bonus_points_stay_within_the_schemes_limits(scheme):
    assert a.bonus_points(scheme, "public_praise", None) == 1
    assert a.bonus_points(scheme, "public_praise", 5) == 5
    with pytest.raises(ValueError):
        a.bonus_points(scheme, "public_praise", 6)
    with pytest.raises(ValueError):
        a.bonus_points(scheme, "info_report_sent", 2)


def test_a_co_handlers_part_finished_after_its_own_limit_breaks_the_joint_rules(scheme):
    from svccli.core.assessment_sources import case_entries
    from svccli.core.cases import Case
    from svccli.store.home import load_home

    home = load_home(REPO)
    late = {"limit": 3, "name": "不动产", "done_on": dt.date(2026, 12, 1), "opinion": "", "by": "S004"}
    in_time = {**late, "done_on": dt.date(2026, 11, 24), "by": "S005"}
    case = Case("C1", "ZG-001", "2026-11-20T09:00", {}, "S001", status="accepted", first_handler="S001")
    case.clock_from, case.parts = dt.date(2026, 11, 20), {"BD": late, "ZJ": in_time}  # part due 2026-11-25
    got = case_entries(scheme, [case], home.catalog, home.calendar, *Q4, Blame())
    assert [(e.target, e.item, e.points, e.case) for e in got] == [("S004", "joint_rule_breach", -2, "C1")]
