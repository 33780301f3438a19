"""The rule bugs of issue 16 section 7, one test each: a late notification stops the lateness (seed 000
第九条), a provisional due date is marked in `svc holders`, deemed approval is more than a label (002 一.7 /
十.6), a pause is told to the applicant with its cause and time (000 第四篇 二.10), and the written/oral
switch of the one-time notice (office rule `written_notice`, DOMAIN.md "Office choices") changes what is
printed. Each test fails if its rule breaks."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO, Office
from svccli.core.catalog import RULE_CHOICES
from svccli.store.home import load_home

HOME = load_home(REPO)
APPLICANT = ["--applicant", "桐乡某建设公司", "--phone", "13812345678"]
ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
INSPECTOR = "S021"  # runs the daily check with --record (README cron line)


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def intake(office: Office, *args: str, service: str = "ZG-001", today: str = "2026-11-20T09:00") -> str:
    return ok(office.run("intake", service, *APPLICANT, *args, "-q", today=today)).stdout.strip()


def required(code: str) -> list[str]:
    return [x for m in HOME.catalog.items[code].materials if m.required for x in ("--material", f"{m.code}:{m.copies}")]


def events(office: Office, kind: str) -> list[dict]:
    lines = [json.loads(x) for p in office.records() for x in p.read_text(encoding="utf-8").splitlines()]
    return [e for e in lines if e["type"] == kind]


def shown(office: Office, case_id: str, today: str) -> dict:
    return json.loads(ok(office.run("show", case_id, "--format", "json", today=today)).stdout)


# -- a late notification: the lateness stops on the day the applicant was told (000 第九条) -------------


def test_late_notification_keeps_days_late_of_the_notification_day_and_records_no_more(office):
    """ZG-001 accepted Fri 2026-11-20 is due Tue 12-01; decided 12-02 and the applicant told to collect on
    Thu 12-03, two working days late. After that, not coming is the applicant's own doing: the case stays
    listed (the office was late, and it is not yet served) with 2 days late on every later day, into a
    year with no calendar file, and `--record` records nothing after the notification."""
    case_id = intake(office, *ZG_ALL)
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-12-02T09:00"))
    before = office.run("overdue", "--record", "--format", "json", today="2026-12-03T08:00", staff=INSPECTOR)
    assert before.exit_code == 3 and [(x["case"], x["days_late"]) for x in json.loads(before.stdout)] == [(case_id, 2)]
    ok(office.run("notify", case_id, today="2026-12-03T10:00"))
    for day in ("2026-12-04", "2026-12-10", "2027-01-15"):
        r = office.run("overdue", "--record", "--format", "json", today=f"{day}T08:00", staff=INSPECTOR)
        assert r.exit_code == 3, (day, r.stdout, r.stderr)  # still the office's own lateness: listed
        rows = json.loads(r.stdout)
        assert [(x["case"], x["kind"], x["days_late"], x["due"]) for x in rows] == [
            (case_id, "overdue", 2, "2026-12-01")
        ], day
        assert "2026-12-03 已通知领取" in rows[0]["late_text"]
    recorded = events(office, "overdue")
    assert [(e["ts"][:10], e["days_late"]) for e in recorded] == [("2026-12-03", 2)]  # none after the notice
    late = shown(office, case_id, "2027-01-15")
    assert late["on_time"] is False and late["days_late"] == 2


# -- a provisional due date is marked wherever it is shown (DOMAIN.md "The official calendar") ---------


def test_holders_marks_a_due_date_in_a_year_with_no_calendar_file(office):
    """ZG-001 accepted 2026-12-24 (7 working days) is due in January 2027, a year with no calendar file in
    the sample catalogue: `svc holders` marks it 临时 in JSON and in the table, as `svc cases` does; a case
    due in 2026 is not marked."""
    assert 2027 not in HOME.calendar.years
    settled = intake(office, *ZG_ALL)
    later = intake(office, *ZG_ALL, today="2026-12-24T09:00")
    rows = {r["case"]: r for r in json.loads(ok(office.run("holders", "--format", "json", today="2026-12-28")).stdout)}
    cases = {r["id"]: r for r in json.loads(ok(office.run("cases", "--format", "json", today="2026-12-28")).stdout)}
    assert rows[later]["due"].endswith("（临时）") and rows[later]["provisional"] is True
    assert rows[later]["due"] == cases[later]["due"]
    assert "临时" not in rows[settled]["due"] and rows[settled]["provisional"] is False
    table = ok(office.run("holders", today="2026-12-28")).stdout
    line = next(x for x in table.splitlines() if later in x)
    assert re.search(r"2027-01-\d\d（临时）", line)
    assert "临时" not in next(x for x in table.splitlines() if settled in x)


# -- deemed approval (超时默许): show, the notice, and no denial after it (002 一.7, office rule committed) ---


def test_deemed_approval_is_shown_printed_and_refuses_a_denial(office, tmp_path):
    """The sample office deems committed items approved (deemed_approval: committed). ZG-001 accepted
    2026-11-20 is due 12-01: on the due day nothing is deemed; from 12-02 `svc show` says 超时默许, the
    超时默许告知书 prints, and a denial is refused (exit 1, nothing recorded); an approval still concludes."""
    assert HOME.catalog.office.rules.deemed_approval == "committed" and HOME.catalog.items["ZG-001"].kind == "committed"
    case_id = intake(office, *ZG_ALL)
    on_due_day = shown(office, case_id, "2026-12-01")
    assert on_due_day["deemed"] is None
    assert office.run("print", case_id, "deemed", today="2026-12-01T17:00").exit_code == 1

    after = shown(office, case_id, "2026-12-02")
    assert after["deemed"]["since"] == "2026-12-02" and after["deemed"]["due"] == "2026-12-01"
    table = ok(office.run("show", case_id, today="2026-12-02")).stdout
    assert "超时默许" in table and "视为准予" in table
    page = tmp_path / "deemed.html"
    printed = ok(office.run("print", case_id, "deemed", "--html", str(page), today="2026-12-02T09:00"))
    html = page.read_text(encoding="utf-8")
    for text in (printed.stdout, html):
        assert "超时默许告知书" in text and case_id in text and "视为准予" in text
    assert "2026年12月2日" in html and "2026年12月1日" in html

    denied = office.run(
        "conclude", case_id, "--result", "denied", "--reason", "不符合规划条件", today="2026-12-02T10:00"
    )
    assert denied.exit_code == 1 and "超时默许" in denied.stderr
    assert events(office, "conclude") == []
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-12-02T11:00"))
    assert shown(office, case_id, "2026-12-03")["deemed"]["decided"] == "2026-12-02"


def test_no_deemed_approval_where_the_item_switches_it_off(office):
    """ZG-004 (mining, deemed_approval: false in the catalogue) past its due date may still be denied."""
    assert HOME.catalog.items["ZG-004"].deemed_approval is False
    case_id = intake(office, *required("ZG-004"), service="ZG-004")
    assert shown(office, case_id, "2026-12-10")["deemed"] is None
    assert office.run("print", case_id, "deemed", today="2026-12-10T09:00").exit_code == 1
    ok(office.run("conclude", case_id, "--result", "denied", "--reason", "不符合条件", today="2026-12-10T09:00"))


# -- a pause is told in writing: its cause and how long the step takes (000 第四篇 二.10) ---------------


def test_suspend_needs_the_expected_time_and_prints_the_pause_notice(office, tmp_path):
    case_id = intake(office, *ZG_ALL)
    missing = office.run("suspend", case_id, "--reason", "survey", today="2026-11-24T09:00")
    assert missing.exit_code == 2 and "--expected" in missing.stderr
    assert events(office, "suspend") == []

    page = tmp_path / "pause.html"
    r = ok(
        office.run(
            "suspend",
            case_id,
            "--reason",
            "survey",
            "--expected",
            "约 10 个工作日",
            "--note",
            "宗地界址测绘",
            "--html",
            str(page),
            today="2026-11-24T09:00",
        )
    )
    html = page.read_text(encoding="utf-8")
    for text in (r.stdout, html):
        assert "暂停计时告知书" in text and "勘测" in text and "约 10 个工作日" in text and "宗地界址测绘" in text
    assert "2026年12月1日" in html  # the due date before the pause
    assert [e["expected"] for e in events(office, "suspend")] == ["约 10 个工作日"]

    pause = shown(office, case_id, "2026-11-25")["pause"]
    assert (pause["reason_name"], pause["expected"], pause["since"], pause["resumed"]) == (
        "勘测",
        "约 10 个工作日",
        "2026-11-24",
        "",
    )
    table = ok(office.run("show", case_id, today="2026-11-25")).stdout
    assert "暂停计时：勘测" in table and "约 10 个工作日" in table

    ok(office.run("resume", case_id, today="2026-11-27T09:00"))
    again = ok(office.run("print", case_id, "pause", today="2026-11-27T10:00")).stdout
    assert "约 10 个工作日" in again and "2026年11月27日" not in again  # reprinted as issued (issue 16 section 5)
    fresh = ["print", case_id, "pause", "--reissue", "--reason", "恢复计时后重新出具"]
    assert "2026年11月27日" in ok(office.run(*fresh, today="2026-11-27T10:00")).stdout  # a new one shows the resumption


# -- the one-time notice: written or oral by the office rule; --written records the applicant's request ----


@pytest.mark.parametrize(
    "choice, licensing_written, other_written",
    [
        ("licensing", True, False),  # default (000 第五篇): in writing for licensing items
        ("always", True, True),  # 000 第二篇
        ("on_request", False, False),  # 000 一次性告知制度 六: oral unless the applicant asks
    ],
)
def test_written_notice_switch_changes_what_intake_prints(tmp_path, choice, licensing_written, other_written):
    """ZG-001 is a licensing item, BD-002 is not. A written notice prints the 一次性告知书; an oral one the
    text to tell the applicant on the terminal and, as --html, the window's 一次性告知记录 to sign."""
    assert set(RULE_CHOICES["written_notice"]) == {"licensing", "always", "on_request"}
    office = _office_with_written_notice(tmp_path, choice)
    for service, written in (("ZG-001", licensing_written), ("BD-002", other_written)):
        page = tmp_path / f"{choice}-{service}.html"
        r = ok(
            office.run(
                "intake", service, *APPLICANT, "--material", "M01", "--html", str(page), today="2026-11-20T09:00"
            )
        )
        html = page.read_text(encoding="utf-8")
        if written:
            assert "【一次性告知书】" in r.stdout and "口头" not in r.stdout
            assert "<h1>一次性告知书</h1>" in html and "签字" not in html
        else:
            assert "【一次性告知（口头告知）】" in r.stdout and "【一次性告知书】" not in r.stdout
            assert "<h1>一次性告知记录</h1>" in html and "口头告知" in html and "申请人（签字）" in html
    told = [(e["written"], e["requested"]) for e in events(office, "notice")]
    assert told == [(licensing_written, False), (other_written, False)]


def test_written_on_request_is_recorded_and_prints_the_written_notice(tmp_path):
    """Under on_request, `--written` records that the applicant asked and prints the 一次性告知书; so does a
    further notice (`svc notice --add --written`). Without --add it is a usage error: nothing to record."""
    office = _office_with_written_notice(tmp_path, "on_request")
    asked = ok(
        office.run(
            "intake",
            "BD-002",
            *APPLICANT,
            "--material",
            "M01",
            "--material",
            "M02",
            "--written",
            today="2026-11-20T09:00",
        )
    ).stdout
    assert "【一次性告知书】" in asked
    case_id = asked.splitlines()[0]
    assert [(e["written"], e["requested"]) for e in events(office, "notice")] == [(True, True)]
    assert office.run("notice", case_id, "--written", today="2026-11-20T10:00").exit_code == 2
    oral = ok(office.run("notice", case_id, "--add", "M01:申请表未签字", today="2026-11-20T10:00")).stdout
    assert "【一次性告知（口头告知）】" in oral
    more = ok(office.run("notice", case_id, "--add", "M02:复印件不清晰", "--written", today="2026-11-20T11:00")).stdout
    assert "【一次性告知书】" in more
    assert [(e["written"], e["requested"]) for e in events(office, "notice")] == [
        (True, True),
        (False, False),
        (True, True),
    ]


def _office_with_written_notice(tmp_path, choice: str) -> Office:
    from conftest import new_office

    office = new_office(tmp_path / f"office-{choice}")
    path = office.path / "catalog/office.yaml"
    text, count = re.subn(r"^(  written_notice: )\w+", rf"\g<1>{choice}", path.read_text(encoding="utf-8"), flags=re.M)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    return office
