"""The index of which files hold each case (store/where.py) never changes what `svc show` says:
after appends, new files, rewrites and removals the indexed answer equals the one read afresh."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from conftest import Office

ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
PAUSE = ["--reason", "survey", "--expected", "约 5 个工作日"]  # --expected is required (issue 16 §7, 000 第四篇 二.10)


def intake(office: Office, today: str, *materials) -> str:
    r = office.run("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", *materials, "-q", today=today)
    assert r.exit_code == 0, r.output
    return r.stdout.strip()


def shown(office: Office, case: str):
    r = office.run("show", case, "--format", "json", today="2026-12-20T08:00")
    return r.exit_code, r.stdout


def rows(office: Office, sql: str, *args) -> list:
    with sqlite3.connect(office.path / ".svc" / "state.sqlite") as conn:
        return conn.execute(sql, args).fetchall()


def assert_same(office: Office, case: str):
    indexed = shown(office, case)
    assert rows(office, "SELECT count(*) FROM case_file_mark")[0][0] > 0  # the rows were used
    shutil.rmtree(office.path / ".svc")
    assert shown(office, case) == indexed
    return indexed


@pytest.fixture
def two(office: Office):
    a = intake(office, "2026-11-20T09:00", *ALL)
    b = intake(office, "2026-11-20T10:00", "--material", "M01")
    assert_same(office, a)
    office.ids = (a, b)
    return office


def test_show_sees_events_appended_to_a_known_file_and_in_new_files(two: Office):
    a, _ = two.ids
    before = shown(two, a)
    two.run("suspend", a, *PAUSE, today="2026-11-20T15:00")  # the same day's file grows
    two.run("resume", a, today="2026-11-25T09:00")  # a new day's file
    after = assert_same(two, a)
    assert after != before and "survey" in after[1]


def test_show_after_a_file_is_rewritten_or_removed(two: Office):
    a, b = two.ids
    two.run("suspend", a, *PAUSE, today="2026-11-23T09:00")
    shown(two, a)
    later = two.records()[-1]
    later.unlink()  # as a checkout of an older commit would
    assert "survey" not in assert_same(two, a)[1]
    first = two.records()[0]
    first.write_bytes(first.read_bytes().split(b"\n", 2)[0] + b"\n")  # truncated to the first case's intake
    assert assert_same(two, b)[0] != 0


def test_index_of_one_day_only_reads_files_from_that_day_on(two: Office):
    a, _ = two.ids
    c = intake(two, "2026-11-25T09:00", *ALL)
    shown(two, c)
    marks = rows(two, "SELECT path FROM case_file_mark WHERE day = '2026-11-25'")
    assert marks and all(rel.endswith("2026-11-25.jsonl") for (rel,) in marks)
    assert {i for (i,) in rows(two, "SELECT id FROM case_file WHERE id LIKE '%-261125-%'")} == {c}


def test_planted_rows_only_narrow_the_search(two: Office):
    """Rows naming a file that does not hold the case, or a path outside records/, never add events
    to a case or read outside the home: the rows only narrow which files are parsed."""
    a, _ = two.ids
    before = shown(two, a)
    with sqlite3.connect(two.path / ".svc" / "state.sqlite") as conn:
        conn.execute("DELETE FROM case_file WHERE id = ?", (a,))
        conn.execute("INSERT INTO case_file VALUES (?, ?)", (a, "../../etc/passwd"))
    after = shown(two, a)
    assert after[0] == 0 or after != before  # not a traceback; what it shows is read from records only
    shutil.rmtree(two.path / ".svc")
    assert shown(two, a) == before
