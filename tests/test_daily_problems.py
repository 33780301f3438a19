"""One bad record never silences the daily check (issue 16 §4), and the office's warning days.

A case the daily check cannot evaluate (a date before the first calendar year, an item no longer in
the catalogue) is listed as its own kind, 问题记录, with the file and line of its intake; every other
case is checked as usual. Exit 3 when anything is late, else 1 when a case could not be evaluated,
else 0. `svc check` reports the same records.
"""

from __future__ import annotations

import json

from conftest import Office
from svccli.store.log import RecordLog

TODAY = "2026-12-01T08:00"
APPLICANT = {"name": "张三", "phone": "13812345678", "id_number": "", "id_type": "resident", "unit": "", "address": ""}


def hand_made_case(office: Office, case: str, day: str, service: str = "ZG-001") -> str:
    """An accepted case written straight into the records (as an old import or a hand edit would)."""
    ts = f"{day}T09:00:00+08:00"
    intake = {
        "ts": ts,
        "by": "S001",
        "type": "intake",
        "case": case,
        "service": service,
        "applicant": APPLICANT,
        "received": [{"code": "M01", "copies": 1}],
        "applicable": [],
        "first_contact": "S001",
    }
    accept = {"ts": ts, "by": "S001", "type": "accept", "case": case, "clock_from": day, "owed": [], "owed_by": ""}
    RecordLog(office.path).append([intake, accept], day, "H01")
    return f"records/H01/{day[:7]}/{day}.jsonl"


def overdue(office: Office, *args: str):
    r = office.run("overdue", "--format", "json", *args, today=TODAY)
    assert "Traceback" not in r.stderr
    return r, json.loads(r.stdout or "[]")


def test_a_case_before_the_first_calendar_year_is_listed_and_the_rest_still_checked(sample: Office):
    before, rows_before = overdue(sample)
    assert before.exit_code == 3 and rows_before  # the sample office has late cases
    path = hand_made_case(sample, "TX-H01-191202-001", "2019-12-02")
    r, rows = overdue(sample)
    assert r.exit_code == 3  # something is late: cron's exit code stays
    problems = [row for row in rows if row["kind"] == "problem"]
    assert len(problems) == 1 and problems[0]["case"] == "TX-H01-191202-001"
    assert problems[0]["kind_name"] == "问题记录" and problems[0]["detail"].startswith(f"{path}:1: ")
    assert "早于日历的第一年" in problems[0]["detail"]
    assert [row for row in rows if row["kind"] != "problem"] == rows_before  # nobody else vanished
    assert rows[0]["kind"] == "problem"  # listed first: to be mended


def test_with_nothing_late_an_unevaluable_case_exits_1_and_is_listed(office: Office):
    path = hand_made_case(office, "TX-H01-191202-001", "2019-12-02")
    r, rows = overdue(office)
    assert r.exit_code == 1
    assert [row["kind"] for row in rows] == ["problem"] and rows[0]["detail"].startswith(f"{path}:1: ")
    assert "无法计算期限" in r.stderr
    table = office.run("overdue", today=TODAY)
    assert table.exit_code == 1 and "问题记录" in table.stdout and path in table.stdout


def test_an_item_gone_from_the_catalogue_is_listed_not_dropped(office: Office):
    hand_made_case(office, "TX-H01-261102-001", "2026-11-02")
    services = office.path / "catalog" / "services" / "zg.yaml"
    text = services.read_text(encoding="utf-8")
    services.write_text(text.replace("code: ZG-001", "code: ZG-101", 1), encoding="utf-8")
    assert office.run("catalog", "show", "ZG-101").exit_code == 0
    r, rows = overdue(office)
    assert r.exit_code == 1 and [row["kind"] for row in rows] == ["problem"]
    assert rows[0]["service"] == "ZG-001" and "不在服务事项目录中" in rows[0]["detail"]


def test_check_reports_what_the_daily_check_cannot_evaluate(office: Office):
    assert office.run("check", today=TODAY).exit_code == 0
    path = hand_made_case(office, "TX-H01-191202-001", "2019-12-02")
    r = office.run("check", today=TODAY)
    assert r.exit_code == 1
    assert f"{path}:1: 案件 TX-H01-191202-001 无法由每日超期检查计算" in r.stdout


def test_warning_days_come_from_the_office_and_warn_overrides_them(office: Office):
    case = office.intake("2026-11-20T09:00")
    due = json.loads(office.run("show", case, "--format", "json").stdout)["due"]
    assert due == "2026-12-01"  # 7 working days from 11-23
    on = "2026-11-27T08:00"  # two working days before the due date
    default = json.loads(office.run("overdue", "--format", "json", today=on).stdout or "[]")
    assert [(row["kind"], row["case"]) for row in default] == [("warning", case)]  # warning_days: 2
    none = office.run("overdue", "--warn", "1", "--format", "json", today=on)
    assert none.exit_code == 0 and json.loads(none.stdout) == []
    office_yaml = office.path / "catalog" / "office.yaml"
    office_yaml.write_text(
        office_yaml.read_text(encoding="utf-8").replace("warning_days: 2", "warning_days: 1"), encoding="utf-8"
    )
    assert json.loads(office.run("overdue", "--format", "json", today=on).stdout) == []
    assert json.loads(office.run("overdue", "--warn", "2", "--format", "json", today=on).stdout)[0]["case"] == case
