"""Corrections are events, never edits (issue 16 §6): `svc amend` and `svc void` append records, the
fold applies them, the old lines stay as they were, and the derived state (incremental and rebuilt,
the cold scan, the SQL tables) agrees with a fresh fold."""

from __future__ import annotations

import json
import shutil

from test_scan import _careful_open, _scanned_open
from test_state import ALL, answers, assert_same, fresh, intake

DAY = "2026-11-20T09:00"  # a Friday
NEXT = "2026-11-23T09:00"  # the next working day


def log_bytes(office) -> bytes:
    return b"".join(p.read_bytes() for p in office.records())


def show(office, case, *args, today=DAY):
    r = office.run("show", case, "--format", "json", *args, today=today)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def open_ids(office, today=DAY):
    r = office.run("cases", "--status", "open", "--format", "json", today=today)
    return [row["id"] for row in json.loads(r.stdout or "[]")]


def delivered(office, today=DAY):
    case = intake(office, today, *ALL)
    assert office.run("conclude", case, "--result", "approved", today=today).exit_code == 0
    assert office.run("deliver", case, today=today).exit_code == 0
    return case


# -- amend ---------------------------------------------------------------------------------------------


def test_amend_corrects_name_and_phone_with_history_and_new_documents(office):
    case = intake(office, DAY, *ALL)
    before = log_bytes(office)
    r = office.run(
        "amend", case, "--set", "applicant.name=李四", "--set", "applicant.phone=13900001111", "--reason", "录入错误"
    )
    assert r.exit_code == 0, r.output
    after = log_bytes(office)
    assert after.startswith(before) and b'"name":"\xe5\xbc\xa0\xe4\xb8\x89"' in before  # 张三 stays on file
    data = show(office, case)
    assert data["applicant"]["name"] == "李四" and data["phone"] == "139****1111"
    history = {f["field"]: f for f in data["corrections"]}
    assert history["applicant.name"]["original"] == "张三" and history["applicant.name"]["current"] == "李四"
    assert history["applicant.phone"]["changes"][0]["reason"] == "录入错误"
    assert history["applicant.phone"]["changes"][0]["old"] == "138****5678"  # masked without --reveal
    text = office.run("show", case).stdout
    assert "更正记录" in text and "张三 → 李四" in text
    receipt = office.run("print", case, "receipt")
    assert receipt.exit_code == 0, receipt.output
    assert "李四" in receipt.stdout and "13900001111" in receipt.stdout and "张三" not in receipt.stdout


def test_amend_copies_received(office):
    case = intake(office, DAY, *ALL)
    assert office.run("amend", case, "--set", "received.M05=3", "--reason", "份数录错").exit_code == 0
    assert show(office, case)["received"]["M05"] == 3
    assert office.run("amend", case, "--set", "received.M06=0", "--reason", "未收到").exit_code == 0
    assert "M06" not in show(office, case)["received"]


def test_amend_refusals_write_nothing(office):
    case = intake(office, DAY, *ALL)
    before = log_bytes(office)
    refused = [
        office.run("amend", case, "--set", "applicant.name=李四"),  # no reason
        office.run("amend", case, "--set", "applicant.nam=李四", "--reason", "x"),
        office.run("amend", case, "--set", "status=delivered", "--reason", "x"),
        office.run("amend", case, "--set", "applicant.phone=12", "--reason", "x"),
        office.run("amend", case, "--set", "received.M99=1", "--reason", "x"),
        office.run("amend", case, "--set", "received.M01=abc", "--reason", "x"),
        office.run("amend", case, "--set", "applicant.name=张三", "--reason", "x"),  # unchanged
        office.run("amend", case, "--set", "applicant.id_number=110105199001010021", "--reason", "x"),  # check digit
    ]
    assert [r.exit_code for r in refused] == [2] * len(refused)
    assert all("--set" in r.stderr for r in refused[1:])
    assert log_bytes(office) == before


# -- void ----------------------------------------------------------------------------------------------


def suspended(office, today=DAY, staff="S001"):
    case = intake(office, today, *ALL)
    r = office.run("suspend", case, "--reason", "survey", "--expected", "约 5 个工作日", today=today, staff=staff)
    assert r.exit_code == 0, r.output
    return case


def test_void_by_the_recorder_on_the_same_working_day(office):
    case = suspended(office)
    r = office.run("void", case, "--reason", "误录暂停", today="2026-11-20T16:00")
    assert r.exit_code == 0, r.output
    data = show(office, case)
    assert data["status"] == "accepted" and data["pause"] is None
    kinds = [(t["kind"], t["text"].startswith("〔已撤销〕")) for t in data["timeline"]]
    assert ("suspend", True) in kinds and kinds[-1] == ("void", False)  # the line stays, struck through


def test_void_later_or_by_another_needs_a_chief(office):
    case = suspended(office)
    before = log_bytes(office)
    assert office.run("void", case, "--reason", "x", today=NEXT).exit_code == 1
    assert office.run("void", case, "--reason", "x", staff="S002").exit_code == 1  # not the recorder
    assert office.run("void", case, "--reason", "x", "--approved-by", "S002", today=NEXT).exit_code == 1  # a clerk
    assert office.run("void", case, "--reason", "x", "--approved-by", "S999", today=NEXT).exit_code == 2
    assert log_bytes(office) == before
    r = office.run("void", case, "--reason", "误录暂停", "--approved-by", "S003", today=NEXT)
    assert r.exit_code == 0, r.output
    assert show(office, case, today=NEXT)["status"] == "accepted"
    rows = json.loads(office.run("audit", "corrections", "--format", "json", today=NEXT).stdout)
    assert [(row["type"], row["approved_by"], row["case"]) for row in rows] == [("void", "S003", case)]


def test_a_chief_voids_on_their_own_authority(office):
    case = suspended(office)
    assert office.run("void", case, "--reason", "误录暂停", today=NEXT, staff="S003").exit_code == 0
    rows = json.loads(office.run("audit", "corrections", "--format", "json", today=NEXT).stdout)
    assert rows[0]["by"] == rows[0]["approved_by"] == "S003"


def test_void_of_a_deliver_reopens_the_case(office):
    case = delivered(office, "2026-11-24T09:00")
    late = "2026-12-10T08:00"  # after its due date
    assert case not in open_ids(office, late)
    assert case not in office.run("overdue", "--format", "json", today=late).stdout
    r = office.run("void", case, "--reason", "未领取，误录送达", today="2026-11-24T11:00")
    assert r.exit_code == 0, r.output
    assert show(office, case, today=late)["status"] == "concluded"
    assert case in open_ids(office, late)
    r = office.run("overdue", "--format", "json", today=late)
    assert r.exit_code == 3 and case in [f["case"] for f in json.loads(r.stdout)]


def test_a_void_is_never_voided(office):
    case = delivered(office)
    assert office.run("void", case, "--reason", "误录送达").exit_code == 0
    before = log_bytes(office)
    r = office.run("void", case, "--reason", "再撤一次")
    assert r.exit_code == 1 and "撤销不能再撤销" in r.stderr
    assert log_bytes(office) == before
    assert show(office, case)["status"] == "concluded"  # the conclusion stands


def test_audit_corrections_lists_amends_and_voids(office):
    case = delivered(office)
    office.run("amend", case, "--set", "applicant.phone=13900001111", "--reason", "电话录错")
    office.run("void", case, "--reason", "误录送达")
    r = office.run("audit", "corrections", "--format", "json")
    rows = json.loads(r.stdout)
    assert [(row["type"], row["case"], row["by"]) for row in rows] == [("amend", case, "S001"), ("void", case, "S001")]
    assert "139****1111" in rows[0]["what"] and "13900001111" not in r.stdout  # masked in the listing
    assert rows[1]["reason"] == "误录送达" and "送达" in rows[1]["what"]
    table = office.run("audit", "corrections").stdout
    assert "更正记录" in table and "撤销上一步" in table
    assert office.run("check").exit_code == 0  # every record fits


# -- the derived state ---------------------------------------------------------------------------------


def test_state_equals_fresh_after_amend_and_voids(office):
    """Incremental (an amend on an open case), rebuilt on a void (of a pause, of a deliver)."""
    paused = suspended(office, "2026-11-20T09:00")
    done = delivered(office, "2026-11-23T09:00")
    other = intake(office, "2026-11-23T10:00", *ALL)
    assert_same(office)
    office.run("amend", other, "--set", "applicant.name=王五", "--reason", "录入错误", today="2026-11-23T11:00")
    cached = assert_same(office)
    assert "王五" in cached[1][1]
    office.run("void", paused, "--reason", "误录暂停", "--approved-by", "S003", today="2026-11-24T09:00")
    assert_same(office)
    office.run("void", done, "--reason", "误录送达", today="2026-11-23T12:00")
    cached = assert_same(office)
    assert done in cached[1][1] and done in cached[0][1]  # open again, and overdue by 2026-12-20


def test_state_after_a_void_then_a_real_close_and_an_amend(office):
    """A case a void names is folded in full by the rebuild; closed for good afterwards, later records
    of it are not looked at (no spurious problem)."""
    case = delivered(office)
    office.run("void", case, "--reason", "误录送达")
    assert office.run("deliver", case, today="2026-11-24T09:00").exit_code == 0
    office.run("amend", case, "--set", "applicant.name=李四", "--reason", "录入错误", today="2026-11-24T10:00")
    cached = assert_same(office)
    assert case not in cached[1][1]
    shutil.rmtree(office.path / ".svc")
    r = office.run("overdue", "--format", "json", today="2026-12-20T08:00")
    assert r.exit_code == 0 and "不存在的案件" not in r.stderr and "未予采用" not in r.stderr


def test_cold_scan_equals_a_careful_fold_after_voids(office):
    reopened = delivered(office, "2026-11-20T09:00")
    office.run("void", reopened, "--reason", "误录送达")
    closed_again = delivered(office, "2026-11-23T09:00")
    office.run("void", closed_again, "--reason", "误录送达", today="2026-11-23T10:00")
    office.run("deliver", closed_again, today="2026-11-24T09:00")
    paused = suspended(office, "2026-11-24T09:00")
    office.run("void", paused, "--reason", "误录暂停", today="2026-11-24T10:00")
    scanned, found = _scanned_open(office.path)
    assert not found.problems
    careful = _careful_open(office.path)
    assert scanned == careful
    assert reopened in careful and paused in careful and closed_again not in careful
    assert careful[paused].status == "accepted" and careful[reopened].status == "concluded"


def test_sql_tables_follow_a_void(office):
    case = delivered(office)
    query = f"SELECT status, is_open FROM cases WHERE case_id = '{case}'"
    first = office.run("sql", query, "--format", "json", today="2026-11-25T09:00")
    assert json.loads(first.stdout) == [{"status": "delivered", "is_open": 0}]
    office.run("void", case, "--reason", "误录送达")
    incremental = office.run("sql", query, "--format", "json", today="2026-11-25T09:00")
    assert json.loads(incremental.stdout) == [{"status": "concluded", "is_open": 1}]
    shutil.rmtree(office.path / ".svc")
    assert office.run("sql", query, "--format", "json", today="2026-11-25T09:00").stdout == incremental.stdout


def test_answers_from_the_records_alone_agree(office):
    """With no state at all (fresh), the reopened case is listed as with it."""
    case = delivered(office)
    office.run("void", case, "--reason", "误录送达")
    assert case in fresh(office)[1][1]
    assert answers(office) == fresh(office)
