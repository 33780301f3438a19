"""What each case contributes to the monthly statistics (core/statistics.py), through the commands."""

from __future__ import annotations

import json

ZG = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]


def _case(office, case_id: str, today: str = "2026-12-31T18:00") -> dict:
    rows = office.run("sql", f"SELECT * FROM cases WHERE case_id = '{case_id}'", "--format", "json", today=today)
    assert rows.exit_code == 0, rows.output
    return json.loads(rows.stdout)[0]


def test_how_a_case_was_accepted(office):
    spot = office.intake("2026-11-20T09:00")
    noticed = office.run("intake", "ZG-001", "--applicant", "李四", "--phone", "13812345679", *ZG[:2], "-q")
    noticed_id = noticed.stdout.strip()
    supplied = office.run("supplement", noticed_id, *ZG[2:], today="2026-11-23T09:00")
    assert supplied.exit_code == 0, supplied.output
    owed = office.run("intake", "ZG-001", "--applicant", "王五", "--phone", "13812345670", *ZG[:6], "-q").stdout.strip()
    assert office.run("supplement", owed, "--material", "M06", today="2026-11-24T09:00").exit_code == 0
    facts = {c: _case(office, c) for c in (spot, noticed_id, owed)}  # the owed one stays 容缺 once supplied
    assert [f["acceptance"] for f in facts.values()] == ["on_the_spot", "after_supplement", "provisional"]
    assert facts[noticed_id]["noticed"] == "2026-11-20" and facts[spot]["noticed"] is None
    assert facts[spot]["window_code"] == "W01"


def test_working_days_run_from_the_clock_to_the_service_date(office):
    case_id = office.intake("2026-11-20T09:00")  # a Friday: the clock starts after it
    assert office.run("conclude", case_id, "--result", "approved", today="2026-11-25T09:00").exit_code == 0
    assert office.run("deliver", case_id, today="2026-11-26T10:00").exit_code == 0
    row = _case(office, case_id)
    assert row["served"] == "2026-11-26" and row["working_days"] == 4  # Mon 23 … Thu 26


def test_a_wrong_return_and_an_undone_decision_are_errors(office):
    case_id = office.intake("2026-11-20T09:00")
    assert office.run("conclude", case_id, "--result", "approved", today="2026-11-23T09:00").exit_code == 0
    undo = office.run("void", case_id, "--reason", "决定书事项写错", today="2026-11-23T10:00", staff="S003")
    assert undo.exit_code == 0, undo.output
    assert _case(office, case_id)["undone_decisions"] == 1
