"""Issue 17: a friendlier catalogue. Values may be written with their Chinese names, and `svc check`
points at the value at fault and says what is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from svccli.store import fastyaml
from svccli.store.home import load_home

REPO = Path(__file__).resolve().parent.parent

ZZ = (
    "department: {code: ZZ, name: 测试局}\n"  # 1
    "items:\n"  # 2
    "  - code: ZZ-001\n"  # 3
    "    name: 测试事项\n"  # 4
    "    kind: committed\n"  # 5
    "    licensing: true\n"  # 6
    "    legal_basis: 测试依据\n"  # 7
    "    statutory_limit: 20\n"  # 8
    "    committed_limit: 7\n"  # 9
    "    limit_unit: calendar_days\n"  # 10
    "    deemed_approval: false\n"  # 11
    "    materials:\n"  # 12
    "      - {code: M01, name: 申请表, form: original, required: true}\n"  # 13
    "      - {code: M02, name: 身份证, form: copy, required: false, condition: 委托的, may_owe: true}\n"  # 14
)
ZZ_CHINESE = (
    ZZ.replace("kind: committed", "kind: 承诺件")
    .replace("licensing: true", "licensing: 是")
    .replace("limit_unit: calendar_days", "limit_unit: 自然日")
    .replace("deemed_approval: false", "deemed_approval: 否")
    .replace("form: original, required: true", "form: 原件, required: 是")
    .replace("form: copy, required: false", "form: 复印件, required: 否")
    .replace("may_owe: true", "may_owe: 是")
)
RULES_ENGLISH = {
    "clock_start_after_supplement: next_day": "clock_start_after_supplement: same_day",
    "limit_unit: working_days": "limit_unit: calendar_days",
    "written_notice: licensing": "written_notice: on_request",
    "extension_notice: before_due": "extension_notice: within_limit",
    "deemed_approval: committed": "deemed_approval: all",
}
RULES_CHINESE = {
    "clock_start_after_supplement: next_day": "clock_start_after_supplement: 当日",
    "limit_unit: working_days": "limit_unit: 自然日",
    "written_notice: licensing": "written_notice: 申请人要求时",
    "extension_notice: before_due": "extension_notice: 时限内",
    "deemed_approval: committed": "deemed_approval: 各类办件",
    "review_and_check: false": "review_and_check: 否",
}


def _office_yaml(office, changes: dict[str, str]) -> None:
    path = office.path / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _mine(office) -> list[str]:
    """The problems `svc check` names in the files these tests write."""
    result = office.run("check")
    return [line for line in result.output.splitlines() if "zz.yaml" in line or "office.yaml" in line]


# ---------------------------------------------------------------- 1. Chinese names of values


def test_chinese_values__read_as_the_english_ones(office, tmp_path):
    office.write("catalog/services/zz.yaml", ZZ)
    _office_yaml(office, RULES_ENGLISH)
    english = load_home(office.path)
    office.write("catalog/services/zz.yaml", ZZ_CHINESE)
    _office_yaml(office, {new: RULES_CHINESE[old] for old, new in RULES_ENGLISH.items()})
    _office_yaml(office, {"review_and_check: false": "review_and_check: 否"})
    chinese = load_home(office.path)
    item = chinese.catalog.items["ZZ-001"]
    assert item == english.catalog.items["ZZ-001"]
    assert (item.kind, item.licensing, item.limit_unit, item.deemed_approval) == (
        "committed",
        True,
        "calendar_days",
        False,
    )
    assert [(m.form, m.required, m.may_owe) for m in item.materials] == [
        ("original", True, False),
        ("copy", False, True),
    ]
    rules = chinese.catalog.office.rules
    assert rules == english.catalog.office.rules
    assert (rules.clock_start_after_supplement, rules.deemed_approval, rules.review_and_check) == (
        "same_day",
        "all",
        False,
    )
    assert _mine(office) == []


@pytest.mark.parametrize(
    "old,new,line,accepted",
    [
        ("kind: committed", "kind: 急办件", 5, "committed（承诺件）"),
        ("form: original, required: true", "form: 扫描件, required: true", 13, "original（原件）, copy（复印件）"),
        ("limit_unit: calendar_days", "limit_unit: 日历日", 10, "calendar_days（自然日）"),
        ("licensing: true", "licensing: 对", 6, "true 或 false（是 或 否）"),
    ],
)
def test_wrong_value__check_names_what_is_accepted_in_english_and_chinese(office, old, new, line, accepted):
    office.write("catalog/services/zz.yaml", ZZ.replace(old, new))
    result = office.run("check")
    assert result.exit_code == 1
    found = [s for s in result.output.splitlines() if s.startswith(f"catalog/services/zz.yaml:{line}:")]
    assert found and accepted in found[0], result.output


def test_wrong_rule_value__check_names_the_chinese_names_too(office):
    _office_yaml(office, {"deemed_approval: committed": "deemed_approval: 默许"})
    result = office.run("check")
    assert result.exit_code == 1
    assert "committed（承诺件）, all（各类办件）, off（不适用）" in result.output


def test_schemas__accept_the_chinese_names():
    jsonschema = pytest.importorskip("jsonschema")

    def errors(name: str, text: str) -> list[str]:
        schema = json.loads((REPO / "catalog" / "schema" / name).read_text(encoding="utf-8"))
        data = yaml.load(text, Loader=fastyaml.Loader)
        return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]

    assert errors("service.schema.json", ZZ_CHINESE) == []
    assert errors("service.schema.json", ZZ_CHINESE.replace("委托的", "")) != []  # 否 still needs a condition
    office_text = "code: TX\nname: 某中心\nrules:\n" + "".join(f"  {v}\n" for v in RULES_CHINESE.values())
    assert errors("office.schema.json", office_text) == []


# ---------------------------------------------------------------- 2. messages point at the value


def test_committed_limit_over_statutory__named_at_the_value(office):
    office.write("catalog/services/zz.yaml", ZZ.replace("committed_limit: 7", "committed_limit: 25"))
    result = office.run("check")
    assert result.exit_code == 1
    assert [line for line in _mine(office) if "超过法定时限" in line] == [
        "catalog/services/zz.yaml:9: 事项 ZZ-001 的承诺时限 25 超过法定时限 20"
    ]


def test_misspelt_field__one_message_with_the_field_meant(office):
    office.write("catalog/services/zz.yaml", ZZ.replace("committed_limit: 7", "committed_limt: 7"))
    result = office.run("check")
    assert result.exit_code == 1
    mine = _mine(office)
    assert len(mine) == 1, mine
    assert mine[0].startswith("catalog/services/zz.yaml:9: ")
    assert "committed_limt" in mine[0] and "是否应为 committed_limit？" in mine[0]


def test_misspelt_field__value_faults_named_at_the_misspelt_line(office):
    office.write("catalog/services/zz.yaml", ZZ.replace("committed_limit: 7", "committed_limt: 25"))
    mine = _mine(office)
    assert len(mine) == 2, mine
    assert all(line.startswith("catalog/services/zz.yaml:9: ") for line in mine), mine


def test_unparsable_services_file__roster_does_not_name_its_department(office):
    path = office.path / "catalog" / "services" / "zj.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("items:", "items: [", 1), encoding="utf-8")
    result = office.run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("catalog/services/zj.yaml:") for line in lines), result.output
    assert not [line for line in lines if line.startswith("catalog/roster.yaml") and " ZJ " in line], result.output


# ---------------------------------------------------------------- 3. overdue --record needs who records

MATERIALS = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]


def test_overdue_record_without_staff__fails_alike_with_or_without_anything_to_record(office):
    nothing = office.run("overdue", "--record", today="2026-12-03T08:00", staff=None)
    r = office.run("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", *MATERIALS, "-q")
    assert r.exit_code == 0, r.output
    something = office.run("overdue", "--record", today="2026-12-03T08:00", staff=None)
    assert nothing.exit_code == something.exit_code == 2
    assert "--as" in nothing.output and nothing.output == something.output
    assert "ZG-001" not in something.output  # refused before the listing
    assert '"type":"overdue"' not in "".join(p.read_text(encoding="utf-8") for p in office.records())
    assert office.run("overdue", "--record", today="2026-12-03T08:00").exit_code == 3  # with SVC_STAFF it records
