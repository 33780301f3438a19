"""Leave (请假、销假): length in working time, the approval each length needs, the substitute and
certificate rules, who may approve, an early return and what the cover did meanwhile, the slip, and
the office choices `substitute_from` and `handover_before` (DOMAIN.md "A/B posts, leave, cover")."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from conftest import REPO, Office
from svccli.core.leave import Leave, approver_level, fold_leaves, needs_handover, needs_substitute
from svccli.core.workhours import Hours, working_length
from svccli.store.home import load_home

HOME = load_home(REPO)
HOURS = Hours.of(HOME.catalog.office.hours)
T = dt.datetime.fromisoformat


def level(start: str, end: str) -> tuple[str, float, int]:
    n = working_length(T(start), T(end), HOURS, HOME.calendar)
    return approver_level(n.minutes, n.days), n.days, n.minutes


# 2026-11-23 is a Monday; a working day runs 08:00-12:00 and 14:30-17:30 (7 hours, two half days).
@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2026-11-23T08:00", "2026-11-23T08:59", "oral"),  # 59 minutes
        ("2026-11-23T08:00", "2026-11-23T09:00", "business_section"),  # one hour is no longer "under one hour"
        ("2026-11-23T08:00", "2026-11-23T09:01", "business_section"),  # 61 minutes
        ("2026-11-23T08:00", "2026-11-23T17:30", "business_section"),  # exactly one day
        ("2026-11-23T08:00", "2026-11-24T12:00", "deputy_director"),  # 1.5 days
        ("2026-11-23T08:00", "2026-11-25T17:30", "deputy_director"),  # 3 days
        ("2026-11-23T08:00", "2026-11-26T12:00", "director"),  # 3.5 days
    ],
)
def test_approval_level_at_its_boundaries(start, end, expected):
    assert level(start, end)[0] == expected


def test_length_counts_working_time_only():
    assert level("2026-11-23T08:00", "2026-11-23T17:30")[1:] == (1.0, 420)  # the lunch break is not counted
    assert level("2026-11-20T14:30", "2026-11-23T12:00")[1] == 1.0  # Friday afternoon + Monday morning: no weekend
    assert level("2026-11-23T08:00", "2026-11-23T10:00")[1] == 0.25  # half of a morning
    # summer: afternoons run 15:00-18:00, so 14:30-15:00 is no working time and 15:00-18:00 a half day
    assert level("2026-07-15T14:30", "2026-07-15T15:00")[2] == 0
    assert level("2026-07-15T15:00", "2026-07-15T18:00")[1:] == (0.5, 180)
    assert level("2026-11-23T15:00", "2026-11-23T18:00")[2] == 150  # not in summer: the day ends at 17:30


def test_substitute_and_handover_thresholds():
    assert needs_substitute(0.5) and not needs_substitute(0.49)
    assert not needs_substitute(1.0, "over_one_day") and needs_substitute(1.5, "over_one_day")
    assert needs_handover(0.1) and not needs_handover(0.5, "one_day_or_more") and needs_handover(1, "one_day_or_more")


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def request(office: Office, staff: str, start: str, end: str, *extra: str, by: str | None = None, kind="personal"):
    return office.run(
        "leave", "request", staff, "--from", start, "--to", end, "--kind", kind, "--reason", "家中有事",
        "--format", "json", *extra, staff=by or staff,
    )  # fmt: skip


def requested(office: Office, *args, **kw) -> dict:
    return json.loads(ok(request(office, *args, **kw)).stdout)


SUB = ("--substitute", "赵六", "--substitute-phone", "13900000000")


def events(office: Office, kind: str) -> list[dict]:
    lines = [json.loads(x) for p in office.records() for x in p.read_text(encoding="utf-8").splitlines()]
    return [e for e in lines if e["type"] == kind]


def test_request_json_contract_and_numbering(office):
    got = requested(office, "S001", "2026-11-23", "2026-11-24T12:00", *SUB)
    assert got == {
        "id": "QJ-T01-261120-001",
        "staff": "S001",
        "hours": 11.0,
        "days": 1.5,
        "approver_level": "deputy_director",
        "needs_substitute": True,
        "status": "requested",
    }
    assert requested(office, "S004", "2026-11-23T08:00", "2026-11-23T08:30")["id"] == "QJ-T01-261120-002"


def test_oral_leave_is_granted_as_recorded(office):
    got = requested(office, "S002", "2026-11-23T08:00", "2026-11-23T08:59")
    assert (got["approver_level"], got["status"]) == ("oral", "approved")


def test_chinese_kind_names_are_read(office):
    ok(request(office, "S002", "2026-11-23T08:00", "2026-11-23T08:30", kind="年休假"))
    assert events(office, "leave")[0]["kind"] == "annual"
    assert request(office, "S002", "2026-11-24T08:00", "2026-11-24T08:30", kind="调休").exit_code == 2


def test_half_a_day_without_a_substitute_is_refused(office):
    r = request(office, "S001", "2026-11-23T08:00", "2026-11-23T12:00")
    assert r.exit_code == 1 and "顶岗人员" in r.stderr and "旷工" in r.stderr
    assert events(office, "leave") == []  # nothing written
    ok(request(office, "S001", "2026-11-23T08:00", "2026-11-23T11:00"))  # under half a day: none needed


def test_sick_leave_needs_a_certificate(office):
    r = request(office, "S001", "2026-11-23T08:00", "2026-11-23T09:00", kind="sick")
    assert r.exit_code == 1 and "医院证明" in r.stderr
    ok(
        request(
            office,
            "S001",
            "2026-11-23T08:00",
            "2026-11-23T09:00",
            "--certificate",
            "县人民医院诊断证明 2026-118",
            kind="病假",
        )
    )


def approve(office: Office, leave_id: str, by: str, *extra: str):
    return office.run("leave", "approve", leave_id, *extra, staff=by)


def test_approval_by_the_applicant_is_refused(office):
    lid = requested(office, "S003", "2026-11-23T08:00", "2026-11-23T10:00")["id"]  # S003 is a section chief
    r = approve(office, lid, "S003")
    assert r.exit_code == 1 and "不能审批自己" in r.stderr
    assert events(office, "leave-approve") == []


def test_only_the_role_the_level_needs_approves(office):
    lid = requested(office, "S001", "2026-11-23T08:00", "2026-11-23T10:00")["id"]  # business section
    assert approve(office, lid, "S002").exit_code == 1  # a clerk
    assert approve(office, lid, "S006").exit_code == 1  # another department's section chief
    ok(approve(office, lid, "S003"))  # the applicant's own section chief
    big = requested(office, "S004", "2026-11-23", "2026-11-24T12:00", *SUB)["id"]  # deputy director
    assert approve(office, big, "S006", "--unit-opinion", "同意").exit_code == 1
    r = approve(office, big, "S020")
    assert r.exit_code == 1 and "--unit-opinion" in r.stderr  # the sending unit's opinion first
    ok(approve(office, big, "S020", "--unit-opinion", "同意（已盖章）"))
    longest = requested(office, "S007", "2026-11-23", "2026-11-26T12:00", *SUB)["id"]  # director
    assert approve(office, longest, "S020", "--unit-opinion", "同意").exit_code == 1
    ok(approve(office, longest, "S019", "--unit-opinion", "同意"))


def test_reject_and_list(office):
    lid = requested(office, "S001", "2026-11-23T08:00", "2026-11-23T10:00")["id"]
    assert office.run("leave", "reject", lid, "--reason", "窗口业务繁忙", staff="S001").exit_code == 1
    ok(office.run("leave", "reject", lid, "--reason", "窗口业务繁忙", staff="S003"))
    rows = json.loads(ok(office.run("leave", "list", "--format", "json")).stdout)
    assert [(r["id"], r["status"]) for r in rows] == [(lid, "rejected")]
    assert json.loads(ok(office.run("leave", "list", "--open", "--format", "json")).stdout) == []
    assert approve(office, lid, "S003").exit_code == 1  # decided already


def test_early_return_lists_what_the_cover_did(office):
    lid = requested(office, "S001", "2026-11-23", "2026-11-24", *SUB)["id"]
    ok(approve(office, lid, "S020", "--unit-opinion", "同意"))
    assert events(office, "leave-approve")[0]["handovers"] == [{"post": "P-ZG-A", "to": "S002"}]
    office.intake(today="2026-11-23T10:00")  # by the person on leave (S001): not the cover's work
    r = office.run(
        "intake", "ZG-001", "--applicant", "李四", "--phone", "13812345679", "--material", "M01", "--material", "M02",
        "--material", "M05:2", "--material", "M06", "-q", today="2026-11-23T11:00", staff="S002",
    )  # fmt: skip
    covered = ok(r).stdout.strip()
    back = ok(
        office.run("leave", "return", lid, "--at", "2026-11-24T08:00", "--format", "json", today="2026-11-24T08:00")
    )
    rows = json.loads(back.stdout)
    assert {r["case"] for r in rows} == {covered}  # the cover's own work, not the applicant's
    assert {r["category"] for r in rows} >= {"received"}
    assert "提前销假" in back.stderr
    leave = fold_leaves(events(office, "leave") + events(office, "leave-approve") + events(office, "leave-return"))[lid]
    assert leave.status == "returned" and leave.until == T("2026-11-24T08:00") < leave.end
    duty = json.loads(office.run("duty", "--date", "2026-11-24T09:00", "--post", "P-ZG-A", "--format", "json").stdout)
    assert duty[0]["role"] == "A"  # back at the post after the early return


def test_slip_carries_every_field_of_the_form(office, tmp_path):
    lid = requested(office, "S001", "2026-11-23", "2026-11-24", *SUB)["id"]
    ok(approve(office, lid, "S020", "--unit-opinion", "同意，已盖章"))
    page = tmp_path / "slip.html"
    text = ok(office.run("leave", "slip", lid, "--html", str(page))).stdout
    html = page.read_text(encoding="utf-8")
    for needle in ("家中有事", "需要请假", "2026年11月23日", "2026年11月24日", "赵六", "13900000000",
                   "派驻单位领导或首席代表意见", "同意，已盖章", "审批意见", "罗美华", "一式二份", "县自然资源和规划局"):  # fmt: skip
        assert needle in html, needle
        assert needle in text or needle in ("派驻单位领导或首席代表意见",), needle
    assert html.count("窗口工作人员请假单</h1>") == 2  # two copies
    assert re.search(r"需要请假 ?(<u>)?2(</u>)? ?天", html)


def test_office_choice_substitute_from(office_with):
    default = office_with()
    assert request(default, "S001", "2026-11-23", "2026-11-23").exit_code == 1  # a whole day needs one
    later = office_with(substitute_from="over_one_day")  # 002 第二篇: only beyond one day
    ok(request(later, "S001", "2026-11-23", "2026-11-23"))
    assert request(later, "S001", "2026-11-24", "2026-11-25T12:00").exit_code == 1


def test_office_choice_handover_before(office_with):
    for choice, expected in (("any_absence", [{"post": "P-ZG-A", "to": "S002"}]), ("one_day_or_more", [])):
        o = office_with(handover_before=choice)
        lid = requested(o, "S001", "2026-11-23T08:00", "2026-11-23T12:00", *SUB)["id"]
        ok(approve(o, lid, "S003"))
        assert events(o, "leave-approve")[0]["handovers"] == expected, choice
        # B covers either way: the choice says only whether the handover is recorded in advance
        duty = json.loads(o.run("duty", "--date", "2026-11-23T09:00", "--post", "P-ZG-A", "--format", "json").stdout)
        assert duty[0]["on_duty"] == "S002"


def test_leave_api_for_attendance():
    """The attendance check imports these: a granted leave excuses the time it covers."""
    made = fold_leaves(
        [
            {"type": "leave", "leave": "L1", "staff": "S001", "from": "2026-11-23T08:00", "to": "2026-11-23T12:00",
             "kind": "personal", "approver_level": "business_section", "days": 0.5, "ts": "x", "by": "S001"},
            {"type": "leave-approve", "leave": "L1", "by": "S003", "ts": "y"},
            {"type": "leave", "leave": "L2", "staff": "S002", "from": "2026-11-23T08:00", "to": "2026-11-23T12:00",
             "kind": "sick", "approver_level": "business_section", "days": 0.5, "ts": "x", "by": "S002"},
        ]
    )  # fmt: skip
    assert isinstance(made["L1"], Leave) and made["L1"].granted and made["L1"].away_at(T("2026-11-23T09:00"))
    assert not made["L2"].granted and made["L2"].status == "requested"


@pytest.fixture
def office_with(tmp_path):
    """office_with(rule=value): the sample catalogue with office.yaml's rule set as text."""
    import shutil

    count = iter(range(100))

    def make(**rules) -> Office:
        home = tmp_path / f"o{next(count)}"
        shutil.copytree(REPO / "catalog", home / "catalog")
        shutil.copytree(REPO / "templates", home / "templates")
        (home / "records").mkdir()
        o = Office(home)
        text = (home / "catalog/office.yaml").read_text(encoding="utf-8")
        for rule, value in rules.items():
            text, n = re.subn(rf"^(  {rule}: )\w+", rf"\g<1>{value}", text, flags=re.M)
            assert n == 1, rule
        o.write("catalog/office.yaml", text)
        return o

    return make
