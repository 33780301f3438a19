"""The cold read of a year of records for the daily check, at the speed of C.

Folding every event of a million-case year costs microseconds an event in Python; the daily check
needs only the cases still open. So the year is read in two passes over whole files:

1. Every file: its hash chain is checked line by line (sha256 mapped over the lines, the stored
   `prev` fields cut from each line's fixed tail) and one regular expression finds the intakes and
   the closing events (deliver, refuse, refer, withdraw, close). A case with a closing event is
   closed for the daily check. The last line, which no later `prev` vouches for, is parsed in full.
2. The files from the earliest open case's intake day on, a day at a time (the last weeks', where
   most open cases are, first): the lines of the open cases are parsed and handed to the fold.

On a machine with more than one core, a big year's files are read by forked worker processes.

A file not exactly as the writer makes it (a torn or blank line, a broken chain, a line of another
shape) is read by the careful reader instead (`read_file`), whose messages name file and line.
"""

from __future__ import annotations

import binascii
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, methodcaller
from typing import NamedTuple

from svccli.core.cases import CLOSING
from svccli.core.problems import Problem
from svccli.store.log import Line, intake_day, line_hash, parse_line, read_file

KEY = re.compile(rb'"type":"(intake|' + b"|".join(k.encode() for k in sorted(CLOSING)) + rb')","case":"([^"\\\n]*)"')
# A void (issue 16 §6) reopens its case for the rebuild, which folds it and skips the step it names; the
# writer puts the fields in this order. Voids are rare: a file is searched for them only if it holds one.
VOID = re.compile(rb'"type":"void","case":"([^"\\\n]*)","voids":"([^"\\\n]*)"')
HAS_VOID = b'"type":"void"'
CASE = re.compile(rb'"case":"([^"\\\n]*)"')
FIRST_TAIL = b',"prev":""}'
PREV = itemgetter(slice(-34, -2))  # the writer ends every line with ,"prev":"<32 hex digits>"}
DIGEST, HALF = methodcaller("digest"), itemgetter(slice(0, 16))  # line_hash() is the first half in hex


class FileMark(NamedTuple):
    """What the derived state remembers of a record file, to tell an append from any other change."""

    size: int  # bytes up to the end of the last complete line
    mtime_ns: int
    ino: int
    lines: int  # complete lines, torn ones included
    tail: str  # chain hash of the last complete line
    tail_len: int  # its length, to re-check it cheaply


def appended(path: str, mark: FileMark | None, st: os.stat_result) -> bytes | None:
    """The bytes after the remembered last line, or None when the file was not simply appended to
    (another inode, shorter, or its remembered last line changed)."""
    with open(path, "rb") as f:
        if mark is None:
            return f.read()
        if st.st_ino != mark.ino or st.st_size < mark.size:
            return None
        f.seek(mark.size - mark.tail_len - 1 if mark.tail_len else 0)
        data = f.read()
    if mark.tail_len:
        last, data = data[: mark.tail_len], data[mark.tail_len + 1 :]
        if line_hash(last) != mark.tail:
            return None
    return data


def changed_files(rows: list[tuple], listing: dict[str, str]) -> dict[str, os.stat_result | None]:
    """The files not as remembered (`rows`: path and FileMark fields; new files too), with their stat
    now; "" when a remembered file went away. The derived tables that follow the records by their
    appends (the open cases' state, the office events) each keep such marks."""
    marks = {r[0]: r for r in rows}
    changed: dict[str, os.stat_result | None] = {}
    for rel, path in listing.items():
        st, mark = os.stat(path), marks.get(rel)
        if mark is None or (st.st_size, st.st_mtime_ns, st.st_ino) != (mark[1], mark[2], mark[3]):
            changed[rel] = st
    if not marks.keys() <= listing.keys():
        changed[""] = None
    return changed


def mark_of(data: bytes, st, before: FileMark | None = None) -> FileMark:
    """The mark of a file whose bytes after `before` (the whole file when None) are `data`."""
    complete = data.rfind(b"\n") + 1  # a torn last line is not part of the mark
    tail, tail_len = (before.tail, before.tail_len) if before else ("", 0)
    if complete:
        last = data[: complete - 1].rsplit(b"\n", 1)[-1]
        tail, tail_len = line_hash(last), len(last)
    base, count = (before.size, before.lines) if before else (0, 0)
    return FileMark(base + complete, st.st_mtime_ns, st.st_ino, count + data.count(b"\n", 0, complete), tail, tail_len)


@dataclass
class Scan:
    marks: dict[str, FileMark] = field(default_factory=dict)
    opened: set[bytes] = field(default_factory=set)  # ids of cases with an intake and no closing record
    problems: list[Problem] = field(default_factory=list)
    fast: dict[str, list[str]] = field(default_factory=dict)  # day -> clean files
    careful: dict[str, list[Line]] = field(default_factory=dict)  # day -> events of files read carefully
    voided: set[tuple[str, str]] = field(default_factory=set)  # (event id, case id) named by a void


def first_pass(listing: dict[str, str]) -> Iterator:
    """Start pass 1 over every file (`listing`: path relative to the home -> path), month by
    month, day by day; `scan` takes its results."""
    order = sorted(listing, key=lambda r: (_month(r), _stem(r), r))
    return _map(_first_pass, [(r, listing[r]) for r in order])


def scan(
    listing: dict[str, str],
    keep_closed: Callable[[str, set[bytes]], None],
    started: Iterator | None = None,
    progress: Callable[[], None] | None = None,
) -> Scan:
    """Pass 1 (`started` by `first_pass`, or now). The ids closed by each month's records go to
    `keep_closed(month, ids)` as soon as the month is read, so a year's worth is never held at once."""
    out, month = Scan(), None
    early: set[bytes] = set()
    closed: set[bytes] = set()
    for rel, mark, careful, problems, intakes, closing, voids in started or first_pass(listing):
        if _month(rel) != month:
            if month is not None:
                keep_closed(month, closed)
            month, closed = _month(rel), set()
        out.marks[rel] = mark
        if progress is not None:
            progress()
        out.problems += problems
        if careful is None:
            out.fast.setdefault(_stem(rel), []).append(rel)
        else:
            out.careful.setdefault(_stem(rel), []).extend(careful)
        out.opened.update(intakes.split(b"\n") if intakes else ())
        closing = set(closing.split(b"\n")) if closing else set()
        early |= closing - out.opened  # closed before (or without) an intake read so far
        out.opened.difference_update(closing)
        closed |= closing
        out.voided.update((step.decode(errors="replace"), case.decode(errors="replace")) for case, step in voids)
    if month is not None:
        keep_closed(month, closed)
    out.opened -= early
    # a case with a void is folded whatever its closing records say: the fold decides whether it is open
    out.opened.update(case.encode() for _, case in out.voided)
    return out


def _first_pass(item: tuple[str, str]):
    """One file: its mark, its events when it must be read carefully, its problems, the ids of the
    cases it takes in and of those it closes."""
    rel, path = item
    st = os.stat(path)
    data = _read(path)
    clean = _clean_chain(data)
    if clean is None:
        lines, problems = read_file(data, rel)
        mine = [(ln, case) for ln in lines if (case := _case_of(ln.event))]
        intakes = b"\n".join(case for ln, case in mine if ln.event.get("type") == "intake")
        closing = b"\n".join(case for ln, case in mine if ln.event.get("type") in CLOSING)
        voids = [
            (case, v.encode())
            for ln, case in mine
            if ln.event.get("type") == "void" and isinstance(v := ln.event.get("voids"), str)
        ]
        return rel, mark_of(data, st), [ln for ln, _ in mine], problems, intakes, closing, voids
    last_len = len(data) - 2 - data.rfind(b"\n", 0, len(data) - 1)
    mark = FileMark(len(data), st.st_mtime_ns, st.st_ino, *clean, last_len)
    pairs = KEY.findall(data)
    kinds, cases = zip(*pairs) if pairs else ((), ())
    # joined: two objects to send back from a worker process rather than hundreds
    intakes = b"\n".join(compress(cases, map(b"intake".__eq__, kinds)))
    closing = b"\n".join(compress(cases, map(b"intake".__ne__, kinds)))
    return rel, mark, None, [], intakes, closing, VOID.findall(data) if HAS_VOID in data else []


def open_lines(listing: dict[str, str], found: Scan) -> Iterator[tuple[str, list[Line]]]:
    """Pass 2: the events of the open cases, a day at a time (day, lines). Most open cases were
    taken in during the last weeks: their files come first, so the fold starts at once, while the
    workers go on to the older files that only the few cases open since long ago need (disjoint
    cases: each case's events still come in order)."""
    if not found.opened:
        return
    taken = {case: intake_day(case.decode(errors="replace")) for case in found.opened}
    order = sorted(taken.values())
    recent = order[len(order) // 20]  # from this day on, 95 % of the open cases were taken in
    old = {case for case, day in taken.items() if day < recent}
    days = sorted(d for d in found.fast.keys() | found.careful.keys() if d >= order[0])
    late, early = [d for d in days if d >= recent], [d for d in days if d < recent]
    global _OPENED
    _OPENED = found.opened  # for the workers, which fork from here
    try:
        picked = _map(_second_pass, [(rel, listing[rel]) for day in late + early for rel in found.fast.get(day, ())])
        held = {}  # the old cases' events met in the late files: after their earlier ones
        for day in late:
            lines = _day_lines(day, found, picked)
            held[day] = [ln for ln in lines if _case_of(ln.event) in old]
            yield day, [ln for ln in lines if _case_of(ln.event) not in old]
        for day in early:
            yield day, _day_lines(day, found, picked)
        yield from ((day, lines) for day, lines in held.items() if lines)
    finally:
        _OPENED = set()


def _day_lines(day: str, found: Scan, picked: Iterator) -> list[Line]:
    """The open cases' events of one day: from its careful files, and parsed from what the workers
    picked out of its clean ones (taken from `picked` in order)."""
    lines = [ln for ln in found.careful.get(day, ()) if _case_of(ln.event) in found.opened]
    for rel in found.fast.get(day, ()):
        for n, raw in next(picked):
            event, message = parse_line(raw, None)
            if message:
                found.problems.append(Problem(rel, n, message))
            if event is not None and _case_of(event) in found.opened:
                lines.append(Line(rel, n, event))
    return lines


_OPENED: set[bytes] = set()


def _second_pass(item: tuple[str, str]) -> list[tuple[int, bytes]]:
    """The numbers and bytes of the lines of one clean file that name an open case."""
    rel, path = item
    data = _read(path)
    cases = CASE.findall(data)
    wanted = _OPENED.intersection(cases)
    if not wanted:
        return []
    lines = data.split(b"\n")
    lines.pop()
    if len(cases) != len(lines):  # some line has no case, or more than one "case" key: line by line
        cases = [m[1] if m else b"" for m in map(CASE.search, lines)]
    return [(n, lines[n - 1]) for n in compress(range(1, len(lines) + 1), map(wanted.__contains__, cases))]


PARALLEL_BYTES = 64 << 20  # below this a second process costs more than it saves


def _map(fn, items: list[tuple[str, str]]) -> Iterator:
    """fn over items in order; on a machine with more cores and a big enough year, in forked
    worker processes (the work is CPU-bound: hashing and regular expressions), which start at
    once and work ahead of the caller."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or sum(os.stat(path).st_size for _, path in items) < PARALLEL_BYTES:
        return map(fn, items)
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(workers)
    return _until_done(pool, pool.imap(fn, items, chunksize=8))


def _until_done(pool, results: Iterator) -> Iterator:
    try:
        yield from results
    finally:
        pool.terminate()


def _stem(rel: str) -> str:
    """records/<clone>/<YYYY-MM>/<day>.jsonl -> <day>"""
    name = rel.rsplit("/", 1)[-1]
    return name[:-6] if name.endswith(".jsonl") else name


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _month(rel: str) -> str:
    """records/<clone>/<YYYY-MM>/<day>.jsonl -> YYYY-MM"""
    return rel.rsplit("/", 2)[-2]


def _clean_chain(data: bytes) -> tuple[int, str] | None:
    """The number of lines and the last line's chain hash when the file is exactly as the writer
    makes it, else None. Each line's `prev` (the first 16 bytes of the previous line's sha256, in
    hex) sits in its last 34 bytes; the last line, vouched for by no later one, is parsed."""
    if not data.endswith(b"\n") or data.startswith(b"\n") or b"\n\n" in data:
        return None
    lines = data.split(b"\n")
    lines.pop()
    if not lines[0].endswith(FIRST_TAIL):
        return None
    hashes = list(map(HALF, map(DIGEST, map(hashlib.sha256, lines))))
    try:
        if b"".join(hashes[:-1]) != binascii.unhexlify(b"".join(map(PREV, lines[1:]))):
            return None
    except binascii.Error:  # not hex digits where a prev belongs
        return None
    event, message = parse_line(lines[-1], hashes[-2].hex() if len(lines) > 1 else "")
    return (len(lines), hashes[-1].hex()) if event is not None and not message else None


def _case_of(event: dict) -> bytes | None:
    case = event.get("case")
    return case.encode() if isinstance(case, str) and case else None
