"""Derived state (.svc/state.sqlite) never changes an answer (issues 10, 15): after each kind of
change the answer from the state equals the answer computed afresh from the records and the
catalogue."""

from __future__ import annotations

import sqlite3

import pytest

ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
TODAY = "2026-12-20T08:00"


def intake(office, today, *materials, service="ZG-001"):
    r = office.run("intake", service, "--applicant", "张三", "--phone", "13812345678", *materials, "-q", today=today)
    assert r.exit_code == 0, r.output
    return r.stdout.strip()


def answers(office):
    runs = [
        office.run("overdue", "--warn", "3", "--format", "json", today=TODAY),
        office.run("cases", "--status", "open", "--format", "json", today=TODAY),
    ]
    return [(r.exit_code, r.stdout) for r in runs]


STATE = (".svc", "state.sqlite")


def drop_state(office):
    for suffix in ("", "-wal", "-shm"):
        office.path.joinpath(*STATE).with_name(f"state.sqlite{suffix}").unlink(missing_ok=True)


def fresh(office):
    drop_state(office)
    return answers(office)


def db(office):
    return sqlite3.connect(office.path.joinpath(*STATE))


def assert_same(office):
    cached = answers(office)
    with db(office) as conn:
        assert conn.execute("SELECT count(*) FROM record_file").fetchone()[0] > 0  # the state was used
    assert cached == fresh(office)
    return cached


@pytest.fixture
def busy(office):
    """A few cases in several states over several days."""
    a = intake(office, "2026-11-20T09:00", *ALL)
    b = intake(office, "2026-11-20T10:00", "--material", "M01")
    c = intake(office, "2026-11-23T09:00", *ALL)
    office.run("conclude", c, "--result", "approved", today="2026-11-24T09:00")
    office.run("deliver", c, today="2026-11-24T10:00")
    # --expected: svc suspend requires the time told to the applicant (issue 16 section 7, 000 第四篇 二.10)
    office.run("suspend", a, "--reason", "survey", "--expected", "约 5 个工作日", today="2026-11-25T09:00")
    assert_same(office)
    office.ids = (a, b, c)
    return office


def test_cache_equals_fresh_after_append(busy):
    before = answers(busy)
    intake(busy, "2026-12-01T09:00", *ALL)
    after = assert_same(busy)
    assert after != before


def test_cache_after_event_for_a_closed_case(busy):
    busy.run("supplement", busy.ids[2], "--material", "M01", today="2026-12-02T09:00")  # refused: nothing written
    a = busy.ids[0]
    busy.run("resume", a, today="2026-12-02T09:00")
    assert_same(busy)


def test_cache_after_truncation(busy):
    intake(busy, "2026-12-01T09:00", *ALL)
    answers(busy)
    path = busy.records()[-1]
    data = path.read_bytes()
    path.write_bytes(data[: data.rstrip(b"\n").rfind(b"\n") + 1])  # the last line removed
    assert_same(busy)


def test_cache_after_rewind_to_older_content(busy):
    path = busy.records()[0]
    old = path.read_bytes()
    intake(busy, "2026-11-20T15:00", *ALL)
    answers(busy)
    path.write_bytes(old)  # as `git checkout` of an older commit would
    assert_same(busy)


def test_cache_after_backdated_event_in_an_older_file(busy):
    answers(busy)
    intake(busy, "2026-11-19T09:00", *ALL)  # an older day's file: before what was folded
    assert_same(busy)


def test_cache_when_corrupt_or_half_written(busy):
    path = busy.path.joinpath(*STATE)
    good = path.read_bytes()
    for broken in (b"", good[: len(good) // 2], b"not a database", good[:100] + b"\x00" * 5000):
        drop_state(busy)
        path.write_bytes(broken)
        path.chmod(0o600)
        assert answers(busy) == fresh(busy)


def test_cache_when_stored_rows_are_damaged(busy):
    """Rows that do not read back (a case's JSON, the catalogue's) rebuild the state; never a traceback."""
    answers(busy)
    with db(busy) as conn:
        conn.execute("UPDATE open_case SET body = CAST('[1, 2' AS BLOB)")
        conn.execute('UPDATE catalog_item SET body = CAST(\'{"$c": "os.system", "v": []}\' AS BLOB)')
        conn.execute("UPDATE meta SET value = CAST('[' AS BLOB) WHERE key IN ('catalog', 'problems')")
    runs = [
        busy.run("overdue", "--warn", "3", "--format", "json", today=TODAY),
        busy.run("cases", "--status", "open", "--format", "json", today=TODAY),
        busy.run("catalog", "show", "ZG-001"),
        busy.run("show", busy.ids[0]),
    ]
    assert [r.exit_code for r in runs[1:]] == [0, 0, 0] and not any("Traceback" in r.stderr for r in runs)
    assert "建设用地规划许可证核发" in runs[2].stdout
    assert [(r.exit_code, r.stdout) for r in runs[:2]] == fresh(busy)


def test_a_new_code_version_starts_an_empty_state(busy):
    answers(busy)
    with db(busy) as conn:
        conn.execute("UPDATE meta SET value = 'older code' WHERE key = 'code'")
        conn.execute("CREATE TABLE planted(x)")
    assert answers(busy) == fresh(busy)
    with db(busy) as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "planted" not in names and "open_case" in names


def test_cache_after_catalog_and_calendar_edits(busy):
    before = assert_same(busy)
    svc = busy.path / "catalog" / "services" / "zg.yaml"
    text = svc.read_text(encoding="utf-8")
    svc.write_text(text.replace("committed_limit: 7", "committed_limit: 12", 1), encoding="utf-8")
    after_item = assert_same(busy)
    assert after_item != before
    cal = busy.path / "catalog" / "calendar" / "2026.yaml"
    cal.write_text(
        cal.read_text(encoding="utf-8").replace(
            "  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}",
            "  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}\n  - {name: 临时, from: 2026-12-14, to: 2026-12-18}",
        ),
        encoding="utf-8",
    )
    assert assert_same(busy) != after_item


def test_cache_after_a_file_is_removed(busy):
    intake(busy, "2026-12-01T09:00", *ALL)
    answers(busy)
    busy.records()[-1].unlink()
    assert_same(busy)


def test_cache_keeps_warning_of_a_torn_line(busy):
    path = busy.records()[-1]
    path.write_bytes(path.read_bytes() + b'{"v":1,"id":"x')
    first = busy.run("overdue", today=TODAY)
    second = busy.run("overdue", today=TODAY)
    assert "不完整" in first.stderr and "不完整" in second.stderr


def test_a_memo_of_the_day_is_used_only_for_the_same_day_question_and_unchanged_cases(busy):
    """A repeat of the daily check the same day reuses each unchanged case's answer (store/daily.py);
    another day, another --warn or a new event for the case gives a fresh one."""
    a = busy.ids[0]
    busy.run("resume", a, today="2026-11-26T09:00")
    runs = {}
    for today in ("2026-12-20T08:00", "2026-12-21T08:00", "2026-12-20T08:00"):
        for warn in ([], ["--warn", "5"]):
            r = busy.run("overdue", *warn, "--format", "json", today=today)
            runs.setdefault((today, tuple(warn)), []).append((r.exit_code, r.stdout))
    for answers in runs.values():
        assert len(set(answers)) == 1  # the same question, the same answer
    assert runs[("2026-12-20T08:00", ())] != runs[("2026-12-21T08:00", ())]  # days late moved on
    recorded = busy.run("overdue", "--record", today="2026-12-20T08:00", staff="S021")
    assert recorded.exit_code == 3
    again = busy.run("overdue", "--record", "--format", "json", today="2026-12-20T08:00", staff="S021")
    drop_state(busy)
    fresh_run = busy.run("overdue", "--record", "--format", "json", today="2026-12-20T08:00", staff="S021")
    assert (again.exit_code, again.stdout) == (fresh_run.exit_code, fresh_run.stdout)
    overdue_events = [
        ln for p in busy.records() for ln in p.read_text(encoding="utf-8").splitlines() if '"type":"overdue"' in ln
    ]
    assert len(overdue_events) == len({(e.split('"case":"')[1][:17]) for e in overdue_events})  # once per case per day


def test_memo_rows_of_another_question_are_never_reused(busy):
    """A stored answer is used only for the same question (day, --warn, catalogue) and the same case
    bytes: a planted answer for another signature is ignored."""
    first = busy.run("overdue", "--format", "json", today=TODAY)
    with db(busy) as conn:
        conn.execute("UPDATE daily_answer SET sig = sig + 1, answer = CAST('[]' AS BLOB)")
    assert busy.run("overdue", "--format", "json", today=TODAY).stdout == first.stdout
    with db(busy) as conn:
        conn.execute("UPDATE daily_answer SET answer = CAST('[]' AS BLOB)")
        conn.execute("UPDATE meta SET value = 'another question' WHERE key = 'daily_question'")
    assert busy.run("overdue", "--format", "json", today=TODAY).stdout == first.stdout


def test_state_updated_by_two_processes_in_turn(busy):
    """Another command's update between two of ours (as cron and a clerk at once) is picked up:
    each update is one transaction over the marks it read."""
    answers(busy)
    for today in ("2026-12-01T09:00", "2026-12-02T09:00", "2026-12-03T09:00"):
        intake(busy, today, *ALL)
        assert_same(busy)


def test_an_event_after_a_closing_in_the_same_update_is_left_as_a_rebuild_leaves_it(busy):
    """A closing record and a later record of the same case appended together: the update leaves the
    later one aside (the case is closed), as the rebuild does, and warns of nothing."""
    from svccli.store.log import RecordLog

    a = busy.ids[1]  # pending
    answers(busy)
    RecordLog(busy.path).append(
        [
            {"ts": "2026-12-01T09:00:00+08:00", "by": "S001", "type": "withdraw", "case": a, "reason": "申请人撤回"},
            {"ts": "2026-12-01T09:05:00+08:00", "by": "S001", "type": "notify", "case": a},
        ],
        "2026-12-01",
        "T01",
    )
    first = busy.run("overdue", "--format", "json", today=TODAY)
    assert "不存在的案件" not in first.stderr
    assert answers(busy) == fresh(busy)
