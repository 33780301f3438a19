"""Derived state: the folded records and the parsed catalogue, kept in .svc/cache outside git.

Every answer is the same with or without it. The record state remembers, for each record file,
its size, inode, modification time, line count and the hash of its last line. When files have
only grown, just the appended lines are read (their hash chain continued from the remembered
last line) and applied; anything else — a file rewritten, truncated or rewound by `git
checkout`, removed, a new event older than what it follows, an event for a case already closed,
a cache that is corrupt, half written or from another version — rebuilds the state from the
records. The catalogue is re-parsed whenever any YAML file under catalog/ changes.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import secrets
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from svccli import __version__
from svccli.core.cases import Case, Fold, Folded
from svccli.core.events import sort_key
from svccli.core.problems import Problem
from svccli.store.log import Line, RecordLog, line_hash, read_file

FORMAT = 1
# A cached fold is reused only by the same version with the same Case fields: a field added to Case
# (issue 5's custody fields, say) rebuilds the state instead of reading cases that lack it.


def _code_stamp() -> str:
    """Which svccli wrote a cache: its version and every source file's size and time, so an
    upgrade, an edit or a checkout of the code never meets state pickled by other code."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=12)
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


CODE = _code_stamp()
RECORDS_STAMP = (FORMAT, CODE, tuple(f.name for f in fields(Case)))


@dataclass
class FileMark:
    size: int  # bytes up to the end of the last complete line
    mtime_ns: int
    ino: int
    lines: int  # complete lines, torn ones included
    tail: str  # chain hash of the last line in the chain
    tail_len: int  # length of the last complete line, to re-check it cheaply


@dataclass
class RecordState:
    files: dict[str, FileMark] = field(default_factory=dict)
    fold: Fold = field(default_factory=lambda: Fold(timeline=False, compact=True))
    problems: list[Problem] = field(default_factory=list)  # soft and torn ones, re-reported each run


# -- the catalogue ---------------------------------------------------------------------------------

def catalog_key(home: Path) -> list[tuple[str, int, int]]:
    folder = home / "catalog"
    key = []
    for path in sorted(folder.rglob("*.yaml")):
        st = path.stat()
        key.append((path.relative_to(home).as_posix(), st.st_size, st.st_mtime_ns))
    return key


def load_home_cached(path: Path):
    from svccli.store.home import load_home

    key = (FORMAT, CODE, catalog_key(path))
    cached = _load(path, "catalog")
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == key:
        home = cached[1]
        home.path = path
        return home
    home = load_home(path)
    _save(path, "catalog", (key, home))
    return home


# -- the records -----------------------------------------------------------------------------------

def records(log: RecordLog) -> tuple[Folded, list[Problem]]:
    """The compact fold of all records (closed cases kept as their status only), and the problems
    found; hard problems are returned and nothing is cached until they are mended."""
    listing = {p.relative_to(log.home).as_posix(): p for p in log.files()}
    cached = _load(log.home, "records")
    fits = isinstance(cached, tuple) and len(cached) == 3 and cached[0] == RECORDS_STAMP
    state = cached[2] if fits and isinstance(cached[2], RecordState) else None
    if state is not None:
        if _unchanged(state, listing):  # the closed cases are not even loaded
            return state.fold.result(), list(state.problems)
        closed = _load(log.home, "closed")
        if not (isinstance(closed, tuple) and len(closed) == 2 and closed[0] == cached[1]):  # not written together
            return _rebuild(log, listing)
        state.fold.closed = closed[1]
        updated = _incremental(log, state, listing, cached[1])
        if updated is not None:
            return updated
    return _rebuild(log, listing)


def _unchanged(state: RecordState, listing: dict[str, Path]) -> bool:
    if state.files.keys() != listing.keys():
        return False
    for rel, path in listing.items():
        st, mark = path.stat(), state.files[rel]
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (mark.size, mark.mtime_ns, mark.ino):
            return False
    return True


def _incremental(log: RecordLog, state: RecordState, listing: dict[str, Path], token: str):
    if not state.files.keys() <= listing.keys():
        return None  # a file went away: rebuild
    new_lines: list[Line] = []
    problems: list[Problem] = []
    marks = dict(state.files)
    for rel, path in listing.items():
        mark = marks.get(rel)
        st = path.stat()
        if mark and (st.st_size, st.st_mtime_ns, st.st_ino) == (mark.size, mark.mtime_ns, mark.ino):
            continue
        appended = _appended(path, mark, st)
        if appended is None:
            return None
        lines, found, new_mark = _read_from(path, rel, mark, appended, st)
        new_lines += lines
        problems += found
        marks[rel] = new_mark
    if any(not (p.torn or p.soft or p.warning) for p in problems):
        return state.fold.result(), state.problems + problems
    fold = state.fold
    closed_before = len(fold.closed)
    for ln in sorted(new_lines, key=lambda ln: sort_key(ln.event, ln.path, ln.line)):
        case_id = ln.event.get("case")
        case = fold.cases.get(case_id) if case_id else None
        if case_id in fold.closed or (case is not None and ln.event["ts"] < case.last_ts):
            return None  # an event among what was folded before, or for a closed case: rebuild
        fold.apply(ln.event, ln.path, ln.line)
    state.files = marks
    state.problems = [p for p in state.problems if not p.torn] + problems + fold.take_problems()
    _save_records(log.home, state, token if len(fold.closed) == closed_before else None)
    return fold.result(), list(state.problems)


def _appended(path: Path, mark: FileMark | None, st) -> bytes | None:
    """The bytes after the remembered end, or None when the file was not simply appended to."""
    if mark is None:
        return path.read_bytes()
    if st.st_ino != mark.ino or st.st_size < mark.size:
        return None
    with open(path, "rb") as f:
        f.seek(mark.size - mark.tail_len - 1 if mark.tail_len else 0)
        data = f.read()
    if mark.tail_len:
        last, data = data[: mark.tail_len], data[mark.tail_len + 1:]
        if line_hash(last) != mark.tail:
            return None
    return data


def _read_from(path: Path, rel: str, mark: FileMark | None, data: bytes, st):
    """Parse `data` (a whole file, or what was appended after `mark`) and the file's new mark."""
    prev, first, base = (mark.tail, mark.lines + 1, mark.size) if mark else ("", 1, 0)
    lines, problems = read_file(data, rel, prev, first)
    complete = data.rfind(b"\n") + 1  # a torn last line is not part of the mark
    tail, tail_len = (mark.tail, mark.tail_len) if mark else ("", 0)
    if complete:
        last = data[: complete - 1].rsplit(b"\n", 1)[-1]
        tail, tail_len = line_hash(last), len(last)
    count = (mark.lines if mark else 0) + data.count(b"\n", 0, complete)
    return lines, problems, FileMark(base + complete, st.st_mtime_ns, st.st_ino, count, tail, tail_len)


def _rebuild(log: RecordLog, listing: dict[str, Path]) -> tuple[Folded, list[Problem]]:
    # Millions of small objects and no reference cycles: the cyclic collector would only rescan
    # them again and again, so it rests while the year is folded.
    gc.disable()
    try:
        return _fold_all(log, listing)
    finally:
        gc.enable()


def _fold_all(log: RecordLog, listing: dict[str, Path]) -> tuple[Folded, list[Problem]]:
    state = RecordState()
    problems: list[Problem] = []
    by_day: dict[str, list[str]] = {}
    for rel in listing:
        by_day.setdefault(Path(rel).stem, []).append(rel)
    for day in sorted(by_day):
        day_lines: list[Line] = []
        for rel in sorted(by_day[day]):
            path = listing[rel]
            st = path.stat()
            data = path.read_bytes()
            lines, found, state.files[rel] = _read_from(path, rel, None, data, st)
            day_lines += lines
            problems += found
        if len(by_day[day]) > 1 or not _in_order(day_lines):
            day_lines.sort(key=lambda ln: sort_key(ln.event, ln.path, ln.line))
        for ln in day_lines:
            state.fold.apply(ln.event, ln.path, ln.line)
    problems += state.fold.take_problems()
    state.problems = [p for p in problems if p.torn or p.soft or p.warning]
    if len(state.problems) == len(problems):
        _save_records(log.home, state)
    return state.fold.result(), problems


def _in_order(lines: list[Line]) -> bool:
    return all(a.event["ts"] < b.event["ts"] for a, b in zip(lines, lines[1:]))


def _save_records(home: Path, state: RecordState, token: str | None = None) -> None:
    """Open cases and closed ones in two files sharing a token: the daily check loads the first only.
    Given the token of an unchanged closed file, only the open cases are written again."""
    closed, state.fold.closed = state.fold.closed, {}
    try:
        if token is None:
            token = secrets.token_hex(8)
            _save(home, "closed", (token, closed))
        _save(home, "records", (RECORDS_STAMP, token, state))
    finally:
        state.fold.closed = closed


# -- files -----------------------------------------------------------------------------------------

def _cache_path(home: Path, name: str) -> Path:
    return home / ".svc" / "cache" / f"{name}.pickle"


def _load(home: Path, name: str):
    """The cached value, or None when missing, unreadable, corrupt or half written."""
    gc.disable()  # unpickling builds many objects and no cycles: the collector would only slow it
    try:
        with open(_cache_path(home, name), "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 — a broken cache is never an error: it is rebuilt
        return None
    finally:
        gc.enable()


def _save(home: Path, name: str, value) -> None:
    """Write atomically (temp file, rename): a crash leaves the old cache or none, never half of one."""
    folder = _cache_path(home, name).parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _cache_path(home, name))
    except OSError:
        return  # a read-only home still answers, only more slowly
