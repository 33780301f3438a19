"""Who is on duty (A、B岗): A when present, else the first B holder present, in order; a post with
nobody is an alarm (`svc duty` and `svc overdue` exit 3); handovers to a post and `svc holders`
follow the cover (DOMAIN.md "A/B posts, leave, cover")."""

from __future__ import annotations

import datetime as dt
import json

from conftest import REPO, Office
from svccli.core.duty import duty_of
from svccli.core.leave import Leave
from svccli.store.home import load_home

ROSTER = load_home(REPO).roster  # P-ZG-A: A S001, B [S002, S003]
T = dt.datetime.fromisoformat
MORNING = (T("2026-11-23T08:00"), T("2026-11-23T12:00"))
AFTERNOON = (T("2026-11-23T14:30"), T("2026-11-23T17:30"))


def away(staff: str, start="2026-11-23T08:00", end="2026-11-23T12:00", status="approved") -> Leave:
    return Leave(f"L-{staff}", staff, T(start), T(end), "personal", status)


def test_a_holder_present():
    d = duty_of(ROSTER, ROSTER.posts["P-ZG-A"], *MORNING, [])
    assert (d.on_duty, d.role, d.unattended) == ("S001", "A", False)


def test_first_b_covers_and_a_chain_goes_to_the_second():
    post = ROSTER.posts["P-ZG-A"]
    d = duty_of(ROSTER, post, *MORNING, [away("S001")])
    assert (d.on_duty, d.role) == ("S002", "B1") and "张伟" in d.why
    d = duty_of(ROSTER, post, *MORNING, [away("S001"), away("S002")])
    assert (d.on_duty, d.role) == ("S003", "B2") and "李娜" in d.why
    d = duty_of(ROSTER, post, *MORNING, [away("S001"), away("S002"), away("S003")])
    assert d.unattended and d.on_duty == "" and d.role == ""


def test_only_granted_leave_counts_and_half_days_are_apart():
    post = ROSTER.posts["P-ZG-A"]
    assert duty_of(ROSTER, post, *MORNING, [away("S001", status="requested")]).role == "A"
    assert duty_of(ROSTER, post, *MORNING, [away("S001", status="rejected")]).role == "A"
    assert duty_of(ROSTER, post, *AFTERNOON, [away("S001")]).role == "A"  # a morning's leave


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def leave(office: Office, staff: str, start: str, end: str, approver: str, *extra: str) -> str:
    r = office.run(
        "leave", "request", staff, "--from", start, "--to", end, "--kind", "personal", "--reason", "事",
        "--substitute", "赵六", "--substitute-phone", "13900000000", "--format", "json", staff=staff,
    )  # fmt: skip
    lid = json.loads(ok(r).stdout)["id"]
    ok(office.run("leave", "approve", lid, *extra, staff=approver))
    return lid


def duty(office: Office, *args: str, today="2026-11-20T09:00"):
    return office.run("duty", *args, "--format", "json", today=today)


def test_duty_command_shows_the_cover_by_half_day(office):
    leave(office, "S001", "2026-11-23T08:00", "2026-11-23T12:00", "S003")
    rows = json.loads(ok(duty(office, "--date", "2026-11-23", "--post", "P-ZG-A")).stdout)
    assert [(r["half"], r["on_duty"], r["role"]) for r in rows] == [
        ("morning", "S002", "B1"),
        ("afternoon", "S001", "A"),
    ]
    assert set(rows[0]) >= {"post", "post_name", "window", "on_duty", "on_duty_name", "role", "why", "unattended"}
    # with no --date: the half day of the command's moment
    now = json.loads(ok(duty(office, "--post", "P-ZG-A", today="2026-11-23T15:00")).stdout)
    assert [(r["half"], r["role"]) for r in now] == [("afternoon", "A")]


def test_unattended_post_is_an_alarm_and_the_daily_check_lists_it(office):
    leave(office, "S001", "2026-11-23", "2026-11-23", "S003")
    leave(office, "S002", "2026-11-23", "2026-11-23", "S003")
    r = office.run(
        "leave", "request", "S003", "--from", "2026-11-23T14:30", "--to", "2026-11-23T17:30", "--kind", "公假",
        "--reason", "开会", "--substitute", "S001", "--format", "json", staff="S003",
    )  # fmt: skip
    approved = ok(office.run("leave", "approve", json.loads(ok(r).stdout)["id"], staff="S020"))
    assert "规划许可受理岗（P-ZG-A）将无人在岗" in approved.stderr  # said when approving
    r = duty(office, "--date", "2026-11-23T15:00", "--window", "W01")
    assert r.exit_code == 3
    assert {x["post"] for x in json.loads(r.stdout) if x["unattended"]} == {"P-ZG-A", "P-ZG-B"}
    assert duty(office, "--date", "2026-11-23T09:00", "--window", "W01").exit_code == 0  # S003 there in the morning
    check = office.run("overdue", "--format", "json", today="2026-11-23T08:00")
    assert check.exit_code == 3
    found = [x for x in json.loads(check.stdout) if x["kind"] == "unattended"]
    assert {(x["post"], x["half"]) for x in found} == {("P-ZG-A", "afternoon"), ("P-ZG-B", "afternoon")}
    assert office.run("overdue", today="2026-11-24T08:00").exit_code == 0  # the next day is covered again


def test_weekend_has_no_duty(office):
    r = duty(office, "--date", "2026-11-22")
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_handover_to_a_post_goes_to_the_cover_and_holders_show_it(office):
    case = office.intake()  # held by S001 at the window
    leave(office, "S001", "2026-11-23", "2026-11-24", "S020", "--unit-opinion", "同意")
    s = ok(office.run("handover", case, "--to", "ZG-SP", today="2026-11-23T09:00", staff="S001"))
    assert s
    ok(office.run("receive", case, today="2026-11-23T09:30", staff="S003"))
    back = ok(office.run("return", case, "--to", "P-ZG-A", today="2026-11-23T10:00", staff="S003"))
    assert back
    moved = [json.loads(x) for p in office.records() for x in p.read_text(encoding="utf-8").splitlines()]
    ret = [e for e in moved if e["type"] == "return"][-1]
    assert ret["receiver"] == "S002" and "请假" in ret["routed"]  # A on leave: the first B present
    assert ok(office.run("receive", case, today="2026-11-23T10:30", staff="S002"))


def test_holders_name_the_cover(office):
    case = office.intake()
    leave(office, "S001", "2026-11-23", "2026-11-24", "S020", "--unit-opinion", "同意")
    rows = json.loads(ok(office.run("holders", "--format", "json", today="2026-11-23T09:00")).stdout)
    row = next(r for r in rows if r["case"] == case)
    assert row["covered_by"] == "S002" and "李娜顶岗" in row["holder_name"]
    mine = json.loads(ok(office.run("holders", "--staff", "S002", "--format", "json", today="2026-11-23T09:00")).stdout)
    assert case in {r["case"] for r in mine}
    before = json.loads(ok(office.run("holders", "--format", "json", today="2026-11-20T09:00")).stdout)
    assert next(r for r in before if r["case"] == case)["covered_by"] == ""
