"""The register of documents in the record log (core/register.py): numbers taken, template sources
stored, the documents issued and printed. Files are searched as bytes first, so that only the lines
of the register are parsed."""

from __future__ import annotations

import os
import re

import orjson

from svccli.core.problems import Problem
from svccli.store.db import State, Unavailable
from svccli.store.durable import read_regular
from svccli.store.log import Line, RecordLog, _loads, read_file

NUMBER = re.compile(rb'"type":"document","case":"[^"]*","kind":"[^"]*","number":"([^"]*)"')
TEMPLATE = re.compile(rb'"type":"template","sha256":"([0-9a-f]{64})"')
REGISTER = (b'"type":"document"', b'"type":"print"')


def _bytes(path: str) -> bytes:
    try:
        return read_regular(path)
    except OSError:
        return b""  # `svc check` names a file that cannot be read; a number is never taken from it


def clone_marks(log: RecordLog, clone: str, year: int, state: State | None = None) -> tuple[list[str], set[str]]:
    """What this clone has on file: the numbers it issued in `year`, and the template sources it
    stored (any year). Called under the record lock, so a number found here is never taken twice.
    What each file holds is kept in the state per file (its size, inode and mtime): only files new
    or changed since are read, not a year of them for every document."""
    own = f"records/{clone}/"
    files = {rel: path for rel, path in log.listing().items() if rel.startswith(own)}
    seen = _seen(state, files)
    numbers: list[str] = []
    hashes: set[str] = set()
    for rel, (file_numbers, file_hashes) in seen.items():
        if rel.startswith(f"{own}{year}-"):
            numbers += file_numbers
        hashes.update(file_hashes)
    return numbers, hashes


def _marks_of(data: bytes) -> tuple[list[str], list[str]]:
    numbers = [m.decode() for m in NUMBER.findall(data)] if REGISTER[0] in data else []
    hashes = [m.decode() for m in TEMPLATE.findall(data)] if b'"type":"template"' in data else []
    return numbers, hashes


def _seen(state: State | None, files: dict[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """Each file's numbers and template hashes: from the state where the file is as it was, else read."""
    marks = {rel: _stat(path) for rel, path in files.items()}
    kept: dict[str, tuple] = {}
    if state is not None:
        try:
            rows = state.read("SELECT path, size, mtime_ns, ino, numbers, hashes FROM register_file")
            kept = {r[0]: r[1:] for r in rows}
        except Unavailable:
            state = None
    seen, fresh = {}, []
    for rel, path in files.items():
        row = kept.get(rel)
        if row is not None and tuple(row[:3]) == marks[rel]:
            seen[rel] = (orjson.loads(row[3]), orjson.loads(row[4]))
        else:
            seen[rel] = _marks_of(_bytes(path))
            fresh.append(rel)
    if state is not None and fresh:
        rows = [(rel, *marks[rel], orjson.dumps(seen[rel][0]), orjson.dumps(seen[rel][1])) for rel in fresh]
        try:
            with state.writing() as conn:
                conn.executemany("INSERT OR REPLACE INTO register_file VALUES (?, ?, ?, ?, ?, ?)", rows)
        except Unavailable:
            pass  # the numbers stand; only what the files hold is not kept
    return seen


def _stat(path: str) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1, -1)
    return st.st_size, st.st_mtime_ns, st.st_ino


def template_sources(log: RecordLog, wanted: set[str], state: State | None = None) -> dict[str, str]:
    """The stored template sources by sha256, from any clone's records (they are content-addressed);
    only the files that hold one of them are parsed."""
    found: dict[str, str] = {}
    files = log.listing()
    for rel, (_, hashes) in _seen(state, files).items():
        if len(found) == len(wanted):
            break
        if not wanted.intersection(hashes):
            continue
        for raw in _bytes(files[rel]).split(b"\n"):
            m = TEMPLATE.search(raw)
            if m and m.group(1).decode() in wanted:
                try:
                    event = _loads(raw)
                except ValueError:
                    continue
                if isinstance(event.get("source"), str):
                    found[m.group(1).decode()] = event["source"]
    return found


def register_lines(log: RecordLog, month: str = "") -> tuple[list[Line], list[Problem]]:
    """The document and print events of the office (of files named for `month`, YYYY-MM, when given)."""
    lines: list[Line] = []
    problems: list[Problem] = []
    for rel, path in log.listing(f"{month}-01" if month else "").items():
        if month and rel.split("/")[2] != month:
            continue
        data = _bytes(path)
        if not any(k in data for k in REGISTER):
            continue
        got, found = read_file(data, rel)
        lines += [ln for ln in got if ln.event.get("type") in ("document", "print")]
        problems += found
    return lines, problems
