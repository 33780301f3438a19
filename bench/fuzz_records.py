"""Fuzzing harness (atheris / libFuzzer) for the record-line reader and the catalogue loader.

    pip install atheris
    python bench/fuzz_records.py records -max_total_time=300      # svccli.store.log.read_file & co.
    python bench/fuzz_records.py catalog -max_total_time=300      # load_home on fuzzed YAML

Any further arguments go to libFuzzer (-runs=N, -max_len=N, a corpus folder, ...). Both targets
are declared never to raise on user data: the reader returns lines and Problems, the loader a Home
whose `problems` list what is wrong. So any exception is a finding. By default the harness stops
at the first one (libFuzzer writes the input to crash-<sha1>); with SVC_FUZZ_KEEP_GOING=1 it
records each distinct exception (type and place) under bench/fuzz-findings/ and goes on.
libFuzzer's last line, "Done N runs in T second(s)", gives the executions.

The record target also checks the properties the writer and `svc repair` rely on, for whatever
bytes a file holds: the reader's line numbers are in range and at most the last line is torn; the daily check's
fast scan (store/scan.py) accepts only a file the careful reader reads without fault;
an event appended after those bytes (prev from the writer's own tail scan) is never reported as
a broken chain; after `repair`'s plan the file reads with no torn or unparsable line.
"""

from __future__ import annotations

import collections
import hashlib
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parent.parent
FINDINGS = REPO / "bench" / "fuzz-findings"
KEEP_GOING = os.environ.get("SVC_FUZZ_KEEP_GOING") == "1"

with atheris.instrument_imports(include=["svccli"]):
    from svccli.store import log as record_log
    from svccli.store import scan
    from svccli.store.home import load_home
    from svccli.store.repair import plan

SHOWN = "records/F01/2026-11/2026-11-20.jsonl"
found: collections.Counter = collections.Counter()


class PropertyFailed(AssertionError):
    pass


def _finding(kind: str, data: bytes) -> None:
    """Raise (stop, libFuzzer saves the input) or record the first of each kind and go on."""
    exc_type, exc, tb = sys.exc_info()
    where = traceback.extract_tb(tb)[-1] if tb else None
    key = f"{exc_type.__name__ if exc_type else kind} at {where.filename}:{where.lineno}" if where else kind
    found[key] += 1
    if not KEEP_GOING:
        raise
    if found[key] == 1:
        FINDINGS.mkdir(exist_ok=True)
        name = f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}"
        (FINDINGS / name).write_bytes(data)
        (FINDINGS / f"{name}.txt").write_text(traceback.format_exc(), encoding="utf-8")
        print(f"\n=== new finding: {key} -> {FINDINGS / name}", file=sys.stderr)


# -- the record reader ------------------------------------------------------------------------------


def _scratch() -> Path:
    """A scratch folder per process (in memory where possible). libFuzzer ends the process without
    running atexit handlers, so each run removes the folders of runs that are no longer alive."""
    base = Path("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()) / "svc-fuzz"
    base.mkdir(exist_ok=True)
    for old in base.iterdir():
        try:
            os.kill(int(old.name), 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except (ValueError, PermissionError):
            pass
    folder = base / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


TMP = _scratch()
EVENT = {"v": 1, "id": "0123456789abcdef", "ts": "2026-11-20T09:00:00+08:00", "by": "S001", "type": "inquiry"}


def check_records(data: bytes) -> None:
    try:
        lines, problems = record_log.read_file(data, SHOWN)
        count = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        for ln in lines:
            if not (1 <= ln.line <= count and isinstance(ln.event, dict)):
                raise PropertyFailed(f"line {ln.line} out of range 1..{count}")
        if sum(p.torn for p in problems) > 1 or any(p.torn and p.line != count for p in problems):
            raise PropertyFailed("a torn line that is not the last one")

        # what the writer appends after these bytes chains on: never a 哈希链断裂 at the new line
        path = TMP / "f.jsonl"
        path.write_bytes(data)
        fd = os.open(path, os.O_RDONLY)
        try:
            prev, torn = record_log._tail(fd)
        finally:
            os.close(fd)
        new = record_log._dumps({**EVENT, "prev": prev})
        after = data + (b"\n" if torn else b"") + new + b"\n"
        last = after.count(b"\n")
        bad = [p for p in record_log.read_file(after, SHOWN)[1] if p.line == last]
        if bad:
            raise PropertyFailed(f"the appended line reads as {bad[0].message}")

        # the daily check's fast scan takes only a file the careful reader reads without fault, and
        # finds no intake or closing record that the careful reader does not
        _, _, careful, _, intakes, closing = scan._first_pass((SHOWN, path))
        if careful is None:
            if problems:
                raise PropertyFailed(f"the fast scan took a file the careful reader faults: {problems[0]}")
            cases = {(ln.event.get("type"), ln.event.get("case")) for ln in lines}
            for kind, found_ids in (("intake", intakes), (None, closing)):
                for case in filter(None, found_ids.split(b"\n")):
                    if not any(
                        c == case.decode() and (t == kind or (kind is None and t != "intake")) for t, c in cases
                    ):
                        raise PropertyFailed(f"the fast scan found {case!r} that the careful reader does not")

        # after repair's plan nothing torn or unparsable is left, and no parsed line was dropped
        keep, moved, _ = plan(data)
        repaired = b"".join(k + b"\n" for k in keep)
        lines2, problems2 = record_log.read_file(repaired, SHOWN)
        if any(p.torn or "不是有效的 JSON" in p.message or "空行" in p.message for p in problems2):
            raise PropertyFailed("repair's plan leaves a torn or unparsable line")
        before, after_repair = [ln.event for ln in lines], [ln.event for ln in lines2]
        if after_repair[: len(before)] != before or len(after_repair) > len(before) + 1:  # +1: a completed tail
            raise PropertyFailed("repair's plan lost or changed a record")
    except Exception:
        _finding("records", data)


# -- the catalogue loader ---------------------------------------------------------------------------

# A small office (one department's services, one calendar year): a YAML error sends every file through
# the slower line-numbering parser, so a smaller home means many more executions per second.
HOME = TMP / "office"
TARGETS = ["catalog/office.yaml", "catalog/roster.yaml", "catalog/services/xf.yaml", "catalog/calendar/2026.yaml"]
for t in TARGETS:
    (HOME / t).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / t, HOME / t)
ORIGINAL = {t: (HOME / t).read_bytes() for t in TARGETS}


def check_catalog(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = TARGETS[fdp.ConsumeIntInRange(0, len(TARGETS) - 1)]
    mode = fdp.ConsumeIntInRange(0, 2)
    rest = fdp.ConsumeBytes(fdp.remaining_bytes())
    if mode == 0:  # replace the file by the input
        text = rest
    elif mode == 1:  # splice the input into the real file (most of it stays valid YAML)
        base = ORIGINAL[target]
        at = int.from_bytes(rest[:2] or b"\0", "little") % (len(base) + 1)
        text = base[:at] + rest[2:] + base[at:]
    else:  # cut the real file and append the input
        base = ORIGINAL[target]
        at = int.from_bytes(rest[:2] or b"\0", "little") % (len(base) + 1)
        text = base[:at] + rest[2:]
    (HOME / target).write_bytes(text)
    try:
        home = load_home(HOME)
        if not isinstance(home.problems, list):
            raise PropertyFailed("problems is not a list")
        for p in home.problems:
            str(p)  # every problem prints as file:line: message
    except Exception:
        _finding("catalog", data)
    finally:
        (HOME / target).write_bytes(ORIGINAL[target])


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("records", "catalog"):
        sys.exit(__doc__)
    which = sys.argv.pop(1)
    seeds = TMP / f"seeds-{which}"
    seeds.mkdir()
    if which == "records":
        for n, p in enumerate(sorted((REPO / "records").glob("*/*/*.jsonl"))):
            (seeds / f"{n}").write_bytes(p.read_bytes())
    else:
        for n, t in enumerate(TARGETS):
            (seeds / f"{n}").write_bytes(bytes([n, 0]) + ORIGINAL[t])
    args = sys.argv + ([str(seeds)] if not any(not a.startswith("-") for a in sys.argv[1:]) else [])
    atheris.Setup(args, check_records if which == "records" else check_catalog)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
