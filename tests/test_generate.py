"""bench/generate.py: a generated office is valid, has handovers and closed lapses, and is reproducible."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import REPO
from svccli.store.home import load_home

GENERATE = REPO / "bench" / "generate.py"


def generate(out: Path, cases: int = 1500, seed: int = 3) -> Path:
    done = subprocess.run(
        [sys.executable, str(GENERATE), "--cases", str(cases), "--seed", str(seed), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return out


def svc(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "SVC_STAFF": "S001", "SVC_CLONE": "B00", "SVC_HOME": "", "SVC_TODAY": ""}
    return subprocess.run(
        [sys.executable, "-m", "svccli", "--home", str(home), "--today", "2025-12-31", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=REPO,
    )


def files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def test_generated_office__checks_clean_has_handovers_and_closes_and_is_reproducible(tmp_path):
    home = generate(tmp_path / "a")
    assert files(generate(tmp_path / "b")) == files(home)  # the same seed gives the same bytes (before svc caches)
    checked = svc(home, "check")
    assert checked.returncode == 0, checked.stderr

    events = [
        json.loads(line)
        for p in sorted((home / "records").glob("*/*/*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
    ]
    kinds = Counter(e["type"] for e in events)
    for kind in (
        "intake",
        "notice",
        "supplement",
        "accept",
        "handover",
        "receive",
        "return",
        "close",
        "conclude",
        "deliver",
    ):
        assert kinds[kind], (kind, kinds)

    # every receipt is recorded by someone the roster lets receive for the slip's target, not by its sender
    roster = load_home(home).roster
    moving: dict[str, dict] = {}
    for e in sorted(events, key=lambda e: e["ts"]):
        if e["type"] in ("handover", "return"):
            assert e["case"] not in moving and e["by"] != e["receiver"]
            assert e["to"] in (roster.sections if e["type"] == "handover" else roster.windows)
            moving[e["case"]] = e
        elif e["type"] == "receive":
            slip = moving.pop(e["case"])
            assert e["handover_ts"] == slip["ts"] and e["from"] == slip["by"] != e["by"]
            assert roster.may_receive(slip["to_kind"], slip["to"], e["by"])
        elif e["type"] in ("conclude", "deliver"):
            assert e["case"] not in moving  # nobody decides or serves a case in transit

    listed = svc(home, "handovers")
    assert listed.returncode == 0, listed.stderr
