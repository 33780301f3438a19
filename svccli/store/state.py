"""The open cases and the daily check, from the state database (store/db.py) when it can be used.

Every answer is the same without it. The state holds each open case (JSON), the first day it can
be listed (`overdue.wake`, under the catalogue it was computed with) and the due date warnings
count back from, the ids of closed cases, each record file's mark (size, inode, modification
time, line count, last-line hash), and the day's answers of the daily check. When files have only
grown, just the appended lines are read (their hash chain continued from the remembered last
line) and applied; anything else — a file rewritten, truncated or rewound by `git checkout`,
removed, an event older than what its case had, a state that does not read back — rebuilds it from
the records with the fast scan (`store/scan.py`). A case with a closing event (deliver, refuse,
refer, withdraw, close) is closed for the daily check however it reads, unless a void undoes that
event (issue 16 §6: a void appended rebuilds the state, and the rebuild folds every case a void
names); `svc check` folds every event. When the database cannot be used, the same scan answers
from the records alone.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from svccli.core.cases import CLOSING, Case
from svccli.core.events import sort_key
from svccli.core.fold import Fold
from svccli.core.overdue import wake
from svccli.core.problems import Problem
from svccli.store import codec
from svccli.store.catalog_cache import key_of
from svccli.store.db import State
from svccli.store.home import Home
from svccli.store.log import Line, intake_day, read_file
from svccli.store.progress import Progress
from svccli.store.scan import FileMark, appended, changed_files, mark_of, open_lines, scan

T = TypeVar("T")
NEVER = 1 << 40  # a day ordinal after every date: "never" in the wake columns
QUIET = dt.timedelta(days=2)


class Stale(Exception):
    """The state does not follow from the records by appending: rebuild."""


class Rejected(Exception):
    """The records have errors: nothing is stored until they are mended."""

    def __init__(self, problems: list[Problem]):
        super().__init__(len(problems))
        self.problems = problems


# -- what the commands ask -------------------------------------------------------------------------


def open_cases(home: Home) -> tuple[dict[str, Case], list[Problem]]:
    """Every open case (closed ones are not kept) and the problems found."""
    state = _state_of(home)

    def stored() -> tuple[dict[str, Case], list[Problem]]:
        problems = refresh(home, state)
        rows = state.read("SELECT id, body FROM open_case ORDER BY id")
        return {i: codec.load_case(b) for i, b in rows}, problems

    return state.attempt(lambda: rebuilt_if_undecodable(home, state, stored), lambda: _from_records(home))


def rebuilt_if_undecodable(home: Home, state: State, fn: Callable[[], T]) -> T:
    """fn() over the state; when a stored case does not read back, the state is rebuilt and fn()
    asked once more."""
    try:
        return fn()
    except codec.Undecodable:
        with state.writing() as conn:
            conn.execute("DELETE FROM record_file")
        return fn()


def _state_of(home: Home) -> State:
    if home.state is None:
        home.state = State(home.path)
    return home.state


# -- keeping the state up to date -----------------------------------------------------------------


def refresh(home: Home, state: State) -> list[Problem]:
    """Bring the state up to date with the records and the catalogue; the problems found (hard
    ones leave the state as it was: nothing is stored from records that are wrong)."""
    listing = home.log.listing()
    key = key_of(home)
    if not changed_files(state.read("SELECT * FROM record_file"), listing) and state.meta("woken_for") == key:
        return _problems(state)
    try:
        with state.writing() as conn:  # looked at again inside the transaction: another process may have updated
            marks = {r[0]: FileMark(*r[1:]) for r in conn.execute("SELECT * FROM record_file")}
            changed = changed_files([(rel, *m) for rel, m in marks.items()], listing)
            try:
                if not marks and listing or "" in changed:
                    raise Stale("no state, or a file went away")
                return _incremental(home, conn, marks, listing, changed, key)
            except Stale:
                return _rebuild(home, conn, listing, key)
    except Rejected as e:
        return e.problems


def _problems(state: State) -> list[Problem]:
    blob = state.meta("problems")
    try:
        return list(codec.loads(blob)) if blob else []
    except codec.Undecodable:
        return []


def _incremental(
    home: Home,
    conn: sqlite3.Connection,
    marks: dict[str, FileMark],
    listing: dict[str, str],
    changed: dict[str, Any],
    key: str,
) -> list[Problem]:
    new_lines: list[Line] = []
    problems: list[Problem] = []
    for rel, st in changed.items():
        mark = marks.get(rel)
        appended = _appended(listing[rel], mark, st)
        lines, found = read_file(appended, rel, *((mark.tail, mark.lines + 1) if mark else ("", 1)))
        new_lines += lines
        problems += found
        marks[rel] = mark_of(appended, st, mark)
    old = _problems_in(conn)
    if any(not (p.torn or p.soft or p.warning) for p in problems):
        return old + problems  # nothing stored until the records are mended
    shelf = Shelf(conn)
    fold = Fold(timeline=False)
    fold.cases = shelf  # type: ignore[assignment]  # the fold asks only get, in and setitem
    for ln in sorted(new_lines, key=lambda ln: sort_key(ln.event, ln.path, ln.line)):
        _apply(fold, shelf, ln)
    rewake = _meta(conn, "woken_for") != key
    shelf.save(home, list(shelf.ids()) if rewake else None)
    problems = [p for p in old if not p.torn] + problems + fold.take_problems()
    _save_marks(conn, marks, problems, key, only=changed)
    return problems


def _appended(path: str, mark: FileMark | None, st: Any) -> bytes:
    """The bytes after the remembered last line; Stale when the file was not simply appended to."""
    data = appended(path, mark, st)
    if data is None:
        raise Stale("rewritten")
    return data


def _apply(fold: Fold, shelf: Shelf, ln: Line, known_open: bool = False) -> None:
    """One line applied to the open cases; a closing record moves its case to the closed ids.
    `known_open`: the line is of a case not closed (the rebuild's second pass, which applies an
    event in a later day's file even if older, as `fold` would not)."""
    case_id = ln.event.get("case")
    if not isinstance(case_id, str) or not case_id:
        return  # the daily check needs no first-contact ledger
    if ln.event["type"] == "void" and not known_open:
        raise Stale("a void undoes a step already applied: the cases are folded again from the records")
    if known_open and case_id in shelf.gone:
        return  # closed for good earlier in the rebuild (a case a void named is folded in full)
    if not known_open and ln.event["type"] != "intake":  # an intake opens a case: the fold names a duplicate
        case = shelf.get(case_id)
        if case is not None and ln.event["ts"] < case.last_ts:
            raise Stale("an event older than what its case had")
        if case is None and shelf.is_closed(case_id):
            return
    if ln.event["type"] in CLOSING and not fold.undoes(ln.event):  # a voided closing: the fold skips it
        shelf.close(case_id, ln.path.rsplit("/", 2)[-2])
        return
    fold.apply(ln.event, ln.path, ln.line)
    shelf.touched.add(case_id)


def _rebuild(home: Home, conn: sqlite3.Connection, listing: dict[str, str], key: str) -> list[Problem]:
    # Many small objects and no reference cycles: the cyclic collector would only rescan them.
    gc.disable()
    try:
        return _fold_all(home, conn, listing, key)
    finally:
        gc.enable()


def _fold_all(home: Home, conn: sqlite3.Connection, listing: dict[str, str], key: str) -> list[Problem]:
    for table in ("record_file", "open_case", "closed_month", "daily_answer"):
        conn.execute(f"DELETE FROM {table}")
    progress = Progress("重建派生状态：读取记录文件", len(listing))
    found = scan(listing, lambda month, ids: _keep_closed(conn, month, ids), progress=progress.step)
    shelf = Shelf(conn)
    fold = Fold(timeline=False, voided=found.voided)
    fold.cases = shelf  # type: ignore[assignment]
    touched_on: dict[str, set[str]] = {}
    for day, lines in open_lines(listing, found):
        lines.sort(key=lambda ln: sort_key(ln.event, ln.path, ln.line))
        shelf.touched = set()
        for ln in lines:
            _apply(fold, shelf, ln, known_open=True)
        touched_on[day] = shelf.touched
        _freeze_quiet(home, shelf, touched_on, day)
    shelf.touched = set(shelf.cases)  # every case still in memory (a day's set may have been replaced)
    shelf.save(home)
    progress.done()
    problems = found.problems + fold.take_problems()
    if any(not (p.torn or p.soft or p.warning) for p in problems):
        raise Rejected(problems)  # nothing stored from records that are wrong: the rebuild is rolled back
    _save_marks(conn, found.marks, problems, key)
    return problems


def _keep_closed(conn: sqlite3.Connection, month: str, ids: set[bytes]) -> None:
    """The ids closed by a month's records, as one row: a million rows of ids would cost the rebuild
    seconds, and they are looked in only when an appended event names a case that is not open."""
    conn.execute("INSERT OR REPLACE INTO closed_month VALUES (?, ?)", (month, b"\n" + b"\n".join(sorted(ids)) + b"\n"))


def _freeze_quiet(home: Home, shelf: Shelf, touched_on: dict[str, set[str]], day: str) -> None:
    """Store the cases with no event in the two days before `day` and let go of the objects (a
    year's open cases would not fit the memory target as objects); one asked for again is read back."""
    try:
        cutoff = (dt.date.fromisoformat(day) - QUIET).isoformat()
    except ValueError:  # a file not named for a day
        return
    for old in [d for d in touched_on if d < cutoff]:
        quiet = [i for i in touched_on.pop(old) if i in shelf.cases and shelf.cases[i].last_ts < cutoff]
        shelf.store(home, quiet)


def _save_marks(
    conn: sqlite3.Connection, marks: dict[str, FileMark], problems: list[Problem], key: str, only=None
) -> None:
    """The files' marks (`only` these, an update's changed files; else all of them, afresh)."""
    if only is None:
        conn.execute("DELETE FROM record_file")
    rows = [(rel, *m) for rel, m in marks.items() if only is None or rel in only]
    conn.executemany("INSERT OR REPLACE INTO record_file VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    kept = [p for p in problems if p.torn or p.soft or p.warning]
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("problems", codec.dumps(kept)), ("woken_for", key)])


def _meta(conn: sqlite3.Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _problems_in(conn: sqlite3.Connection) -> list[Problem]:
    blob = _meta(conn, "problems")
    try:
        return list(codec.loads(blob)) if blob else []
    except codec.Undecodable:
        raise Stale("problems") from None


class Shelf:
    """The open cases inside one write transaction: those read or changed in memory, the rest in
    the database, read when the fold asks for them."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.cases: dict[str, Case] = {}
        self.touched: set[str] = set()
        self.gone: set[str] = set()
        self.closed: dict[str, set[bytes]] = {}  # month -> ids closed by the lines applied
        self.months: dict[str, bytes] | None = None  # the stored months' ids, read when first needed

    def __getitem__(self, case_id: str) -> Case:
        case = self.get(case_id)
        if case is None:
            raise KeyError(case_id)
        return case

    def get(self, case_id: str, default: Any = None) -> Any:
        case = self.cases.get(case_id)
        if case is None and case_id not in self.gone:
            row = self.conn.execute("SELECT body FROM open_case WHERE id = ?", (case_id,)).fetchone()
            if row is not None:
                try:
                    case = self.cases[case_id] = codec.load_case(row[0])
                except codec.Undecodable:
                    raise Stale("an open case does not read back") from None
        return default if case is None else case

    def __contains__(self, case_id: object) -> bool:
        return isinstance(case_id, str) and self.get(case_id) is not None

    def __setitem__(self, case_id: str, case: Case) -> None:
        self.cases[case_id] = case
        self.gone.discard(case_id)

    def ids(self) -> set[str]:
        stored = {i for (i,) in self.conn.execute("SELECT id FROM open_case")}
        return (stored | self.cases.keys()) - self.gone

    def is_closed(self, case_id: str) -> bool:
        if any(case_id.encode() in ids for ids in self.closed.values()):
            return True
        needle = f"\n{case_id}\n".encode()
        since = intake_day(case_id)[:7]  # a case closes in its intake month or later
        return any(needle in ids for month, ids in self._months().items() if month >= since)

    def _months(self) -> dict[str, bytes]:
        """The closed ids of every month, read once per update (each is a row of a month's ids)."""
        if self.months is None:
            self.months = dict(self.conn.execute("SELECT month, ids FROM closed_month"))
        return self.months

    def close(self, case_id: str, month: str) -> None:
        self.cases.pop(case_id, None)
        self.touched.discard(case_id)
        self.gone.add(case_id)
        self.conn.execute("DELETE FROM open_case WHERE id = ?", (case_id,))
        self.closed.setdefault(month, set()).add(case_id.encode())

    def save_closed(self) -> None:
        """The ids closed by the lines applied, added to their months' rows."""
        for month, ids in self.closed.items():
            row = self.conn.execute("SELECT ids FROM closed_month WHERE month = ?", (month,)).fetchone()
            known = set(row[0].split(b"\n")) - {b""} if row else set()
            _keep_closed(self.conn, month, known | ids)
        self.closed, self.months = {}, None

    def store(self, home: Home, ids: Iterable[str]) -> None:
        """Write these cases with their wake dates, and let go of the objects (a thousand at a
        time: a year's open cases encoded at once would double the rebuild's peak memory)."""
        batch: list[tuple] = []
        for case_id in ids:
            case = self.get(case_id)
            if case is None:  # an event for a case never taken in: a problem reported, nothing kept
                continue
            body = codec.dump_case(case)
            batch.append((case_id, body, zlib.crc32(body), *_woken(home, case)))
            self.cases.pop(case_id, None)
            if len(batch) >= 1000:
                self._insert(batch)
        self._insert(batch)

    def _insert(self, batch: list[tuple]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO open_case VALUES (?, ?, ?, ?, ?)", batch)
        batch.clear()

    def save(self, home: Home, rewake: list[str] | None = None) -> None:
        """Store the cases changed (or, `rewake`, these: the catalogue changed, every wake date again)
        and the ids closed."""
        self.store(home, self.touched if rewake is None else set(rewake) | self.touched)
        self.touched = set()
        self.save_closed()


def _woken(home: Home, case: Case) -> tuple[int, int]:
    """overdue.wake as day ordinals (NEVER for none). A case the daily check cannot evaluate (a date
    the calendar cannot count, an item not in the catalogue) is examined every day: it is listed."""
    if home.catalog.item(case.service) is None:
        return 0, NEVER
    try:
        first, due = wake(case, home.catalog, home.calendar)
    except ValueError:  # CalendarError
        return 0, NEVER
    return (first.toordinal() if first else NEVER), (due.toordinal() if due else NEVER)


# -- without the state ------------------------------------------------------------------------------


def _from_records(home: Home) -> tuple[dict[str, Case], list[Problem]]:
    """The open cases read from the records by the fast scan, all in memory."""
    listing = home.log.listing()
    found = scan(listing, lambda _, __: None)
    fold = Fold(timeline=False, voided=found.voided)
    for _, lines in open_lines(listing, found):  # the lines of the cases with no closing record
        lines.sort(key=lambda ln: sort_key(ln.event, ln.path, ln.line))
        for ln in lines:
            case_id = ln.event.get("case")
            if isinstance(case_id, str) and case_id:
                fold.apply(ln.event, ln.path, ln.line)
    return fold.cases, found.problems + fold.take_problems()
