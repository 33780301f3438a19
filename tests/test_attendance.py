"""Attendance (DOMAIN.md "Attendance", seed 002 五): the half-day rules at the worked numbers, summer
hours, leave, the 5-to-1 rule and its office choice, proxy signing, patrols, the weekly posting and
its objections, and the findings the assessment reads."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from svccli.core.attendance import Punch, Span, five_lates, half_span, judge_half
from svccli.core.workhours import Hours

H = Hours.of(())
DAY = dt.date(2026, 11, 10)  # a Tuesday
SUMMER_DAY = dt.date(2026, 7, 15)


def at(text: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(text))


def am(*times: str, marks: tuple[str, ...] = (), **kw):
    punches = [Punch("S001", at(t), marks[i] if i < len(marks) else "") for i, t in enumerate(times)]
    return judge_half("S001", DAY, "am", half_span(H, DAY, "am"), punches, **kw)


def kinds(judged) -> list[str]:
    return [f.kind for f in judged.findings]


# --- the worked numbers -------------------------------------------------------------------------


def test_sign_in_at_0820_is_late_and_at_0819_is_not():
    assert kinds(am("08:20:00", "12:00")) == ["late"]
    assert kinds(am("08:19:59", "12:00")) == []


def test_sign_out_at_1140_is_not_early_and_at_1139_is():
    assert kinds(am("07:55", "11:40:00")) == []
    assert kinds(am("07:55", "11:39:59")) == ["early"]


def test_away_61_minutes_is_absence_and_60_is_not():
    permit = [Span(at("09:00"), at("10:01"), "取件")]
    assert kinds(am("07:55", "12:00", permits=permit)) == ["absent"]
    permit = [Span(at("09:00"), at("10:00"), "取件")]
    assert kinds(am("07:55", "12:00", permits=permit)) == []


def test_away_measured_from_the_machines_break_punches():
    marks = ("", "break-out", "break-in", "")
    assert kinds(am("07:55", "09:00", "10:01", "12:00", marks=marks)) == ["absent"]
    assert kinds(am("07:55", "09:00", "10:00", "12:00", marks=marks)) == []


def test_missing_punches():
    assert kinds(am()) == ["absent"]  # neither sign-in nor sign-out
    assert kinds(am("11:58")) == ["late"]  # no sign-in
    assert kinds(am("07:58")) == ["early"]  # no sign-out
    assert am().findings[0].why == "既无签到又无签退"


def test_summer_afternoon_hours():
    def pm(day, *times):
        punches = [Punch("S001", at(t, day)) for t in times]
        return kinds(judge_half("S001", day, "pm", half_span(H, day, "pm"), punches))

    assert half_span(H, SUMMER_DAY, "pm")[0].time() == dt.time(15, 0)
    assert pm(SUMMER_DAY, "15:19", "18:00") == []  # 19 minutes after 15:00
    assert pm(dt.date(2026, 11, 16), "15:19", "17:30") == ["late"]  # 49 minutes after 14:30
    assert pm(SUMMER_DAY, "14:55", "17:39") == ["early"]  # 21 minutes before 18:00
    assert pm(dt.date(2026, 11, 16), "14:25", "17:39") == []  # after 17:30


def test_approved_leave_excuses_the_half_day_or_moves_its_start():
    whole = [Span(at("08:00"), at("12:00"), "事假")]
    judged = am(leaves=whole)
    assert judged.leave and judged.findings == ()
    until_ten = [Span(at("08:00"), at("10:00"), "事假")]
    assert kinds(am("10:10", "12:00", leaves=until_ten)) == []
    assert kinds(am("10:25", "12:00", leaves=until_ten)) == ["late"]
    # leave over part of a stretch away: only the uncovered minutes count
    permit = [Span(at("09:00"), at("10:30"), "办事")]
    assert kinds(am("07:55", "12:00", permits=permit, leaves=[Span(at("09:00"), at("09:40"), "事假")])) == []


def test_proxy_signing_is_absence_whatever_the_punches():
    judged = am("07:55", "12:00", proxies=[Span(dt.datetime.min, dt.datetime.min, "巡查发现代签到", "e1")])
    assert kinds(judged) == ["proxy"]


def test_five_lates_make_one_day_of_absence_and_the_office_choice():
    from svccli.core.attendance import Finding

    lates = [Finding("S007", dt.date(2026, 11, d), "am", "late", "", f"e{d}") for d in (2, 4, 6, 9, 11, 12)]
    only = five_lates(lates, "absence_only")
    assert [f.kind for f in only].count("absent") == 2  # am and pm of the fifth's day
    assert [f.kind for f in only].count("late") == 1  # the sixth stays a late
    assert {f.day for f in only if f.kind == "absent"} == {dt.date(2026, 11, 11)}
    both = five_lates(lates, "also_deduct")
    assert [f.kind for f in both].count("late") == 6 and [f.kind for f in both].count("absent") == 2
    assert five_lates(lates[:4], "absence_only") == sorted(lates[:4], key=lambda f: f.day)


# --- through the commands -----------------------------------------------------------------------

INSPECTOR = "S021"


def punches_csv(office, rows: list[tuple[str, str]], name: str = "punches.csv"):
    text = "人员,打卡时间\n" + "".join(f"{who},{when}\n" for who, when in rows)
    path = office.path / name
    path.write_text(text, encoding="utf-8")
    return path


def week_of_punches(who: str = "S001", days=range(16, 21), odd: dict | None = None) -> list[tuple[str, str]]:
    """Normal punches for one person on 2026-11-<days>, with some replaced: {(day, slot): time}."""
    odd = odd or {}
    normal = ("07:55", "12:01", "14:25", "17:31")
    rows = []
    for d in days:
        for slot, t in enumerate(normal):
            t = odd.get((d, slot), t)
            if t:
                rows.append((who, f"2026-11-{d:02d} {t}"))
    return rows


def imported(office, rows, today="2026-11-30T18:00"):
    r = office.run("attendance", "import", str(punches_csv(office, rows)), today=today, staff=INSPECTOR)
    assert r.exit_code == 0, r.output
    return r


def report(office, month="2026-11", staff="S001", today="2026-11-30T18:00"):
    r = office.run("attendance", "report", "--month", month, "--staff", staff, "--format", "json", today=today)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)[0]


def test_report_counts_half_days(office):
    odd = {(16, 0): "08:20", (17, 0): "08:19", (18, 1): "11:39", (19, 1): "11:40", (20, 0): None, (20, 1): None}
    imported(office, week_of_punches(odd=odd))
    row = report(office)
    assert (row["late"], row["early"], row["absent_half_days"], row["absent_days"]) == (1, 1, 1, 0.5)
    assert {(d["date"], d["half"], d["kind"]) for d in row["details"]} == {
        ("2026-11-16", "am", "late"),
        ("2026-11-18", "am", "early"),
        ("2026-11-20", "am", "absent"),
    }
    assert set(row) >= {"staff", "name", "unit", "late", "early", "absent_half_days", "absent_days", "leave_days"}


def test_reimport_adds_nothing(office):
    imported(office, week_of_punches())
    before = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in office.records())
    again = imported(office, week_of_punches())
    assert "均已导入过" in again.stdout
    assert sum(len(p.read_text(encoding="utf-8").splitlines()) for p in office.records()) == before
    # a file with old and new punches adds only the new ones
    more = imported(office, week_of_punches(days=range(16, 24)))
    assert "已导入" in more.stdout and "12 条" in more.stdout  # 11-21, 22, 23: 4 new each; 16-20 known
    event = json.loads(office.records()[-1].read_text(encoding="utf-8").splitlines()[-1])
    assert event["type"] == "punches" and event["source"] == "punches.csv" and len(event["sha256"]) == 64


def test_no_data_is_not_absence(office):
    imported(office, week_of_punches())
    row = report(office, staff="S002")
    assert row["data"] is False and row["late"] is None and row["absent_half_days"] is None
    table = office.run("attendance", "report", "--month", "2026-11", today="2026-11-30T18:00")
    assert "无考勤数据" in table.stdout


def test_summer_hours_in_the_report(office):
    rows = [("S001", "2026-07-15 07:55"), ("S001", "2026-07-15 12:00"), ("S001", "2026-07-15 15:19")]
    imported(office, rows + [("S001", "2026-07-15 17:39")], today="2026-07-31T18:00")
    row = report(office, month="2026-07", today="2026-07-31T18:00")
    assert (row["late"], row["early"]) == (0, 1)  # 15:19 is on time in summer (15:00); 17:39 is 21 minutes early
    assert row["details"][0]["why"] == "17:39 签退，早 21 分钟"


def leave_request(office, staff, start, end, substitute, approver):
    r = office.run(
        "leave", "request", staff, "--from", start, "--to", end, "--kind", "personal", "--reason", "家事",
        "--substitute", substitute, "--format", "json", today="2026-11-16T08:00", staff=staff,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    leave_id = json.loads(r.stdout)["id"] if r.stdout.strip().startswith("{") else json.loads(r.stdout)[0]["id"]
    a = office.run("leave", "approve", leave_id, today="2026-11-16T08:05", staff=approver)
    assert a.exit_code == 0, a.output


def test_approved_leave_excuses_absence(office):
    imported(office, week_of_punches(odd={(19, s): None for s in range(4)}))
    assert report(office)["absent_half_days"] == 2
    leave_request(office, "S001", "2026-11-19T08:00", "2026-11-19T17:30", "S002", "S003")
    row = report(office)
    assert (row["absent_half_days"], row["leave_days"]) == (0, 1.0)


def test_permit_over_an_hour_without_leave_is_absence(office):
    imported(office, week_of_punches())
    args = ("absence", "S001", "--reason", "到局里送材料", "--post", "P-ZG-A")
    r = office.run(*args, "--from", "2026-11-17T09:00", "--to", "2026-11-17T10:00", today="2026-11-17T09:00")
    assert r.exit_code == 0, r.output
    assert report(office)["absent_half_days"] == 0
    r = office.run(*args, "--from", "2026-11-18T09:00", "--to", "2026-11-18T10:01", today="2026-11-18T09:00")
    assert r.exit_code == 0 and "超过一小时" in r.stderr
    row = report(office)
    assert row["absent_half_days"] == 1 and "61 分钟" in row["details"][0]["why"]


def test_five_lates_office_choice_difference(office):
    late = {(d, 0): "08:30" for d in (16, 17, 18, 19, 20)}
    imported(office, week_of_punches(odd=late))
    row = report(office)
    assert (row["late"], row["five_lates_days"], row["absent_days"], row["deducted_lates"]) == (5, 1, 1.0, 0)
    from svccli.store.attendance import findings
    from svccli.store.catalog_cache import load_home_cached

    found, with_data = findings(load_home_cached(office.path), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert with_data == {"S001"} and sorted(f.kind for f in found) == ["absent", "absent"]
    path = office.path / "catalog" / "office.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("five_lates: absence_only", "five_lates: also_deduct"))
    row = report(office)
    assert (row["five_lates_days"], row["absent_days"], row["deducted_lates"]) == (1, 1.0, 5)
    found, _ = findings(load_home_cached(office.path), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert sorted(f.kind for f in found) == ["absent", "absent"] + ["late"] * 5


def test_proxy_signing_is_absence_for_both(office):
    imported(office, week_of_punches() + week_of_punches("S002"))
    args = ("attendance", "proxy", "S001", "--date", "2026-11-17", "--half", "am", "--for", "李娜")
    refused = office.run(*args, today="2026-11-17T10:00", staff="S003")
    assert refused.exit_code == 1  # only inspectors and the centre's leaders record patrol findings
    r = office.run(*args, today="2026-11-17T10:00", staff=INSPECTOR)
    assert r.exit_code == 0, r.output
    for who in ("S001", "S002"):
        row = report(office, staff=who)
        assert row["absent_half_days"] == 1 and row["details"][0]["kind"] == "proxy"


def test_patrol_empty_post_unless_excused(office):
    imported(office, week_of_punches())
    r = office.run("patrol", "--post", "P-ZG-A", "--at", "2026-11-17T10:00", today="2026-11-17T10:00", staff=INSPECTOR)
    assert r.exit_code == 0 and "张伟" in r.stdout
    office.run(
        "absence", "S001", "--from", "2026-11-18T09:30", "--to", "2026-11-18T10:15", "--reason", "取件",
        "--post", "P-ZG-A", today="2026-11-18T09:30",
    )  # fmt: skip
    r = office.run("patrol", "--post", "P-ZG-A", "--at", "2026-11-18T10:00", today="2026-11-18T10:00", staff=INSPECTOR)
    assert r.exit_code == 0 and "记 李娜" in r.stdout  # the A holder is out on a permit: the first B holder
    row = report(office)
    assert row["empty_posts"] == 1 and row["absent_half_days"] == 0


def test_objection_within_two_working_days_and_a_late_one_refused(office):
    imported(office, week_of_punches(odd={(17, 0): "08:40"}))
    early = office.run(
        "attendance", "object", "S001", "--date", "2026-11-17", "--reason", "指纹机故障", today="2026-11-20"
    )
    assert early.exit_code == 1 and "尚未公示" in early.stderr
    post = office.run("attendance", "post", "--week", "2026-W47", today="2026-11-23T09:00", staff=INSPECTOR)
    assert post.exit_code == 0, post.output
    assert "张伟" in post.stdout and "2026-11-25" in post.stdout  # the objection deadline
    ok = office.run(
        "attendance", "object", "S001", "--date", "2026-11-17", "--reason", "指纹机故障", today="2026-11-25"
    )
    assert ok.exit_code == 0, ok.output
    late = office.run(
        "attendance", "object", "S001", "--date", "2026-11-17", "--reason", "指纹机故障", today="2026-11-26"
    )
    assert late.exit_code == 1 and "逾期" in late.stderr


def test_weekly_posting_and_monthly_notice_print(office, tmp_path):
    imported(office, week_of_punches(odd={(17, 0): "08:40"}))
    page = tmp_path / "post.html"
    r = office.run("attendance", "post", "--week", "2026-W47", "--html", str(page), today="2026-11-23", staff=INSPECTOR)
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    assert "考勤公示" in html and "张伟" in html and "size: A4" in html
    notice = tmp_path / "notice.html"
    r = office.run("attendance", "summary", "--month", "2026-11", "--unit", "自然资源", "--html", str(notice))
    assert r.exit_code == 0, r.output
    assert "县自然资源和规划局：" in r.stdout and "李娜　无考勤数据" in r.stdout
    assert "考勤情况通报" in notice.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [("--month", "2026-13"), ("--month", "11/2026")])
def test_bad_month_is_a_usage_error(office, args):
    r = office.run("attendance", "report", *args)
    assert r.exit_code == 2 and "--month" in r.stderr


def test_patrol_outside_office_hours_is_refused(office):
    for moment in ("2026-11-17T13:00", "2026-11-21T10:00"):  # lunch; a Saturday
        r = office.run("patrol", "--post", "P-ZG-A", "--at", moment, today="2026-11-23T10:00", staff=INSPECTOR)
        assert r.exit_code == 1 and "不在上班时间内" in r.stderr
    assert office.records() == []
