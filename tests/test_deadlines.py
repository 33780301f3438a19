"""Time limits, pauses, extensions, deemed approval and the daily overdue check (issue 4).
Rules: DOMAIN.md "Time limits"; seed 000 限时办结制 第七条～第十条; 001 质量规范 3; 002 超时默许."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from svccli.core.cases import Case, Extension, Pause
from svccli.core.deadlines import clock_start, due, warning_date
from svccli.store.home import load_home

D = dt.date.fromisoformat
HOME = load_home(REPO)
CAL, CAT = HOME.calendar, HOME.catalog
RULES = CAT.office.rules
ITEM = CAT.items["ZG-001"]  # committed, 7 working days


def case(clock_from, pauses=(), extensions=(), status="accepted"):
    return Case(
        "X",
        "ZG-001",
        "",
        {},
        "S001",
        status=status,
        clock_from=D(clock_from),
        accepted_on=D(clock_from),
        pauses=tuple(pauses),
        extensions=tuple(extensions),
    )


def due_of(c, limit=7, today="2026-12-31"):
    from dataclasses import replace

    return due(c, replace(ITEM, committed_limit=limit), RULES, CAL, D(today))


@pytest.mark.parametrize(
    "name, clock_from, limit, pauses, expected",
    [
        ("accepted on a Friday", "2026-11-20", 7, [], "2026-12-01"),
        ("the day before a long holiday", "2026-09-30", 3, [], "2026-10-10"),
        ("due date would fall in a holiday", "2026-09-22", 3, [], "2026-09-28"),
        ("a 调休 Saturday inside the count", "2026-02-26", 3, [], "2026-03-02"),
        ("a 调休 Saturday is the due date", "2026-02-12", 2, [], "2026-02-14"),
        ("the Spring Festival 2025", "2025-01-24", 7, [], "2025-02-10"),
        ("year boundary 2025 to 2026", "2025-12-31", 20, [], "2026-01-29"),
        ("a pause spanning National Day", "2026-09-21", 7, [("2026-09-24", "2026-10-09")], "2026-10-14"),
        ("two pauses", "2026-11-02", 7, [("2026-11-03", "2026-11-05"), ("2026-11-09", "2026-11-10")], "2026-11-16"),
        ("a pause resumed the same day counts nothing", "2026-11-02", 7, [("2026-11-04", "2026-11-04")], "2026-11-11"),
    ],
)
def test_due_worked_examples(name, clock_from, limit, pauses, expected):
    c = case(clock_from, [Pause("survey", D(a), D(b)) for a, b in pauses])
    assert due_of(c, limit).due == D(expected), name


def test_due__acceptance_day_not_counted():
    """000 第四篇 二.7: 从收到申请的次日起 — accepted on a working day, limit 1 is the next working day."""
    assert due_of(case("2026-11-24"), 1).due == D("2026-11-25")


def test_due__open_pause_moves_the_due_date_with_today():
    c = case("2026-11-02", [Pause("testing", D("2026-11-04"))], status="suspended")
    assert due_of(c, 7, today="2026-11-06").due == D("2026-11-13")  # paused 5th, 6th
    assert not due_of(c, 7, today="2026-11-06").running


def test_due__extension_adds_days():
    c = case("2026-11-02", extensions=[Extension(5, "复杂", "", D("2026-11-05"))])
    assert due_of(c, 7).due == D("2026-11-18")


def test_due__provisional_in_a_year_with_no_calendar_file():
    """DOMAIN.md: no file for 2027 → weekends only, marked provisional (never a crash)."""
    d = due_of(case("2026-12-28"), 7)
    assert d.due == D("2027-01-06") and d.provisional
    assert not due_of(case("2026-11-02"), 7).provisional


def test_due__calendar_days_unit():
    from dataclasses import replace

    item = replace(ITEM, limit_unit="calendar_days", committed_limit=10)
    assert due(case("2026-09-30"), item, RULES, CAL, D("2026-12-31")).due == D("2026-10-10")


def test_clock_start_after_supplement_office_choice():
    """Office choice: next day (000, default) or same day (003) after the completing supplement."""
    from dataclasses import replace

    assert clock_start(D("2026-11-24"), True, RULES) == D("2026-11-24")
    same = replace(RULES, clock_start_after_supplement="same_day")
    assert clock_start(D("2026-11-24"), True, same) == D("2026-11-23")
    assert clock_start(D("2026-11-24"), False, same) == D("2026-11-24")


def test_warning_date_is_k_working_days_before_due():
    d = due_of(case("2026-09-21"), 7)  # due 2026-10-08, after National Day
    assert warning_date(d, CAL, 2) == D("2026-09-29")


# -- through the commands ------------------------------------------------------------------------

ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]


def accepted(office, today="2026-11-20T09:00", service="ZG-001", materials=ALL):
    r = office.run("intake", service, "--applicant", "张三", "--phone", "13812345678", *materials, "-q", today=today)
    assert r.exit_code == 0, r.output
    return r.stdout.strip()


def overdue(office, *args, today):
    return office.run("overdue", *args, today=today)


def test_overdue_quiet_when_nothing_is_due(office):
    case_id = accepted(office)
    r = overdue(office, "--format", "json", today="2026-12-01T08:00")  # due today: not yet overdue
    # only a warning (office.yaml warning_days: 2 applies without --warn, issue 16 §7): exit 0
    assert r.exit_code == 0 and [(x["kind"], x["case"]) for x in json.loads(r.stdout)] == [("warning", case_id)]
    r = overdue(office, today="2026-11-26T08:00")  # three working days before: nothing to say
    assert r.exit_code == 0 and r.stdout == ""


def test_overdue_lists_and_exits_3(office):
    case_id = accepted(office, service="ZG-004", materials=[])  # pending: not counted
    c2 = accepted(office)
    r = overdue(office, "--format", "json", today="2026-12-03T08:00")
    assert r.exit_code == 3
    rows = json.loads(r.stdout)
    assert [x["case"] for x in rows] == [c2] and case_id != c2
    assert rows[0]["due"] == "2026-12-01" and rows[0]["days_late"] == 2
    assert rows[0]["applicant"] == "张*" and rows[0]["phone"] == "138****5678"


def test_deemed_approval_for_committed_items(office):
    """002 一.7: a committed case not decided in time shows as deemed approved."""
    accepted(office)
    rows = json.loads(overdue(office, "--format", "json", today="2026-12-03").stdout)
    assert rows[0]["kind"] == "deemed"


def test_deemed_approval_switched_off_for_an_item(office):
    zg4 = [m for m in HOME.catalog.items["ZG-004"].materials if m.required]
    accepted(office, service="ZG-004", materials=[x for m in zg4 for x in ("--material", f"{m.code}:{m.copies}")])
    rows = json.loads(overdue(office, "--format", "json", today="2027-03-01").stdout)
    assert rows[0]["kind"] == "overdue"


def test_decided_but_not_served_is_still_overdue_unless_notified(office):
    """000 第四篇 二.8: concluded on the service date; 第九条: told to collect and did not come → on time."""
    a, b = accepted(office), accepted(office)
    for c in (a, b):
        office.run("conclude", c, "--result", "approved", today="2026-11-30T09:00")
    office.run("notify", b, today="2026-11-30T10:00")
    rows = json.loads(overdue(office, "--format", "json", today="2026-12-03").stdout)
    assert [(x["case"], x["kind"]) for x in rows] == [(a, "overdue")]


def test_paused_case_is_never_overdue(office):
    c = accepted(office)
    pause = [
        "--reason",
        "survey",
        "--expected",
        "约 10 个工作日",
    ]  # --expected is required (issue 16 §7, 000 第四篇 二.10)
    assert office.run("suspend", c, *pause, today="2026-11-24T09:00").exit_code == 0
    assert overdue(office, today="2026-12-20").exit_code == 0
    office.run("resume", c, today="2026-12-21T09:00")
    r = office.run("due", c, today="2026-12-21T10:00")
    assert "勘测" in r.stdout and "2026-12-28" in r.stdout  # 5 days were left at the suspension


def test_warn_lists_cases_due_soon_without_exit_3(office):
    accepted(office)
    r = overdue(office, "--warn", "2", "--format", "json", today="2026-11-27T08:00")
    assert r.exit_code == 0
    assert json.loads(r.stdout)[0]["kind"] == "warning" and json.loads(r.stdout)[0]["days_late"] == -2


def test_record_adds_one_overdue_event_per_case_per_day(office):
    accepted(office)
    for _ in range(2):
        assert overdue(office, "--record", today="2026-12-03T08:00").exit_code == 3
    overdue(office, "--record", today="2026-12-04T08:00")
    text = "".join(p.read_text() for p in office.records())
    assert text.count('"type":"overdue"') == 2


def test_extension_on_time_and_late(office):
    c = accepted(office)  # due 2026-12-01
    on_time = office.run(
        "extend", c, "--days", "3", "--reason", "需现场核查", "--basis", "制度", today="2026-11-24T09:00"
    )
    assert on_time.exit_code == 0 and "迟延" not in on_time.stderr
    late = office.run(
        "extend", c, "--days", "2", "--reason", "专家意见分歧", "--basis", "制度", today="2026-12-03T09:00"
    )
    assert late.exit_code == 0 and "迟延" in late.stderr  # due 12-04: one working day left
    r = office.run("due", c, today="2026-12-03T10:00")
    assert "2026-12-08" in r.stdout and "告知迟延" in r.stdout


def test_extension_over_the_maximum_needs_a_director(office):
    c = accepted(office)
    extend = ["extend", c, "--days", "11", "--reason", "重大复杂", "--basis", "制度"]
    r = office.run(*extend, today="2026-11-23T09:00")
    assert r.exit_code == 1 and "主任" in r.stderr
    r = office.run(*extend, "--approved-by", "S020", today="2026-11-23T09:00")
    assert r.exit_code == 1  # S020 is the deputy director
    r = office.run(*extend, "--approved-by", "S019", today="2026-11-23T09:00")
    assert r.exit_code == 0, r.output


def test_missing_next_year_calendar_warns_on_stderr_without_changing_exit(office):
    accepted(office)
    r = overdue(office, today="2026-11-21T08:00")
    assert r.exit_code == 0 and r.stdout == "" and "2027" in r.stderr
    assert "2027" not in overdue(office, today="2026-10-30T08:00").stderr


def test_overdue_output_is_utf8_under_lang_c(office):
    accepted(office)
    env = {
        **os.environ,
        "LANG": "C",
        "LC_ALL": "C",
        "SVC_TODAY": "2026-12-03",
        "SVC_CLOCK": "2026-12-03",
        "SVC_CLONE": "T01",
        "PYTHONIOENCODING": "",
    }
    env.pop("PYTHONUTF8", None)
    p = subprocess.run(
        [sys.executable, "-m", "svccli", "--home", str(office.path), "overdue"], capture_output=True, env=env
    )
    assert p.returncode == 3
    assert "超时默许" in p.stdout.decode("utf-8")
