"""The record log (svccli/store/log.py): append-only JSON lines, hash-chained, private, locked.

Layout records/<clone>/<YYYY-MM>/<YYYY-MM-DD>.jsonl; writers take an exclusive lock, append whole
lines with one write and fsync; a torn last line (a crash mid-write) is reported, never hides the
lines before it, and the next append starts on a fresh line.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from svccli.store.log import LockTimeout, RecordLog, line_hash, read_file

DAY = "2026-11-20"
CLONE = "T01"
REL = f"records/{CLONE}/2026-11/{DAY}.jsonl"


def event(**fields) -> dict:
    return {"ts": f"{DAY}T09:00:00+08:00", "by": "S001", "type": "inquiry", **fields}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def chain_ok(raw: bytes) -> None:
    """Every complete line's prev is the hash of the line before it (the first: empty)."""
    prev = ""
    for line in raw.split(b"\n")[:-1]:
        assert json.loads(line)["prev"] == prev
        prev = line_hash(line)


# -- round trip -------------------------------------------------------------------------------------


TRICKY = {
    "cjk": "张三 申请《建设工程规划许可证》，材料：营业执照（复印件）",
    "newline": "第一行\n第二行\r\n第三行",
    "line_separator": "前\u2028中\u2029后",
    "nul": "a\x00b",
    "controls": "\t\x1b\x7f",
    "quote_backslash": '"\\"',
    "astral": "𠮷𝄞😀",
}


def test_round_trip_keeps_every_character(tmp_path: Path):
    log = RecordLog(tmp_path)
    written = log.append([event(person=TRICKY, matter=v) for v in TRICKY.values()], DAY, CLONE)
    raw = (tmp_path / REL).read_bytes()
    assert raw.count(b"\n") == len(TRICKY), "a value's newline must not split the record"
    lines, problems = log.read()
    assert problems == []
    assert [ln.event for ln in lines] == written
    assert [ln.event["matter"] for ln in lines] == list(TRICKY.values())
    assert all(ln.event["person"] == TRICKY for ln in lines)
    assert [(ln.path, ln.line) for ln in lines] == [(REL, n) for n in range(1, len(TRICKY) + 1)]
    assert all(ev["v"] == 1 and len(ev["id"]) == 16 for ev in written)


def test_partitions_by_clone_and_day(tmp_path: Path):
    log = RecordLog(tmp_path)
    log.append([event(n=1)], "2026-11-30", "T01")
    log.append([event(n=2)], "2026-12-01", "T01")
    log.append([event(n=3)], "2026-12-01", "K7Q")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in log.files()) == [
        "records/K7Q/2026-12/2026-12-01.jsonl",
        "records/T01/2026-11/2026-11-30.jsonl",
        "records/T01/2026-12/2026-12-01.jsonl",
    ]
    # each file is its own chain: both first lines start from ""
    for path in log.files():
        chain_ok(path.read_bytes())


def test_files_since_is_files_from_that_day_on(tmp_path: Path):
    """One case's commands list only the files from its intake day on (os.scandir, not glob), in
    files()'s order."""
    log = RecordLog(tmp_path)
    for day, clone in (
        ("2026-11-30", "T01"),
        ("2026-12-01", "T01"),
        ("2026-12-01", "K7Q"),
        ("2026-11-29", "K7Q"),
        ("2027-01-02", "A00"),
    ):
        log.append([event(n=1)], day, clone)
    (tmp_path / "records" / "T01" / "2026-12" / "notes.txt").write_text("x")
    for since in ("", "2026-11-30", "2026-12-01", "2026-12-02", "2027-01-02", "2028-01-01"):
        assert log.files_since(since) == [p for p in log.files() if p.stem >= since]
    assert RecordLog(tmp_path / "nowhere").files_since("") == []


# -- privacy: 0600 files, 0700 folders whatever the umask ------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_files_private_under_any_umask(tmp_path: Path, umask: int, monkeypatch):
    monkeypatch.delenv("SVC_CLONE", raising=False)
    old = os.umask(umask)
    try:
        log = RecordLog(tmp_path)
        clone = log.clone_id()
        log.append([event()], DAY, clone)
    finally:
        os.umask(old)
    part = tmp_path / "records" / clone / "2026-11" / f"{DAY}.jsonl"
    assert mode(part) == 0o600
    for folder in (tmp_path / "records", tmp_path / "records" / clone, part.parent, tmp_path / ".svc"):
        assert mode(folder) == 0o700, folder
    assert mode(tmp_path / ".svc" / "lock") == 0o600
    assert mode(tmp_path / ".svc" / "clone") == 0o600


def test_existing_file_made_private_on_append(tmp_path: Path):
    target = tmp_path / REL
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    target.chmod(0o644)
    RecordLog(tmp_path).append([event()], DAY, CLONE)
    assert mode(target) == 0o600


def test_clone_id_is_made_once(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SVC_CLONE", raising=False)
    log = RecordLog(tmp_path)
    first = log.clone_id()
    assert len(first) == 3 and first[0].isalpha() and first == RecordLog(tmp_path).clone_id()
    monkeypatch.setenv("SVC_CLONE", "k7q")
    assert log.clone_id() == "K7Q"


# -- the hash chain ---------------------------------------------------------------------------------


def test_chain_links_lines_across_appends(tmp_path: Path):
    log = RecordLog(tmp_path)
    for n in range(3):
        log.append([event(n=n, k=k) for k in range(n + 1)], DAY, CLONE)
    raw = (tmp_path / REL).read_bytes()
    assert raw.count(b"\n") == 6
    chain_ok(raw)
    assert log.read()[1] == []


def test_chain_survives_a_line_longer_than_the_tail_block(tmp_path: Path):
    """The writer finds the last line by reading backwards in 64 KiB blocks."""
    log = RecordLog(tmp_path)
    log.append([event(n=0), event(big="长" * 70000)], DAY, CLONE)
    log.append([event(n=1)], DAY, CLONE)
    log.append([event(big="x" * 140000)], DAY, CLONE)
    log.append([event(n=2)], DAY, CLONE)
    chain_ok((tmp_path / REL).read_bytes())
    assert log.read()[1] == []


def test_chain_names_the_line_after_an_edit(tmp_path: Path):
    log = RecordLog(tmp_path)
    log.append([event(n=n, person="张三") for n in range(3)], DAY, CLONE)
    path = tmp_path / REL
    path.write_bytes(path.read_bytes().replace(b'"n":1,', b'"n":7,'))
    lines, problems = log.read()
    assert len(lines) == 3
    assert [(p.path, p.line) for p in problems] == [(REL, 3)]
    assert "哈希链断裂" in problems[0].message


# -- torn last line ---------------------------------------------------------------------------------


def _torn_file(tmp_path: Path, keep: int = 30) -> tuple[RecordLog, list[bytes]]:
    log = RecordLog(tmp_path)
    log.append([event(n=n) for n in range(3)], DAY, CLONE)
    path = tmp_path / REL
    whole = path.read_bytes().split(b"\n")[:-1]
    path.write_bytes(b"\n".join(whole[:2]) + b"\n" + whole[2][:keep])  # the third write was cut short
    return log, whole


@pytest.mark.parametrize("keep", [1, 30, -1])
def test_torn_last_line_is_reported_and_hides_nothing(tmp_path: Path, keep: int):
    log, _ = _torn_file(tmp_path, keep)
    lines, problems = log.read()
    assert [ln.event["n"] for ln in lines] == [0, 1]
    assert len(problems) == 1
    p = problems[0]
    assert (p.path, p.line, p.torn, p.warning) == (REL, 3, True, False)
    assert "最后一行不完整" in p.message


def test_append_after_torn_line_starts_fresh_with_valid_chain(tmp_path: Path):
    log, whole = _torn_file(tmp_path)
    log.append([event(n=10), event(n=11)], DAY, CLONE)
    raw = (tmp_path / REL).read_bytes()
    rows = raw.split(b"\n")
    assert raw.endswith(b"\n") and len(rows) == 6  # 2 good, the fragment, 2 new, and the final ""
    assert rows[2] == whole[2][:30]  # the fragment is kept as it was, on its own line
    assert json.loads(rows[3])["prev"] == line_hash(rows[1])  # the chain skips the fragment
    assert json.loads(rows[4])["prev"] == line_hash(rows[3])
    lines, problems = log.read()
    assert [ln.event["n"] for ln in lines] == [0, 1, 10, 11]
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.torn) == (3, False)
    assert "不是有效的 JSON" in p.message and "svc repair" in p.message


def test_torn_line_missing_only_its_newline_is_completed(tmp_path: Path):
    """A crash just before the final newline leaves a whole record: the next append completes that line
    and chains to it, so the file does not afterwards read as tampered with (哈希链断裂)."""
    log, whole = _torn_file(tmp_path, keep=len(b"x"))
    (tmp_path / REL).write_bytes(b"\n".join(whole))  # all three lines, the last without its newline
    assert [(p.line, p.torn) for p in log.read()[1]] == [(3, True)]
    log.append([event(n=10)], DAY, CLONE)
    raw = (tmp_path / REL).read_bytes()
    chain_ok(raw)
    lines, problems = log.read()
    assert problems == []
    assert [ln.event["n"] for ln in lines] == [0, 1, 2, 10]


def test_file_that_is_only_a_fragment(tmp_path: Path):
    path = tmp_path / REL
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"v":1,"id":"ab')
    log = RecordLog(tmp_path)
    assert [p.torn for p in log.read()[1]] == [True]
    log.append([event(n=1)], DAY, CLONE)
    lines, problems = log.read()
    assert [ln.event["n"] for ln in lines] == [1] and lines[0].line == 2
    assert [(p.line, p.torn) for p in problems] == [(1, False)]


def test_read_file_without_final_newline_on_empty_data():
    assert read_file(b"", REL) == ([], [])


# -- locking ----------------------------------------------------------------------------------------


def _hold_lock_in_subprocess(home: Path) -> subprocess.Popen:
    (home / ".svc").mkdir(mode=0o700, exist_ok=True)
    code = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(home / ".svc" / "lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    proc.wait(timeout=10)


def test_lock_timeout_when_another_process_holds_it(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SVC_LOCK_TIMEOUT", "0.2")
    log = RecordLog(tmp_path)
    proc = _hold_lock_in_subprocess(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="记录锁"):
            log.append([event()], DAY, CLONE)
        assert 0.15 <= time.monotonic() - started < 2.0
        assert not (tmp_path / REL).exists()  # nothing written
    finally:
        _release(proc)
    log.append([event()], DAY, CLONE)  # released: the next writer gets in
    assert len(log.read()[0]) == 1


def test_lock_timeout_with_a_second_descriptor(tmp_path: Path, monkeypatch):
    """flock conflicts between open file descriptions even inside one process."""
    monkeypatch.setenv("SVC_LOCK_TIMEOUT", "0.2")
    log = RecordLog(tmp_path)
    (tmp_path / ".svc").mkdir(mode=0o700)
    fd = os.open(tmp_path / ".svc" / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            log.append([event()], DAY, CLONE)
        assert time.monotonic() - started < 2.0
    finally:
        os.close(fd)


def test_lock_timeout_through_the_cli_exits_4(office):
    proc = _hold_lock_in_subprocess(office.path)
    try:
        result = office.run(
            "intake",
            "ZG-001",
            "--applicant",
            "张三",
            "--phone",
            "13812345678",
            "--material",
            "M01",
            "-q",
            env={"SVC_LOCK_TIMEOUT": "0.2"},
        )
    finally:
        _release(proc)
    assert result.exit_code == 4, result.stderr
    assert "记录锁" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == "" and office.records() == []


# -- many writers at once ---------------------------------------------------------------------------

WRITERS, EACH = 8, 200


def _writer(home: str, writer: int, go) -> None:
    go.wait()
    log = RecordLog(Path(home))
    for seq in range(EACH):
        log.append([event(writer=writer, seq=seq, text=f"写入者{writer}的第{seq}条")], DAY, CLONE)
        time.sleep(0.001)  # let a waiting writer in (the lock polls; a tight loop would keep re-taking it)


def test_concurrent_appends_lose_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SVC_LOCK_TIMEOUT", "60")
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w, go)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * WRITERS

    lines, problems = RecordLog(tmp_path).read()
    assert problems == []
    assert len(lines) == WRITERS * EACH
    seen: dict[int, list[int]] = {w: [] for w in range(WRITERS)}
    for ln in lines:
        ev = ln.event
        assert ev["text"] == f"写入者{ev['writer']}的第{ev['seq']}条"  # intact
        seen[ev["writer"]].append(ev["seq"])
    assert all(seqs == list(range(EACH)) for seqs in seen.values())  # once each, in order per writer
    assert len({ln.event["id"] for ln in lines}) == WRITERS * EACH
    chain_ok((tmp_path / REL).read_bytes())
    # the writers really interleaved (otherwise this test proves little)
    order = [ln.event["writer"] for ln in lines]
    assert sum(a != b for a, b in zip(order, order[1:])) > WRITERS


def test_intake_day_is_read_from_a_case_id():
    from svccli.store.log import intake_day

    assert intake_day("TX-W01-261125-007") == "2026-11-25"
    assert intake_day("TX-B01-260105-0001") == "2026-01-05"
    for no_day in ("TX-W01-2611-007", "TX-W01-26112X-007", "261125-007", "TX-W01-261125-X", ""):
        assert intake_day(no_day) == ""
