"""A scripted quarter through the commands (issue 19 "Done when"): cases, notices and a breach, an overdue
case, complaints upheld and dismissed, attendance, ratings and manual items give hand-computed scores,
grades and awards, each deduction explained; the office choices; scoring.yaml values changed."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Office

INSPECTOR = "S021"
Q = "2026Q4"
COMPLETE = ("--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def intake(office: Office, staff: str, *materials: str, today: str = "2026-11-20T09:00") -> str:
    r = ok(
        office.run(
            "intake",
            "ZG-001",
            "--applicant",
            "张三",
            "--phone",
            "13812345678",
            *materials,
            "-q",
            staff=staff,
            today=today,
        )
    )
    return r.stdout.strip()


def complaint(office: Office, against: str, about: str, case: str | None = None) -> str:
    extra = ("--case", case) if case else ()
    r = ok(
        office.run(
            "complaint",
            "file",
            "--against",
            against,
            "--about",
            about,
            "--text",
            "情况",
            "--from",
            "赵六",
            "--phone",
            "13900002222",
            *extra,
            today="2026-11-24T09:00",
        )
    )
    return r.stdout.split("编号 ")[1].split()[0]


def resolve(office: Office, cid: str, upheld: bool) -> None:
    verdict = "--upheld" if upheld else "--dismissed"
    ok(office.run("complaint", "resolve", cid, verdict, "--finding", "经查", staff=INSPECTOR, today="2026-11-26T09:00"))


def punches(office: Office, rows: list[str], name: str = "punches.csv") -> None:
    path = office.path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ok(office.run("attendance", "import", str(path), staff=INSPECTOR, today="2026-12-01T09:00"))


def day_punches(staff: str, day: str, sign_in: str = "07:55") -> list[str]:
    return [
        f"{staff},{day} {sign_in},上班",
        f"{staff},{day} 12:01,下班",
        f"{staff},{day} 14:25,上班",
        f"{staff},{day} 17:31,下班",
    ]


def rate(office: Office, kind: str, target: str, grade: str) -> None:
    ok(office.run("rate", kind, target, grade, "--quarter", Q, staff=INSPECTOR, today="2026-12-28T09:00"))


def add(office: Office, *args: str) -> None:
    ok(office.run("score", "add", *args, staff=INSPECTOR, today="2026-12-10T09:00"))


def scores(office: Office, *args: str, staff: str = INSPECTOR) -> dict[str, dict]:
    r = ok(office.run("score", Q, "--format", "json", *args, staff=staff, today="2026-12-31T09:00"))
    return {row["target"]: row for row in json.loads(r.stdout)}


def explain(office: Office, target: str) -> list[dict]:
    r = ok(office.run("score", Q, "--explain", target, "--format", "json", staff=INSPECTOR, today="2026-12-31T09:00"))
    return json.loads(r.stdout)


@pytest.fixture
def quarter(office: Office) -> dict[str, str]:
    """The scripted fourth quarter of 2026."""
    c1 = intake(office, "S001", *COMPLETE)  # due 2026-12-02
    r = office.run("overdue", "--record", staff=INSPECTOR, today="2026-12-03T08:00")
    assert r.exit_code == 3, r.output  # overdue found and recorded: S001 held it
    c2 = intake(office, "S001", "--material", "M01")
    ok(office.run("notice", c2, "--add", "M07:委托书", staff="S001", today="2026-11-23T09:00"))  # a breach
    c3 = intake(office, "S002", "--material", "M01")
    ok(office.run("notice", c3, "--add", "M07:委托书", staff="S002", today="2026-11-23T09:00"))  # a breach
    upheld_notice = complaint(office, "S002", "notice", c3)
    resolve(office, upheld_notice, True)  # the case log already took the −3: no second deduction
    upheld_attitude = complaint(office, "S004", "attitude")
    resolve(office, upheld_attitude, True)
    dismissed = complaint(office, "S002", "attitude")
    resolve(office, dismissed, False)
    punches(office, [*day_punches("S001", "2026-11-02", "08:25"), *day_punches("S002", "2026-11-02")])
    add(office, "S001", "info_report_used_centre", "--bonus", "--note", "简报第12期采用")
    add(office, "S002", "clutter", "--note", "窗口台面杂乱")
    add(office, "W02", "litter_dust")
    for target, public, peer in [
        ("S001", "excellent", "good"),
        ("S002", "优秀", "好"),
        ("S004", "良好", "较好"),
        ("S005", "excellent", "good"),
        ("S009", "good", "fairly_good"),
        ("W01", "excellent", "good"),
        ("W02", "excellent", "good"),
        ("W03", "excellent", "good"),
    ]:
        rate(office, "public", target, public)
        rate(office, "peer", target, peer)
    ok(office.run("rate", "case", c1, "良好", staff="S004", today="2026-12-05T09:00"))  # a 评议卡 for S001 (90)
    return {
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "upheld_notice": upheld_notice,
        "upheld_attitude": upheld_attitude,
        "dismissed": dismissed,
    }


def test_the_scripted_quarter_gives_the_hand_computed_scores(office: Office, quarter):
    got = scores(office)
    s1 = got["S001"]  # overdue −4, breach −3, late −1, bulletin +2
    assert s1["categories"]["case_handling"] == 23 and s1["categories"]["work_discipline"] == 19
    assert (s1["bonus"], s1["quarterly"]) == (2, 94)
    assert (s1["public"], s1["peer"]) == (92.5, 95)  # the rating 95 and the case card 90, averaged
    assert s1["composite"] == 93.9 and s1["grade"] == "excellent"
    s2 = got["S002"]  # breach −3 (the upheld notice complaint on the same case adds nothing), clutter −1
    assert (s2["quarterly"], s2["composite"], s2["grade"]) == (96, 95.6, "excellent")
    s4 = got["S004"]  # upheld attitude complaint −5; no attendance imported: nothing lost, and said
    assert (s4["categories"]["service_attitude"], s4["quarterly"], s4["composite"]) == (10, 95, 93)
    assert s4["notes"] == ["本期无考勤数据（考勤未扣分）"] and s1["notes"] == [] and s2["notes"] == []
    w1 = got["W01"]  # S001's and S002's entries rolled up: case 30−10, discipline 20−1, environment 10−1, +2
    assert w1["target_kind"] == "window" and w1["categories"]["case_handling"] == 20
    assert w1["public"] == 92.5  # the window's rating 95 and its staff's case card 90
    assert (w1["quarterly"], w1["composite"], w1["grade"]) == (90, 91.5, "excellent")
    assert got["W02"]["quarterly"] == 94  # S004's −5 and the window's own −1
    assert got["S009"]["composite"] == 96 and got["S003"]["composite"] is None and got["S003"]["grade"] == ""
    assert set(s1) == {
        "target",
        "target_kind",
        "name",
        "categories",
        "bonus",
        "quarterly",
        "public",
        "peer",
        "composite",
        "grade",
        "notes",
    }


def test_every_deduction_is_explained_with_its_source(office: Office, quarter):
    rows = explain(office, "S001")
    by_item = {r["item_code"]: r for r in rows}
    assert by_item["overdue"]["case"] == quarter["c1"] and by_item["overdue"]["points"] == "-4"
    assert (
        by_item["no_one_time_notice"]["case"] == quarter["c2"]
        and "再次告知 M07" in by_item["no_one_time_notice"]["detail"]
    )
    assert by_item["late_or_early"]["source"] == "考勤" and by_item["late_or_early"]["day"] == "2026-11-02"
    assert (
        by_item["info_report_used_centre"]["by"].startswith(INSPECTOR)
        and by_item["info_report_used_centre"]["points"] == "+2"
    )
    s2 = explain(office, "S002")
    refs = {r["ref"]: r for r in s2}
    assert refs[quarter["upheld_notice"]]["points"] == "+0" and "不重复扣分" in refs[quarter["upheld_notice"]]["detail"]
    assert quarter["dismissed"] not in refs
    assert explain(office, "S004")[0]["ref"] == quarter["upheld_attitude"]


def test_the_awards_of_the_scripted_quarter_and_why_others_are_excluded(office: Office, quarter):
    r = ok(office.run("awards", Q, "--format", "json", staff=INSPECTOR, today="2026-12-31T09:00"))
    rows = json.loads(r.stdout)
    won = [(x["award"], x["target"], x["prize"]) for x in rows if not x["excluded"]]
    assert won == [("red_flag_window", "W03", 200), ("service_model", "S005", 100), ("advanced_individual", "S009", 80)]
    why = {x["target"]: " ".join(x["reasons"]) for x in rows if x["excluded"]}
    assert "因个人原因超时办结" in why["S001"]
    assert "被投诉且查证属实" in why["S002"] and "被投诉且查证属实" in why["S004"]
    assert "W01" in why and "W02" in why  # through their staff
    table = ok(office.run("awards", Q, staff=INSPECTOR, today="2026-12-31T09:00")).stdout
    assert "不得评优：S001 张伟" in table and "按得分排序（待投票确定）" in table


def test_a_vote_decides_and_an_excluded_target_cannot_be_voted(office: Office, quarter):
    bad = office.run("awards", Q, "--vote", "advanced_individual=S001", staff=INSPECTOR, today="2026-12-31T09:00")
    assert bad.exit_code == 1 and "不得评优" in bad.output
    ok(
        office.run(
            "awards",
            Q,
            "--vote",
            "service_model=S009",
            "--vote",
            "advanced_individual=S005",
            "--ballots",
            "21",
            staff=INSPECTOR,
            today="2026-12-31T09:00",
        )
    )
    rows = json.loads(ok(office.run("awards", Q, "--format", "json", staff=INSPECTOR, today="2026-12-31T09:00")).stdout)
    assert [(x["award"], x["target"], x["decided"]) for x in rows if not x["excluded"]][1:] == [
        ("service_model", "S009", "vote"),
        ("advanced_individual", "S005", "vote"),
    ]
    assert office.run("awards", Q, "--vote", "service_model=S009", staff="S001").exit_code == 1  # inspectors only


def test_staff_see_only_their_own_score(office: Office, quarter):
    assert list(scores(office, staff="S001")) == ["S001"]
    r = office.run("score", Q, "--explain", "S002", staff="S001", today="2026-12-31T09:00")
    assert r.exit_code == 1 and "本人" in r.output
    assert ok(office.run("score", Q, "--explain", "S001", staff="S001", today="2026-12-31T09:00")).stdout


def test_only_inspectors_add_entries_and_values_are_checked(office: Office):
    assert office.run("score", "add", "S001", "clutter", staff="S002").exit_code == 1
    assert office.run("score", "add", "S001", "no_such_item", staff=INSPECTOR).exit_code == 2
    assert office.run("score", "add", "S001", "public_praise", staff=INSPECTOR).exit_code == 2  # a bonus needs --bonus
    assert (
        office.run("score", "add", "S001", "public_praise", "--bonus", "--points", "6", staff=INSPECTOR).exit_code == 2
    )
    assert office.run("score", "add", "S001", "red_flag_window_award", "--bonus", staff=INSPECTOR).exit_code == 1
    assert office.run("score", "add", "X99", "clutter", staff=INSPECTOR).exit_code == 2
    assert office.run("score", "2026Q5", staff=INSPECTOR).exit_code == 2
    assert office.run("rate", "public", "S001", "很好", "--quarter", Q, staff=INSPECTOR).exit_code == 2
    assert '"type":"score-entry"' not in "".join(p.read_text(encoding="utf-8") for p in office.records())


def test_a_cancelled_entry_no_longer_counts(office: Office):
    r = ok(office.run("score", "add", "S001", "eating", staff=INSPECTOR, today="2026-11-10T09:00"))
    entry = r.stdout.split("已录入 ")[1].split("：")[0]
    assert scores(office)["S001"]["quarterly"] == 98
    ok(office.run("score", "cancel", entry, "--reason", "录错人", staff=INSPECTOR, today="2026-11-11T09:00"))
    assert scores(office)["S001"]["quarterly"] == 100


def test_a_changed_value_in_scoring_yaml_changes_the_score(office: Office):
    add(office, "S001", "clutter")
    assert scores(office)["S001"]["quarterly"] == 99
    path = office.path / "catalog" / "scoring.yaml"
    text = path.read_text(encoding="utf-8")
    old = "{code: clutter, name: 物品摆放杂乱, points: -1, unit: p}"
    assert old in text
    text = text.replace(old, old.replace("-1", "-3"))
    path.write_text(text, encoding="utf-8")
    assert scores(office)["S001"]["quarterly"] == 97  # the entry is valued by the scheme as it is now
    add(office, "S002", "public_praise", "--bonus", "--points", "4")
    assert scores(office)["S002"]["quarterly"] == 104  # a range bonus keeps the value chosen
    weights = text.replace(
        "{code: quarterly, name: 季度考核, weight: 0.6}", "{code: quarterly, name: 季度考核, weight: 0.8}"
    )
    weights = weights.replace("{code: peer, name: 窗口互评, weight: 0.2}", "{code: peer, name: 窗口互评, weight: 0.0}")
    path.write_text(
        weights.replace("{code: excellent, name: 优秀, min: 90}", "{code: excellent, name: 优秀, min: 95}"),
        encoding="utf-8",
    )
    rate(office, "public", "S003", "pass")
    rate(office, "peer", "S003", "poor")
    s3 = scores(office)["S003"]
    assert (s3["composite"], s3["grade"]) == (96, "excellent")  # 0.8×100 + 0.2×80 + 0×50
    path.write_text(
        weights.replace("{code: excellent, name: 优秀, min: 90}", "{code: excellent, name: 优秀, min: 97}"),
        encoding="utf-8",
    )
    assert scores(office)["S003"]["grade"] == "pass"


def five_lates(office: Office, choice: str) -> dict:
    path = office.path / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    assert "five_lates: absence_only" in text
    path.write_text(text.replace("five_lates: absence_only", f"five_lates: {choice}"), encoding="utf-8")
    days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"]
    punches(office, [row for d in days for row in day_punches("S001", d, "08:30")])
    return scores(office)["S001"]


def test_five_lates_make_one_day_of_absence_only(office: Office):
    assert five_lates(office, "absence_only")["categories"]["work_discipline"] == 16  # one day's absence −4


def test_five_lates_also_cost_one_each_when_the_office_chose_so(office: Office):
    assert five_lates(office, "also_deduct")["categories"]["work_discipline"] == 11  # −4 and −5


def award_bar(office: Office, choice: str) -> dict:
    path = office.path / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("award_bar: year", f"award_bar: {choice}"), encoding="utf-8")
    args = ("sanction", "S005", "--kind", "circulated", "--reason", "无故旷工半天", "--basis", "考核办法")
    ok(office.run(*args, staff=INSPECTOR, today="2026-08-03T09:00"))
    rate(office, "public", "S005", "excellent")
    rate(office, "peer", "S005", "good")
    rows = json.loads(ok(office.run("awards", Q, "--format", "json", staff=INSPECTOR, today="2026-12-31T09:00")).stdout)
    return {x["target"]: x for x in rows}


def test_a_circulated_criticism_bars_the_awards_for_the_year(office: Office):
    got = award_bar(office, "year")
    assert got["S005"]["excluded"] and "通报批评" in " ".join(got["S005"]["reasons"])


def test_a_circulated_criticism_bars_only_its_quarter_when_the_office_chose_so(office: Office):
    got = award_bar(office, "quarter")
    assert not got["S005"]["excluded"] and got["S005"]["award"] == "service_model"


def test_the_year_end_assessment_adds_three_per_award(office: Office, quarter):
    r = ok(office.run("score", "year", "2026", "--format", "json", staff=INSPECTOR, today="2026-12-31T09:00"))
    rows = {x["target"]: x for x in json.loads(r.stdout)}
    assert rows["W03"]["year_bonus"] == 3 and rows["W03"]["annual"] == 98 + 3
    assert rows["S009"]["year_bonus"] == 0  # an advanced individual earns no year-end points
    assert rows["S001"]["quarters"] == {"2026Q1": None, "2026Q2": None, "2026Q3": None, "2026Q4": 93.9}


def test_the_quarter_page_for_posting(office: Office, quarter, tmp_path):
    html = tmp_path / "q4.html"
    ok(office.run("report", "quarter", Q, "--html", str(html), staff=INSPECTOR, today="2026-12-31T09:00"))
    page = html.read_text(encoding="utf-8")
    assert "2026年第四季度窗口及工作人员考核结果" in page and "红旗窗口" in page and "93.9" in page
    assert "size: A4" in page


def test_a_wrong_return_costs_the_sender_and_an_inspectors_finding_on_a_case_is_linked(office: Office):
    case_id = intake(office, "S001", *COMPLETE)
    args = ("send-back", case_id, "--reason", "地形图比例不符合要求", "--opinion", "请补充")
    ok(office.run(*args, staff="S003", today="2026-11-23T09:00"))
    ok(office.run("send-back", case_id, "--wrong", "--note", "比例符合要求", staff=INSPECTOR, today="2026-11-24T09:00"))
    add(office, "S001", "refused_acceptable", "--case", case_id, "--note", "材料齐全却告知不予受理")
    got = scores(office)
    assert got["S003"]["categories"]["case_handling"] == 28  # the section chief who sent it back: −2
    assert got["S001"]["categories"]["case_handling"] == 24  # the inspector's finding: −6
    rows = {r["item_code"]: r for r in explain(office, "S003")}
    assert rows["wrong_return"]["case"] == case_id and "比例符合要求" in rows["wrong_return"]["detail"]
    assert {r["item_code"]: r for r in explain(office, "S001")}["refused_acceptable"]["case"] == case_id


def test_a_service_after_the_due_date_is_overdue_for_the_holder(office: Office):
    case_id = intake(office, "S001", *COMPLETE)  # due 2026-12-01
    ok(office.run("conclude", case_id, "--result", "approved", staff="S001", today="2026-12-04T09:00"))
    ok(office.run("deliver", case_id, staff="S001", today="2026-12-04T10:00"))
    rows = [r for r in explain(office, "S001") if r["item_code"] == "overdue"]
    assert len(rows) == 1 and rows[0]["day"] == "2026-12-04" and "2026-12-01" in rows[0]["detail"]


def test_a_case_recorded_overdue_and_served_late_costs_once(office: Office):
    case_id = intake(office, "S001", *COMPLETE)
    for day in ("2026-12-02", "2026-12-03"):
        assert office.run("overdue", "--record", staff=INSPECTOR, today=f"{day}T08:00").exit_code == 3
    ok(office.run("conclude", case_id, "--result", "approved", staff="S001", today="2026-12-04T09:00"))
    ok(office.run("deliver", case_id, staff="S001", today="2026-12-04T10:00"))
    rows = [r for r in explain(office, "S001") if r["item_code"] == "overdue"]
    assert len(rows) == 1 and rows[0]["day"] == "2026-12-02" and "记录超期" in rows[0]["detail"]
    assert scores(office)["S001"]["categories"]["case_handling"] == 26


def test_a_temporary_covers_manual_entry_goes_to_the_window(office: Office):
    args = ("cover", "add", "钱七", "--post", "P-BD-A", "--from", "2026-11-23", "--to", "2026-11-27")
    ok(
        office.run(
            *args, "--unit", "县不动产登记中心", "--approved-by", INSPECTOR, staff=INSPECTOR, today="2026-11-20T09:00"
        )
    )
    cover = json.loads(ok(office.run("cover", "list", "--format", "json", staff=INSPECTOR)).stdout)[0]
    cover_id = cover.get("id") or cover.get("cover")
    ok(
        office.run(
            "score", "add", cover_id, "eating", "--date", "2026-11-24", staff=INSPECTOR, today="2026-11-25T09:00"
        )
    )
    got = scores(office)
    assert got["W02"]["categories"]["environment"] == 8 and got["S004"]["quarterly"] == 100
    assert "钱七" in explain(office, "W02")[0]["detail"]
