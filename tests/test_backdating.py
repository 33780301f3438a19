"""Every event keeps the real time it was recorded (issue 16 §1).

`ts` is the clock's time whatever the options (SVC_CLOCK fixes the clock for tests); `--today` on a
write command is the business date, carried as `on` when earlier than the day of recording, with a
reason, within the office's `backdate_limit` working days, and earlier only with a section chief's or
an inspector's approval. A future date, or one the calendar cannot count, is refused before anything
is written. `svc show` marks back-dated steps, `svc audit backdated` lists them, `svc check` reports
a business date later than its recording time.
"""

from __future__ import annotations

import json
import shutil

from conftest import Office
from svccli.store.log import RecordLog

CLOCK = {"SVC_CLOCK": "2026-12-01T09:30"}  # Tuesday
ALL = ("--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06")


def intake(office: Office, day: str, *options: str, staff: str = "S001"):
    return office.run(
        *options,
        "intake",
        "ZG-001",
        "--applicant",
        "张三",
        "--phone",
        "13812345678",
        *ALL,
        "-q",
        today=day,
        env=CLOCK,
        staff=staff,
    )


def events(office: Office) -> list[dict]:
    return [json.loads(line) for p in office.records() for line in p.read_text(encoding="utf-8").splitlines()]


def test_a_back_dated_intake_keeps_its_real_time_and_is_audited(office: Office):
    r = intake(office, "2026-11-30", "--reason", "纸质收件次日补录")
    assert r.exit_code == 0, r.stderr
    case = r.stdout.strip()
    recorded = [e for e in events(office) if e.get("case") == case]
    assert {e["type"] for e in recorded} == {"intake", "accept"}
    for e in recorded:
        assert e["ts"].startswith("2026-12-01T09:30") and e["on"] == "2026-11-30"
        assert e["backdate_reason"] == "纸质收件次日补录" and "approved_by" not in e
    assert case.split("-")[2] == "261201"  # the id carries the day it was recorded
    shown = json.loads(office.run("show", case, "--format", "json", today="2026-12-01", env=CLOCK).stdout)
    assert shown["accepted"] == "2026-11-30" and all(t["on"] == "2026-11-30" for t in shown["timeline"])
    table = office.run("show", case, today="2026-12-01", env=CLOCK).stdout
    assert "〔补录：业务日期 2026-11-30〕" in table and "2026-12-01 09:30" in table
    audit = json.loads(office.run("audit", "backdated", "--format", "json", env=CLOCK).stdout)
    assert [(a["case"], a["on"], a["when"], a["reason"]) for a in audit] == [
        (case, "2026-11-30", "2026-12-01 09:30", "纸质收件次日补录")
    ] * 2
    assert office.run("audit", "backdated", "--staff", "S002", "--format", "json", env=CLOCK).stdout.strip() == "[]"
    assert office.run("check", today="2026-12-01", env=CLOCK).exit_code == 0


def test_back_dating_needs_a_reason_and_nothing_is_written_without_one(office: Office):
    r = intake(office, "2026-11-30")
    assert r.exit_code == 2 and "--reason" in r.stderr and r.stdout == ""
    assert office.records() == []


def test_beyond_the_limit_only_a_section_chief_or_inspector_may_approve(office: Office):
    day = "2026-11-25"  # four working days before 12-01; the sample office allows two
    for approver, code in ((None, 1), ("S002", 1), ("S001", 1)):
        options = ("--reason", "系统故障期间纸质登记") + (("--approved-by", approver) if approver else ())
        r = intake(office, day, *options)
        assert r.exit_code == code and "--approved-by" in r.stderr or "本人" in r.stderr, r.stderr
        assert office.records() == []
    r = intake(office, day, "--reason", "系统故障期间纸质登记", "--approved-by", "S003")
    assert r.exit_code == 0, r.stderr
    assert {e.get("approved_by") for e in events(office)} == {"S003"}
    within = intake(office, "2026-11-27", "--reason", "前一日纸质收件")  # two working days: a reason suffices
    assert within.exit_code == 0, within.stderr


def test_the_limit_is_the_office_choice(office: Office):
    path = office.path / "catalog" / "office.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("backdate_limit: 2", "backdate_limit: 5"), "utf-8")
    assert intake(office, "2026-11-25", "--reason", "系统故障期间纸质登记").exit_code == 0


def test_a_future_or_uncountable_date_is_refused_before_anything_is_written(office: Office):
    future = intake(office, "2026-12-02", "--reason", "提前")
    assert future.exit_code == 2 and "晚于今天" in future.stderr
    early = intake(office, "2024-06-03", "--reason", "旧案", "--approved-by", "S003")
    assert early.exit_code == 2 and "--today" in early.stderr
    assert office.records() == []


def test_no_option_moves_the_recording_time(office: Office):
    r = intake(office, "2026-12-01T07:00")  # the same day, another time: not back-dated, and ts is the clock's
    assert r.exit_code == 0, r.stderr
    assert {(e["ts"][:16], "on" in e) for e in events(office)} == {("2026-12-01T09:30", False)}


def test_a_read_command_takes_today_as_the_day_it_asks_about(office: Office):
    assert intake(office, "2026-11-30", "--reason", "补录").exit_code == 0
    r = office.run("overdue", "--format", "json", today="2027-01-20", env=CLOCK)  # no reason needed to ask
    assert r.exit_code == 3 and json.loads(r.stdout)[0]["due"] == "2026-12-09"  # 7 working days after 11-30


def test_the_daily_check_state_follows_back_dated_records(office: Office):
    assert intake(office, "2026-11-30", "--reason", "补录").exit_code == 0
    ask = lambda: office.run("overdue", "--format", "json", today="2026-12-20", env=CLOCK)  # noqa: E731
    first = ask()
    assert intake(office, "2026-11-27", "--reason", "补录").exit_code == 0  # appended: the state updates
    second = ask()
    shutil.rmtree(office.path / ".svc")
    assert (second.exit_code, second.stdout) == (ask().exit_code, ask().stdout) != (first.exit_code, first.stdout)


def test_check_reports_a_business_date_later_than_its_recording(office: Office):
    event = {
        "ts": "2026-11-20T09:00:00+08:00",
        "on": "2026-11-23",
        "by": "S001",
        "type": "inquiry",
        "channel": "phone",
        "person": "李四",
        "matter": "咨询",
        "outcome": "answered",
    }
    RecordLog(office.path).append([event], "2026-11-20", "H01")
    r = office.run("check", today="2026-12-01", env=CLOCK)
    assert r.exit_code == 1 and "records/H01/2026-11/2026-11-20.jsonl:1: 业务日期 2026-11-23 晚于记录时间" in r.stdout
