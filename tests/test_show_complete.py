"""`svc show` complete and right (issue 17): a pause, an extension and a delivery shown in full, in text and
JSON; the timeline's names aligned; lateness in one phrase with its unit everywhere (逾期 3 个工作日,
今日到期, 还剩 2 个工作日), never a bare 天.

The dates: ZG-001 (committed, 7 working days) accepted Fri 2026-11-20 is due Tue 2026-12-01.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from conftest import REPO
from svccli.core.cases import Case, Extension, Pause
from svccli.core.describe import days_text, describe, lateness
from svccli.core.explain import ledger
from svccli.render.case_text import display_width
from svccli.render.views import extensions_view
from svccli.store.home import load_home

D = dt.date.fromisoformat
BARE_DAYS = re.compile(r"\d+ ?[天日](?!期)")  # "3 天", "2日" — a count without its unit ("日期" is a date)


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def show(office, case_id: str, today: str) -> str:
    return ok(office.run("show", case_id, today=today)).stdout


def show_json(office, case_id: str, today: str) -> dict:
    return json.loads(ok(office.run("show", case_id, "--format", "json", today=today)).stdout)


def extend(office, case_id: str, days: int, today: str) -> None:
    why = ("--reason", "需组织专家论证", "--basis", "行政许可法第四十二条")
    ok(office.run("extend", case_id, "--days", str(days), *why, today=today))


# -- a pause ---------------------------------------------------------------------------------------------


def test_pause__reason_in_chinese_time_told_and_working_days_added(office):
    """Surveying (勘测) from Mon 11-23 to Mon 11-30: five working days not counted (seven calendar days),
    so the due date moves from 12-01 to 12-08; the applicant was told "约 5 个工作日" (000 第四篇 二.10)."""
    case_id = office.intake()
    ok(office.run("suspend", case_id, "--reason", "survey", "--expected", "约 5 个工作日", today="2026-11-23T09:00"))
    running = show(office, case_id, today="2026-11-25T09:00")
    assert "暂停计时：勘测，告知所需时间：约 5 个工作日；2026-11-23 起，仍在暂停（至今顺延 2 个工作日）" in running
    ok(office.run("resume", case_id, today="2026-11-30T09:00"))
    text = show(office, case_id, today="2026-11-30T10:00")
    assert "survey" not in text
    assert (
        "暂停计时：勘测，告知所需时间：约 5 个工作日；2026-11-23 起，2026-11-30 恢复计时，办结期限顺延 5 个工作日"
        "（2026-12-01 → 2026-12-08）"
    ) in text
    assert "恢复计时（勘测，顺延 5 个工作日，办结期限 2026-12-08）" in text  # the timeline's step
    data = show_json(office, case_id, today="2026-11-30T10:00")
    assert data["due"] == "2026-12-08"
    (pause,) = data["pauses"]
    assert pause == {
        "reason": "survey",
        "reason_name": "勘测",
        "expected": "约 5 个工作日",
        "note": "",
        "since": "2026-11-23",
        "resumed": "2026-11-30",
        "days": 5,
        "unit": "working_days",
        "days_text": "5 个工作日",
        "due_before": "2026-12-01",
        "due_after": "2026-12-08",
    }
    assert data["pause"] == pause  # the latest pause, as before


def test_pause__two_pauses_each_with_the_days_it_added(office):
    case_id = office.intake()
    for start, end, reason in (("2026-11-23", "2026-11-25", "testing"), ("2026-11-26", "2026-11-27", "hearing")):
        ok(office.run("suspend", case_id, "--reason", reason, "--expected", "约 2 天", today=f"{start}T09:00"))
        ok(office.run("resume", case_id, today=f"{end}T09:00"))
    pauses = show_json(office, case_id, today="2026-11-30T09:00")["pauses"]
    assert [(p["reason_name"], p["days"], p["due_before"], p["due_after"]) for p in pauses] == [
        ("检测", 2, "2026-12-01", "2026-12-03"),
        ("听证", 1, "2026-12-03", "2026-12-04"),
    ]
    assert [p["expected"] for p in pauses] == ["", "约 2 天"]  # the case keeps what the latest pause was told


# -- an extension ----------------------------------------------------------------------------------------


def test_extension__days_old_and_new_due_dates_told_in_time(office):
    """Extended on Tue 11-24 by 3 working days, five working days before the due date 12-01: in time."""
    case_id = office.intake()
    extend(office, case_id, 3, today="2026-11-24T09:00")
    text = show(office, case_id, today="2026-11-24T10:00")
    assert "延期：3 个工作日（2026-11-24 办理），办结期限 2026-12-01 → 2026-12-04；理由：需组织专家论证" in text
    assert "按时告知" in text and "迟延" not in text
    assert "延期 3 个工作日：需组织专家论证，办结期限 2026-12-01 → 2026-12-04" in text  # the timeline's step
    (e,) = show_json(office, case_id, today="2026-11-24T10:00")["extensions"]
    assert (e["days"], e["unit"], e["old_due"], e["new_due"], e["late"], e["date"]) == (
        3,
        "working_days",
        "2026-12-01",
        "2026-12-04",
        False,
        "2026-11-24",
    )
    assert e["basis"] == "行政许可法第四十二条" and e["late_text"] == ""


def test_extension__told_later_than_the_office_rule_is_flagged(office):
    """office.yaml: extension_notice before_due, 3 working days. On Fri 11-27 only two remain (11-30, 12-01)."""
    case_id = office.intake()
    extend(office, case_id, 2, today="2026-11-27T09:00")
    data = show_json(office, case_id, today="2026-11-27T10:00")
    (e,) = data["extensions"]
    assert (e["old_due"], e["new_due"], e["late"]) == ("2026-12-01", "2026-12-03", True)
    assert e["late_text"] == "延期告知迟延（到期前不足 3 个工作日告知）"
    assert "；延期告知迟延（到期前不足 3 个工作日告知）" in show(office, case_id, today="2026-11-27T10:00")


def test_extension__a_record_without_old_due_date_has_it_computed_from_the_events(sample_home):
    """An extension recorded before the old due date and the flag were kept: both come from the case."""
    catalog, calendar = sample_home.catalog, sample_home.calendar
    item = catalog.items["ZG-001"]
    case = Case(
        "X",
        "ZG-001",
        "",
        {},
        "S001",
        status="accepted",
        accepted_on=D("2026-11-20"),
        clock_from=D("2026-11-20"),
        pauses=(Pause("survey", D("2026-11-23"), D("2026-11-24")),),
        extensions=(Extension(2, "r", "b", D("2026-11-27")), Extension(1, "r", "b", D("2026-11-30"))),
    )
    views = extensions_view(case, item, catalog, calendar)
    assert [(v["old_due"], v["new_due"], v["late"]) for v in views] == [
        ("2026-12-02", "2026-12-04", False),  # 11-27: three working days left (11-30, 12-01, 12-02)
        ("2026-12-04", "2026-12-07", False),
    ]
    late = Case(**{**_fields(case), "pauses": (), "extensions": (Extension(2, "r", "b", D("2026-11-27")),)})
    assert [(v["old_due"], v["late"]) for v in extensions_view(late, item, catalog, calendar)] == [("2026-12-01", True)]


def _fields(case: Case) -> dict:
    return {name: getattr(case, name) for name in Case.__slots__}


@pytest.fixture(scope="module")
def sample_home():
    return load_home(REPO)


# -- a delivery ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, method, text",
    [
        ((), "in_person", "送达方式：当面领取　领取人：张三"),
        (
            ("--by", "proxy", "--to", "李四", "--authorisation", "授权委托书2026-01"),
            "proxy",
            "送达方式：代领　代领人：李四　授权委托书：授权委托书2026-01",
        ),
        (
            ("--by", "post", "--tracking", "SF1234567890"),
            "post",
            "送达方式：邮寄送达　收件人：张三　快递单号：SF1234567890",
        ),
    ],
)
def test_delivery__method_and_tracking_number(office, args, method, text):
    case_id = office.intake()
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-11-30T09:00"))
    ok(office.run("deliver", case_id, *args, today="2026-12-01T09:00"))
    shown = show(office, case_id, today="2026-12-02T09:00")
    assert text + "　送达日期：2026-12-01" in shown
    assert "决定：2026-11-30　送达（办结）：2026-12-01　按时办结" in shown
    delivery = show_json(office, case_id, today="2026-12-02T09:00")["delivery"]
    assert (delivery["method"], delivery["served_on"]) == (method, "2026-12-01")
    assert delivery["tracking"] == ("SF1234567890" if method == "post" else "")
    if method == "post":
        assert "送达（邮寄送达）：张三，快递单号 SF1234567890" in shown  # the timeline's step


def test_delivery__an_older_record_without_its_method_reads_from_the_proxy_flag():
    base = {"type": "deliver", "ts": "2026-12-01T09:00:00+08:00", "by": "S001", "case": "X", "to": "李四"}
    assert describe({**base, "proxy": True, "authorisation": "委托书"}) == "送达（代领）：李四代领，授权委托书：委托书"
    assert describe(base) == "送达（当面领取）：李四"


# -- the timeline's columns ------------------------------------------------------------------------------


def test_timeline__names_of_two_to_four_characters_line_up(office):
    roster = office.path / "catalog" / "roster.yaml"
    text = roster.read_text(encoding="utf-8")
    assert "name: 李娜," in text
    roster.write_text(text.replace("name: 李娜,", "name: 欧阳娜娜,"), encoding="utf-8")
    case_id = office.intake()  # 张伟
    ok(office.run("suspend", case_id, "--reason", "survey", "--expected", "约 3 个工作日", staff="S003"))  # 王建国
    ok(office.run("resume", case_id, today="2026-11-23T09:00", staff="S002"))  # 欧阳娜娜
    lines = show(office, case_id, today="2026-11-23T10:00").split("过程：\n", 1)[1].splitlines()
    starts, names = set(), set()
    for line in lines:
        m = re.match(r"  \S+ \S+  (\S+) +(\S.*)$", line)
        assert m, line
        names.add(m.group(1))
        starts.add(display_width(line) - display_width(m.group(2)))  # the column where the step's text begins
    assert {len(n) for n in names} == {2, 3, 4}
    assert len(starts) == 1, lines


# -- lateness, one phrase with its unit ------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, unit, text",
    [
        (3, "working_days", "逾期 3 个工作日"),
        (3, "calendar_days", "逾期 3 个自然日"),
        (0, "working_days", "今日到期"),
        (-2, "working_days", "还剩 2 个工作日"),
        (-1, "calendar_days", "还剩 1 个自然日"),
    ],
)
def test_lateness__says_its_unit(days, unit, text):
    assert lateness(days, unit) == text
    assert days_text(abs(days), unit) in text or days == 0


@pytest.mark.parametrize(
    "today, late_text",
    [
        ("2026-11-27T08:00", "还剩 2 个工作日"),  # 11-30 and 12-01 remain
        ("2026-12-01T08:00", "今日到期"),  # not "还剩 0 天"
        ("2026-12-03T08:00", "逾期 2 个工作日"),
    ],
)
def test_daily_check_and_show_say_the_same_phrase(office, today, late_text):
    case_id = office.intake()
    r = office.run("overdue", "--warn", "3", today=today)
    assert r.exit_code in (0, 3) and late_text in r.stdout and not BARE_DAYS.search(r.stdout)
    (row,) = json.loads(office.run("overdue", "--warn", "3", "--format", "json", today=today).stdout)
    assert (row["late_text"], row["unit"]) == (late_text, "working_days")
    text = show(office, case_id, today=today)
    assert f"办结期限：2026-12-01（{late_text}）" in text and not BARE_DAYS.search(text)
    assert show_json(office, case_id, today=today)["late_text"] == late_text
    due = ok(office.run("due", case_id, today=today)).stdout
    assert f"办结期限：2026-12-01（周二）　{late_text}" in due and not BARE_DAYS.search(due)


def test_calendar_days_office__lateness_in_calendar_days_everywhere(office):
    """office.yaml limit_unit: calendar_days — ZG-001 accepted 11-20 is due 11-27; on Mon 11-30 it is three
    calendar days late (one working day)."""
    path = office.path / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    assert "limit_unit: working_days" in text
    path.write_text(text.replace("limit_unit: working_days", "limit_unit: calendar_days"), encoding="utf-8")
    case_id = office.intake()
    r = office.run("overdue", "--format", "json", today="2026-11-30T08:00")
    assert r.exit_code == 3
    (row,) = json.loads(r.stdout)
    assert (row["due"], row["late_text"], row["unit"]) == ("2026-11-27", "逾期 3 个自然日", "calendar_days")
    assert "办结期限：2026-11-27（逾期 3 个自然日）" in show(office, case_id, today="2026-11-30T08:00")
    due = ok(office.run("due", case_id, today="2026-11-30T08:00")).stdout
    assert "承诺 7 个自然日" in due and "逾期 3 个自然日" in due


def test_overdue_record__carries_its_unit_and_reads_with_it_in_the_timeline(office):
    case_id = office.intake()
    assert office.run("overdue", "--record", today="2026-12-02T08:00").exit_code == 3
    assert "超期记录：办结期限 2026-12-01，逾期 1 个工作日" in show(office, case_id, today="2026-12-02T09:00")


def test_due_explain__pause_cause_in_chinese_in_the_ledger(sample_home):
    item, rules = sample_home.catalog.items["ZG-001"], sample_home.catalog.office.rules
    case = Case(
        "X",
        "ZG-001",
        "2026-11-20T09:00",
        {},
        "S001",
        accepted_on=D("2026-11-20"),
        clock_from=D("2026-11-20"),
        pauses=(Pause("expert-review", D("2026-11-23"), D("2026-11-25")),),
    )
    days = ledger(case, item, rules, sample_home.calendar, D("2026-12-10"))
    assert {x.note for x in days if x.mark == "paused"} == {"专家评审"}


def test_show_json_fields_are_documented_in_the_readme(office):
    """The JSON field names are a contract: every one `svc show` gives is named in the README."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    case_id = office.intake()
    ok(office.run("suspend", case_id, "--reason", "survey", "--expected", "约 3 个工作日", today="2026-11-23T09:00"))
    ok(office.run("resume", case_id, today="2026-11-24T09:00"))
    extend(office, case_id, 1, today="2026-11-24T10:00")
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-11-25T09:00"))
    ok(office.run("deliver", case_id, "--by", "post", "--tracking", "SF1", today="2026-11-25T10:00"))
    data = show_json(office, case_id, today="2026-11-26T09:00")
    names = set(data) | set(data["pauses"][0]) | set(data["extensions"][0]) | set(data["delivery"])
    assert {n for n in names if f"`{n}`" not in readme} == set()


def test_joint_case__part_limits_and_lateness_say_their_unit(office):
    """SC-004's co-handler 县消防救援大队 has 5 working days (due Fri 11-27); done Tue 12-01, two late."""
    item = load_home(office.path).catalog.items["SC-004"]
    materials = [x for m in item.materials if m.required for x in ("--material", f"{m.code}:{m.copies}")]
    r = ok(
        office.run("intake", "SC-004", "--applicant", "某某商贸有限公司", "--phone", "13812345678", *materials, "-q")
    )
    case_id = r.stdout.strip()
    ok(office.run("part", case_id, "XF", "--done", today="2026-12-01T09:00", staff="S015"))
    text = show(office, case_id, today="2026-12-01T10:00")
    assert "联办，协办部门：县消防救援大队（5 个工作日）" in text
    assert "协办：县消防救援大队　期限 2026-11-27　2026-12-01 完成，逾期 2 个工作日" in text
    assert "超过协办时限 2 个工作日" in text  # the part's own step
