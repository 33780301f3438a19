"""Handover, custody, review and check, joint and forwarded items (issue 5).

Rules: seed 003 工作流程 四 (the window fills in the 项目收件交接单; the lead section collects the
materials the same working day), 五 (review, then a leader signs), 八 and 九 (the result goes back to
the window, which tells the applicant); seed 000 首问负责制 第三条 (the first-contact person receives for
an absent handler); seed 000 第四篇 二.6 (联办件: each co-handler has its own part limit; 报批件: the
committed limit includes the higher authority's time); DOMAIN.md 一审一核 (two different people) and
A/B post (the A holder, else the first B holder who is not away).
"""

from __future__ import annotations

import json
import re

from conftest import REPO
from svccli.store.home import load_home

HOME = load_home(REPO)
APPLICANT = ["--applicant", "桐乡某建设公司", "--phone", "13812345678"]
ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def refused(result, *words):
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    for w in words:
        assert w in result.stderr, (w, result.stderr)
    return result


def required(code: str) -> list[str]:
    return [x for m in HOME.catalog.items[code].materials if m.required for x in ("--material", f"{m.code}:{m.copies}")]


def intake(office, service="ZG-001", *materials, today="2026-11-20T09:00", staff="S001", extra=()):
    r = ok(office.run("intake", service, *APPLICANT, *(materials or ZG_ALL), *extra, "-q", today=today, staff=staff))
    return r.stdout.strip()


def shown(office, case_id, today="2026-12-04T09:00") -> dict:
    return json.loads(ok(office.run("show", case_id, "--format", "json", today=today)).stdout)


# -- the whole way of a committed case ----------------------------------------------------------------


def test_committed_case__window_section_review_approval_conclusion_back_to_window_delivered(reviewing):
    """003 工作流程 四 to 九 with 一审一核 on (the sample office): every step is in the chain of custody."""
    office = reviewing
    case_id = intake(office)  # S001 (张伟, 1号窗口 A 岗) accepts on Fri 2026-11-20
    slip = ok(office.run("handover", case_id, "--to", "ZG-SP", today="2026-11-20T09:30")).stdout
    assert "项目收件交接单" in slip and "自然资源和规划局审批科" in slip
    moving = shown(office, case_id, today="2026-11-20T10:00")
    assert moving["holder"] == "S001" and moving["in_transit"]["to"] == "ZG-SP"
    assert "移交途中" in moving["status_name"]
    ok(office.run("receive", case_id, today="2026-11-20T15:00", staff="S002"))  # 李娜, of the section
    case = shown(office, case_id, today="2026-11-20T16:00")
    assert case["holder"] == "S002" and case["in_transit"] is None
    ok(office.run("review", case_id, "--opinion", "材料齐全，符合许可条件", today="2026-11-24T09:00", staff="S002"))
    ok(office.run("approve", case_id, "--opinion", "同意", today="2026-11-24T11:00", staff="S003"))
    ok(
        office.run(
            "conclude",
            case_id,
            "--result",
            "approved",
            "--note",
            "建字第2026-088号",
            today="2026-11-25T09:00",
            staff="S002",
        )
    )
    back = ok(office.run("return", case_id, today="2026-11-25T10:00", staff="S002")).stdout
    assert "回交窗口" in back and "1号窗口" in back and "准予" in back
    refused(office.run("deliver", case_id, today="2026-11-25T10:30"), "尚未接收")  # nobody holds it yet
    ok(office.run("receive", case_id, today="2026-11-25T11:00", staff="S001"))
    ok(office.run("deliver", case_id, today="2026-11-26T09:00", staff="S001"))
    case = shown(office, case_id)
    assert case["status"] == "delivered" and case["holder"] == "S001"
    assert [t["kind"] for t in case["custody"]] == [
        "intake",
        "accept",
        "handover",
        "receive",
        "return",
        "receive",
        "deliver",
    ]
    assert [t["kind"] for t in case["timeline"]] == [
        "intake",
        "accept",
        "handover",
        "receive",
        "review",
        "approve",
        "conclude",
        "return",
        "receive",
        "deliver",
    ]
    assert [t["by"] for t in case["custody"]] == ["S001", "S001", "S001", "S002", "S002", "S001", "S001"]
    assert case["review"]["reviewer"] == "S002" and case["review"]["checker"] == "S003"
    text = ok(office.run("show", case_id, today="2026-12-04T09:00")).stdout
    assert "交接链：" in text and "移交：张伟 → 自然资源和规划局审批科" in text and "接收交接（移交人：张伟）" in text
    assert "回交窗口：李娜 → 1号窗口（自然资源和规划）（张伟）" in text
    assert "一审一核：审查 李娜" in text and "复核 王建国" in text


def test_handover_slip__every_material_and_count(office, tmp_path):
    """The 项目收件交接单 lists case, service, each material with its count, from, to, date and time and
    the signature blanks, on the terminal and as an A4 page."""
    case_id = intake(office)
    page = tmp_path / "slip.html"
    text = ok(
        office.run(
            "handover", case_id, "--to", "ZG-SP", "--note", "原件已核对", "--html", str(page), today="2026-11-20T09:30"
        )
    ).stdout
    html = page.read_text(encoding="utf-8")
    item = HOME.catalog.items["ZG-001"]
    for doc in (text, html):
        assert case_id in doc and item.name in doc and "桐乡县政务服务中心" in doc
        for code in ("M01", "M02", "M05", "M06"):
            assert code in doc and item.material(code).name in doc
        assert "张伟" in doc and "自然资源和规划局审批科" in doc and "09:30" in doc and "原件已核对" in doc
        assert "移交人签字" in doc and "接收人签字" in doc
        assert "138****5678" in doc and "13812345678" not in doc  # the slip stays inside: phone masked
    assert "共 4 项 5 份" in text and "M05 " + item.material("M05").name + "　原件 2 份" in text
    assert re.search(r"合计 4 项</td><td class=\"n\">5</td>", html)
    assert "2026年11月20日 09:30" in html and "@page { size: A4;" in html
    # a partial handover lists only what was handed over; the slip can be printed again
    other = intake(office, today="2026-11-20T10:00")
    part = ok(
        office.run(
            "handover", other, "--to", "ZG-SP", "--material", "M01", "--material", "M05:2", today="2026-11-20T10:05"
        )
    ).stdout
    assert "共 2 项 3 份" in part and "M02" not in part.split("移交材料")[1]
    refused(
        office.run("handover", intake(office, today="2026-11-20T11:00"), "--to", "ZG-SP", "--material", "M05:3"),
        "只收到 2 份",
    )
    again = ok(office.run("print", other, "handover", today="2026-11-21T09:00")).stdout
    assert "共 2 项 3 份" in again


# -- the same working day ------------------------------------------------------------------------------


def test_unreceived_handover__flagged_after_the_working_day(office):
    """003 工作流程 四: the section collects the same working day. Handed over Fri 2026-11-20 and not
    received: nothing to report that evening; on Mon 11-23 both `svc handovers --pending` and
    `svc overdue` report it (exit 3: the office's own lateness)."""
    case_id = intake(office)
    ok(office.run("handover", case_id, "--to", "ZG-SP", today="2026-11-20T16:00"))
    r = ok(office.run("handovers", "--format", "json", today="2026-11-20T17:30"))
    assert [x["case"] for x in json.loads(r.stdout)] == [case_id]  # in transit, not late yet
    r = ok(office.run("handovers", "--pending", today="2026-11-20T17:30"))
    assert r.stdout == ""
    assert office.run("overdue", today="2026-11-20T17:30").exit_code == 0
    r = office.run("handovers", "--pending", "--format", "json", today="2026-11-23T08:30")
    assert r.exit_code == 3
    [row] = json.loads(r.stdout)
    assert row["case"] == case_id and row["receive_by"] == "2026-11-20" and row["days_late"] == 1
    r = office.run("overdue", "--format", "json", today="2026-11-23T08:30")
    assert r.exit_code == 3
    [finding] = json.loads(r.stdout)
    assert (finding["kind"], finding["kind_name"], finding["date"]) == ("handover", "交接未接收", "2026-11-20")
    ok(office.run("receive", case_id, today="2026-11-23T09:00", staff="S003"))
    assert office.run("overdue", today="2026-11-23T10:00").exit_code == 0


def test_handover_on_a_day_off__due_by_the_next_working_day(office):
    case_id = intake(office)
    ok(office.run("handover", case_id, "--to", "ZG-SP", today="2026-11-21T10:00"))  # a Saturday
    assert office.run("overdue", today="2026-11-23T17:00").exit_code == 0
    assert office.run("overdue", today="2026-11-24T08:00").exit_code == 3


# -- 一审一核 -------------------------------------------------------------------------------------------


def test_review_and_check__conclusion_refused_without_two_people(reviewing):
    """DOMAIN.md 一审一核: a committed item is concluded only after a review and a check by another person."""
    office = reviewing
    case_id = intake(office)
    refused(office.run("conclude", case_id, "--result", "approved"), "尚未审查", "一审一核")
    refused(office.run("approve", case_id, staff="S003"), "尚无审查意见")
    ok(office.run("review", case_id, "--opinion", "符合条件", staff="S001"))
    refused(office.run("conclude", case_id, "--result", "approved"), "尚未由另一名工作人员复核")
    refused(office.run("approve", case_id, staff="S001"), "张伟 是案件", "审查人", "不能再复核")
    ok(office.run("approve", case_id, staff="S003"))
    refused(office.run("approve", case_id, staff="S002"), "已由 王建国 复核")
    ok(office.run("conclude", case_id, "--result", "approved"))


def test_review_and_check__a_new_review_needs_a_new_check(reviewing):
    office = reviewing
    case_id = intake(office)
    ok(office.run("review", case_id, "--opinion", "符合条件", staff="S001"))
    ok(office.run("approve", case_id, staff="S003"))
    ok(office.run("review", case_id, "--opinion", "补充核查后仍符合条件", staff="S003"))
    refused(office.run("conclude", case_id, "--result", "approved"), "复核")
    refused(office.run("approve", case_id, staff="S003"), "审查人")
    ok(office.run("approve", case_id, staff="S001"))
    ok(office.run("conclude", case_id, "--result", "approved"))


def test_review_and_check__not_for_immediate_items(reviewing):
    r = ok(reviewing.run("intake", "BD-001", *APPLICANT, "--material", "M01", "--material", "M02", "--done", "-q"))
    assert shown(reviewing, r.stdout.strip())["status"] == "delivered"


# -- refusals ----------------------------------------------------------------------------------------


def test_refused__handover_of_a_concluded_case(office):
    """A case served on the applicant (办结) no longer moves; nor does a refused one."""
    case_id = intake(office, "BD-001", "--material", "M01", "--material", "M02", extra=("--done",))
    refused(office.run("handover", case_id, "--to", "BD-SP"), "已办结送达", "不能移交")
    pending = intake(office, "ZG-001", "--material", "M01")
    refused(office.run("handover", pending, "--to", "ZG-SP"), "待补正", "不能移交")


def test_refused__receive_by_someone_outside_the_receiving_section(office):
    case_id = intake(office)
    ok(office.run("handover", case_id, "--to", "ZG-SP", today="2026-11-20T09:30"))
    refused(
        office.run("receive", case_id, today="2026-11-20T10:00", staff="S009"),
        "周敏（S009）不是自然资源和规划局审批科的人员",
    )
    refused(office.run("receive", case_id, today="2026-11-20T10:00", staff="S001"), "移交人", "不能自己接收")
    refused(office.run("handover", case_id, "--to", "BD-SP", today="2026-11-20T10:00"), "尚未接收")
    refused(office.run("review", case_id, "--opinion", "x", today="2026-11-20T10:00"), "尚未接收")
    assert shown(office, case_id)["holder"] == "S001"
    ok(office.run("receive", case_id, today="2026-11-20T10:00", staff="S003"))
    refused(office.run("receive", case_id, today="2026-11-20T10:05", staff="S002"), "不在移交途中")


def test_refused__unknown_target_is_a_usage_error(office):
    r = office.run("handover", intake(office), "--to", "NOPE")
    assert r.exit_code == 2 and "不是科室、人员、岗位或窗口编码" in r.stderr


# -- routing by post ----------------------------------------------------------------------------------


def test_routing__post_and_window_go_to_the_staff_on_duty(office):
    """DOMAIN.md A/B post: the A holder (everyone present until leave is recorded)."""
    case_id = intake(office)
    slip = ok(office.run("handover", case_id, "--to", "P-ZG-B", today="2026-11-20T09:30")).stdout
    assert "矿产用地受理岗，当日在岗：李娜" in slip  # the post and who is on duty there, not doubled brackets
    moving = shown(office, case_id, today="2026-11-20T10:00")["in_transit"]
    assert (moving["to"], moving["receiver"]) == ("P-ZG-B", "S002")
    refused(office.run("receive", case_id, staff="S004"), "不是接收方")
    ok(office.run("receive", case_id, today="2026-11-20T10:00", staff="S003"))  # a B holder of the post covers
    assert shown(office, case_id)["holder"] == "S003"
    ok(office.run("return", case_id, "--to", "W02", today="2026-11-20T11:00", staff="S003"))
    assert shown(office, case_id)["in_transit"]["receiver"] == "S004"  # 2号窗口: 刘芳, A of P-BD-A
    r = office.run("return", intake(office, today="2026-11-20T12:00"), "--to", "ZG-SP")
    assert r.exit_code == 2 and "窗口" in r.stderr


def test_first_contact_receives_for_an_absent_handler(office):
    """000 首问负责制 第三条: when the handler is not at their post, the first-contact person receives,
    passes on and tracks the matter; the case shows it."""
    case_id = intake(office, staff="S002", extra=("--first-contact", "S001"))
    ok(office.run("handover", case_id, "--to", "S007", today="2026-11-20T09:30", staff="S002"))
    refused(office.run("receive", case_id, today="2026-11-20T10:00", staff="S004"), "不是接收方")
    r = ok(office.run("receive", case_id, today="2026-11-20T10:00", staff="S001"))
    assert "代 赵磊 接收" in r.stderr
    case = shown(office, case_id)
    assert case["holder"] == "S001"
    assert "赵磊不在岗，首问责任人代为接收" in case["custody"][-1]["text"]


# -- joint items ------------------------------------------------------------------------------------


def two_co_departments(office):
    """SC-004 (joint, committed 7) with two co-handling departments: 消防 (2 days) and 自然资源 (5)."""
    path = office.path / "catalog/services/sc.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        - {department: XF, limit: 5}     # 公众聚集场所消防安全检查\n"
    assert old in text
    path.write_text(
        text.replace(old, "        - {department: XF, limit: 2}\n        - {department: ZG, limit: 5}\n"),
        encoding="utf-8",
    )


def test_joint_case__concludes_only_when_both_parts_are_done_and_reports_the_late_part(office):
    """000 第四篇 二.6: accepted Fri 2026-11-20, the 消防 part is due Tue 11-24 and the 自然资源 part
    Fri 11-27 (counted from acceptance). 消防 finishes Thu 11-26, two working days late."""
    two_co_departments(office)
    case_id = intake(office, "SC-004", *required("SC-004"))
    parts = {p["department"]: p for p in shown(office, case_id, today="2026-11-20T10:00")["parts"]}
    assert (parts["XF"]["due"], parts["ZG"]["due"]) == ("2026-11-24", "2026-11-27")
    r = office.run("overdue", "--format", "json", today="2026-11-25T08:00")
    assert r.exit_code == 3
    assert [(f["kind"], f["detail"], f["date"]) for f in json.loads(r.stdout)] == [
        ("part", "县消防救援大队", "2026-11-24")
    ]
    r = ok(
        office.run("part", case_id, "XF", "--done", "--opinion", "消防检查合格", today="2026-11-26T09:00", staff="S015")
    )
    assert "超过协办时限 2 日" in r.stderr and "仍待协办：ZG" in r.stderr
    refused(
        office.run("conclude", case_id, "--result", "approved", today="2026-11-26T10:00"),
        "县自然资源和规划局",
        "尚未完成协办",
    )
    refused(office.run("part", case_id, "XF", "--done", today="2026-11-26T10:00"), "已于 2026-11-26 完成")
    assert office.run("part", case_id, "WG", "--done").exit_code == 2
    ok(office.run("part", case_id, "ZG", "--done", today="2026-11-27T09:00", staff="S003"))
    assert office.run("overdue", today="2026-11-27T10:00").exit_code == 0
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-11-27T10:00"))
    case = shown(office, case_id)
    late = {p["department"]: p["days_late"] for p in case["parts"]}
    assert late == {"XF": 2, "ZG": 0}
    text = ok(office.run("show", case_id, today="2026-12-04T09:00")).stdout
    assert "协办：县消防救援大队　期限 2026-11-24　2026-11-26 完成，逾期 2 个工作日" in text


def test_joint_case__catalogue_part_opens_on_acceptance(office):
    case_id = intake(office, "SC-004", *required("SC-004"))
    assert [(p["department"], p["limit"]) for p in shown(office, case_id)["parts"]] == [("XF", 5)]
    assert shown(office, intake(office))["parts"] == []


# -- forwarded items --------------------------------------------------------------------------------


def test_forwarded_case__sent_up_answered_then_concluded_within_the_committed_limit(office):
    """000 第四篇 二.6: the forwarded item's committed limit includes the higher authority's time."""
    case_id = intake(office, "LY-003", *required("LY-003"), staff="S012")
    due = shown(office, case_id)["due"]
    r = ok(office.run("forward", case_id, today="2026-11-23T09:00", staff="S012"))
    assert "浙江省林业局" in r.stderr and due in r.stderr
    refused(office.run("conclude", case_id, "--result", "approved", today="2026-11-24T09:00"), "尚未答复")
    refused(office.run("forward", case_id, today="2026-11-24T09:00"), "尚待答复")
    ok(
        office.run(
            "answer",
            case_id,
            "--result",
            "approved",
            "--note",
            "浙林地许准〔2026〕12号",
            today="2026-12-10T09:00",
            staff="S012",
        )
    )
    refused(office.run("conclude", case_id, "--result", "denied", today="2026-12-10T10:00"), "须与之一致")
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-12-10T10:00", staff="S012"))
    case = shown(office, case_id, today="2026-12-11T09:00")
    assert case["forward"]["result"] == "approved" and case["forward"]["to"] == "浙江省林业局"
    refused(office.run("forward", intake(office)), "不是报批件")


def test_forwarded_case__past_the_committed_limit_is_overdue_while_waiting(office):
    case_id = intake(office, "LY-003", *required("LY-003"), staff="S012")
    ok(office.run("forward", case_id, today="2026-11-23T09:00", staff="S012"))
    due = shown(office, case_id)["due"]
    r = office.run("overdue", "--format", "json", today="2026-12-31T09:00")
    assert r.exit_code == 3 and [(f["case"], f["date"]) for f in json.loads(r.stdout)] == [(case_id, due)]
    holders = json.loads(ok(office.run("holders", "--format", "json", today="2026-12-31T09:00")).stdout)
    assert holders[0]["forward"]["to"] == "浙江省林业局"


# -- who holds what -------------------------------------------------------------------------------------


def test_holders__every_open_case_with_holder_transit_and_open_parts(office):
    a = intake(office)
    b = intake(office, "SC-004", *required("SC-004"), staff="S017", today="2026-11-20T09:10")
    c = intake(office, "ZG-001", "--material", "M01", today="2026-11-20T09:20")  # pending, held at the window
    ok(office.run("handover", a, "--to", "ZG-SP", today="2026-11-20T09:30"))
    rows = json.loads(ok(office.run("holders", "--format", "json", today="2026-11-20T10:00")).stdout)
    by_case = {r["case"]: r for r in rows}
    assert set(by_case) == {a, b, c}
    assert by_case[a]["holder"] == "S001" and by_case[a]["transit"]["to"] == "ZG-SP"
    assert [p["department"] for p in by_case[b]["parts"]] == ["XF"] and by_case[b]["holder"] == "S017"
    assert by_case[c]["transit"] is None and by_case[c]["parts"] == []
    mine = json.loads(ok(office.run("holders", "--staff", "S003", "--format", "json", today="2026-11-20T10:00")).stdout)
    assert [r["case"] for r in mine] == [a]  # on its way to 王建国's section
    table = ok(office.run("holders", today="2026-11-20T10:00")).stdout
    assert "当前持有人" in table and "→ 自然资源和规划局审批科" in table
    csv = ok(office.run("holders", "--format", "csv", today="2026-11-20T10:00")).stdout
    assert csv.startswith("\ufeff案件编号")
    assert office.run("holders", "--staff", "S999").exit_code == 2
