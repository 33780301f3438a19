"""Issue 17 "the documents complete and right": every document kind, as text and as its A4 page, carries
no shell command or option; a company is named by its 统一社会信用代码, a person by the ID type that
applies, and nothing empty is printed with a label; the extension's basis is given; `--html` on a
step writes every document of the step; the refusal names the deciding department, the
reconsideration body and the court; the referral names the 有权机关; one result, one date form, no
doubled brackets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Office, new_office
from svccli.render.views import DOCUMENTS

COMPANY = ["--applicant", "桐乡某某建设有限公司", "--phone", "13812345678"]
CREDIT = "91330100799655058B"  # a real-format code: its check character is B (GB 32100-2015)
ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


@pytest.fixture(scope="module")
def paper(tmp_path_factory) -> dict:
    """Every document kind issued by the commands, each with --html: {kind: (text, page)}, plus the
    case ids and the office."""
    root = tmp_path_factory.mktemp("paper")
    office = new_office(root / "office")
    out: dict = {"office": office, "docs": {}, "cases": {}, "files": {}}
    n = iter(range(1000))

    def run(kind: str | None, *args, today="2026-11-20T09:00", staff="S001"):
        html = root / f"{next(n)}-{kind or 'x'}.html"
        r = ok(office.run(*args, "--html", str(html), today=today, staff=staff))
        if kind:
            out["docs"][kind] = (r.stdout, html.read_text(encoding="utf-8"))
        out["files"][html.name] = (r.stdout, html.read_text(encoding="utf-8"))
        return r.stdout.splitlines()[0]

    company = ["ZG-001", *COMPANY, "--credit-code", CREDIT, "--legal-rep", "李四"]
    acc = run("acceptance", "intake", *company, *ZG_ALL)
    out["docs"]["receipt"] = out["docs"]["acceptance"]
    run("handover", "handover", acc, "--to", "ZG-SP", today="2026-11-20T09:30")
    ok(office.run("receive", acc, today="2026-11-20T15:00", staff="S003"))
    run("conclusion", "conclude", acc, "--result", "approved", "--note", "证号 2026-017", today="2026-11-24T09:00")
    ok(office.run("handover", acc, "--to", "ZG-SP", today="2026-11-24T09:30"))  # back to the section for the return
    ok(office.run("receive", acc, today="2026-11-24T10:00", staff="S003"))
    run("return", "return", acc, today="2026-11-24T11:00", staff="S003")
    out["cases"]["company"] = acc

    person = ["ZG-001", "--applicant", "王五", "--phone", "13957310222"]
    owe = run("owed", "intake", *person, "--id-type", "护照", "--id-number", "E12345678", *ZG_ALL[:6])
    out["cases"]["owed"] = owe
    basis = ["--basis", "本中心限时办结制度第三条"]
    run("extension", "extend", owe, "--days", "2", "--reason", "需组织专家论证", *basis, today="2026-11-23T09:00")

    rfl = run("notice", "intake", *person, "--material", "M01")
    run("refusal", "refuse", rfl, "--reason", "申请事项不属于规划许可范围", today="2026-11-20T10:00")
    ref = ok(office.run("intake", *person, "--material", "M01", "-q")).stdout.strip()
    run("referral", "refer", ref, "--to", "县林业局", "--contact", "0573-88100150", today="2026-11-20T10:00")
    sb = ok(office.run("intake", *person, *ZG_ALL, "-q")).stdout.strip()
    args = ["send-back", sb, "--reason", "地形图比例不符合要求", "--opinion", "请补充地形图"]
    run("sendback", *args, today="2026-11-23T09:00", staff="S003")
    paused = ok(office.run("intake", *person, *ZG_ALL, "-q")).stdout.strip()
    run("pause", "suspend", paused, "--reason", "survey", "--expected", "约 10 个工作日", today="2026-11-23T09:00")
    deemed = ok(office.run("intake", *person, *ZG_ALL, "-q")).stdout.strip()
    run("deemed", "print", deemed, "deemed", today="2026-12-02T10:00")
    denied = ok(office.run("intake", *person, *ZG_ALL, "-q")).stdout.strip()
    run("denied", "conclude", denied, "--result", "denied", "--reason", "用地性质不符合规划", today="2026-11-24T09:00")
    bd = ["BD-001", "--applicant", "赵六", "--phone", "13957310223", "--material", "M01", "--material", "M02"]
    run("done", "intake", *bd, "--done")
    return out


def test_every_document_kind_is_rendered(paper):
    assert set(DOCUMENTS) <= set(paper["docs"])


def test_paper_carries_no_shell_command_or_option(paper):
    for name, (text, page) in paper["files"].items():
        for shown in (text, page):
            assert "svc " not in shown, name
            assert "--" not in shown, name


def test_one_date_form_per_document(paper):
    for name, (text, page) in paper["files"].items():
        assert not ISO_DAY.search(text), (name, ISO_DAY.findall(text))
        assert not ISO_DAY.search(page), (name, ISO_DAY.findall(page))


def test_no_doubled_brackets_and_no_slashed_result(paper):
    for name, (text, page) in paper["files"].items():
        for shown in (text, page):
            assert "）（" not in shown, name
            assert "许可/" not in shown and "/办理" not in shown, name
    text, page = paper["docs"]["handover"]
    assert "1号窗口" not in text  # sent to the section
    rtext, rpage = paper["docs"]["return"]
    assert "1号窗口（自然资源和规划）" in rtext and "张伟" in rtext and "准予许可" in rtext


def test_a_company_is_named_by_its_credit_code(paper):
    for kind in ("receipt", "acceptance", "conclusion"):
        text, page = paper["docs"][kind]
        for shown in (text, page):
            assert "统一社会信用代码" in shown and CREDIT in shown and "李四" in shown, kind
            assert "居民身份证" not in shown and "证件号码" not in shown and "证件类型" not in shown, kind


def test_a_person_shows_the_id_type_that_applies(paper):
    text, page = paper["docs"]["owed"]
    assert "护照：E12345678" in text and "护照" in page and "E12345678" in page
    assert "居民身份证" not in text + page and "统一社会信用代码：" not in text and ">统一社会信用代码</th>" not in page
    text, page = paper["docs"]["refusal"]  # no ID number given: no ID label printed at all
    assert "居民身份证" not in text + page and "证件号码" not in page and "证件类型" not in page


def test_the_extension_basis_is_required(office: Office):
    case_id = office.intake()
    r = office.run("extend", case_id, "--days", "2", "--reason", "需组织专家论证", today="2026-11-23T09:00")
    assert r.exit_code == 2 and "--basis" in r.stderr


def test_the_extension_notice_text_and_page_agree(paper):
    text, page = paper["docs"]["extension"]
    for shown in (text, page):
        assert "延期办理告知书" in shown and "本中心限时办结制度第三条" in shown
        assert "2026年12月1日" in shown and "2026年12月3日" in shown  # old and new due dates
        assert "0573-88100002" in shown  # the complaint phone (office.yaml phones.complaint)
    assert text.startswith("【延期办理告知书】")


def test_html_of_a_step_holds_every_document_it_printed(paper):
    text, page = paper["docs"]["owed"]
    for title in ("收件凭证", "受理通知书", "补办件通知书"):
        assert title in text and f"<h1>{title}</h1>" in page
    assert page.count('<section class="svc-page">') == 3 and "break-before: page" in page
    assert page.count("<!DOCTYPE html>") == 1 and page.rstrip().endswith("</html>")


def test_the_refusal_names_the_deciding_body_and_the_remedies(paper):
    text, page = paper["docs"]["refusal"]
    for shown in (text, page):
        assert "决定机关" in shown and "县自然资源和规划局（盖章）" in shown
        assert "桐乡县人民政府申请行政复议" in shown and "六十日" in shown
        assert "六个月" in shown and "第四十六条" in shown and "人民法院" in shown
        assert "经办人" in shown and "负责人" in shown
    assert '<span class="org">县自然资源和规划局（盖章）</span>' in page


def test_the_referral_names_the_authority_not_a_handling_department(paper):
    text, page = paper["docs"]["referral"]
    for shown in (text, page):
        assert "有权机关" in shown and "县林业局" in shown
        assert "承办部门" not in shown


def test_the_return_slip_says_who_hands_what_to_whom(paper):
    text, page = paper["docs"]["return"]
    for shown in (text, page):
        assert "将办理结果和上列材料回交1号窗口（自然资源和规划）" in shown
        assert "到窗口领取" not in shown
    text, page = paper["docs"]["handover"]
    assert "张伟将上列材料移交自然资源和规划局审批科" in text


def test_the_result_is_one_phrase_by_the_item_kind(paper):
    assert "准予许可" in paper["docs"]["conclusion"][0]  # ZG-001 is a licensing item
    text, page = paper["docs"]["done"]  # BD-001 is not
    assert "准予办理" in text and "准予许可" not in text


def test_a_denial_states_the_remedies(paper):
    text, page = paper["docs"]["denied"]
    for shown in (text, page):
        assert "不予许可" in shown and "用地性质不符合规划" in shown
        assert "桐乡县人民政府申请行政复议" in shown and "第四十六条" in shown


def test_credit_code_is_checked_at_intake(office: Office):
    wrong = CREDIT[:-1] + "C"
    r = office.run("intake", "ZG-001", *COMPANY, "--credit-code", wrong, *ZG_ALL)
    assert r.exit_code == 2 and "--credit-code" in r.stderr and "校验位" in r.stderr
    r = office.run("intake", "ZG-001", *COMPANY, "--credit-code", "9133010079965505", *ZG_ALL)
    assert r.exit_code == 2 and "18 位" in r.stderr
    r = office.run("intake", "ZG-001", *COMPANY, "--credit-code", CREDIT, "--id-number", "E1", *ZG_ALL)
    assert r.exit_code == 2 and "--credit-code" in r.stderr
    r = office.run("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--legal-rep", "李四")
    assert r.exit_code == 2 and "--legal-rep" in r.stderr
    assert office.records() == []


def test_id_type_takes_chinese_names_and_codes(office: Office):
    for given in ("护照", "hk_macau", "台湾居民来往大陆通行证"):
        r = office.run("intake", "ZG-001", "--applicant", "王五", "--phone", "13957310222", "--id-type", given, "-q")
        assert r.exit_code == 0, r.stderr
    applicants = [e["applicant"] for e in _events(office) if e["type"] == "intake"]
    assert [a["id_type"] for a in applicants] == ["passport", "hk_macau", "taiwan"]
    r = office.run("intake", "ZG-001", "--applicant", "王五", "--phone", "13957310222", "--id-type", "驾驶证")
    assert r.exit_code == 2 and "--id-type" in r.stderr and "护照" in r.stderr


def test_resident_id_check_digit_at_intake(office: Office):
    r = office.run(
        "intake", "ZG-001", "--applicant", "王五", "--phone", "13957310222", "--id-number", "110105199001010023"
    )
    assert r.exit_code == 2 and "--id-number" in r.stderr and "校验位" in r.stderr


def test_company_text_output_has_no_empty_id_label(office: Office):
    r = ok(office.run("intake", "ZG-001", *COMPANY, "--credit-code", CREDIT, *ZG_ALL))
    assert "居民身份证" not in r.stdout and "：　" not in r.stdout
    event = next(e for e in _events(office) if e["type"] == "intake")
    assert event["applicant"]["credit_code"] == CREDIT and event["applicant"]["id_number"] == ""


def _events(office: Office) -> list[dict]:
    return [json.loads(line) for path in office.records() for line in Path(path).read_text().splitlines() if line]
