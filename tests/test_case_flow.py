"""A case from first contact to delivery (issue 3). Rules: DOMAIN.md glossary (first contact,
first handler, ledger, one-time notice, accept/refuse); seeds 000 首问/首办, 002 十, 003 流程."""

from __future__ import annotations

import json

ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
APPLICANT = ["--applicant", "桐乡某建设公司", "--phone", "13812345678"]


def intake(office, service="ZG-001", *extra, today="2026-11-20T09:00", staff="S001"):
    result = office.run("intake", service, *APPLICANT, *extra, "-q", today=today, staff=staff)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def shown(office, case_id, today="2026-11-20T17:00"):
    result = office.run("show", case_id, "--format", "json", today=today)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_immediate_item_concluded_on_the_spot(office):
    """即办件: complete materials, accepted and concluded on the spot."""
    case_id = intake(office, "BD-001", "--material", "M01", "--material", "M02", "--done")
    case = shown(office, case_id)
    assert case["status"] == "delivered"
    assert [t["kind"] for t in case["timeline"]] == ["intake", "accept", "conclude", "deliver"]
    assert case["accepted"] == "2026-11-20" and case["due"] == "2026-11-20"


def test_done_refused_for_committed_item(office):
    result = office.run("intake", "ZG-001", *APPLICANT, *ZG_ALL, "--done", "-q")
    assert result.exit_code == 1 and "即办件" in result.stderr
    assert office.records() == []


def test_complete_committed_case_is_accepted_at_intake(office):
    case = shown(office, intake(office, "ZG-001", *ZG_ALL))
    assert case["status"] == "accepted"
    assert case["first_handler"] == "S001" and case["holder"] == "S001"
    assert case["due"] == "2026-12-01"  # 7 working days after Fri 2026-11-20


def test_missing_material_notice_lists_every_gap(office):
    """一次性告知: all missing materials at once (M02, M05 and M06 are required and absent)."""
    case_id = intake(office, "ZG-001", "--material", "M01", "--defect", "M01:未加盖公章")
    case = shown(office, case_id)
    assert case["status"] == "pending"
    assert set(case["outstanding"]) == {"M01", "M02", "M05", "M06"}
    assert case["outstanding"]["M01"]["problem"] == "defect"


def test_copies_short_is_a_gap(office):
    case = shown(
        office,
        intake(office, "ZG-001", "--material", "M01", "--material", "M02", "--material", "M05:1", "--material", "M06"),
    )
    assert list(case["outstanding"]) == ["M05"] and "份数不足" in case["outstanding"]["M05"]["reason"]


def test_supplement_completes_and_accepts_that_day(office):
    case_id = intake(office, "ZG-001", "--material", "M01", "--material", "M05:2")
    result = office.run("supplement", case_id, "--material", "M02", today="2026-11-23T10:00")
    assert result.exit_code == 0 and "仍待补正：M06" in result.stderr
    assert shown(office, case_id)["status"] == "pending"
    result = office.run("supplement", case_id, "--material", "M06", today="2026-11-24T10:00")
    assert result.exit_code == 0, result.output
    case = shown(office, case_id, today="2026-11-24T11:00")
    assert case["status"] == "accepted" and case["accepted"] == "2026-11-24"
    assert case["due"] == "2026-12-03"  # counted from the next working day: 25,26,27,30,1,2,3


def test_second_notice_relisting_an_old_gap_is_a_breach(office):
    """A later notice naming what was already missing at the first notice breaches the rule."""
    case_id = intake(office, "ZG-001", "--material", "M01")
    result = office.run("notice", case_id, "--add", "M07:委托他人办理须交委托书", today="2026-11-23T09:00")
    assert result.exit_code == 0 and "违反一次性告知" in result.stderr
    assert shown(office, case_id)["breaches"] == ["M07"]


def test_defect_in_material_received_before_first_notice_is_a_breach(office):
    case_id = intake(office, "ZG-001", "--material", "M01", "--material", "M02")
    office.run("notice", case_id, "--add", "M01:申请表未签字", today="2026-11-23T09:00")
    assert shown(office, case_id)["breaches"] == ["M01"]


def test_defect_in_supplied_material_is_a_legitimate_new_notice(office):
    case_id = intake(office, "ZG-001", "--material", "M01", "--material", "M05:2")
    office.run("supplement", case_id, "--material", "M02", today="2026-11-23T09:00")
    result = office.run("notice", case_id, "--add", "M02:复印件不清晰", today="2026-11-23T10:00")
    assert result.exit_code == 0 and "违反" not in result.stderr
    case = shown(office, case_id)
    assert case["breaches"] == [] and "M02" in case["outstanding"]


def test_refusal_with_reason(office):
    case_id = intake(office, "ZG-001", "--material", "M01")
    result = office.run("refuse", case_id, "--reason", "申请事项不属于规划许可范围")
    assert result.exit_code == 0
    assert "申请事项不属于规划许可范围" in result.stdout
    assert shown(office, case_id)["status"] == "refused"


def test_referral_names_the_authority(office):
    case_id = intake(office, "ZG-001", "--material", "M01")
    result = office.run("refer", case_id, "--to", "县市场监督管理局", "--contact", "0573-88100170")
    assert result.exit_code == 0 and "县市场监督管理局" in result.stdout
    assert shown(office, case_id)["status"] == "referred"


def test_conclude_and_delivery_by_proxy(office):
    case_id = intake(office, "ZG-001", *ZG_ALL)
    assert office.run("conclude", case_id, "--result", "approved", today="2026-11-25T10:00").exit_code == 0
    refused = office.run("deliver", case_id, "--to", "李四", "--proxy", today="2026-11-26T10:00")
    assert refused.exit_code == 2 and "授权委托书" in refused.stderr
    ok = office.run(
        "deliver",
        case_id,
        "--to",
        "李四",
        "--proxy",
        "--authorisation",
        "授权委托书（2026-11-25）",
        today="2026-11-26T10:00",
    )
    assert ok.exit_code == 0
    case = shown(office, case_id, today="2026-11-26T11:00")
    assert case["status"] == "delivered"
    assert "代领" in case["timeline"][-1]["text"]


def test_licensing_denial_needs_written_reasons(office):
    case_id = intake(office, "ZG-001", *ZG_ALL)
    result = office.run("conclude", case_id, "--result", "denied")
    assert result.exit_code == 2 and "--reason" in result.stderr


def test_first_contact_and_first_handler_never_change(office):
    case_id = intake(office, "ZG-001", "--material", "M01", "--first-contact", "S002", staff="S001")
    office.run(
        "supplement",
        case_id,
        "--material",
        "M02",
        "--material",
        "M05:2",
        "--material",
        "M06",
        today="2026-11-23T09:00",
        staff="S004",
    )
    office.run("conclude", case_id, "--result", "approved", today="2026-11-24T09:00", staff="S007")
    case = shown(office, case_id, today="2026-11-24T10:00")
    assert case["first_contact"] == "S002" and case["first_handler"] == "S004"


def test_inquiry_ledger(office):
    ok = office.run(
        "inquiry",
        "--channel",
        "phone",
        "--person",
        "王五",
        "--phone",
        "13900001111",
        "--matter",
        "咨询采伐许可",
        "--outcome",
        "referred",
        "--authority",
        "县林业局",
        "--contact",
        "0573-88100150",
    )
    assert ok.exit_code == 0, ok.output
    missing = office.run("inquiry", "--person", "王五", "--matter", "咨询", "--outcome", "referred")
    assert missing.exit_code == 2 and "--authority" in missing.stderr
    listed = office.run("inquiries", "--format", "json")
    rows = json.loads(listed.stdout)
    assert rows[0]["person"] == "王五" and rows[0]["phone"] == "139****1111"
    assert "县林业局" in rows[0]["handler"]


def test_listing_masks_phone_and_show_reveals_with_reason(office):
    case_id = intake(office, "ZG-001", *ZG_ALL, "--id-number", "11010519491231002X")
    table = office.run("cases").stdout
    assert "138****5678" in table and "13812345678" not in table
    assert shown(office, case_id)["applicant"]["id_number"] == "110105********002X"
    no_reason = office.run("show", case_id, "--reveal")
    assert no_reason.exit_code == 2
    revealed = office.run("show", case_id, "--reveal", "--reason", "核实身份", "--format", "json")
    assert json.loads(revealed.stdout)["applicant"]["id_number"] == "11010519491231002X"


def test_bad_input_writes_nothing(office):
    cases = [
        (["intake", "NOPE-1", *APPLICANT], 2, "没有事项代码"),
        (["intake", "ZG-001", *APPLICANT, "--material", "M99"], 2, "没有材料"),
        (["intake", "ZG-001", *APPLICANT, "--id-number", "110105194912310021"], 2, "校验位"),
        (["intake", "ZG-001", "--applicant", "张三", "--phone", "1381234567"], 2, "电话"),
        (["show", "TX-ZZZ-000000-001"], 2, "没有案件"),
    ]
    for args, code, fragment in cases:
        result = office.run(*args)
        assert result.exit_code == code, (args, result.output)
        assert fragment in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    assert office.records() == []


def test_state_guards(office):
    pending = intake(office, "ZG-001", "--material", "M01")
    early = office.run("conclude", pending, "--result", "approved")
    assert early.exit_code == 1 and "不能作出办结决定" in early.stderr
    done = intake(office, "BD-001", "--material", "M01", "--material", "M02", "--done")
    before = [p.read_bytes() for p in office.records()]
    late = office.run("supplement", done, "--material", "M01")
    assert late.exit_code == 1 and "不能补正材料" in late.stderr
    assert [p.read_bytes() for p in office.records()] == before


def test_cases_filters(office):
    a = intake(office, "ZG-001", *ZG_ALL)
    intake(office, "BD-001", "--material", "M01")
    rows = json.loads(office.run("cases", "--status", "accepted", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [a]
    rows = json.loads(office.run("cases", "--service", "BD-001", "--format", "json").stdout)
    assert [r["service"] for r in rows] == ["BD-001"]


def test_case_ids_are_numbered_per_day_and_readable(office):
    first = intake(office, "ZG-001", *ZG_ALL)
    second = intake(office, "ZG-001", *ZG_ALL)
    assert first == "TX-T01-261120-001" and second == "TX-T01-261120-002"
