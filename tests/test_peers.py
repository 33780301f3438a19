"""bench/peers.py (issue 15): the DuckDB query over the record files and the indexed SQLite table
give exactly `svc overdue --format json`, on a generated 10,000-case office on several days (one a
year later, when every open case is listed), and on the sample office with every kind of finding.

The peers share no code with svc, so an equal listing checks both sides; each check also holds the
listing to what its office must show, so that an empty or one-kind listing cannot pass unnoticed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, Office, single_decision

PEERS = REPO / "bench" / "peers.py"
ENV = {"PATH": "/usr/bin:/bin", "SVC_STAFF": "S001", "SVC_CLONE": "B00", "SVC_HOME": "", "SVC_TODAY": ""}


def run(*args: object) -> str:
    done = subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, env=ENV, cwd=REPO, timeout=300
    )
    assert done.returncode in (0, 3), done.stderr  # 3: svc found overdue cases
    return done.stdout


def warned(warn: int | None) -> list[str]:
    return [] if warn is None else ["--warn", str(warn)]


def svc_listing(home: Path, today: str, warn: int | None) -> list[dict]:
    return json.loads(
        run("-m", "svccli", "--home", home, "--today", today, "overdue", "--format", "json", *warned(warn)) or "[]"
    )


def peer_listing(peer: str, home: Path, db: Path, today: str, warn: int | None) -> list[dict]:
    return json.loads(run(PEERS, peer, "--home", home, "--db", db, "--today", today, *warned(warn)))


def build(home: Path, db: Path) -> None:
    run(PEERS, "sqlite-build", "--home", home, "--db", db)


def assert_same(expected: list[dict], home: Path, db: Path, today: str, warn: int | None) -> None:
    for peer in ("duckdb", "sqlite"):
        got = peer_listing(peer, home, db, today, warn)
        keys = {(r["kind"], r["case"]) for r in expected}
        found = {(r["kind"], r["case"]) for r in got}
        assert found == keys, (peer, today, sorted(keys - found)[:5], sorted(found - keys)[:5])
        for want, row in zip(expected, got):
            assert row == want, (peer, today, {k: (v, row.get(k)) for k, v in want.items() if row.get(k) != v})
        assert got == expected, (peer, today)  # the same order, and nothing more


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("peers") / "office"
    run(REPO / "bench" / "generate.py", "--cases", "10000", "--seed", "2", "--out", home)
    db = home.parent / "cases.sqlite"
    build(home, db)
    return home, db


def test_peers_list_what_svc_lists_on_a_generated_office(generated):
    home, db = generated
    seen: Counter = Counter()
    # The year's last day, a later working day with warnings, and a year behind: every open case listed.
    for today, warn, least in (
        ("2025-12-31", None, 60),  # the office's warning_days
        ("2025-12-31", 0, 20),
        ("2026-01-20", 5, 100),
        ("2026-12-01", 2, 250),
    ):
        expected = svc_listing(home, today, warn)
        assert len(expected) >= least, (today, warn, len(expected))
        seen.update(r["kind"] for r in expected)
        assert_same(expected, home, db, today, warn)
    assert {"overdue", "deemed", "lapsed", "owed", "warning"} <= set(seen), seen


def case_of(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout.split()[0]


def every_kind(office: Office) -> None:
    """Cases for the kinds and rules a generated year does not have: joint items' parts (one done),
    two pauses and an extension, an open pause with a material owed, a handover on a Saturday still
    not received, decisions told in time, told late and not told, calendar-day items, due dates in a
    year with no calendar file, a landline and a unit's name to mask."""

    def intake(
        day: str, item: str, *materials: str, staff: str = "S001", name: str = "张三", phone: str = "13812345678"
    ) -> str:
        args = [f"--material={m}" for m in materials if not m.startswith("owe:")]
        args += [f"--owe={m[4:]}" for m in materials if m.startswith("owe:")]
        return case_of(
            office.run(
                "intake", item, "--applicant", name, "--phone", phone, "-q", *args, today=f"{day}T09:00", staff=staff
            )
        )

    def do(day: str, *args: str, staff: str = "S001") -> None:
        result = office.run(*args, today=f"{day}T10:00", staff=staff)
        assert result.exit_code == 0, result.output

    def pause(day: str, case: str, reason: str) -> None:
        do(day, "suspend", case, "--reason", reason, "--expected", "约 5 个工作日")  # --expected: svc requires it

    zg2, zj4 = ("M01", "M02", "M03:3", "M04", "M05", "M06"), ("M01", "M02", "M03", "M04", "M05", "M06")
    intake("2026-11-02", "ZJ-004", *zj4, staff="S007", name="桐乡市某某建设有限公司", phone="0573-88123456")
    joint = intake("2026-11-03", "WG-001", "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", staff="S009")
    do("2026-11-10", "part", joint, "XF", "--done", staff="S015")
    owed = intake("2026-11-02", "ZG-001", "M01", "M02", "M05:2", "owe:M06")
    pause("2026-11-04", owed, "survey")
    do("2026-11-06", "resume", owed)
    pause("2026-11-10", owed, "testing")
    paused = intake("2026-11-03", "ZG-002", *zg2)
    do("2026-11-05", "extend", paused, "--days", "5", "--reason", "需补充现场核查", "--basis", "制度")
    pause("2026-11-06", paused, "survey")
    do("2026-11-12", "resume", paused)
    pause("2026-11-25", paused, "hearing")  # after the due date but for the first pause
    do("2026-11-27", "resume", paused)
    moving = intake("2026-11-13", "ZG-001", "M01", "M02", "M05:2", "M06")
    do("2026-11-14", "handover", moving, "--to", "ZG-SP")
    for told in ("2026-11-06", "2026-11-16", ""):  # before the due date, after it, not yet
        decided = intake("2026-11-02", "ZG-001", "M01", "M02", "M05:2", "M06")
        do("2026-11-05", "conclude", decided, "--result", "approved")
        if told:
            do(told, "notify", decided)
    intake("2026-11-02", "ZG-001", "M01")  # a one-time notice: lapsed once its date passes
    intake("2026-11-20", "WG-004", "M01", "M02", "M03", "M04", "M06", "owe:M05", staff="S009")  # calendar days
    intake("2026-12-10", "WG-004", "M01", "M02", "M03", "M04", "M05", "M06", staff="S009")
    intake("2026-12-24", "ZG-002", *zg2)


def test_peers_list_every_kind_as_svc_does_and_the_table_follows_appended_lines(sample, tmp_path):
    single_decision(sample.path)  # conclude in one step
    db = tmp_path / "cases.sqlite"
    build(sample.path, db)  # before the cases below: they reach the table as appended lines
    every_kind(sample)
    build(sample.path, db)
    seen: Counter = Counter()
    for today, warn in (("2026-11-30", 3), ("2027-01-06", 5), ("2027-01-20", None)):
        expected = svc_listing(sample.path, today, warn)
        seen.update(r["kind"] for r in expected)
        seen.update(f"unit {r['unit']}" for r in expected)
        seen.update("provisional" for r in expected if r["provisional"])
        assert_same(expected, sample.path, db, today, warn)
    kinds = {"handover", "part", "overdue", "deemed", "lapsed", "owed", "warning", "unit calendar_days", "provisional"}
    assert kinds <= set(seen), seen
