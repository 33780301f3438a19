"""The office's own events — leave, cover, attendance, complaints, sanctions, scores: the types of
`core.events.OFFICE` — kept in the state database, so that `svc duty`, routing and the assessment
answer without reading a year of case records.

They live in the same record files as the case steps (same chain, same git merges). The table
`office_event` holds each such line as recorded; `office_file` remembers each file's mark (as the
open cases' state does). A file only appended to has just its new bytes looked at, and those are
parsed only when they name one of the office types; any other change (a file rewritten, rewound by
git, removed) reads every file again. A file with a bad or torn line keeps its old mark, so the
problem is reported again on every command until it is mended; the lines before it are kept.
When the database cannot be used, the same answer comes from reading the records.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import orjson

from svccli.core.events import OFFICE, Event, sort_key
from svccli.core.problems import Problem
from svccli.store.db import State
from svccli.store.home import Home
from svccli.store.log import read_file
from svccli.store.scan import FileMark, appended, changed_files, mark_of


class _Stale(Exception):
    """A file was not simply appended to: read every file again."""


def office_events(home: Home, types: Iterable[str] | None = None) -> tuple[list[Event], list[Problem]]:
    """The office events of `types` (every office type when None), in record order, and the problems
    met in the files read (bad or torn lines: the caller reports them)."""
    wanted = sorted(OFFICE if types is None else set(types))
    if not wanted:
        return [], []
    if home.state is None:
        home.state = State(home.path)
    state = home.state
    return state.attempt(lambda: _stored(home, state, wanted), lambda: _from_records(home, wanted))


def _stored(home: Home, state: State, wanted: list[str]) -> tuple[list[Event], list[Problem]]:
    problems = _refresh(home, state)
    marks = ",".join("?" * len(wanted))
    rows = state.read(f"SELECT file, line, body FROM office_event WHERE type IN ({marks})", wanted)
    return _ordered((orjson.loads(b), f, n) for f, n, b in rows), problems


def _from_records(home: Home, wanted: list[str]) -> tuple[list[Event], list[Problem]]:
    lines, problems = home.log.read()
    keep = set(wanted)
    return _ordered((ln.event, ln.path, ln.line) for ln in lines if ln.event.get("type") in keep), problems


def _ordered(found: Iterable[tuple[Event, str, int]]) -> list[Event]:
    return [e for e, _, _ in sorted(found, key=lambda t: sort_key(*t))]


def _refresh(home: Home, state: State) -> list[Problem]:
    listing = home.log.listing()
    if not changed_files(state.read("SELECT * FROM office_file"), listing):
        return []
    with state.writing() as conn:  # looked at again inside the transaction: another process may have updated
        marks = {r[0]: FileMark(*r[1:]) for r in conn.execute("SELECT * FROM office_file")}
        changed = changed_files([(rel, *m) for rel, m in marks.items()], listing)
        try:
            if "" in changed:
                raise _Stale("a file went away")
            return _read(conn, listing, marks, changed)
        except _Stale:
            conn.execute("DELETE FROM office_file")
            conn.execute("DELETE FROM office_event")
            return _read(conn, listing, {}, changed_files([], listing))


def _read(
    conn: sqlite3.Connection, listing: dict[str, str], marks: dict[str, FileMark], changed: dict
) -> list[Problem]:
    needles = [f'"{t}"'.encode() for t in OFFICE]
    problems: list[Problem] = []
    for rel, st in changed.items():
        mark = marks.get(rel)
        data = appended(listing[rel], mark, st)
        if data is None:
            raise _Stale(rel)
        if not any(n in data for n in needles):  # most appends are case steps: nothing to parse
            _remember(conn, rel, mark_of(data, st, mark))
            continue
        lines, found = read_file(data, rel, *((mark.tail, mark.lines + 1) if mark else ("", 1)))
        rows = [(rel, ln.line, ln.event["ts"], ln.event["type"], orjson.dumps(ln.event)) for ln in lines]
        conn.executemany(
            "INSERT OR REPLACE INTO office_event VALUES (?, ?, ?, ?, ?)", [r for r in rows if r[3] in OFFICE]
        )
        problems += found
        if not found:  # a file with a problem is read again from its old mark next time, and reported again
            _remember(conn, rel, mark_of(data, st, mark))
    return problems


def _remember(conn: sqlite3.Connection, rel: str, mark: FileMark) -> None:
    conn.execute("INSERT OR REPLACE INTO office_file VALUES (?, ?, ?, ?, ?, ?, ?)", (rel, *mark))
