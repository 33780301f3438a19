"""Sanctions (问责): every step of both ladders, per calendar year; the office's choices of the notice
ladder and of the award bar; circulated criticism without a complaint; two circulated criticisms
returning the person to the sending unit; a section with two complaints barring its chief."""

from __future__ import annotations

import json

import pytest

from svccli.core.complaints import fold_complaints, section_chief_barred
from svccli.core.roster import Roster, Section, Staff, Window
from svccli.core.sanctions import SanctionRules, award_barred, returned, sanctions, unfit
from tests.conftest import Office

DEFAULT = SanctionRules()
SEED_001 = SanctionRules(notice_ladder="first_contact")


def filed(cid: str, about: str, day: str, against: str = "S001", kind: str = "staff") -> dict:
    return {
        "type": "complaint", "complaint": cid, "against": against, "against_kind": kind, "about": about,
        "ts": f"{day}T09:00:00+08:00", "reply_by": day, "by": "S002",
    }  # fmt: skip


def resolved(cid: str, day: str, result: str = "upheld", responsible: str = "S001") -> dict:
    return {
        "type": "complaint-resolve", "complaint": cid, "result": result, "finding": "查实",
        "responsible": responsible if result == "upheld" else "", "ts": f"{day}T15:00:00+08:00", "by": "S021",
    }  # fmt: skip


def upheld(about: str, days: list[str], staff: str = "S001") -> dict:
    events = []
    for i, day in enumerate(days, 1):
        cid = f"TS-{about}-{i}" if staff == "S001" else f"TS-{about}-{staff}-{i}"
        events += [filed(cid, about, day, staff), resolved(cid, day, responsible=staff)]
    return fold_complaints(events)


def kinds(found, staff: str = "S001") -> list[tuple[int, tuple[str, ...]]]:
    """(step, kinds) per complaint, in order."""
    steps: dict[str, tuple[int, tuple[str, ...]]] = {}
    for s in found:
        if s.staff == staff and s.ladder:
            step, names = steps.get(s.source, (s.step, ()))
            steps[s.source] = (step, (*names, s.kind))
    return list(steps.values())


def test_the_notice_ladder_by_default_warns_talks_then_letters_and_circulates():
    found = sanctions([], upheld("notice", ["2026-03-02", "2026-05-06", "2026-07-01", "2026-09-01"]), DEFAULT)
    assert kinds(found) == [
        (1, ("oral_warning",)),
        (2, ("admonition_talk",)),
        (3, ("efficiency_warning", "circulated_criticism")),
        (3, ("efficiency_warning", "circulated_criticism")),  # beyond the last step: the last step again
    ]
    assert {s.source for s in found} >= {"TS-notice-1", "TS-notice-4"}


def test_the_notice_ladder_as_001_criticises_circulates_then_suspends():
    found = sanctions([], upheld("notice", ["2026-03-02", "2026-05-06", "2026-07-01"]), SEED_001)
    assert kinds(found) == [(1, ("criticism",)), (2, ("circulated_criticism",)), (3, ("suspension",))]
    assert unfit(found, "S001", 2026)


def test_the_first_contact_ladder_criticises_circulates_then_suspends_making_the_person_unfit():
    found = sanctions([], upheld("first-contact", ["2026-03-02", "2026-05-06"]), DEFAULT)
    assert kinds(found) == [(1, ("criticism",)), (2, ("circulated_criticism",))]
    assert not unfit(found, "S001", 2026)
    found = sanctions([], upheld("first-contact", ["2026-03-02", "2026-05-06", "2026-07-01"]), DEFAULT)
    assert kinds(found)[-1] == (3, ("suspension",))
    assert unfit(found, "S001", 2026) and not unfit(found, "S001", 2027)


def test_the_ladders_count_per_calendar_year_and_per_person():
    found = sanctions([], upheld("first-contact", ["2025-12-30", "2026-01-05"]), DEFAULT)
    assert kinds(found) == [(1, ("criticism",)), (1, ("criticism",))]
    both = {**upheld("notice", ["2026-03-02"], "S001"), **upheld("notice", ["2026-03-03"], "S002")}
    assert [s.step for s in sanctions([], both, DEFAULT)] == [1, 1]


def test_dismissed_complaints_and_those_without_a_responsible_person_climb_nothing():
    events = [filed("A", "notice", "2026-03-02"), resolved("A", "2026-03-03", "dismissed")]
    events += [filed("B", "notice", "2026-03-02", "W01", "window"), resolved("B", "2026-03-03", responsible="")]
    assert sanctions([], fold_complaints(events), DEFAULT) == []


@pytest.mark.parametrize("about", ["integrity", "fees"])
def test_taking_advantage_and_unauthorised_fees_are_circulated_at_once(about):
    found = sanctions([], upheld(about, ["2026-03-02"]), DEFAULT)
    assert [(s.kind, s.ladder, s.source) for s in found] == [("circulated_criticism", "", f"TS-{about}-1")]
    assert award_barred(found, "S001", 2026)


def direct(sid: str, kind: str, day: str, staff: str = "S001") -> dict:
    return {"type": "sanction", "sanction": sid, "staff": staff, "kind": kind, "reason": "无故旷工",
            "basis": "考核办法", "ts": f"{day}T10:00:00+08:00", "by": "S021"}  # fmt: skip


def test_two_circulated_criticisms_in_a_year_return_the_person_to_the_sending_unit():
    one = [direct("WZ-1", "circulated_criticism", "2026-02-02")]
    assert not returned(sanctions(one, {}, DEFAULT), "S001", 2026)
    two = [*one, direct("WZ-2", "circulated_criticism", "2026-11-02")]
    found = sanctions(two, {}, DEFAULT)
    assert returned(found, "S001", 2026)
    back = [s for s in found if s.returned]
    assert [(s.source, s.date.isoformat()) for s in back] == [("rule", "2026-11-02")]
    # one from a complaint's ladder counts as well; a third brings no second return
    mixed = sanctions(
        [*two, direct("WZ-3", "circulated_criticism", "2026-12-01")], upheld("integrity", ["2026-01-05"]), DEFAULT
    )
    assert [s.date.isoformat() for s in mixed if s.returned] == ["2026-02-02"]


def test_circulated_criticisms_in_two_years_return_no_one():
    found = sanctions(
        [direct("WZ-1", "circulated_criticism", "2025-12-30"), direct("WZ-2", "circulated_criticism", "2026-01-05")],
        {},
        DEFAULT,
    )
    assert not returned(found, "S001", 2025) and not returned(found, "S001", 2026)


def test_the_award_bar_is_the_year_by_default_and_the_quarter_as_the_office_chooses():
    found = sanctions([direct("WZ-1", "circulated_criticism", "2026-02-02")], {}, DEFAULT)
    assert award_barred(found, "S001", 2026, quarter=4, bar="year")
    assert not award_barred(found, "S001", 2026, quarter=4, bar="quarter")
    assert award_barred(found, "S001", 2026, quarter=1, bar="quarter")
    assert not award_barred(found, "S001", 2027, bar="year")
    assert not award_barred(found, "S002", 2026)


def test_an_oral_warning_or_a_talk_does_not_bar_awards():
    found = sanctions([], upheld("notice", ["2026-03-02", "2026-05-06"]), DEFAULT)
    assert not award_barred(found, "S001", 2026)


ROSTER = Roster(
    staff={
        "S001": Staff("S001", "张伟", section="ZG-SP"),
        "S002": Staff("S002", "李娜", section="ZG-SP"),
        "S003": Staff("S003", "王建国", section="ZG-SP"),
        "S004": Staff("S004", "刘芳", section="BD-SP"),
    },
    sections={"ZG-SP": Section("ZG-SP", "审批科", "ZG", chief="S003"), "BD-SP": Section("BD-SP", "登记科", "BD")},
    windows={"W01": Window("W01", "1号窗口", "ZG", head="S003")},
    posts={},
)


def test_a_section_with_two_upheld_complaints_in_a_year_bars_its_chief():
    one = {**upheld("attitude", ["2026-03-02"], "S001")}
    assert not section_chief_barred(one.values(), ROSTER, "ZG-SP", 2026)
    two = {**one, **upheld("delay", ["2026-06-02"], "S002")}
    assert section_chief_barred(two.values(), ROSTER, "ZG-SP", 2026)
    assert not section_chief_barred(two.values(), ROSTER, "ZG-SP", 2025)
    assert not section_chief_barred(two.values(), ROSTER, "BD-SP", 2026)
    # a complaint about the window of the section's department counts for the section
    window = fold_complaints(
        [filed("W", "attitude", "2026-04-01", "W01", "window"), resolved("W", "2026-04-02", responsible="")]
    )
    assert section_chief_barred([*one.values(), *window.values()], ROSTER, "ZG-SP", 2026)
    dismissed = fold_complaints([filed("D", "attitude", "2026-04-01"), resolved("D", "2026-04-02", "dismissed")])
    assert not section_chief_barred([*one.values(), *dismissed.values()], ROSTER, "ZG-SP", 2026)


# -- through the commands ---------------------------------------------------------------------


def complain(office: Office, about: str, day: str) -> str:
    r = office.run(
        "complaint", "file", "--against", "S001", "--about", about, "--text", "x", "--from", "赵六",
        "--phone", "13900002222", today=f"{day}T09:00",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    cid = r.stdout.split("编号 ")[1].split()[0]
    done = office.run("complaint", "resolve", cid, "--upheld", "--finding", "属实", staff="S021", today=f"{day}T15:00")
    assert done.exit_code == 0, done.output
    return cid


def listing(office: Office, *args: str) -> list[dict]:
    r = office.run("sanctions", "--format", "json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout or "[]")


def choose(office: Office, rule: str, value: str) -> None:
    path = office.path / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    old = next(ln for ln in text.splitlines() if ln.startswith(f"  {rule}:"))
    path.write_text(text.replace(old, f"  {rule}: {value}"), encoding="utf-8")


@pytest.mark.parametrize(
    "choice, third",
    [(None, ["efficiency_warning", "circulated_criticism"]), ("first_contact", ["suspension"])],
)
def test_the_notice_ladder_is_the_offices_choice(office: Office, choice, third):
    if choice:
        choose(office, "notice_ladder", choice)
    ids = [complain(office, "notice", day) for day in ("2026-03-02", "2026-05-06", "2026-07-01")]
    rows = [r for r in listing(office) if r["source"] == ids[2]]
    assert [r["kind"] for r in rows] == third
    assert {(r["ladder"], r["step"]) for r in rows} == {(choice or "notice_breach", 3)}
    assert any(r["unfit"] for r in rows) == (choice == "first_contact")


def test_the_award_bar_choice_shows_in_the_listing(office: Office):
    complain(office, "integrity", "2026-03-02")
    assert listing(office)[0]["effects_text"] == "取消当年评先评优资格"
    choose(office, "award_bar", "quarter")
    assert listing(office)[0]["effects_text"] == "取消当季评先评优资格"


def test_a_sanction_is_by_an_inspector_only(office: Office):
    args = ("sanction", "S001", "--kind", "circulated", "--reason", "无故旷工半天", "--basis", "考核办法")
    r = office.run(*args, staff="S003")
    assert r.exit_code == 1
    assert listing(office) == []
    assert office.run("sanction", "S021", *args[2:], staff="S021").exit_code == 1  # not on oneself


def test_circulated_criticism_without_a_complaint_prints_its_notice_and_two_return_the_person(office: Office, tmp_path):
    page = tmp_path / "notice.html"
    args = (
        "sanction",
        "S001",
        "--kind",
        "通报批评",
        "--reason",
        "无故旷工半天",
        "--basis",
        "考核办法",
        "--trigger",
        "unexcused_absence",
    )
    r = office.run(*args, "--html", str(page), staff="S021", today="2026-03-02T10:00")
    assert r.exit_code == 0, r.output
    assert "关于对张伟同志的通报批评" in r.stdout
    assert "关于对张伟同志的通报批评" in page.read_text(encoding="utf-8")
    again = office.run(*args, staff="S021", today="2026-06-01T10:00")
    assert again.exit_code == 0, again.output
    assert "退回派出单位" in again.stderr
    rows = listing(office, "--staff", "S001", "--year", "2026")
    assert [(r["kind"], r["source"]) for r in rows] == [
        ("circulated_criticism", "direct"),
        ("circulated_criticism", "direct"),
        ("return_to_unit", "rule"),
    ]
    assert rows[0]["trigger"] == "unexcused_absence" and rows[2]["returned"]


def test_the_efficiency_warning_letter_is_printed_and_reprinted(office: Office, tmp_path):
    r = office.run(
        "sanction", "S001", "--kind", "warning", "--reason", "多次推诿", "--basis", "首问责任制度", staff="S021"
    )
    assert r.exit_code == 0, r.output
    assert "【效能告诫书】" in r.stdout
    sid = listing(office)[0]["id"]
    page = tmp_path / "warning.html"
    again = office.run("sanctions", "--print", sid, "--html", str(page))
    assert again.exit_code == 0, again.output
    assert "效能告诫书" in page.read_text(encoding="utf-8")
    talk = office.run("sanction", "S001", "--kind", "admonition", "--reason", "x", "--basis", "y", staff="S021")
    assert talk.exit_code == 0
    talk_id = listing(office)[-1]["id"]
    assert office.run("sanctions", "--print", talk_id).exit_code == 1  # a talk has no printed document


def test_a_ladder_step_from_a_complaint_names_its_source(office: Office):
    cid = complain(office, "first-contact", "2026-03-02")
    row = listing(office)[0]
    assert (row["kind"], row["ladder"], row["step"], row["source"]) == ("criticism", "first_contact", 1, cid)
    assert "投诉 " + cid in office.run("sanctions").stdout
