"""Integrity of the record log (issue 10): crashes, cuts, many writers, tampering, repair, heads.

- A writer killed with SIGKILL at random moments (200 times here, 1,000 with SVC_HEAVY=1): every
  event whose append returned is present; at most one torn line per file, named by `svc check`
  at file:line and moved to quarantine by `svc repair`; the next append starts on a fresh line.
- A record cut at every byte offset: each cut is detected and the records before it are intact.
- 16 processes × 1,000 events at once (SVC_HEAVY=1: 16 × 10,000, 20 runs).
- An edited, removed or reordered line is named by `svc check` at file:line; `svc verify --heads`
  is stable, changes when a line is appended, and `--against` catches a cut or an edited last line.
- `svc repair`: what it moves, what it keeps (evidence), quarantine notes, atomic rewrite, 0600.
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import random
import shutil
import signal
import stat
import time
from pathlib import Path

import pytest

from conftest import REPO, Office
from svccli.store.log import RecordLog, line_hash, read_file
from svccli.store.repair import head_of, plan

HEAVY = os.environ.get("SVC_HEAVY") == "1"
CLONE = "T01"
DAY = "2026-11-20"


def inquiry(**extra) -> dict:
    """An inquiry event as `svc inquiry` writes it (before v/id/prev are added)."""
    return {
        "ts": f"{DAY}T09:00:00+08:00",
        "by": "S001",
        "type": "inquiry",
        "channel": "visit",
        "person": "王先生",
        "unit": "",
        "address": "",
        "phone": "",
        "matter": "咨询",
        "outcome": "answered",
        "handler": "",
        "authority": "",
        "contact": "",
        "first_contact": "S001",
        **extra,
    }


def largest_sample_file() -> Path:
    """The sample office's largest record file (several lines, CJK text)."""
    return max(REPO.glob("records/*/*/*.jsonl"), key=lambda p: (p.stat().st_size, p.as_posix()))


def edited(line: bytes) -> bytes:
    """The same record with one character of its event id changed: still valid JSON."""
    at = line.index(b'"id":"') + 6
    return line[:at] + (b"0" if line[at : at + 1] != b"0" else b"1") + line[at + 1 :]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def rel(office: Office, path: Path) -> str:
    return path.relative_to(office.path).as_posix()


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """The sample office (records included) with its parsed catalogue cached in .svc, built once;
    copies keep file times, so each test starts warm."""
    home = tmp_path_factory.mktemp("warm") / "sample"
    for name in ("catalog", "templates", "records"):
        shutil.copytree(REPO / name, home / name)
    Office(home).run("check")
    return home


@pytest.fixture
def office(warm, tmp_path) -> Office:
    """The sample catalogue with no records."""
    home = tmp_path / "office"
    shutil.copytree(warm, home, ignore=lambda d, names: ["records"] if Path(d) == warm else [])
    (home / "records").mkdir()
    return Office(home)


@pytest.fixture
def sample(warm, tmp_path) -> Office:
    """The whole sample office, records included."""
    home = tmp_path / "sample"
    shutil.copytree(warm, home)
    return Office(home)


# -- SIGKILL at random moments ----------------------------------------------------------------------

KILLS = 1000 if HEAVY else 200
CRASH_DAYS = [f"2026-11-{d:02d}" for d in range(2, 10)]


def _crash_writer(home: Path, seed: int, day: str, report: int, announce: int, aim: bool) -> None:
    """In a forked child: append events in a loop and report each event's id on the pipe once its
    append has returned. Now and then a large event, so that a kill can land inside its write (when
    the parent aims, the first append is one); each large write is announced on a second pipe just
    before it starts, so the parent can aim its kill at it (the write itself is the real one)."""
    try:
        real_write = os.write

        def write(fd, data):
            if len(data) > 65536 and fd not in (report, announce):
                real_write(announce, b"!")
            return real_write(fd, data)

        os.write = write  # only in this child
        log = RecordLog(home)
        rnd = random.Random(seed)
        n = 0
        while True:
            big = (aim and n == 0) or rnd.random() < 0.1
            batch = [
                inquiry(writer=seed, n=n + i, matter="咨询" + ("长" * rnd.randrange(20_000, 60_000) if big else "短"))
                for i in range(rnd.choice((1, 1, 2, 3)))
            ]
            done = log.append(batch, day, CLONE)
            os.write(report, "".join(e["id"] + "\n" for e in done).encode())
            n += len(batch)
    finally:
        os._exit(0)


def _drain(fd: int) -> bytes:
    out = b""
    while chunk := os.read(fd, 65536):
        out += chunk
    os.close(fd)
    return out


def _await_byte(fd: int, timeout: float) -> None:
    os.set_blocking(fd, False)
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        try:
            if os.read(fd, 1):
                return
        except BlockingIOError:
            pass


def _pause(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class Follow:
    """Reads only what was appended to one file since the last look, continuing its chain."""

    def __init__(self, path: Path, shown: str):
        self.path, self.shown = path, shown
        self.offset, self.lines, self.prev = 0, 0, ""

    def look(self):
        data = self.path.read_bytes() if self.path.exists() else b""
        seg, first = data[self.offset :], self.lines + 1
        lines, problems = read_file(seg, self.shown, self.prev, first)
        if lines:  # the chain's tip: the last line that parsed as a record
            self.prev = line_hash(seg.split(b"\n")[lines[-1].line - first])
        complete = seg.rfind(b"\n") + 1
        self.offset += complete
        self.lines += seg.count(b"\n", 0, complete)
        return data, lines, problems


def test_sigkill_at_random_moments_loses_nothing_acknowledged(office: Office):
    log = RecordLog(office.path)
    rnd = random.Random(20261120)
    acknowledged: set[str] = set()
    follow = {day: Follow(log.partition(CLONE, day), rel(office, log.partition(CLONE, day))) for day in CRASH_DAYS}
    tears = 0
    started = time.monotonic()
    kill = 0
    while kill < KILLS or (tears < 3 and kill < 5 * KILLS):  # on a loaded machine, go on until some tear
        kill += 1
        day = CRASH_DAYS[kill % len(CRASH_DAYS)]
        path = log.partition(CLONE, day)
        size_before = path.stat().st_size if path.exists() else 0
        report_r, report_w = os.pipe()
        announce_r, announce_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(report_r)
            os.close(announce_r)
            _crash_writer(office.path, kill, day, report_w, announce_w, aim=not kill % 2)
        os.close(report_w)
        os.close(announce_w)
        if kill % 2:  # at a random moment of its life
            time.sleep(rnd.uniform(0, 0.004) if rnd.random() < 0.8 else rnd.uniform(0, 0.03))
        else:  # at a random moment around a large write (polling, to wake within microseconds)
            _await_byte(announce_r, 1.0)
            _pause(rnd.uniform(0, 0.0002))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(announce_r)
        got = _drain(report_r).decode().split()
        acknowledged.update(got)

        data, lines, problems = follow[day].look()
        torn_now = bool(data) and not data.endswith(b"\n")
        tears += torn_now and len(data) > size_before
        # at most one torn line (the last), and every other bad line is a fragment that a later append
        # left on its own line: never a broken chain, never two records run together
        assert sum(p.torn for p in problems) == int(torn_now)
        for p in problems:
            assert p.torn or "不是有效的 JSON" in p.message, p
        assert set(got) <= {ln.event["id"] for ln in lines}, "an event whose append returned is missing"

    lines, problems = log.read()
    present = [ln.event["id"] for ln in lines]
    assert acknowledged <= set(present)
    assert len(present) == len(set(present))
    assert tears >= 3, "hardly a kill landed inside a write: the test proves little on this machine"

    # `svc check` names every leftover fragment by file:line
    expected = sorted(f"{p.path}:{p.line}" for p in problems)
    check = office.run("check")
    assert check.exit_code == 1
    named = sorted(ln.split(": ", 1)[0] for ln in check.stdout.splitlines() if ln.startswith("records/"))
    assert named == expected
    before = {p: p.read_bytes() for p in log.files()}

    repaired = office.run("repair")
    assert repaired.exit_code == 0, repaired.stderr
    for where in expected:
        assert where in repaired.stderr
    assert office.run("check").exit_code == 0
    lines_after, problems_after = log.read()
    assert problems_after == []
    assert [ln.event["id"] for ln in lines_after] == present  # nothing acknowledged (or kept) was lost

    # nothing deleted: every moved fragment is in its file's quarantine, byte for byte
    for path, data in before.items():
        keep, moved, _ = plan(data)
        q = path.with_name(path.name + ".quarantine")
        notes = [json.loads(x) for x in q.read_bytes().splitlines()] if q.exists() else []
        assert [base64.b64decode(n["base64"]) for n in notes] == [raw for _, raw, _ in moved]
        assert [n["line"] for n in notes] == [n for n, _, _ in moved]
        assert path.read_bytes() == b"".join(k + b"\n" for k in keep)

    # the next append starts on a fresh line and continues the chain
    for day in CRASH_DAYS[:2]:
        log.append([inquiry(after="repair")], day, CLONE)
    assert log.read()[1] == []
    size = sum(p.stat().st_size for p in log.files()) / 1e6
    print(
        f"\n{kill} kills, {tears} torn writes, {len(acknowledged)} acknowledged events, "
        f"{len(expected)} fragments quarantined, {size:.0f} MB, {time.monotonic() - started:.1f} s"
    )


@pytest.mark.parametrize("second", [b"\n", b'\n{"v":1,"i', b"\n\n", b'\n{"v":1,\n{"v'])
def test_two_crashes_in_a_row_never_read_as_tampering(office: Office, second: bytes):
    """Found by the SIGKILL test: a torn line, then the next append torn as well (after it wrote the
    newline that ends the first fragment). The append after that must chain to the last record, not
    to a fragment; otherwise the file reads as tampered with (哈希链断裂) and repair cannot help."""
    log = RecordLog(office.path)
    log.append([inquiry(n=0)], DAY, CLONE)
    path = log.partition(CLONE, DAY)
    path.write_bytes(path.read_bytes() + b'{"v":1,"id":"ab' + second)
    log.append([inquiry(n=1)], DAY, CLONE)
    lines, problems = log.read()
    assert [ln.event["n"] for ln in lines] == [0, 1]
    assert problems and all("哈希链" not in p.message for p in problems), problems
    assert office.run("repair").exit_code == 0
    assert log.read()[1] == [] and office.run("check").exit_code == 0


def test_case_numbers_never_come_round_twice_after_repair(office: Office):
    """Found with `svc repair`: case numbers were a count of intake lines, so a torn intake fragment
    counted before the repair and not after, and the next case took a number already in use."""
    intake = ("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--material", "M01", "-q")
    assert office.run(*intake).stdout.strip() == "TX-T01-261120-001"
    (path,) = office.records()
    path.write_bytes(
        path.read_bytes() + b'{"v":1,"id":"ab","ts":"2026-11-20T09:00:00+08:00","by":"S001",'
        b'"type":"intake","case":"TX-T01-261120-002","serv'
    )  # a crash in the second intake
    third = office.run(*intake).stdout.strip()
    assert office.run("repair").exit_code == 0
    fourth = office.run(*intake).stdout.strip()
    assert third != fourth and third.startswith("TX-T01-261120-") and fourth.startswith("TX-T01-261120-")
    assert office.run("check").exit_code == 0


# -- a record cut at every byte offset ------------------------------------------------------------------


def test_cut_at_every_byte_offset_is_detected_and_keeps_what_came_before(office: Office):
    """A real file of the sample office (CJK text, so some cuts fall inside a character). A cut inside
    a line is a torn line at that line; a cut at a line boundary leaves a valid shorter file, which
    the posted head (svc verify --heads / --against) catches."""
    source = largest_sample_file()
    data = source.read_bytes()
    shown = source.relative_to(REPO).as_posix()
    clone, day = source.parent.parent.name, source.stem
    full_lines, problems = read_file(data, shown)
    assert problems == [] and len(full_lines) >= 4
    ends = [i + 1 for i, b in enumerate(data) if b == 0x0A]
    posted_count, posted_head = head_of(data)

    target = office.path / shown
    target.parent.mkdir(parents=True)
    log = RecordLog(office.path)
    for cut in range(len(data)):
        piece = data[:cut]
        whole = sum(1 for e in ends if e <= cut)
        lines, problems = read_file(piece, shown)
        assert [ln.event for ln in lines] == [ln.event for ln in full_lines[:whole]], cut
        if cut in ends or cut == 0:
            assert problems == []
            count, head = head_of(piece)
            assert count < posted_count and (count == 0 or line_hash(data.split(b"\n")[count - 1]) == head)
            assert head != posted_head  # the posted head no longer matches: the cut is detected
        else:
            assert [(p.line, p.torn) for p in problems] == [(whole + 1, True)], cut

        # on disk: the reader agrees, the next append starts on a fresh line, repair leaves a clean chain
        if cut % 7 == 0 or cut in ends or cut - 1 in ends or cut + 1 in ends:
            target.write_bytes(piece)
            log.append([inquiry(cut=cut)], day, clone)
            got, problems = log.read()
            assert [ln.event for ln in got[:whole]] == [ln.event for ln in full_lines[:whole]]
            rows = data.split(b"\n")
            if cut + 1 in ends:  # only the newline was cut: the writer completes that line and chains on
                assert [ln.event for ln in got[:-1]] == [ln.event for ln in full_lines[: whole + 1]]
                expected = line_hash(rows[whole])
            else:
                expected = line_hash(rows[whole - 1]) if whole else ""
            assert got[-1].event["cut"] == cut and got[-1].event["prev"] == expected, cut
            assert all("不是有效的 JSON" in p.message for p in problems) and len(problems) <= 1
    # the cut the heads catch, through the command
    posted = office.path / "heads.json"
    posted.write_text(json.dumps([{"path": shown, "lines": posted_count, "head": posted_head}]), encoding="utf-8")
    target.write_bytes(data[: ends[-2]])
    result = office.run("verify", "--against", str(posted))
    assert result.exit_code == 1 and f"{shown}:{posted_count}: " in result.stderr and "截断" in result.stderr


# -- many writers at once ---------------------------------------------------------------------------

WRITERS = 16
EACH = 10_000 if HEAVY else 1_000
RUNS = 20 if HEAVY else 1


def _writer(home: str, writer: int, go) -> None:
    go.wait()
    log = RecordLog(Path(home))
    for seq in range(EACH):
        log.append([inquiry(writer=writer, seq=seq, matter=f"写入者{writer}的第{seq}条")], DAY, CLONE)


@pytest.mark.parametrize("run", range(RUNS))
def test_sixteen_writers_at_once(tmp_path: Path, monkeypatch, run: int):
    monkeypatch.setenv("SVC_LOCK_TIMEOUT", "600")
    home = tmp_path / f"run{run}"
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(str(home), w, go)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(timeout=3600)
    assert [p.exitcode for p in procs] == [0] * WRITERS

    log = RecordLog(home)
    lines, problems = log.read()
    assert problems == []  # every line whole, parsed, and chained to the one before it
    assert len(lines) == WRITERS * EACH
    seen: dict[int, list[int]] = {w: [] for w in range(WRITERS)}
    for ln in lines:
        ev = ln.event
        assert ev["matter"] == f"写入者{ev['writer']}的第{ev['seq']}条"  # intact, not interleaved
        seen[ev["writer"]].append(ev["seq"])
    assert all(seqs == list(range(EACH)) for seqs in seen.values())
    assert len({ln.event["id"] for ln in lines}) == WRITERS * EACH
    raw = log.partition(CLONE, DAY).read_bytes()
    assert raw.count(b"\n") == WRITERS * EACH and raw.endswith(b"\n")
    order = [ln.event["writer"] for ln in lines]
    assert sum(a != b for a, b in zip(order, order[1:])) > WRITERS  # they really ran at once


# -- tamper evidence ---------------------------------------------------------------------------------


def _five_lines(office: Office) -> tuple[Path, list[bytes]]:
    log = RecordLog(office.path)
    log.append([inquiry(n=n, person=f"来访人{n}") for n in range(5)], DAY, CLONE)
    path = log.partition(CLONE, DAY)
    return path, path.read_bytes().split(b"\n")[:-1]


def _named(office: Office) -> list[tuple[str, int]]:
    result = office.run("check")
    out = []
    for ln in result.stdout.splitlines():
        if ln.startswith("records/"):
            where, _ = ln.split(": ", 1)
            path, line = where.rsplit(":", 1)
            out.append((path, int(line)))
    assert (result.exit_code == 1) == bool(out)
    return out


def test_check_names_an_edited_line(office: Office):
    path, rows = _five_lines(office)
    rows[1] = rows[1].replace("来访人1".encode(), "来访人9".encode())
    path.write_bytes(b"\n".join(rows) + b"\n")
    assert _named(office) == [(rel(office, path), 3)]  # the line after the edit no longer chains


def test_check_names_a_removed_line(office: Office):
    path, rows = _five_lines(office)
    del rows[2]
    path.write_bytes(b"\n".join(rows) + b"\n")
    assert _named(office) == [(rel(office, path), 3)]


def test_check_names_reordered_lines(office: Office):
    path, rows = _five_lines(office)
    rows[1], rows[2] = rows[2], rows[1]
    path.write_bytes(b"\n".join(rows) + b"\n")
    assert _named(office) == [(rel(office, path), n) for n in (2, 3, 4)]


def test_check_names_an_edit_of_a_real_sample_file(sample: Office):
    path = sample.path / largest_sample_file().relative_to(REPO)
    rows = path.read_bytes().split(b"\n")
    rows[0] = edited(rows[0])
    path.write_bytes(b"\n".join(rows))
    verify = sample.run("verify")
    assert verify.exit_code == 1 and f"{rel(sample, path)}:2: " in verify.stderr and "哈希链断裂" in verify.stderr
    assert (rel(sample, path), 2) in _named(sample)


def test_verify_heads_is_stable_and_moves_with_an_append(sample: Office):
    first = sample.run("verify", "--heads", "--format", "json")
    assert first.exit_code == 0
    assert sample.run("verify", "--heads", "--format", "json").stdout == first.stdout
    rows = json.loads(first.stdout)
    assert len(rows) == len(list((sample.path / "records").glob("*/*/*.jsonl")))
    for row in rows:
        data = (sample.path / row["path"]).read_bytes()
        assert row["lines"] == data.count(b"\n")
        assert row["head"] == line_hash(data.split(b"\n")[-2]) and row["problems"] == 0
    table = sample.run("verify", "--heads")
    assert table.exit_code == 0 and rows[0]["head"] in table.stdout and "末行哈希" in table.stdout
    assert sample.run("verify", "--heads", "--format", "csv").stdout_bytes.count(b"\r\n") == len(rows) + 1

    target = rows[len(rows) // 2]["path"]
    RecordLog(sample.path).append([inquiry()], Path(target).stem, Path(target).parent.parent.name)
    after = json.loads(sample.run("verify", "--heads", "--format", "json").stdout)
    changed = [(a, b) for a, b in zip(rows, after) if a != b]
    assert len(after) == len(rows) and len(changed) == 1
    old, new = changed[0]
    assert new["path"] == old["path"] == target
    assert new["lines"] == old["lines"] + 1 and new["head"] != old["head"]


def test_verify_against_posted_heads(sample: Office):
    posted = sample.path.parent / "posted.json"
    posted.write_text(sample.run("verify", "--heads", "--format", "json").stdout, encoding="utf-8")
    RecordLog(sample.path).append([inquiry()], "2026-11-20", "W01")  # appending since is fine
    ok = sample.run("verify", "--against", str(posted))
    assert ok.exit_code == 0 and "与公布的末行哈希相符" in ok.stderr

    # an edit of a file's last line breaks no chain, but the posted head catches it
    path = sample.path / largest_sample_file().relative_to(REPO)
    rows = path.read_bytes().split(b"\n")
    assert sample.run("check").exit_code == 0
    rows[-2] = edited(rows[-2])
    path.write_bytes(b"\n".join(rows))
    assert sample.run("verify").exit_code == 0  # the chain alone cannot see it
    bad = sample.run("verify", "--against", str(posted))
    assert bad.exit_code == 1 and f"{rel(sample, path)}:{len(rows) - 1}: 与公布的末行哈希不符" in bad.stderr

    posted.write_text("[1, 2]", encoding="utf-8")
    assert sample.run("verify", "--against", str(posted)).exit_code == 2
    posted.write_text(json.dumps([{"path": "/etc/passwd", "lines": 1, "head": ""}]), encoding="utf-8")
    assert sample.run("verify", "--against", str(posted)).exit_code == 2


# -- repair -----------------------------------------------------------------------------------------


def _torn(office: Office, mid_file: bool = False) -> tuple[Path, bytes]:
    """A file whose last append was cut short (and, mid_file, followed by a later append)."""
    log = RecordLog(office.path)
    log.append([inquiry(n=n) for n in range(3)], DAY, CLONE)
    path = log.partition(CLONE, DAY)
    good = path.read_bytes()
    fragment = json.dumps(inquiry(n=3), ensure_ascii=False).encode()[:40] + "长".encode()[:2]  # cut in a character
    path.write_bytes(good + fragment)
    if mid_file:
        log.append([inquiry(n=4)], DAY, CLONE)
    return path, fragment


@pytest.mark.parametrize("mid_file", [False, True])
def test_repair_moves_a_torn_line_to_quarantine(office: Office, mid_file: bool):
    path, fragment = _torn(office, mid_file)
    where = f"{rel(office, path)}:4"
    check = office.run("check")
    assert check.exit_code == 1 and where in check.stdout

    result = office.run("repair", today="2026-11-21T08:30")
    assert result.exit_code == 0 and result.stdout == ""
    assert where in result.stderr and "隔离文件" in result.stderr
    q = path.with_name(path.name + ".quarantine")
    assert mode(q) == 0o600 and mode(path) == 0o600
    (note,) = [json.loads(x) for x in q.read_text(encoding="utf-8").splitlines()]
    assert base64.b64decode(note["base64"]) == fragment
    assert note["text"] == fragment.decode("utf-8", errors="backslashreplace") and "\\x" in note["text"]
    assert (note["file"], note["line"], note["bytes"]) == (rel(office, path), 4, len(fragment))
    assert note["moved_at"].startswith("2026-11-21T08:30") and note["by"] == "S001" and note["reason"]
    assert office.run("check").exit_code == 0
    lines, problems = RecordLog(office.path).read()
    assert problems == [] and [ln.event["n"] for ln in lines] == [0, 1, 2] + ([4] if mid_file else [])
    assert not list(path.parent.glob(".*"))  # no temp file left

    again = office.run("repair")  # nothing left to do: quiet, nothing touched
    assert again.exit_code == 0 and again.stderr == "" and q.read_text(encoding="utf-8").count("\n") == 1


def test_repair_keeps_lines_that_are_evidence(office: Office):
    """A line that parses but breaks the chain, or misses a field, is not moved: repair says so."""
    path, rows = _five_lines(office)
    rows[1] = rows[1].replace("来访人1".encode(), "来访人9".encode())
    rows[3] = b'{"v":1,"note":"no id"}'
    path.write_bytes(b"\n".join(rows) + b"\n\n")  # and a blank line, which is moved
    before_check = _named(office)
    result = office.run("repair")
    assert result.exit_code == 0
    assert f"{rel(office, path)}:6" in result.stderr and "空行" in result.stderr
    assert "不是残行" in result.stderr and "证据" in result.stderr
    assert f"{rel(office, path)}:3" in result.stderr and f"{rel(office, path)}:4" in result.stderr
    assert path.read_bytes() == b"\n".join(rows) + b"\n"
    assert _named(office) == [p for p in before_check if p[1] != 6]


def test_repair_completes_a_whole_record_missing_only_its_newline(office: Office):
    log = RecordLog(office.path)
    log.append([inquiry(n=n) for n in range(2)], DAY, CLONE)
    path = log.partition(CLONE, DAY)
    path.write_bytes(path.read_bytes()[:-1])
    assert [p.line for p in read_file(path.read_bytes(), "x")[1]] == [2]
    result = office.run("repair")
    assert result.exit_code == 0 and f"{rel(office, path)}:2" in result.stderr and "换行" in result.stderr
    assert not path.with_name(path.name + ".quarantine").exists()
    assert office.run("check").exit_code == 0
    assert [ln.event["n"] for ln in log.read()[0]] == [0, 1]


def test_repair_dry_run_changes_nothing(office: Office):
    path, _ = _torn(office)
    before, ino = path.read_bytes(), path.stat().st_ino
    result = office.run("repair", "--dry-run")
    assert result.exit_code == 0 and "将移入" in result.stderr
    assert path.read_bytes() == before and path.stat().st_ino == ino
    assert not path.with_name(path.name + ".quarantine").exists()


def test_repair_with_nothing_to_do_is_quiet(sample: Office):
    files = {p: (p.read_bytes(), p.stat().st_ino) for p in RecordLog(sample.path).files()}
    result = sample.run("repair")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert {p: (p.read_bytes(), p.stat().st_ino) for p in files} == files


def test_repair_waits_for_the_lock(office: Office):
    import fcntl

    path, _ = _torn(office)
    fd = os.open(office.path / ".svc" / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = office.run("repair", env={"SVC_LOCK_TIMEOUT": "0.2"})
    finally:
        os.close(fd)
    assert result.exit_code == 4 and "记录锁" in result.stderr
    assert not path.read_bytes().endswith(b"\n")


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_repair_files_private_under_any_umask(office: Office, umask: int):
    path, _ = _torn(office, mid_file=True)
    path.chmod(0o644)  # even a file someone opened up comes back private
    old = os.umask(umask)
    try:
        assert office.run("repair").exit_code == 0
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.with_name(path.name + ".quarantine")) == 0o600


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_cli_intake_creates_private_files_under_any_umask(office: Office, umask: int):
    old = os.umask(umask)
    try:
        result = office.run(
            "intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--material", "M01", "-q"
        )
    finally:
        os.umask(old)
    assert result.exit_code == 0
    (path,) = office.records()
    assert mode(path) == 0o600
    for folder in (path.parent, path.parent.parent):
        assert mode(folder) == 0o700, folder
