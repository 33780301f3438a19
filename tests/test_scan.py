"""The cold read for the daily check (store/scan.py) and the wake index (core/overdue.wake).

The scan skips closed cases and checks hash chains at the speed of C; the wake index lets a warm
daily check look only at cases that can be listed. Neither may change an answer: the open cases
folded from the scan equal those of a careful fold of every line, and no case is ever listed
before the first day its wake dates allow.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, Office
from svccli.core.fold import fold
from svccli.core.overdue import check_case, may_be_listed, wake, warning_horizon
from svccli.store.home import load_home
from svccli.store.log import RecordLog
from svccli.store.scan import open_lines, scan


def _listing(home):
    return {p.relative_to(home).as_posix(): p for p in RecordLog(home).files()}


def _careful_open(home):
    lines, problems = RecordLog(home).read()
    return {i: c for i, c in fold(lines, timeline=False).cases.items() if c.is_open}


def _scan(home, closed=None):
    return scan(_listing(home), lambda month, ids: (closed if closed is not None else {}).update({month: ids}))


def _scanned_open(home):
    found = _scan(home)
    lines = [ln for _, day in open_lines(_listing(home), found) for ln in day]
    return {i: c for i, c in fold(lines, timeline=False).cases.items() if c.is_open}, found


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A small generated year (bench/generate.py): every kind of event, a few hundred cases."""
    out = tmp_path_factory.mktemp("gen") / "office"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "--cases", "400", "--seed", "5", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize("which", ["sample", "generated"])
def test_scan_gives_the_open_cases_of_a_careful_fold(which, sample: Office, generated):
    home = sample.path if which == "sample" else generated
    scanned, found = _scanned_open(home)
    assert not found.problems
    assert scanned == _careful_open(home)
    assert scanned  # there is something to compare


def test_scan_marks_every_file_as_the_incremental_reader_would(sample: Office):
    from svccli.store.scan import mark_of

    found = _scan(sample.path)
    for rel, mark in found.marks.items():
        path = sample.path / rel
        assert mark == mark_of(path.read_bytes(), path.stat())


def test_a_file_with_a_broken_chain_is_read_carefully_and_named(sample: Office):
    path = sample.records()[3]
    lines = path.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b'"by":"S', b'"by":"X', 1)  # an edited first line: the second's prev no longer fits
    path.write_bytes(b"\n".join(lines))
    found = _scan(sample.path)
    rel = path.relative_to(sample.path).as_posix()
    assert [(p.path, p.line) for p in found.problems] == [(rel, 2)]
    assert "哈希链" in found.problems[0].message


def test_a_broken_last_line_is_caught_though_no_later_line_vouches_for_it(sample: Office):
    """The chain shows an edit through the next line's prev; the last line has none, so it is parsed in full."""
    path = sample.records()[-1]
    data = path.read_bytes()
    head, last = data[:-1].rsplit(b"\n", 1)
    path.write_bytes(head + b"\n" + last.replace(b'"type":', b'"type"', 1) + b"\n")
    r = sample.run("overdue", today="2026-11-30T08:00")
    n = data.count(b"\n")
    assert r.exit_code == 1 and f"{path.relative_to(sample.path).as_posix()}:{n}: 不是有效的 JSON" in r.stderr


def test_a_torn_last_line_is_warned_of_and_the_rest_is_kept(sample: Office):
    before = sample.run("overdue", "--format", "json", today="2026-11-30T08:00")
    path = sample.records()[-1]
    path.write_bytes(path.read_bytes() + b'{"v":1,"id":"ab')
    shutil.rmtree(sample.path / ".svc", ignore_errors=True)
    after = sample.run("overdue", "--format", "json", today="2026-11-30T08:00")
    assert after.stdout == before.stdout and "不完整" in after.stderr


def test_a_closing_record_closes_the_case_for_the_daily_check(office: Office):
    """However it reads to a careful fold, a case with a closing record is not checked again."""
    case = office.intake("2026-11-02T09:00")
    assert office.run("overdue", today="2026-12-31T08:00").exit_code == 3
    office.run("withdraw", case, "--reason", "申请人撤回", today="2026-11-03T09:00")
    assert office.run("overdue", today="2026-12-31T08:00").exit_code == 0
    shutil.rmtree(office.path / ".svc")
    assert office.run("overdue", today="2026-12-31T08:00").exit_code == 0


def _days(start: dt.date, n: int):
    return [start + dt.timedelta(days=i) for i in range(n)]


@pytest.mark.parametrize("which", ["sample", "generated"])
def test_no_case_is_listed_before_its_wake_dates_allow(which, sample: Office, generated):
    """wake() is a lower bound: on any day and with any --warn, a case that check_case lists passes
    may_be_listed (the warm daily check looks at no other)."""
    home_path = sample.path if which == "sample" else generated
    home = load_home(home_path)
    cases = _careful_open(home_path)
    start = dt.date(2026, 10, 1) if which == "sample" else dt.date(2025, 10, 1)
    listed = 0
    for case in cases.values():
        woken = wake(case, home.catalog, home.calendar)
        for day in _days(start, 140):
            for warn in (None, 0, 2, 5):
                if check_case(case, home.catalog, home.calendar, day, warn):
                    listed += 1
                    assert may_be_listed(woken, day, warning_horizon(home.calendar, day, warn)), (case.id, day, warn)
    assert listed > 100  # the property was exercised


def test_wake_is_tight_for_a_late_case(office: Office):
    """A committed case is examined from the day after its due date, not every day before it."""
    case_id = office.intake("2026-11-02T09:00")
    home = load_home(office.path)
    case = _careful_open(office.path)[case_id]
    first, due_day = wake(case, home.catalog, home.calendar)
    assert first == due_day + dt.timedelta(days=1)
    assert not may_be_listed((first, due_day), due_day, None)
    assert may_be_listed((first, due_day), due_day, warning_horizon(home.calendar, due_day, 0))


def test_worker_processes_give_the_same_scan(generated, monkeypatch):
    """A big year is read by forked workers on the other cores: the same open cases and marks."""
    from svccli.store import scan as scan_module

    one, one_found = _scanned_open(generated)
    monkeypatch.setattr(scan_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(scan_module.os, "cpu_count", lambda: 2)
    closed_one, closed_many = {}, {}
    _scan(generated, closed_one)
    many, many_found = _scanned_open(generated)
    _scan(generated, closed_many)
    assert many == one and many_found.marks == one_found.marks and closed_many == closed_one


def test_an_event_filed_under_a_later_day_than_its_time_never_breaks_the_rebuild(office: Office):
    """A record whose time is older than its file's day (hand-made, or a clock put right) is folded
    as the careful reader would take the day's files: no crash, and cached equals fresh."""
    case = office.intake("2026-11-20T09:00")
    RecordLog(office.path).append(
        [
            {
                "ts": "2026-11-19T09:00:00+08:00",
                "by": "S001",
                "type": "suspend",
                "case": case,
                "reason": "survey",
                "expected": "",
                "note": "",
            }
        ],
        "2026-11-23",
        "T02",
    )
    first = office.run("overdue", "--format", "json", today="2026-12-20T08:00")
    again = office.run("overdue", "--format", "json", today="2026-12-20T08:00")
    shutil.rmtree(office.path / ".svc")
    fresh = office.run("overdue", "--format", "json", today="2026-12-20T08:00")
    assert first.exit_code in (0, 3) and (first.exit_code, first.stdout) == (again.exit_code, again.stdout) == (
        fresh.exit_code,
        fresh.stdout,
    )


def test_the_state_selects_exactly_the_cases_that_may_be_listed(sample: Office):
    """The indexed query over the stored wake dates lets through exactly the cases that
    overdue.may_be_listed does over wake dates computed afresh."""
    import datetime as dt

    from svccli.store import daily
    from svccli.store.catalog_cache import load_home_cached

    home = load_home_cached(sample.path)
    woken = {i: wake(c, home.catalog, home.calendar) for i, c in _careful_open(sample.path).items()}
    assert any(w != (None, None) for w in woken.values())
    for day in (dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(0, 120, 3)):
        for warn in (None, 0, 3):
            horizon = warning_horizon(home.calendar, day, warn)
            want = sorted(i for i, w in woken.items() if may_be_listed(w, day, horizon))
            assert daily.listable(home, day, warn) == want
