"""The tables behind `svc sql`: every record line, every case (open and closed) and every
first-contact entry, kept in the state database (store/db.py) and as disposable as the rest of it.

They are brought up to date from the records before each query. A file only appended to since (same
inode, not shorter, its remembered last line unchanged) has just its new lines read, its hash chain
continued from that line, and only the cases those lines name are folded again, from their stored
events (`core.cases.fold`, as every command folds). Any other change — a file rewritten, truncated,
rewound or removed — builds the tables afresh. A case's due date, on-time flag and days late are
worked out with `core.deadlines` and the daily check's rule (`core.overdue.check_case`); the open
cases' again when the command's date changes (a pause runs on, lateness grows), every case's again
when the catalogue changes. Records with errors are never stored: `Rejected` names them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from svccli.core.fold import Fold, fold
from svccli.core.problems import Problem
from svccli.core.register import short as short_number
from svccli.store.case_rows import case_row, case_text, text_of
from svccli.store.catalog_cache import key_of
from svccli.store.home import Home
from svccli.store.log import Line, read_file
from svccli.store.progress import Progress
from svccli.store.scan import FileMark, appended, mark_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS report_file(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, lines INTEGER NOT NULL, tail TEXT NOT NULL, tail_len INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS report_event(file TEXT NOT NULL, line INTEGER NOT NULL, id TEXT, ts TEXT, staff TEXT,
    type TEXT, case_id TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS report_event_case ON report_event(case_id) WHERE case_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS report_inquiry(id TEXT, ts TEXT, staff TEXT, channel TEXT, person TEXT, unit TEXT,
    address TEXT, phone TEXT, matter TEXT, outcome TEXT, handler TEXT, authority TEXT, contact TEXT,
    first_contact TEXT, file TEXT, line INTEGER);
CREATE TABLE IF NOT EXISTS report_case(case_id TEXT PRIMARY KEY, service TEXT, status TEXT, is_open INTEGER,
    in_transit INTEGER, applicant TEXT, phone TEXT, id_number TEXT, holder TEXT, first_contact TEXT,
    first_handler TEXT, opened TEXT, held_since TEXT, accepted TEXT, concluded TEXT, result TEXT, notified TEXT,
    delivered TEXT, served TEXT, closed TEXT, department TEXT, due TEXT, provisional INTEGER, limit_unit TEXT,
    on_time INTEGER, days_late INTEGER, opened_at TEXT, window_code TEXT, acceptance TEXT, noticed TEXT,
    working_days INTEGER, deemed TEXT, wrong_returns INTEGER, undone_decisions INTEGER);
CREATE INDEX IF NOT EXISTS report_case_open ON report_case(is_open);
CREATE TABLE IF NOT EXISTS report_text(case_id TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_item(code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_document(number TEXT NOT NULL, short TEXT NOT NULL, case_id TEXT, kind TEXT,
    ts TEXT, file TEXT, line INTEGER);
CREATE INDEX IF NOT EXISTS report_case_phone4 ON report_case(substr(phone, -4));
CREATE INDEX IF NOT EXISTS report_case_phone ON report_case(phone);
CREATE INDEX IF NOT EXISTS report_case_id_number ON report_case(id_number);
CREATE INDEX IF NOT EXISTS report_case_applicant ON report_case(applicant);
CREATE INDEX IF NOT EXISTS report_case_department ON report_case(department);
CREATE INDEX IF NOT EXISTS report_case_service ON report_case(service);
CREATE INDEX IF NOT EXISTS report_case_holder ON report_case(holder);
CREATE INDEX IF NOT EXISTS report_case_status ON report_case(status);
CREATE INDEX IF NOT EXISTS report_case_opened ON report_case(opened);
CREATE INDEX IF NOT EXISTS report_document_number ON report_document(number);
CREATE INDEX IF NOT EXISTS report_document_short ON report_document(short);
CREATE INDEX IF NOT EXISTS report_inquiry_phone4 ON report_inquiry(substr(phone, -4));
CREATE TABLE IF NOT EXISTS report_problem(path TEXT, line INTEGER, message TEXT, warning INTEGER, torn INTEGER,
    soft INTEGER, case_id TEXT);
"""
TABLES = (
    "report_file",
    "report_event",
    "report_inquiry",
    "report_case",
    "report_text",
    "report_item",
    "report_document",
    "report_problem",
    "report_meta",
)
CASE_COLUMNS = 34
INQUIRY_FIELDS = (
    "channel",
    "person",
    "unit",
    "address",
    "phone",
    "matter",
    "outcome",
    "handler",
    "authority",
    "contact",
    "first_contact",
)
BATCH = 2000  # cases folded and written at a time while every case is folded again


class Stale(Exception):
    """The tables do not follow from the records by appending: build them afresh."""


class Rejected(Exception):
    """The records have errors: nothing is stored until they are mended."""

    def __init__(self, problems: list[Problem]):
        super().__init__(len(problems))
        self.problems = problems


def create(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def update(conn: sqlite3.Connection, home: Home, today: dt.date, cutoff: str | None = None) -> list[Problem]:
    """Bring the tables up to date inside the caller's write transaction; the problems to warn of.
    `cutoff` (YYYY-MM-DD): leave out events after that day (a fresh, in-memory build for --as-of)."""
    create(conn)
    listing = home.log.listing()
    marks = {r[0]: FileMark(*r[1:]) for r in conn.execute("SELECT * FROM report_file")}
    try:
        named = _read(conn, listing, marks, cutoff)
        everything = False
    except Stale:
        for table in TABLES:
            conn.execute(f"DELETE FROM {table}")
        named, everything = _read(conn, listing, {}, cutoff), True
    catalog, day = key_of(home), today.isoformat()
    if everything or _meta(conn, "catalog") != catalog:
        _refold_all(conn, home, today)
        _store_items(conn, home)
    else:
        if _meta(conn, "today") != day:
            named |= _moved_by_the_day(conn, _meta(conn, "today"), day)
        _refold(conn, home, today, sorted(named))
    if (_meta(conn, "catalog"), _meta(conn, "today")) != (catalog, day):
        conn.executemany("INSERT OR REPLACE INTO report_meta VALUES (?, ?)", [("catalog", catalog), ("today", day)])
    rows = conn.execute("SELECT path, line, message, warning, torn, soft FROM report_problem ORDER BY path, line")
    return [Problem(p, n, m, bool(w), bool(t), bool(s)) for p, n, m, w, t, s in rows]


def _moved_by_the_day(conn: sqlite3.Connection, before: str | None, day: str) -> set[str]:
    """The open cases whose row another date can change: a running pause moves the due date (suspended),
    and only past the due date do the days late grow and a case become deemed approved (due before the
    later of the two dates). Nothing else in a row depends on the date (tests/test_search.py compares the
    rows so updated with rows built afresh): a new day's first query refolds these, not every open case."""
    if before is None:
        rows = conn.execute("SELECT case_id FROM report_case WHERE is_open = 1")
    else:
        rows = conn.execute(
            "SELECT case_id FROM report_case WHERE is_open = 1 AND (status = 'suspended' OR due < ?)",
            (max(before, day),),
        )
    return {i for (i,) in rows}


def _store_items(conn: sqlite3.Connection, home: Home) -> None:
    """Each item's name, for listings of many cases (decoding a stored item for its name costs more)."""
    conn.execute("DELETE FROM report_item")
    conn.executemany("INSERT INTO report_item VALUES (?, ?)", ((c, i.name) for c, i in home.catalog.items.items()))


def _meta(conn: sqlite3.Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM report_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


# -- reading the records ----------------------------------------------------------------------------


def _read(
    conn: sqlite3.Connection, listing: dict[str, str], marks: dict[str, FileMark], cutoff: str | None
) -> set[str]:
    """Store what each changed file holds beyond its mark; the ids of the cases its lines name."""
    if not marks.keys() <= listing.keys():
        raise Stale("a file went away")
    named: set[str] = set()
    problems: list[Problem] = []
    progress = Progress("建立查询用的表：读取记录文件", len(listing))  # shown on a terminal after a second
    for rel, path in listing.items():
        progress.step()
        st, mark = os.stat(path), marks.get(rel)
        if mark is not None and (st.st_size, st.st_mtime_ns, st.st_ino) == (mark.size, mark.mtime_ns, mark.ino):
            continue
        data = _appended(path, mark, st)
        lines, found = read_file(data, rel, *((mark.tail, mark.lines + 1) if mark else ("", 1)))
        problems += found
        if cutoff:
            lines = [ln for ln in lines if ln.event["ts"][:10] <= cutoff]
        named |= _store_lines(conn, lines)
        _store_file(conn, rel, mark_of(data, st, mark), found)
    progress.done()
    if any(not (p.torn or p.soft or p.warning) for p in problems):
        raise Rejected(problems)  # the caller's transaction is rolled back: nothing stored
    return named


def _appended(path: str, mark: FileMark | None, st: os.stat_result) -> bytes:
    """The bytes after the remembered last line; Stale when the file was not simply appended to."""
    data = appended(path, mark, st)
    if data is None:
        raise Stale("rewritten")
    return data


def _store_file(conn: sqlite3.Connection, rel: str, mark: FileMark, found: list[Problem]) -> None:
    """The file's new mark; its torn last line (the only problem kept from reading) replaces the old one."""
    conn.execute("INSERT OR REPLACE INTO report_file VALUES (?, ?, ?, ?, ?, ?, ?)", (rel, *mark))
    conn.execute("DELETE FROM report_problem WHERE path = ? AND case_id IS NULL", (rel,))
    _store_problems(conn, [p for p in found if p.torn], None)


def _store_lines(conn: sqlite3.Connection, lines: list[Line]) -> set[str]:
    named, events, inquiries, documents, loose = set(), [], [], [], Fold(timeline=False)
    for ln in lines:
        e = ln.event
        case_id = e.get("case") if isinstance(e.get("case"), str) and e.get("case") else None
        events.append((ln.path, ln.line, e["id"], e["ts"], e["by"], e["type"], case_id, orjson.dumps(e).decode()))
        if case_id:
            named.add(case_id)
        else:  # no case to fold it with: its problems (an unknown type, a missing case id) are found now
            loose.apply(e, ln.path, ln.line)
        if e["type"] == "inquiry":
            inquiries.append(
                (e["id"], e["ts"], e["by"], *(text_of(e.get(k)) for k in INQUIRY_FIELDS), ln.path, ln.line)
            )
        elif e["type"] == "document" and isinstance(e.get("number"), str):  # the register's numbers, for svc find
            number = e["number"]
            documents.append((number, short_number(number), case_id, text_of(e.get("kind")), e["ts"], ln.path, ln.line))
    conn.executemany("INSERT INTO report_event VALUES (?, ?, ?, ?, ?, ?, ?, ?)", events)
    conn.executemany(f"INSERT INTO report_inquiry VALUES ({', '.join('?' * 16)})", inquiries)
    conn.executemany("INSERT INTO report_document VALUES (?, ?, ?, ?, ?, ?, ?)", documents)
    _store_problems(conn, loose.take_problems(), "")
    return named


def _store_problems(conn: sqlite3.Connection, problems: Iterable[Problem], case_id: str | None) -> None:
    conn.executemany(
        "INSERT INTO report_problem VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(p.path, p.line, p.message, p.warning, p.torn, p.soft, case_id) for p in problems],
    )


# -- folding the cases -------------------------------------------------------------------------------


def _refold(conn: sqlite3.Connection, home: Home, today: dt.date, ids: list[str]) -> None:
    """Fold these cases again from their stored events."""
    for start in range(0, len(ids), BATCH):
        groups = []
        for case_id in ids[start : start + BATCH]:
            rows = conn.execute("SELECT file, line, body FROM report_event WHERE case_id = ?", (case_id,)).fetchall()
            groups.append((case_id, rows))
        _store_cases(conn, home, today, groups)


def _refold_all(conn: sqlite3.Connection, home: Home, today: dt.date) -> None:
    """Fold every case again, a batch of cases at a time (a year's events never held at once)."""
    conn.execute("DELETE FROM report_case")
    conn.execute("DELETE FROM report_text")
    conn.execute("DELETE FROM report_problem WHERE case_id IS NOT NULL AND case_id != ''")
    rows = conn.execute(
        "SELECT case_id, file, line, body FROM report_event WHERE case_id IS NOT NULL ORDER BY case_id"
    )  # read as folded: writing report_case meanwhile is allowed
    groups = ((case_id, [r[1:] for r in group]) for case_id, group in itertools.groupby(rows, key=lambda r: r[0]))
    for batch in _batches(groups, BATCH):
        _store_cases(conn, home, today, batch)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _store_cases(conn: sqlite3.Connection, home: Home, today: dt.date, groups: list[tuple[str, list]]) -> None:
    for case_id, rows in groups:
        lines = [Line(f, n, orjson.loads(body)) for f, n, body in rows]
        folded = fold(lines, timeline=False)
        conn.execute("DELETE FROM report_case WHERE case_id = ?", (case_id,))
        conn.execute("DELETE FROM report_text WHERE case_id = ?", (case_id,))
        conn.execute("DELETE FROM report_problem WHERE case_id = ?", (case_id,))
        _store_problems(conn, folded.problems, case_id)
        case = folded.cases.get(case_id)
        if case is not None:  # none when its intake is missing or wrong (a problem says so)
            events = [ln.event for ln in lines]
            conn.execute(
                f"INSERT INTO report_case VALUES ({', '.join('?' * CASE_COLUMNS)})", case_row(case, home, today, events)
            )
            conn.execute("INSERT INTO report_text VALUES (?, ?)", (case_id, case_text(case, home, events)))
