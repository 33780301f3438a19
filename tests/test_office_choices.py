"""Office choices (DOMAIN.md "Office choices"; svccli/core/catalog.py RULE_CHOICES): where the seeds
disagree, catalog/office.yaml `rules:` picks one. Each test runs the same case under the default and
under each alternative and shows the difference through the commands."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, Office
from svccli.core.catalog import RULE_CHOICES, RULE_FLAGS
from svccli.store.home import load_home

HOME = load_home(REPO)
APPLICANT = ["--applicant", "张三", "--phone", "13812345678"]
ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]


def required(code: str) -> list[str]:
    """Every required material of an item, in full (so intake accepts at once)."""
    return [x for m in HOME.catalog.items[code].materials if m.required for x in ("--material", f"{m.code}:{m.copies}")]


@pytest.fixture
def office_with(tmp_path):
    """office_with(rule=value, ...): a fresh copy of the sample catalogue with office.yaml edited as text."""
    n = itertools.count()

    def make(**rules) -> Office:
        home = tmp_path / f"office{next(n)}"
        shutil.copytree(REPO / "catalog", home / "catalog")
        shutil.copytree(REPO / "templates", home / "templates")
        (home / "records").mkdir()
        office = Office(home)
        text = (home / "catalog/office.yaml").read_text(encoding="utf-8")
        for rule, value in rules.items():
            assert value in RULE_CHOICES[rule], (rule, value)
            text, count = re.subn(rf"^(  {rule}: )\w+", rf"\g<1>{value}", text, flags=re.M)
            assert count == 1, rule
        office.write("catalog/office.yaml", text)
        return office

    return make


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def promised(text: str) -> str:
    """The promised date of the acceptance notice printed on the terminal (承诺办结：YYYY年M月D日前)."""
    return re.search(r"承诺办结：(\d{4}年\d{1,2}月\d{1,2}日)", text).group(1)


def events(office, kind: str) -> list[dict]:
    lines = [json.loads(x) for p in office.records() for x in p.read_text(encoding="utf-8").splitlines()]
    return [e for e in lines if e["type"] == kind]


# Where each office choice's difference is tested: (test module, test function).
TESTED = {
    "clock_start_after_supplement": ("test_office_choices", "test_clock_start_after_supplement"),
    "limit_unit": ("test_office_choices", "test_limit_unit"),
    "written_notice": ("test_office_choices", "test_written_notice"),
    "extension_notice": ("test_office_choices", "test_extension_notice"),
    "deemed_approval": ("test_office_choices", "test_deemed_approval"),
    "review_and_check": ("test_office_choices", "test_review_and_check"),
    "substitute_from": ("test_leave", "test_office_choice_substitute_from"),
    "handover_before": ("test_leave", "test_office_choice_handover_before"),
    "five_lates": ("test_attendance", "test_five_lates_office_choice_difference"),
    "notice_ladder": ("test_sanctions", "test_the_notice_ladder_is_the_offices_choice"),
    "award_bar": ("test_sanctions", "test_the_award_bar_choice_shows_in_the_listing"),
}


def test_every_office_choice_has_a_test():
    assert set(RULE_CHOICES) | set(RULE_FLAGS) == set(TESTED)
    for choice, (module, function) in TESTED.items():
        source = (Path(__file__).parent / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {function}(" in source, (choice, module, function)


@pytest.mark.parametrize(
    "choice, expected",
    [
        ("next_day", "2026年12月3日"),  # default (000): counting starts the day after the supplement
        (
            "same_day",
            "2026年12月2日",
        ),  # 003 “从补齐材料之日起”: the supplement day itself counts, one working day earlier
    ],
)
def test_clock_start_after_supplement(office_with, choice, expected):
    """ZG-001 (7 working days) taken in Fri 2026-11-20 without M02, completed Tue 11-24."""
    office = office_with(clock_start_after_supplement=choice)
    case_id = ok(
        office.run(
            "intake",
            "ZG-001",
            *APPLICANT,
            "--material",
            "M01",
            "--material",
            "M05:2",
            "--material",
            "M06",
            "-q",
            today="2026-11-20T09:00",
        )
    ).stdout.strip()
    r = ok(office.run("supplement", case_id, "--material", "M02", today="2026-11-24T09:00"))
    assert promised(r.stdout) == expected


@pytest.mark.parametrize(
    "choice, expected, unit",
    [
        ("working_days", "2026年12月1日", "7 个工作日"),  # default: Administrative Licensing Law art. 82
        ("calendar_days", "2026年11月27日", "7 个自然日"),
    ],
)
def test_limit_unit(office_with, choice, expected, unit):
    """ZG-001 (committed 7) accepted Fri 2026-11-20: weekends count only in calendar days."""
    office = office_with(limit_unit=choice)
    r = ok(office.run("intake", "ZG-001", *APPLICANT, *ZG_ALL, today="2026-11-20T09:00"))
    assert promised(r.stdout) == expected
    assert f"承诺 {unit}" in r.stdout


@pytest.mark.parametrize(
    "choice, licensing_item, other_item",
    [
        ("licensing", True, False),  # default (000 第五篇): in writing for licensing items
        ("always", True, True),  # 000 第二篇
        ("on_request", False, False),  # 000 一次性告知: only when the applicant asks
    ],
)
def test_written_notice(office_with, choice, licensing_item, other_item):
    """The recorded one-time notice says whether it was given in writing: ZG-001 is a licensing item,
    BD-002 (不动产首次登记) is not."""
    office = office_with(written_notice=choice)
    zg = ok(
        office.run("intake", "ZG-001", *APPLICANT, "--material", "M01", "-q", today="2026-11-20T09:00")
    ).stdout.strip()
    bd = ok(
        office.run("intake", "BD-002", *APPLICANT, "--material", "M01", "-q", today="2026-11-20T09:00")
    ).stdout.strip()
    assert HOME.catalog.items["ZG-001"].licensing and not HOME.catalog.items["BD-002"].licensing
    written = {e["case"]: e["written"] for e in events(office, "notice")}
    assert written == {zg: licensing_item, bd: other_item}


@pytest.mark.parametrize(
    "choice, late",
    [
        ("before_due", True),  # default (000 第二篇): tell the applicant 3 days before the due date
        ("within_limit", False),  # 000 第四篇: any time within the limit, by letter or phone
    ],
)
def test_extension_notice(office_with, choice, late):
    """ZG-001 accepted 2026-11-20 is due Tue 12-01; the extension is told Mon 11-30 (1 working day left)."""
    office = office_with(extension_notice=choice)
    case_id = ok(office.run("intake", "ZG-001", *APPLICANT, *ZG_ALL, "-q", today="2026-11-20T09:00")).stdout.strip()
    r = ok(
        office.run(
            "extend", case_id, "--days", "2", "--reason", "专家意见分歧", "--basis", "制度", today="2026-11-30T09:00"
        )
    )
    assert ("迟延" in r.stderr) is late
    assert [e["late"] for e in events(office, "extend")] == [late]


@pytest.mark.parametrize(
    "choice, committed, joint",
    [
        ("committed", "deemed", "overdue"),  # default (002 一.7): committed items only
        ("all", "deemed", "deemed"),  # 002 十.6: every kind
        ("off", "overdue", "overdue"),
    ],
)
def test_deemed_approval(office_with, choice, committed, joint):
    """A committed item (ZG-001, 7 days) and a joint item (SC-004, 7 days), both accepted 2026-11-20,
    due 12-01 and undecided on 12-03: the daily check lists them as deemed approved or overdue."""
    office = office_with(deemed_approval=choice)
    assert (HOME.catalog.items["ZG-001"].kind, HOME.catalog.items["SC-004"].kind) == ("committed", "joint")
    for code in ("ZG-001", "SC-004"):
        ok(office.run("intake", code, *APPLICANT, *required(code), "-q", today="2026-11-20T09:00"))
    r = office.run("overdue", "--format", "json", today="2026-12-03T08:00")
    assert r.exit_code == 3
    kinds = {x["service"]: x["kind"] for x in json.loads(r.stdout)}
    assert kinds == {"ZG-001": committed, "SC-004": joint}


@pytest.mark.parametrize(
    "setting, concluded",
    [
        ("true", False),  # the sample office and the default: 一审一核, review and check by two people first
        ("false", True),  # an office that does not keep it concludes in one step
        (None, False),  # the key left out: the default (true)
    ],
)
def test_review_and_check(office_with, setting, concluded):
    """DOMAIN.md 一审一核 (no seed defines it; our reading: two different people): `svc conclude` on a
    committed item accepted 2026-11-20, with no review or check recorded."""
    office = office_with()
    text = (office.path / "catalog/office.yaml").read_text(encoding="utf-8")
    line = re.search(r"^  review_and_check: true.*\n", text, flags=re.M).group(0)
    office.write("catalog/office.yaml", text.replace(line, f"  review_and_check: {setting}\n" if setting else ""))
    case_id = ok(office.run("intake", "ZG-001", *APPLICANT, *ZG_ALL, "-q", today="2026-11-20T09:00")).stdout.strip()
    r = office.run("conclude", case_id, "--result", "approved", today="2026-11-24T09:00")
    assert (r.exit_code == 0) is concluded, r.stderr
    assert concluded or "一审一核" in r.stderr
    assert ok(office.run("check")).exit_code == 0
