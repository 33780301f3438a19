"""Case flow, complete (issue 11): provisional acceptance, supplement dates, send-backs, conclusion
on the service date, the due date explained day by day, --as-of, and `svc calendar impact`.
Rules: DOMAIN.md glossary (容缺受理, 退件), "Time limits"; seeds 003 (吉安 一窗受理 操作规程,
办理制度 二(二)), 000 (第四篇 二.7 to 二.10), 002 (十 办件规则)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, Office, new_office
from svccli.core.cases import Case, Pause
from svccli.core.deadlines import due
from svccli.core.explain import ledger
from svccli.store.home import load_home

D = dt.date.fromisoformat
HOME = load_home(REPO)
CAL, RULES = HOME.calendar, HOME.catalog.office.rules
ZG1 = HOME.catalog.items["ZG-001"]  # committed, 7 working days; M06 may be owed, M02 blocks review
INSPECTOR = next(s.id for s in HOME.roster.staff.values() if s.has_role("inspector"))  # S021 in the sample
CHIEF = "S003"  # section chief of ZG-SP, not an inspector

APPLICANT = ["--applicant", "桐乡某建设公司", "--phone", "13812345678"]
ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
ZG_BUT_M06 = ["--material", "M01", "--material", "M02", "--material", "M05:2"]  # only the may_owe M06 missing
ZG_BUT_M02 = ["--material", "M01", "--material", "M05:2", "--material", "M06"]  # M02 (blocking) missing


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def intake(office, service, *materials, today):
    return ok(office.run("intake", service, *APPLICANT, *materials, "-q", today=today)).stdout.strip()


def shown(office, case_id, today, *pre):
    return json.loads(ok(office.run(*pre, "show", case_id, "--format", "json", today=today)).stdout)


def events(office) -> list[dict]:
    return [json.loads(line) for p in office.records() for line in p.read_text(encoding="utf-8").splitlines()]


def snapshot(office) -> list[bytes]:
    return [p.read_bytes() for p in office.records()]


def fresh_office(root) -> Office:
    return new_office(root / "office")


def git(path, *args):
    subprocess.run(
        ["git", "-c", "user.name=x", "-c", "user.email=y", "-C", str(path), *args], check=True, capture_output=True
    )


# -- provisional acceptance (容缺受理) ------------------------------------------------------------


def test_provisional_acceptance__owed_material_accepted_at_once_and_blocks_conclusion(office):
    """003 吉安 办理制度 二(二)2: materials incomplete but not blocking review → accepted at once, the
    clock runs from acceptance, the notice of owed materials is printed in the same step; DOMAIN.md:
    the case cannot conclude while anything is owed."""
    r = ok(office.run("intake", "ZG-001", *APPLICANT, *ZG_BUT_M06, today="2026-11-20T09:00"))
    case_id = r.stdout.splitlines()[0]
    accept = [e for e in events(office) if e["type"] == "accept"]
    steps = [e["type"] for e in events(office) if e["type"] not in ("template", "document")]  # the register's
    assert steps == ["intake", "accept"]  # no one-time notice: accepted
    assert accept[0]["clock_from"] == "2026-11-20"
    assert [o["code"] for o in accept[0]["owed"]] == ["M06"] and accept[0]["owed_by"] == "2026-12-04"
    assert "承诺办结：2026年12月1日前" in r.stdout  # 7 working days from the day after acceptance
    owed_notice = r.stdout.split("【补办件通知书】", 1)[1]  # printed in the same step
    assert "M06" in owed_notice and ZG1.material("M06").name in owed_notice
    assert "2026年12月4日" in owed_notice  # the date by which to bring it (office default 10 working days)
    assert "0573-88100121" in owed_notice and "0573-88100001" in owed_notice  # the office's phones

    before = snapshot(office)
    refused = office.run("conclude", case_id, "--result", "approved", today="2026-11-23T09:00")
    assert refused.exit_code == 1 and "M06" in refused.stderr
    assert snapshot(office) == before

    brought = ok(office.run("supplement", case_id, "--material", "M06", today="2026-11-24T09:00"))
    assert "全部补齐" in brought.stderr
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-11-25T09:00"))
    case = shown(office, case_id, today="2026-11-25T10:00")
    assert case["status"] == "concluded"
    assert case["accepted"] == "2026-11-20" and case["due"] == "2026-12-01"  # bringing M06 did not restart the clock


def test_provisional_acceptance__explicit_owe_of_a_blocking_material_is_refused(office):
    """A material that blocks review can never be owed: refused, naming the material, nothing written."""
    r = office.run("intake", "ZG-001", *APPLICANT, *ZG_BUT_M02, "--owe", "M02", today="2026-11-20T09:00")
    assert r.exit_code in (1, 2)
    assert "M02" in r.stderr and ZG1.material("M02").name in r.stderr
    assert office.records() == []


def test_provisional_acceptance__owe_of_a_material_not_missing_is_a_usage_error(office):
    r = office.run("intake", "ZG-001", *APPLICANT, *ZG_ALL, "--owe", "M06", today="2026-11-20T09:00")
    assert r.exit_code == 2 and "M06" in r.stderr
    assert office.records() == []


# -- supplement dates -----------------------------------------------------------------------------


def test_supplement_by__office_default_and_item_override(office):
    """Every one-time notice carries the date by which to supplement: office default 10 working days
    (office.yaml supplement_days), WG-002 overrides it to 2."""
    zg = intake(office, "ZG-001", "--material", "M01", today="2026-11-20T09:00")
    wg = intake(office, "WG-002", "--material", "M01", today="2026-11-20T09:00")
    by = {e["case"]: e["supplement_by"] for e in events(office) if e["type"] == "notice"}
    assert by == {zg: "2026-12-04", wg: "2026-11-24"}


def test_lapsed_supplement__listed_as_its_own_kind_and_closed_with_a_record(office):
    """A notice past its supplement date is listed as "lapsed" (the clock never started, so the case is
    not overdue and the daily check exits 0); `svc close --lapsed` ends it with a record, never before
    the date."""
    case_id = intake(office, "WG-002", "--material", "M01", today="2026-11-20T09:00")  # supplement by 11-24
    r = office.run("overdue", "--format", "json", today="2026-11-25T08:00")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert [(x["case"], x["kind"], x["date"]) for x in rows] == [(case_id, "lapsed", "2026-11-24")]

    before = snapshot(office)
    early = office.run("close", case_id, "--lapsed", today="2026-11-24T17:00")  # the last day is still open
    assert early.exit_code == 1 and "2026-11-24" in early.stderr
    assert snapshot(office) == before

    ok(office.run("close", case_id, "--lapsed", today="2026-11-25T09:00"))
    closes = [e for e in events(office) if e["type"] == "close"]
    assert [(e["case"], e["ts"][:10]) for e in closes] == [(case_id, "2026-11-25")]
    case = shown(office, case_id, today="2026-11-25T10:00")
    assert case["status"] == "lapsed" and case["timeline"][-1]["kind"] == "close"


def test_owed_material_past_its_date__listed_in_the_daily_check(office):
    """Owed materials past their date appear in the daily check as kind "owed" (the case itself is not
    late: exit 0). supplement_days set to 3 so the owed date falls before the due date."""
    text = (office.path / "catalog/office.yaml").read_text(encoding="utf-8")
    office.write("catalog/office.yaml", text.replace("supplement_days: 10 ", "supplement_days: 3 "))
    case_id = intake(office, "ZG-001", *ZG_BUT_M06, today="2026-11-20T09:00")  # owed by 11-25, due 12-01
    assert office.run("overdue", today="2026-11-25T08:00").stdout == ""
    r = office.run("overdue", "--format", "json", today="2026-11-26T08:00")
    assert r.exit_code == 0
    assert [(x["case"], x["kind"], x["date"]) for x in json.loads(r.stdout)] == [(case_id, "owed", "2026-11-25")]


# -- send-back (退件) ---------------------------------------------------------------------------


def test_send_back__prints_the_return_notice_and_an_inspector_marks_it_wrong(office):
    """003 工作流程 六: the section returns the application with review opinion and reasons and the
    return notice is printed; only an inspector can mark a send-back wrong (−2 in the assessment)."""
    case_id = intake(office, "ZG-001", *ZG_ALL, today="2026-11-20T09:00")
    r = ok(
        office.run(
            "send-back",
            case_id,
            "--reason",
            "地形图比例不符合要求",
            "--opinion",
            "请补充1∶500地形图",
            today="2026-11-23T09:00",
            staff=CHIEF,
        )
    )
    assert "退件通知书" in r.stdout
    assert "地形图比例不符合要求" in r.stdout and "请补充1∶500地形图" in r.stdout

    before = snapshot(office)
    refused = office.run(
        "send-back", case_id, "--wrong", "--note", "比例符合要求", today="2026-11-24T09:00", staff=CHIEF
    )
    assert refused.exit_code == 1 and "督查" in refused.stderr
    assert snapshot(office) == before

    ok(office.run("send-back", case_id, "--wrong", "--note", "比例符合要求", today="2026-11-24T09:00", staff=INSPECTOR))
    last = events(office)[-1]
    assert (last["type"], last["by"], last["wrong"], last["note"]) == ("send-back", INSPECTOR, True, "比例符合要求")
    assert shown(office, case_id, today="2026-11-24T10:00")["status"] == "returned"


def test_send_back__wrong_marking_reads_as_a_marking_in_the_timeline():
    from svccli.core.describe import describe

    text = describe({"type": "send-back", "case": "X", "wrong": True, "note": "比例符合要求"})
    assert "错误" in text


# -- conclusion on the day of service -------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Two cases accepted Fri 2026-11-20, due Tue 2026-12-01. A is decided on its due date and served by
    post on Thu 12-03 (two working days late); B is decided on 11-30 and served on 12-01 (on time)."""
    office = fresh_office(tmp_path_factory.mktemp("served"))
    a = intake(office, "ZG-001", *ZG_ALL, today="2026-11-20T09:00")
    b = intake(office, "ZG-001", *ZG_ALL, today="2026-11-20T09:05")
    ok(office.run("conclude", b, "--result", "approved", today="2026-11-30T09:00"))
    ok(office.run("deliver", b, today="2026-12-01T15:00"))
    ok(office.run("conclude", a, "--result", "approved", today="2026-12-01T16:00"))
    check = office.run("overdue", "--format", "json", today="2026-12-02T08:00")
    no_tracking = office.run("deliver", a, "--by", "post", today="2026-12-03T10:00")
    ok(office.run("deliver", a, "--by", "post", "--tracking", "SF1234567890", today="2026-12-03T10:00"))
    return {
        "a": shown(office, a, today="2026-12-04T09:00"),
        "b": shown(office, b, today="2026-12-04T09:00"),
        "check": check,
        "no_tracking": no_tracking,
        "events": events(office),
    }


def _dates(case: dict) -> tuple[str, str]:
    """Decision and service dates as `svc show --format json` exposes them today: only in the timeline
    (there is no explicit decision-date, service-date or late/on-time field)."""
    kinds = {t["kind"]: t["ts"][:10] for t in case["timeline"]}
    return kinds["conclude"], kinds["deliver"]


def test_conclusion_on_service_date__decided_on_due_date_but_served_two_days_later_is_late(served):
    """000 第四篇 二.8: 送达书面凭证之日即为办结日期 — on-time is judged on the service date."""
    a = served["a"]
    decided, serv = _dates(a)
    assert (a["status"], a["due"], decided, serv) == ("delivered", "2026-12-01", "2026-12-01", "2026-12-03")
    assert CAL.workdays_between(D(a["due"]), D(serv)) == 2  # late by two working days
    # the day after the due date, decided but not served: the daily check lists it as overdue
    assert served["check"].exit_code == 3
    rows = json.loads(served["check"].stdout)
    assert [(x["case"], x["kind"], x["days_late"]) for x in rows] == [(a["id"], "overdue", 1)]


def test_conclusion_on_service_date__served_by_the_due_date_is_on_time(served):
    b = served["b"]
    decided, serv = _dates(b)
    assert (b["status"], decided, serv) == ("delivered", "2026-11-30", "2026-12-01")
    assert D(serv) <= D(b["due"])
    assert b["id"] not in served["check"].stdout


def test_deliver_by_post_requires_tracking_and_records_the_posting_date(served):
    assert served["no_tracking"].exit_code == 2 and "--tracking" in served["no_tracking"].stderr
    post = [e for e in served["events"] if e["type"] == "deliver" and e["case"] == served["a"]["id"]]
    assert [(e["how"], e["tracking"], e["served_on"]) for e in post] == [("post", "SF1234567890", "2026-12-03")]


def _values(data, skip=("timeline",)):
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in skip:
                yield from _values(v, skip)
    elif isinstance(data, list):
        for v in data:
            yield from _values(v, skip)
    else:
        yield data


def test_show_gives_decision_and_service_dates(served):
    assert "2026-11-30" in set(_values(served["b"]))  # B's decision date
    assert "2026-12-03" in set(_values(served["a"]))  # A's service date


# -- a due date explained day by day ---------------------------------------------------------------

NATIONAL_DAY = {  # ZG-001 accepted Mon 2026-09-21, surveying (勘测) from 09-24 to 10-09, 7 working days
    "2026-09-21": "received",
    "2026-09-22": "counted",
    "2026-09-23": "counted",
    "2026-09-24": "counted",
    "2026-09-25": "holiday",
    "2026-09-26": "holiday",
    "2026-09-27": "holiday",  # 中秋节
    "2026-09-28": "paused",
    "2026-09-29": "paused",
    "2026-09-30": "paused",
    **{f"2026-10-0{d}": "holiday" for d in range(1, 8)},  # 国庆节
    "2026-10-08": "paused",
    "2026-10-09": "paused",  # resumed on the 9th: that day is not counted
    "2026-10-10": "adjusted",  # 调休 Saturday
    "2026-10-11": "weekend",
    "2026-10-12": "counted",
    "2026-10-13": "counted",
    "2026-10-14": "counted",
}


def test_due_explain__national_day_with_a_pause(office, tmp_path):
    """`svc due --explain`: every day from acceptance to the due date with its mark, ending on the date
    `svc due` prints; `--html` writes the annex with the due date and the calendar notice."""
    case_id = intake(office, "ZG-001", *ZG_ALL, today="2026-09-21T09:00")
    # --expected: svc suspend requires the time told to the applicant (issue 16 section 7, 000 第四篇 二.10)
    ok(office.run("suspend", case_id, "--reason", "survey", "--expected", "约 10 个工作日", today="2026-09-24T10:00"))
    ok(office.run("resume", case_id, today="2026-10-09T10:00"))
    plain = ok(office.run("due", case_id, today="2026-10-20T09:00")).stdout
    printed = re.search(r"办结期限：(\d{4}-\d\d-\d\d)", plain).group(1)
    annex = tmp_path / "annex.html"
    r = ok(office.run("due", case_id, "--explain", "--format", "json", "--html", str(annex), today="2026-10-20T09:00"))
    rows = json.loads(r.stdout)

    dates = [x["date"] for x in rows]
    assert dates == [(D("2026-09-21") + dt.timedelta(days=i)).isoformat() for i in range(len(rows))]  # no gap
    assert {x["date"]: x["mark"] for x in rows if x["date"] <= "2026-10-14"} == NATIONAL_DAY
    assert {x["note"] for x in rows if x["mark"] == "paused"} == {"勘测"}
    assert [x["date"] for x in rows if x["due"]] == [printed] == ["2026-10-14"]
    assert dates[-1] == "2026-10-20" and {x["mark"] for x in rows if "2026-10-14" < x["date"]} <= {"after", "weekend"}

    page = annex.read_text(encoding="utf-8")
    assert "2026年10月14日" in page
    assert "国务院办公厅关于2026年部分节假日安排的通知" in page
    assert "勘测" in page and "调休" in page


@settings(max_examples=100, deadline=None)
@given(
    accepted=st.dates(D("2025-01-01"), D("2026-12-31")),
    received_before=st.integers(0, 20),
    limit=st.integers(0, 30),
    unit=st.sampled_from(["working_days", "calendar_days"]),
    pause=st.one_of(st.none(), st.tuples(st.integers(0, 400), st.one_of(st.none(), st.integers(0, 40)))),
    later=st.integers(0, 60),
)
def test_due_explain__ledger_due_day_is_due(accepted, received_before, limit, unit, pause, later):
    """One function: the ledger's due day is deadlines.due() for any acceptance date, limit and pause
    (a pause starting while the clock runs, i.e. before the unpaused due date)."""
    item = replace(ZG1, committed_limit=limit, limit_unit=unit)
    received = max(accepted - dt.timedelta(days=received_before), D("2025-01-01"))  # the calendar's first year
    opened = received.isoformat() + "T09:00:00+08:00"
    base = Case("X", "ZG-001", opened, {}, "S001", status="accepted", clock_from=accepted, accepted_on=accepted)
    unpaused = due(base, item, RULES, CAL, accepted).due
    case, today = base, unpaused + dt.timedelta(days=later)
    if pause and unpaused > accepted:
        start = accepted + dt.timedelta(days=pause[0] % (unpaused - accepted).days)
        end = None if pause[1] is None else start + dt.timedelta(days=pause[1])
        case = replace(base, pauses=(Pause("survey", start, end),), status="suspended" if end is None else "accepted")
        today = max(today, end or start) + dt.timedelta(days=later)
    expected = due(case, item, RULES, CAL, today).due
    marked = [x.day for x in ledger(case, item, RULES, CAL, today) if x.due]
    assert marked == [expected]


def test_due_explain__pause_starting_on_the_due_day_agrees_with_due():
    case = Case(
        "X",
        "ZG-001",
        "2026-11-20T09:00:00+08:00",
        {},
        "S001",
        status="accepted",
        clock_from=D("2026-11-20"),
        accepted_on=D("2026-11-20"),
        pauses=(Pause("expert-review", D("2026-12-01"), D("2026-12-04")),),
    )
    today = D("2026-12-10")
    expected = due(case, ZG1, RULES, CAL, today).due
    assert [x.day for x in ledger(case, ZG1, RULES, CAL, today) if x.due] == [expected]


# -- --as-of: what the window showed on a past day ------------------------------------------------


def test_as_of__reproduces_what_read_commands_showed_that_day(office):
    """Events across several days: A accepted on 11-10 (due 11-19, undecided on day 1); B taken in on
    day 1 (11-20) with M02 missing, supplemented on day 2, concluded on day 3 while A is concluded and
    served. `--as-of DAY1` later gives exactly what the commands printed at the end of day 1."""
    a = intake(office, "ZG-001", *ZG_ALL, today="2026-11-10T09:00")
    b = intake(office, "ZG-001", *ZG_BUT_M02, today="2026-11-20T09:00")
    reads = {
        "cases": ("cases", "--format", "json"),
        "show": ("show", b, "--format", "json"),
        "overdue": ("overdue", "--format", "json"),
    }

    def capture(today, *pre):
        return {
            k: (r.exit_code, r.stdout)
            for k, r in ((k, office.run(*pre, *args, today=today)) for k, args in reads.items())
        }

    day1 = capture("2026-11-20T18:00")
    assert day1["overdue"][0] == 3 and a in day1["overdue"][1]  # A is late on day 1
    ok(office.run("supplement", b, "--material", "M02", today="2026-11-23T09:00"))
    ok(office.run("conclude", a, "--result", "approved", today="2026-11-23T10:00"))
    ok(office.run("conclude", b, "--result", "approved", today="2026-11-24T09:00"))
    ok(office.run("deliver", a, today="2026-11-24T10:00"))

    assert capture("2026-11-25T09:00", "--as-of", "2026-11-20") == day1

    before = snapshot(office)
    write = office.run("--as-of", "2026-11-20", "withdraw", b, today="2026-11-25T09:00")
    assert write.exit_code == 2 and "--as-of" in write.stderr
    assert snapshot(office) == before


# -- svc calendar impact ---------------------------------------------------------------------------

DAY_OFF = "  - {name: 临时放假, from: 2026-11-27, to: 2026-11-27}\n"


def add_day_off(office):
    path = office.path / "catalog/calendar/2026.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + DAY_OFF), encoding="utf-8")


def test_calendar_impact__lists_exactly_the_open_cases_whose_due_date_moves(office):
    """A calendar file that changes moves the due dates of open cases (DOMAIN.md "The official
    calendar"): after making Fri 2026-11-27 a day off, only the open case counting across it moves."""
    git(office.path, "init", "-q")
    git(office.path, "add", "-A")
    git(office.path, "commit", "-q", "-m", "sample office")
    moves = intake(office, "ZG-001", *ZG_ALL, today="2026-11-20T09:00")  # due 12-01, counts across 11-27
    intake(office, "ZG-001", *ZG_ALL, today="2026-11-30T09:00")  # counts from 12-01: not touched
    intake(office, "ZG-001", "--material", "M01", today="2026-11-20T09:00")  # pending: no due date
    gone = intake(office, "ZG-001", *ZG_ALL, today="2026-11-20T09:10")
    ok(office.run("withdraw", gone, today="2026-11-23T09:00"))  # closed: not listed

    unchanged = office.run("calendar", "impact", today="2026-11-23T10:00")
    assert (unchanged.exit_code, unchanged.stdout) == (0, "")

    add_day_off(office)
    r = office.run("calendar", "impact", "--format", "json", today="2026-11-23T10:00")
    assert r.exit_code == 3, r.output
    rows = json.loads(r.stdout)
    assert [(x["case"], x["old_due"], x["new_due"]) for x in rows] == [(moves, "2026-12-01", "2026-12-02")]


def test_calendar_impact__office_in_a_subfolder_of_a_repository(office):
    repo = office.path.parent
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "office kept in a subfolder")
    r = office.run("calendar", "impact", today="2026-11-23T10:00")
    assert (r.exit_code, r.stdout) == (0, ""), r.stderr


def test_calendar_impact__bad_revision_is_a_one_line_message(office):
    git(office.path, "init", "-q")
    git(office.path, "add", "-A")
    git(office.path, "commit", "-q", "-m", "sample office")
    r = office.run("calendar", "impact", "--against", "no-such-rev", today="2026-11-23T10:00")
    assert r.exit_code == 2
    assert "['" not in r.stderr and "no-such-rev" in r.stderr
