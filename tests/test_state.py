"""Derived state (.svc/cache) never changes an answer (issue 10): after each kind of change the
cached answer equals the answer computed afresh from the records and the catalogue."""

from __future__ import annotations

import pickle
import shutil

import pytest

ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
TODAY = "2026-12-20T08:00"


def intake(office, today, *materials, service="ZG-001"):
    r = office.run("intake", service, "--applicant", "张三", "--phone", "13812345678", *materials, "-q", today=today)
    assert r.exit_code == 0, r.output
    return r.stdout.strip()


def answers(office):
    runs = [office.run("overdue", "--warn", "3", "--format", "json", today=TODAY),
            office.run("cases", "--status", "open", "--format", "json", today=TODAY)]
    return [(r.exit_code, r.stdout) for r in runs]


def fresh(office):
    shutil.rmtree(office.path / ".svc" / "cache", ignore_errors=True)
    return answers(office)


def assert_same(office):
    cached = answers(office)
    assert (office.path / ".svc" / "cache" / "records.pickle").exists()
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
    office.run("suspend", a, "--reason", "survey", today="2026-11-25T09:00")
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
    cache = busy.path / ".svc" / "cache" / "records.pickle"
    good = cache.read_bytes()
    for broken in (b"", good[: len(good) // 2], b"not a pickle", good[:10] + b"\x00" * 50,
                   pickle.dumps(12345), pickle.dumps((1, 2, 3)), pickle.dumps(("other code", "x", None))):
        cache.write_bytes(broken)
        (cache.parent / "catalog.pickle").write_bytes(broken)  # a catalogue pickled by other code too
        assert answers(busy) == fresh(busy)


def test_cache_after_catalog_and_calendar_edits(busy):
    before = assert_same(busy)
    svc = busy.path / "catalog" / "services" / "zg.yaml"
    text = svc.read_text(encoding="utf-8")
    svc.write_text(text.replace("committed_limit: 7", "committed_limit: 12", 1), encoding="utf-8")
    after_item = assert_same(busy)
    assert after_item != before
    cal = busy.path / "catalog" / "calendar" / "2026.yaml"
    cal.write_text(cal.read_text(encoding="utf-8").replace(
        "  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}",
        "  - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}\n  - {name: 临时, from: 2026-12-14, to: 2026-12-18}"),
        encoding="utf-8")
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
    """A repeat of the daily check the same day reuses each unchanged case's answer (store/memo.py);
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
    shutil.rmtree(busy.path / ".svc" / "cache")
    fresh_run = busy.run("overdue", "--record", "--format", "json", today="2026-12-20T08:00", staff="S021")
    assert (again.exit_code, again.stdout) == (fresh_run.exit_code, fresh_run.stdout)
    overdue_events = [ln for p in busy.records() for ln in p.read_text(encoding="utf-8").splitlines() if '"type":"overdue"' in ln]
    assert len(overdue_events) == len({(e.split('"case":"')[1][:17]) for e in overdue_events})  # once per case per day


def test_cache_when_the_journal_of_open_cases_is_damaged(busy):
    journal = busy.path / ".svc" / "cache" / "open-cases.bin"
    answers(busy)
    good = journal.read_bytes()
    for broken in (b"", good[:20], b"x" * len(good), good[:16] + b"\0" * (len(good) - 16)):
        journal.write_bytes(broken)
        busy.run("suspend", busy.ids[0], "--reason", "survey", today="2026-12-01T09:00")  # reads the case
        assert answers(busy) == fresh(busy)
    journal.unlink()
    assert answers(busy) == fresh(busy)


def test_cache_when_the_index_of_open_cases_is_damaged_or_grows_by_deltas(busy):
    index = busy.path / ".svc" / "cache" / "open-index.bin"
    answers(busy)
    for today in ("2026-12-01T09:00", "2026-12-02T09:00", "2026-12-03T09:00"):  # updates append deltas
        intake(busy, today, *ALL)
        assert_same(busy)
    good = index.read_bytes()
    for broken in (b"", good[:10], good[: len(good) // 2], b"x" * len(good), good + b"tail"):
        index.write_bytes(broken)
        assert answers(busy) == fresh(busy)


def test_cache_when_another_process_wrote_the_journal_meanwhile(busy, monkeypatch):
    """A journal grown by someone else since the state was read is never appended to as if it were
    ours: that update is not saved, and the next run answers as a fresh one."""
    from svccli.store import state

    answers(busy)
    real = state.Journal.append

    def append(self, blobs, fresh=False):
        with open(self.path, "ab") as f:
            f.write(b"someone else")
        return real(self, blobs, fresh)

    monkeypatch.setattr(state.Journal, "append", append)
    intake(busy, "2026-12-01T09:00", *ALL)
    answers(busy)
    monkeypatch.undo()
    assert answers(busy) == fresh(busy)
