"""Derived state: the open cases and the parsed catalogue, kept in .svc/cache outside git.

Every answer is the same with or without it. The record state holds what the daily check needs:
each open case (pickled on its own, unpickled only when asked for), the first day each can be
listed (`overdue.wake`, under the catalogue it was computed with), the ids of closed cases (in
files by the month of the record that closed them, loaded only when an appended event needs
them), and for each record file its size, inode, modification time, line count and last-line
hash. When files have only grown, just the appended lines are read (their hash chain continued
from the remembered last line) and applied; anything else — a file rewritten, truncated or
rewound by `git checkout`, removed, an event older than what its case had, a cache that is
corrupt, half written or from another version — rebuilds the state from the records with the
fast scan (`store/scan.py`). A case with a closing event (deliver, refuse, refer, withdraw,
close) is closed for the daily check however it reads; `svc check` folds every event.
The catalogue is re-parsed whenever any YAML file under catalog/ changes.
"""

from __future__ import annotations

import datetime as dt
import gc
import pickle
import re
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path

from svccli.core.cases import CLOSING, Case, Fold, Folded
from svccli.core.events import sort_key
from svccli.core.overdue import may_be_listed, wake
from svccli.core.problems import Problem
from svccli.store.log import read_file
from svccli.store.cache import CODE, load, save
from svccli.store.catalog_cache import catalog_key
from svccli.store.scan import FileMark, mark_of, open_lines, scan

FORMAT = 2
# A cached fold is reused only by the same version with the same Case fields: a field added to Case
# (issue 5's custody fields, say) rebuilds the state instead of reading cases that lack it.


FIELDS = tuple(f.name for f in fields(Case))
FIELD_VALUES = attrgetter(*FIELDS)  # a case as the tuple of its fields, for pickling
RECORDS_STAMP = (FORMAT, CODE, FIELDS)
ID_MONTH = re.compile(r"-(\d{2})(\d{2})\d{2}-\d+$")


class Stale(Exception):
    """A part of the derived state does not belong with the rest: rebuild."""


@dataclass
class RecordState:
    files: dict[str, FileMark] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)  # open case id -> pickled fields
    woken: dict[str, tuple] = field(default_factory=dict)  # open case id -> overdue.wake(...) as day ordinals
    woken_for: object = None  # the catalogue key the wake dates were computed under
    closed: dict[str, str] = field(default_factory=dict)  # month of the closing records -> token of its file
    problems: list[Problem] = field(default_factory=list)  # soft and torn ones, re-reported each run


class OpenCases(MutableMapping):
    """The open cases by id, each unpickled the first time it is asked for. `woken` gives the first
    day each can be listed by the daily check (see `listable`)."""

    def __init__(self, blobs: dict[str, bytes], woken: dict[str, tuple], cases: dict[str, Case] | None = None):
        self.blobs, self.woken, self.cases = blobs, woken, cases if cases is not None else {}

    def __getitem__(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            case = self.cases[case_id] = Case(*pickle.loads(self.blobs[case_id]))
        return case

    def __setitem__(self, case_id: str, case: Case) -> None:
        self.cases[case_id] = case
        self.blobs.setdefault(case_id, b"")

    def __delitem__(self, case_id: str) -> None:
        del self.blobs[case_id]
        self.cases.pop(case_id, None)
        self.woken.pop(case_id, None)

    def __contains__(self, case_id) -> bool:
        return case_id in self.blobs

    def __iter__(self):
        return iter(self.blobs)

    def __len__(self) -> int:
        return len(self.blobs)

    def listable(self, today: dt.date, horizon: dt.date | None) -> list[Case]:
        """The cases the daily check can list today (`overdue.may_be_listed`); the others are not unpickled."""
        day, until = today.toordinal(), horizon.toordinal() if horizon else None
        return [self[i] for i, w in self.woken.items() if may_be_listed(w, day, until)]


class ClosedIds:
    """Ids of closed cases, in one file per month of the records that closed them. A case closes
    after its intake, so an id is looked for in the months from the one its id carries on."""

    def __init__(self, home: Path, tokens: dict[str, str]):
        self.home, self.tokens, self.sets, self.dirty = home, dict(tokens), {}, set()

    def __contains__(self, case_id: str) -> bool:
        m = ID_MONTH.search(case_id)
        since = f"20{m[1]}-{m[2]}" if m else ""
        key = case_id.encode()
        return any(key in self._month(month) for month in self.tokens if month >= since)

    def add(self, case_id: str, month: str) -> None:
        self._month(month).add(case_id.encode())
        self.tokens.setdefault(month, "")
        self.dirty.add(month)

    def _month(self, month: str) -> set[bytes]:
        if month not in self.sets:
            self.sets[month] = set()
            if self.tokens.get(month):
                got = load(self.home, f"closed-{month}")
                if not (isinstance(got, tuple) and len(got) == 2 and got[0] == self.tokens[month]):
                    raise Stale(month)
                self.sets[month] = set(got[1].split(b"\n"))
        return self.sets[month]

    def put(self, month: str, ids: set[bytes]) -> None:
        """A whole month's ids, written at once (the rebuild hands them over a month at a time)."""
        self.tokens[month] = secrets.token_hex(8)
        save(self.home, f"closed-{month}", (self.tokens[month], b"\n".join(ids)))

    def save(self) -> dict[str, str]:
        for month in self.dirty:
            self.tokens[month] = secrets.token_hex(8)
            save(self.home, f"closed-{month}", (self.tokens[month], b"\n".join(self.sets[month])))
        self.dirty = set()
        return dict(self.tokens)


# -- the records -----------------------------------------------------------------------------------

def records(home) -> tuple[Folded, list[Problem]]:
    """The open cases (closed ones are not kept) and the problems found; hard problems are
    returned and nothing is cached until they are mended."""
    listing = {p.relative_to(home.path).as_posix(): p for p in home.log.files()}
    key = catalog_key(home.path)
    state = _load_state(home.path)
    found = None
    if state is not None:
        try:
            found = _current(home, state, listing, key)
        except Stale:
            found = None
    if found is None:
        found = _rebuild(home, listing, key)
    cases, problems = found
    return Folded(cases, [], problems), problems


def _current(home, state: RecordState, listing: dict[str, Path], key):
    """The state brought up to date, or None when only a rebuild can do that."""
    if _unchanged(state, listing):
        cases = OpenCases(state.blobs, state.woken)
        if state.woken_for != key:  # the catalogue or calendar changed: every wake date again
            _wake_all(home, cases)
            state.woken_for = key
            _save_records(home.path, state, cases)
        return cases, list(state.problems)
    return _incremental(home, state, listing, key)


def _unchanged(state: RecordState, listing: dict[str, Path]) -> bool:
    if state.files.keys() != listing.keys():
        return False
    for rel, path in listing.items():
        st, mark = path.stat(), state.files[rel]
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (mark.size, mark.mtime_ns, mark.ino):
            return False
    return True


def _incremental(home, state: RecordState, listing: dict[str, Path], key):
    if not state.files.keys() <= listing.keys():
        return None  # a file went away: rebuild
    new_lines, problems, marks = [], [], dict(state.files)
    for rel, path in listing.items():
        mark = marks.get(rel)
        st = path.stat()
        if mark and (st.st_size, st.st_mtime_ns, st.st_ino) == (mark.size, mark.mtime_ns, mark.ino):
            continue
        appended = _appended(path, mark, st)
        if appended is None:
            return None
        lines, found = read_file(appended, rel, *((mark.tail, mark.lines + 1) if mark else ("", 1)))
        new_lines += lines
        problems += found
        marks[rel] = mark_of(appended, st, mark)
    cases = OpenCases(state.blobs, state.woken)
    if any(not (p.torn or p.soft or p.warning) for p in problems):
        return cases, state.problems + problems
    closed = ClosedIds(home.path, state.closed)
    fold = Fold(timeline=False)
    fold.cases = cases
    touched = _apply(fold, closed, sorted(new_lines, key=lambda ln: sort_key(ln.event, ln.path, ln.line)))
    if touched is None:
        return None  # an event among what was folded before: rebuild
    _wake(home, cases, list(cases) if state.woken_for != key else touched & cases.keys())
    state.files, state.woken_for = marks, key
    state.problems = [p for p in state.problems if not p.torn] + problems + fold.take_problems()
    state.closed = closed.save()
    _save_records(home.path, state, cases, touched)
    return cases, list(state.problems)


def _appended(path: Path, mark: FileMark | None, st) -> bytes | None:
    """The bytes after the remembered end, or None when the file was not simply appended to."""
    from svccli.store.log import line_hash

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


def _apply(fold: Fold, closed: "ClosedIds", lines, known_open: bool = False) -> set[str] | None:
    """Apply ordered lines to the open cases (`fold.cases`); a closing record moves its case to
    `closed`. The ids of the cases changed, or None for an event older than what its case has had.
    `known_open`: the lines are all of cases not closed (the rebuild's second pass)."""
    cases, touched = fold.cases, set()
    for ln in lines:
        case_id = ln.event.get("case")
        if not isinstance(case_id, str) or not case_id:
            continue  # the daily check needs no first-contact ledger
        if case_id in cases:
            if ln.event["ts"] < cases[case_id].last_ts:
                return None
        elif not known_open and case_id in closed:
            continue
        if ln.event["type"] in CLOSING:
            if case_id in cases:
                del cases[case_id]
            touched.discard(case_id)
            closed.add(case_id, ln.path.rsplit("/", 2)[-2])
            continue
        fold.apply(ln.event, ln.path, ln.line)
        touched.add(case_id)
    return touched


def _rebuild(home, listing: dict[str, Path], key):
    # Many small objects and no reference cycles: the cyclic collector would only rescan them
    # again and again, so it rests while the year is read.
    gc.disable()
    try:
        return _fold_all(home, listing, key)
    finally:
        gc.enable()


def _fold_all(home, listing: dict[str, Path], key):
    closed = ClosedIds(home.path, {})
    found = scan(listing, closed.put)
    fold = Fold(timeline=False)
    for day in open_lines(listing, found):
        day.sort(key=lambda ln: sort_key(ln.event, ln.path, ln.line))
        _apply(fold, closed, day, known_open=True)
    problems = found.problems + fold.take_problems()
    cases = OpenCases({i: b"" for i in fold.cases}, {}, fold.cases)
    _wake_all(home, cases)
    state = RecordState(files=found.marks, woken_for=key)
    state.problems = [p for p in problems if p.torn or p.soft or p.warning]
    if len(state.problems) == len(problems):
        state.closed = closed.save()
        _save_records(home.path, state, cases, list(fold.cases))
    return cases, problems


def _wake(home, cases: OpenCases, ids) -> None:
    catalog, calendar = home.catalog, home.calendar
    for case_id in ids:  # as day ordinals: ints unpickle faster than dates
        try:
            cases.woken[case_id] = tuple(d and d.toordinal() for d in wake(cases[case_id], catalog, calendar))
        except ValueError:  # a date the calendar cannot count (CalendarError): always examined
            cases.woken[case_id] = (0, None)


def _wake_all(home, cases: OpenCases) -> None:
    _wake(home, cases, list(cases))


def _save_records(home: Path, state: RecordState, cases: OpenCases, changed=()) -> None:
    """The open cases changed (or new) since they were loaded are pickled again; the rest as they were."""
    for case_id in changed:
        if case_id in cases:
            case = cases[case_id]
            cases.blobs[case_id] = pickle.dumps(FIELD_VALUES(case), pickle.HIGHEST_PROTOCOL)
    state.blobs, state.woken = cases.blobs, cases.woken
    save(home, "records", (RECORDS_STAMP, state))


def _load_state(home: Path) -> RecordState | None:
    cached = load(home, "records")
    fits = isinstance(cached, tuple) and len(cached) == 2 and cached[0] == RECORDS_STAMP
    return cached[1] if fits and isinstance(cached[1], RecordState) else None
