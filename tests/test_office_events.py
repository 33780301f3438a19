"""The office's own events (leave, cover, attendance…) read from the state table, and the same
without it: appended lines are picked up, a rewritten file is read afresh, a torn line is reported."""

from __future__ import annotations

import pytest

from svccli.store import office_events as oe
from svccli.store.home import load_home
from svccli.store.log import RecordLog


@pytest.fixture(autouse=True)
def _office_types(monkeypatch):
    # The module reads core.events.OFFICE by name: stand in two types for the test.
    monkeypatch.setattr(oe, "OFFICE", frozenset({"leave", "punches"}))


def _event(kind: str, ts: str, **fields) -> dict:
    return {"ts": ts, "by": "S001", "type": kind, **fields}


def _read(office, types=None):
    home = load_home(office.path)
    try:
        return oe.office_events(home, types)
    finally:
        if home.state is not None:
            home.state.close()


def test_appended_lines_are_picked_up_in_record_order(office):
    log = RecordLog(office.path)
    log.append([_event("leave", "2026-11-20T09:00:00+08:00", leave="L1")], "2026-11-20", "T01")
    office.intake("2026-11-20T10:00")  # case steps in the same file are not office events
    events, problems = _read(office)
    assert [e["leave"] for e in events] == ["L1"] and problems == []
    log.append([_event("leave", "2026-11-19T08:00:00+08:00", leave="L0")], "2026-11-19", "T01")
    log.append([_event("punches", "2026-11-20T11:00:00+08:00", n=3)], "2026-11-20", "T01")
    events, _ = _read(office)
    assert [e["type"] for e in events] == ["leave", "leave", "punches"]
    assert events[0]["leave"] == "L0"  # by time, not by the order the files were read in
    assert [e["type"] for e in _read(office, ["punches"])[0]] == ["punches"]


def test_a_rewritten_file_is_read_afresh_and_the_records_answer_the_same(office):
    log = RecordLog(office.path)
    log.append([_event("leave", "2026-11-20T09:00:00+08:00", leave="L1")], "2026-11-20", "T01")
    assert len(_read(office)[0]) == 1
    path = office.path / "records/T01/2026-11/2026-11-20.jsonl"
    path.write_bytes(b"")  # as a git checkout of an older commit would leave it
    assert _read(office)[0] == []
    log.append([_event("leave", "2026-11-21T09:00:00+08:00", leave="L2")], "2026-11-21", "T01")
    stored = _read(office)[0]
    home = load_home(office.path)
    assert oe._from_records(home, ["leave", "punches"])[0] == stored


def test_a_torn_line_is_reported_every_time_until_mended(office):
    log = RecordLog(office.path)
    log.append([_event("leave", "2026-11-20T09:00:00+08:00", leave="L1")], "2026-11-20", "T01")
    path = office.path / "records/T01/2026-11/2026-11-20.jsonl"
    with path.open("ab") as f:
        f.write(b'{"v":1,"type":"leave"')
    for _ in range(2):
        events, problems = _read(office)
        assert [e["leave"] for e in events] == ["L1"]
        assert problems and "2026-11-20.jsonl" in problems[0].path
