"""Complaints (投诉): filing with an acknowledgement and an answer date on the official calendar, the
overdue answer in `svc overdue`, resolution by an inspector who is not the accused, feedback and
follow-up documents, the deduction item, and the complainant's phone masked in listings."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Office

FILE = ("complaint", "file", "--text", "补正材料第二次才说清", "--from", "赵六", "--phone", "13900002222")
BEFORE_HOLIDAY = "2026-09-24T09:00"  # a Thursday; 09-25..27 and 10-01..07 are off, 10-10 (Sat) is worked


def file(office: Office, against: str = "S001", about: str = "notice", today: str = BEFORE_HOLIDAY, *extra: str):
    r = office.run(*FILE, "--against", against, "--about", about, *extra, today=today)
    assert r.exit_code == 0, r.output
    return r.stdout.split("编号 ")[1].split()[0]


def listed(office: Office, *args: str, today: str = "2026-11-20T09:00") -> list[dict]:
    r = office.run("complaint", "list", "--format", "json", *args, today=today)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout or "[]")


def with_inspector(office: Office, staff: str) -> None:
    """Give a staff member of the sample roster the inspector role as well."""
    path = office.path / "catalog" / "roster.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith(f"  - {{id: {staff},"))
    start = line.index("roles: [") + len("roles: [")
    path.write_text(text.replace(line, line[:start] + "inspector, " + line[start:]), encoding="utf-8")


def test_the_acknowledgement_gives_a_number_and_an_answer_date_across_the_holiday(office: Office, tmp_path):
    html = tmp_path / "ack.html"
    r = office.run(*FILE, "--against", "S001", "--about", "notice", "--html", str(html), today=BEFORE_HOLIDAY)
    assert r.exit_code == 0, r.output
    assert "【投诉受理回执】编号 TS-T01-260924-001" in r.stdout
    # 5 working days: 09-28, 09-29, 09-30, 10-08, 10-09 (09-25..27 and the National Day week are off)
    assert "2026年10月9日" in r.stdout
    page = html.read_text(encoding="utf-8")
    assert "投诉受理回执" in page and "2026年10月9日前" in page
    assert listed(office)[0]["reply_by"] == "2026-10-09"
    second = file(office)
    assert second == "TS-T01-260924-002"


def test_the_answer_days_are_the_offices_choice(office: Office):
    path = office.path / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("complaint_reply_days: 5", "complaint_reply_days: 3"), encoding="utf-8")
    file(office)
    assert listed(office)[0]["reply_by"] == "2026-09-30"


def test_chinese_names_are_accepted_for_about_and_channel(office: Office):
    r = office.run(*FILE, "--against", "W01", "--about", "服务态度", "--channel", "12345热线", today=BEFORE_HOLIDAY)
    assert r.exit_code == 0, r.output
    row = listed(office)[0]
    assert (row["about"], row["channel"], row["against_kind"]) == ("attitude", "hotline12345", "window")


def test_an_unknown_target_is_a_usage_error_and_nothing_is_written(office: Office):
    r = office.run(*FILE, "--against", "NOBODY", "--about", "notice", today=BEFORE_HOLIDAY)
    assert r.exit_code == 2
    assert "--against" in r.stderr
    assert listed(office) == []


def test_a_complaint_past_its_answer_date_is_overdue_with_exit_3(office: Office):
    cid = file(office)
    on_time = office.run("overdue", "--format", "json", today="2026-10-09T17:00")
    assert on_time.exit_code == 0, on_time.output
    late = office.run("overdue", "--format", "json", today="2026-10-12T09:00")
    assert late.exit_code == 3, late.output
    rows = [r for r in json.loads(late.stdout) if r["kind"] == "complaint"]
    assert [(r["complaint"], r["due"], r["days_late"]) for r in rows] == [(cid, "2026-10-09", 2)]  # 10-10 is worked
    assert rows[0]["phone"] == "139****2222"
    r = office.run(
        "complaint", "resolve", cid, "--dismissed", "--finding", "查无实据", staff="S021", today="2026-10-12"
    )
    assert r.exit_code == 0, r.output
    assert office.run("overdue", today="2026-10-12T10:00").exit_code == 0


def test_only_an_inspector_resolves(office: Office):
    cid = file(office)
    r = office.run("complaint", "resolve", cid, "--upheld", "--finding", "属实", staff="S003", today="2026-09-28")
    assert r.exit_code == 1
    assert "督查人员" in r.stderr
    assert listed(office)[0]["status"] == "open"


@pytest.mark.parametrize(
    "against, barred",
    [("S003", "the accused"), ("W01", "the window head"), ("ZG-SP", "the section chief")],
)
def test_the_accused_and_the_head_of_the_accused_may_not_resolve(office: Office, against, barred):
    with_inspector(office, "S003")  # 王建国: chief of ZG-SP, head of W01, and now an inspector
    cid = file(office, against, "attitude")
    r = office.run("complaint", "resolve", cid, "--upheld", "--finding", "属实", staff="S003", today="2026-09-28")
    assert r.exit_code == 1, barred
    assert "回避" in r.stderr
    ok = office.run("complaint", "resolve", cid, "--upheld", "--finding", "属实", staff="S021", today="2026-09-28")
    assert ok.exit_code == 0, ok.output


def test_an_inspector_is_not_the_responsible_person_either(office: Office):
    with_inspector(office, "S002")
    cid = file(office, "W01", "attitude")
    r = office.run(
        "complaint",
        "resolve",
        cid,
        "--upheld",
        "--finding",
        "x",
        "--responsible",
        "S002",
        staff="S002",
        today="2026-09-28",
    )
    assert r.exit_code == 1


def test_a_complaint_is_resolved_once(office: Office):
    cid = file(office)
    args = ("complaint", "resolve", cid, "--dismissed", "--finding", "查无实据")
    assert office.run(*args, staff="S021", today="2026-09-28").exit_code == 0
    again = office.run(*args, staff="S021", today="2026-09-29")
    assert again.exit_code == 1
    assert "不能再次处理" in again.stderr


def test_resolution_needs_a_verdict(office: Office):
    cid = file(office)
    r = office.run("complaint", "resolve", cid, "--finding", "x", staff="S021", today="2026-09-28")
    assert r.exit_code == 2


@pytest.mark.parametrize(
    "about, item",
    [("attitude", "attitude_complaint"), ("notice", "no_one_time_notice"), ("integrity", "taking_advantage")],
)
def test_an_upheld_complaint_carries_its_deduction_item(office: Office, about, item):
    cid = file(office, "S001", about)
    r = office.run("complaint", "resolve", cid, "--upheld", "--finding", "属实", staff="S021", today="2026-09-28")
    assert r.exit_code == 0, r.output
    row = listed(office)[0]
    assert (row["status"], row["deduction"], row["responsible"]) == ("upheld", item, "S001")


def test_a_dismissed_complaint_deducts_nothing(office: Office):
    cid = file(office, "S001", "attitude")
    office.run("complaint", "resolve", cid, "--dismissed", "--finding", "查无实据", staff="S021", today="2026-09-28")
    row = listed(office)[0]
    assert (row["status"], row["deduction"], row["responsible"]) == ("dismissed", "", "")


def test_the_feedback_and_the_follow_up_are_recorded_and_printable(office: Office, tmp_path):
    cid = file(office)
    early = office.run("complaint", "follow-up", cid, "--result", "satisfied", "--note", "x", staff="S021")
    assert early.exit_code == 1  # not before the resolution
    r = office.run(
        "complaint", "resolve", cid, "--upheld", "--finding", "第一次告知漏列权属证明", "--feedback", "已责令整改",
        staff="S021", today="2026-09-28",
    )  # fmt: skip
    assert "【投诉处理反馈意见书】" in r.stdout and "第一次告知漏列权属证明" in r.stdout and "已责令整改" in r.stdout
    v = office.run(
        "complaint", "follow-up", cid, "--result", "满意", "--note", "投诉人表示满意", staff="S021", today="2026-09-29"
    )
    assert v.exit_code == 0, v.output
    assert "【投诉回访记录】" in v.stdout and "满意" in v.stdout
    assert listed(office)[0]["follow_up"] == "satisfied"
    page = tmp_path / "feedback.html"
    again = office.run("complaint", "print", cid, "feedback", "--html", str(page))
    assert again.exit_code == 0, again.output
    text = page.read_text(encoding="utf-8")
    assert "投诉处理反馈意见书" in text and "已责令整改" in text
    visit = tmp_path / "visit.html"
    assert office.run("complaint", "print", cid, "followup", "--html", str(visit)).exit_code == 0
    assert "投诉人表示满意" in visit.read_text(encoding="utf-8")


def test_the_accused_may_not_make_the_follow_up_visit(office: Office):
    cid = file(office)
    office.run("complaint", "resolve", cid, "--upheld", "--finding", "属实", staff="S021", today="2026-09-28")
    r = office.run(
        "complaint", "follow-up", cid, "--result", "satisfied", "--note", "x", staff="S001", today="2026-09-29"
    )
    assert r.exit_code == 1


def test_the_complainants_phone_is_masked_unless_revealed_with_a_reason(office: Office):
    file(office)
    table = office.run("complaint", "list")
    assert "139****2222" in table.stdout and "13900002222" not in table.stdout
    assert "赵*" in table.stdout
    assert office.run("complaint", "list", "--reveal").exit_code == 2
    shown = office.run("complaint", "list", "--reveal", "--reason", "回访核实", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)[0]["phone"] == "13900002222"
    audit = office.run("audit", "reveals", "--format", "json")
    assert "回访核实" in audit.stdout


def test_the_list_filters(office: Office):
    a = file(office, "S001", "notice")
    b = file(office, "W02", "attitude")
    file(office, "S001", "delay", "2025-12-01T09:00")
    office.run("complaint", "resolve", a, "--dismissed", "--finding", "x", staff="S021", today="2026-09-28")
    assert [r["id"] for r in listed(office, "--open", "--year", "2026")] == [b]
    assert [r["about"] for r in listed(office, "--against", "S001")] == ["delay", "notice"]
    assert office.run("complaint", "list", "--against", "NOBODY").exit_code == 2
