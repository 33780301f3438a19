"""Derived state for the daily check: the open cases, kept in .svc/cache outside git.

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
(The parsed catalogue is cached apart, by store/catalog_cache.py.)
"""

from __future__ import annotations

import array
import datetime as dt
import gc
import io
import os
import pickle
import secrets
import zlib
from collections.abc import MutableMapping
from dataclasses import dataclass, field, fields
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path

from svccli.core.cases import CLOSING, Case, Fold, Folded
from svccli.core.events import sort_key
from svccli.core.overdue import wake
from svccli.core.problems import Problem
from svccli.store.log import RecordLog, intake_day, line_hash, read_file
from svccli.store.cache import CODE, load, save, write_file
from svccli.store.catalog_cache import key_of
from svccli.store.scan import FileMark, first_pass, mark_of, open_lines, scan

FORMAT = 2
# A cached fold is reused only by the same code with the same Case fields: a field added to Case
# (issue 5's custody fields, say) rebuilds the state instead of reading cases that lack it.
FIELDS = tuple(f.name for f in fields(Case))
FIELD_VALUES = attrgetter(*FIELDS)  # a case as the tuple of its fields, for pickling
RECORDS_STAMP = (FORMAT, CODE, FIELDS)
NEVER = 1 << 40  # a day ordinal after every date: "never" in the wake index


class Stale(Exception):
    """A part of the derived state does not belong with the rest: rebuild."""


@dataclass
class RecordState:
    files: dict[str, FileMark] = field(default_factory=dict)
    where: dict[str, tuple] = field(default_factory=dict)  # open case id -> (start, length) in the journal
    sigs: dict[str, int] = field(default_factory=dict)  # open case id -> crc32 of its pickle
    journal: tuple = ("", 0, 0)  # the journal's token, size and bytes in use when this state was written
    woken: dict[str, tuple] = field(default_factory=dict)  # open case id -> overdue.wake(...) as day ordinals
    woken_for: object = None  # the catalogue key the wake dates were computed under
    closed: dict[str, str] = field(default_factory=dict)  # month of the closing records -> token of its file
    problems: list[Problem] = field(default_factory=list)  # soft and torn ones, re-reported each run

    index: tuple = ("", 0, 0)  # open-index.bin: its token, the size of its base, its size

    def __getstate__(self) -> dict:
        return dict(self.__dict__, where=None, sigs=None, woken=None)  # they live in open-index.bin


class Index:
    """Per open case, where its pickle is in the journal, its crc32 and its wake dates, in
    .svc/cache/open-index.bin: a base (a list of ids and arrays of ints, which load in
    milliseconds), then one delta per update with only the entries that changed, so an update
    writes what it changed rather than a year's index. Written afresh when the deltas outgrow the
    base. Read only as far as the state says it was written, under its token."""

    def __init__(self, home: Path):
        self.path = home / ".svc" / "cache" / "open-index.bin"

    def read(self, state: RecordState) -> bool:
        token, _, size = state.index
        try:
            with open(self.path, "rb") as f:
                data = f.read(size)
            stream = io.BytesIO(data)
            head, ids, where, sigs, woken = pickle.load(stream)
            state.where = dict(zip(ids, zip(where[0::2], where[1::2])))
            state.sigs = dict(zip(ids, sigs))
            state.woken = dict(zip(ids, zip(woken[0::2], woken[1::2])))
            while stream.tell() < size:
                head_delta, changed, dropped = pickle.load(stream)
                if head_delta != token:
                    return False
                for case_id, (start, length, sig, first, due) in changed.items():
                    state.where[case_id], state.sigs[case_id], state.woken[case_id] = (start, length), sig, (first, due)
                for case_id in dropped:
                    for d in (state.where, state.sigs, state.woken):
                        d.pop(case_id, None)
        except Exception:  # noqa: BLE001 — missing, short or damaged: rebuild
            return False
        return head == token and len(data) == size

    def write(self, state: RecordState, cases: "OpenCases") -> tuple | None:
        """The new (token, base size, size), or None when it could not be written."""
        token, base, size = state.index
        try:
            if token and size < 2 * base and len(cases.dirty) < len(cases.where) // 2:
                entry = lambda i: (*cases.where[i], cases.sigs.get(i, -1), *cases.woken.get(i, (0, NEVER)))
                delta = pickle.dumps((token, {i: entry(i) for i in cases.dirty if i in cases.where},
                                      list(cases.dropped)), pickle.HIGHEST_PROTOCOL)
                with open(self.path, "ab") as f:
                    if f.tell() == size:  # else another process wrote meanwhile: written afresh below
                        f.write(delta)
                        return token, base, size + len(delta)
            token, ids = secrets.token_hex(8), list(cases.where)
            blob = pickle.dumps((token, ids, array.array("q", chain.from_iterable(cases.where.values())),
                                 array.array("q", map(cases.sigs.get, ids, repeat(-1))),
                                 array.array("q", chain.from_iterable(map(cases.woken.get, ids, repeat((0, NEVER)))))),
                                pickle.HIGHEST_PROTOCOL)
            write_file(self.path, blob)
            return token, len(blob), len(blob)
        except OSError:
            return None


class Journal:
    """The open cases' pickles, one after another in .svc/cache/open-cases.bin, appended to as
    cases change (the state names where each case's latest one is); a warm daily check reads none
    of it, a command reads the cases it looks at. Written afresh, under a new token, when more than
    half of it is out of date."""

    HEAD = 16

    def __init__(self, home: Path, token: str = "", size: int = 0):
        self.path = home / ".svc" / "cache" / "open-cases.bin"
        self.token, self.size, self.fd = token, size, None

    def check(self) -> None:
        """Stale unless this is the journal the state was written with, at least as long."""
        try:
            self.fd = self.fd if self.fd is not None else os.open(self.path, os.O_RDONLY)
            if os.pread(self.fd, self.HEAD, 0) != self.token.encode().ljust(self.HEAD) \
                    or os.fstat(self.fd).st_size < self.size:
                raise Stale("journal")
        except OSError:
            raise Stale("journal") from None

    def read(self, start: int, length: int) -> bytes:
        if self.fd is None:
            self.check()
        return os.pread(self.fd, length, start)

    def append(self, blobs: list[bytes], fresh: bool = False) -> list[int] | None:
        """Where each blob starts once written (to a new journal when `fresh`); None if it cannot be written."""
        try:
            if fresh:
                self.token, self.size = secrets.token_hex(8), self.HEAD
                write_file(self.path, self.token.encode().ljust(self.HEAD))
                if self.fd is not None:
                    os.close(self.fd)
                    self.fd = None
            with open(self.path, "ab") as f:
                if f.tell() != self.size:  # another process wrote meanwhile: this state is not saved
                    return None
                f.write(b"".join(blobs))
        except OSError:
            return None  # a read-only home still answers, only more slowly
        starts = []
        for blob in blobs:
            starts.append(self.size)
            self.size += len(blob)
        return starts


class OpenCases(MutableMapping):
    """The open cases by id, each unpickled the first time it is asked for. `woken` gives the first
    day each can be listed by the daily check (see `listable`)."""

    def __init__(self, journal: Journal, where: dict, sigs: dict, woken: dict, refold, live: int = 0):
        self.journal, self.where, self.sigs, self.woken, self.refold = journal, where, sigs, woken, refold
        self.cases: dict[str, Case] = {}
        self.refolded: set[str] = set()
        self.live = live  # bytes of the journal still in use
        self.dirty: set[str] = set()  # ids whose index entry changed since the state was written
        self.dropped: set[str] = set()  # ids that went away since

    def __getitem__(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            case = self.cases[case_id] = self._thawed(case_id)
        return case

    def _thawed(self, case_id: str) -> Case:
        """The case as stored; one whose bytes were damaged is folded again from its records."""
        start, length = self.where[case_id]
        try:
            blob = self.journal.read(start, length)
            if zlib.crc32(blob) == self.sigs.get(case_id):
                return Case(*pickle.loads(blob))
        except Exception:  # noqa: BLE001 — derived state is never trusted when it does not read back
            pass
        self.sigs.pop(case_id, None)  # no memo of it either, and stored again with the next change
        self.refolded.add(case_id)
        return self.refold(case_id)

    def get(self, case_id: str, default=None):  # the fold asks for every event: no KeyError round trip
        case = self.cases.get(case_id)
        if case is None and case_id in self.where:
            case = self.cases[case_id] = self._thawed(case_id)
        return default if case is None else case

    def __setitem__(self, case_id: str, case: Case) -> None:
        self.cases[case_id] = case

    def __delitem__(self, case_id: str) -> None:
        if case_id not in self:
            raise KeyError(case_id)
        self.live -= self.where.get(case_id, (0, 0))[1]
        for d in (self.where, self.sigs, self.woken, self.cases):
            d.pop(case_id, None)
        self.dirty.discard(case_id)
        self.dropped.add(case_id)

    def __contains__(self, case_id) -> bool:
        return case_id in self.where or case_id in self.cases

    def __iter__(self):
        yield from self.where
        yield from (i for i in self.cases if i not in self.where)

    def __len__(self) -> int:
        return len(self.where) + sum(1 for i in self.cases if i not in self.where)

    def listable(self, today: dt.date, horizon: dt.date | None) -> list[str]:
        """The ids of the cases the daily check can list today (`overdue.may_be_listed`)."""
        day, until = today.toordinal(), horizon.toordinal() if horizon else -1
        # overdue.may_be_listed, inlined over a year's open cases (ordinals, NEVER for none)
        return [i for i, (first, due) in self.woken.items() if first <= day or due <= until]

    def signature(self, case_id: str):
        """What identifies the state of a case as last stored (None when it is not stored yet)."""
        sig = self.sigs.get(case_id, -1)
        return sig if sig >= 0 else None

    def store(self, ids) -> bool:
        """Pickle these cases into the journal and let go of the objects (a year's open cases would
        not fit the memory target as objects); False when the journal cannot be written."""
        ids = [i for i in ids if i in self.cases]
        blobs = [pickle.dumps(FIELD_VALUES(self.cases[i]), pickle.HIGHEST_PROTOCOL) for i in ids]
        fresh = not self.journal.token or self.journal.size > 2 * (self.live + 4096)
        if fresh:  # carry the cases not being stored over into the new journal
            kept = [i for i in self.where if i not in self.cases]
            blobs += [self.journal.read(*self.where[i]) for i in kept]
            ids += kept
            self.live = 0
        starts = self.journal.append(blobs, fresh)
        if starts is None:
            return False
        for case_id, start, blob in zip(ids, starts, blobs):
            self.live += len(blob) - (0 if fresh else self.where.get(case_id, (0, 0))[1])
            self.where[case_id] = (start, len(blob))
            self.sigs[case_id] = zlib.crc32(blob)
            self.dirty.add(case_id)
            self.cases.pop(case_id, None)
        return True


class ClosedIds:
    """Ids of closed cases, in one file per month of the records that closed them. A case closes
    after its intake, so an id is looked for in the months from the one its id carries on."""

    def __init__(self, home: Path, tokens: dict[str, str]):
        self.home, self.tokens, self.sets, self.dirty = home, dict(tokens), {}, set()
        self._latest = None

    def __contains__(self, case_id: str) -> bool:
        since = intake_day(case_id)[:7]
        if not self.tokens or since > self.latest:  # taken in after the last month anything closed
            return False
        key = case_id.encode()
        return any(key in self._month(month) for month in self.tokens if month >= since)

    @property
    def latest(self) -> str:
        if self._latest is None:
            self._latest = max(self.tokens)
        return self._latest

    def add(self, case_id: str, month: str) -> None:
        self._month(month).add(case_id.encode())
        self.tokens.setdefault(month, "")
        self._latest = None
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
        self._latest = None
        save(self.home, f"closed-{month}", (self.tokens[month], b"\n".join(ids)))

    def save(self) -> dict[str, str]:
        for month in self.dirty:
            self.tokens[month] = secrets.token_hex(8)
            save(self.home, f"closed-{month}", (self.tokens[month], b"\n".join(self.sets[month])))
        self.dirty = set()
        return dict(self.tokens)


# -- the records -----------------------------------------------------------------------------------

@dataclass
class Early:
    """What can be done before the catalogue is loaded: the state read, the files listed, and with
    no state, the rebuild's first pass under way (it reads records only)."""

    state: RecordState | None
    listing: dict[str, Path]
    started: object = None


def prefetch(path: Path, start: bool = True) -> Early:
    listing = {p.relative_to(path).as_posix(): p for p in RecordLog(path).files_since("")}
    state = _load_state(path)
    return Early(state, listing, first_pass(listing) if state is None and start else None)


def records(home, early: Early | None = None) -> tuple[Folded, list[Problem]]:
    """The open cases (closed ones are not kept) and the problems found; hard problems are
    returned and nothing is cached until they are mended."""
    early = early or prefetch(home.path, start=False)
    listing, state, key = early.listing, early.state, key_of(home)
    found = None
    if state is not None:
        try:
            found = _current(home, state, listing, key)
        except Stale:
            found = None
    if found is None:
        found = _rebuild(home, listing, key, early.started)
    cases, problems = found
    return Folded(cases, [], problems), problems


def _current(home, state: RecordState, listing: dict[str, Path], key):
    """The state brought up to date, or None when only a rebuild can do that."""
    changed = _changed(state, listing)
    if not changed:
        cases = _open_cases(home, state)
        if state.woken_for != key:  # the catalogue or calendar changed: every wake date again
            _wake_all(home, cases)
            state.woken_for = key
            _save_records(home.path, state, cases)
        return cases, list(state.problems)
    return _incremental(home, state, listing, changed, key)


def _changed(state: RecordState, listing: dict[str, Path]) -> dict[str, os.stat_result]:
    """The files not as the state remembers them (new ones too), with what they are now."""
    changed = {}
    for rel, path in listing.items():
        st, mark = os.stat(path), state.files.get(rel)
        if mark is None or (st.st_size, st.st_mtime_ns, st.st_ino) != (mark.size, mark.mtime_ns, mark.ino):
            changed[rel] = st
    if not state.files.keys() <= listing.keys():
        changed[""] = None  # a file went away
    return changed


def _incremental(home, state: RecordState, listing: dict[str, Path], changed: dict, key):
    if "" in changed:
        return None  # a file went away: rebuild
    new_lines, problems, marks = [], [], dict(state.files)
    for rel, st in changed.items():
        path, mark = listing[rel], marks.get(rel)
        appended = _appended(path, mark, st)
        if appended is None:
            return None
        lines, found = read_file(appended, rel, *((mark.tail, mark.lines + 1) if mark else ("", 1)))
        new_lines += lines
        problems += found
        marks[rel] = mark_of(appended, st, mark)
    cases = _open_cases(home, state)
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
    `known_open`: the lines are all of cases not closed, a day's files at a time (the rebuild's
    second pass, which applies an event in a later day's file even if older, as `fold` would not)."""
    cases, touched = fold.cases, set()
    for ln in lines:
        case_id = ln.event.get("case")
        if not isinstance(case_id, str) or not case_id:
            continue  # the daily check needs no first-contact ledger
        if not known_open:
            case = cases.get(case_id)
            if case is not None and ln.event["ts"] < case.last_ts:
                return None
            if case is None and case_id in closed:
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


def _rebuild(home, listing: dict[str, Path], key, started=None):
    # Many small objects and no reference cycles: the cyclic collector would only rescan them
    # again and again, so it rests while the year is read.
    gc.disable()
    try:
        return _fold_all(home, listing, key, started)
    finally:
        gc.enable()


def _fold_all(home, listing: dict[str, Path], key, started=None):
    closed = ClosedIds(home.path, {})
    found = scan(listing, closed.put, started)
    fold = Fold(timeline=False)
    fold.cases = cases = _open_cases(home)
    touched_on: dict[str, set] = {}
    for day, lines in open_lines(listing, found):
        lines.sort(key=lambda ln: sort_key(ln.event, ln.path, ln.line))
        touched_on[day] = _apply(fold, closed, lines, known_open=True)
        _freeze_quiet(home, cases, touched_on, day)
    problems = found.problems + fold.take_problems()
    _wake(home, cases, list(cases.cases))
    state = RecordState(files=found.marks, woken_for=key)
    state.problems = [p for p in problems if p.torn or p.soft or p.warning]
    if len(state.problems) == len(problems):
        state.closed = closed.save()
        _save_records(home.path, state, cases, list(cases.cases))
    return cases, problems


QUIET = dt.timedelta(days=2)


def _freeze_quiet(home, cases: OpenCases, touched_on: dict[str, set], day: str) -> None:
    """Pickle away the cases with no event in the two days before `day` (a year's open cases would not
    fit the memory target as objects); one asked for again is unpickled."""
    try:
        cutoff = (dt.date.fromisoformat(day) - QUIET).isoformat()
    except ValueError:  # a file not named for a day
        return
    for old in [d for d in touched_on if d < cutoff]:
        _freeze(home, cases, [i for i in touched_on.pop(old) if i in cases.cases and cases.cases[i].last_ts < cutoff])


def _freeze(home, cases: OpenCases, ids) -> None:
    """Store these cases (with their wake dates) and let go of the objects."""
    _wake(home, cases, ids)
    cases.store(ids)


def _open_cases(home, state: RecordState | None = None) -> OpenCases:
    if state is None:
        return OpenCases(Journal(home.path), {}, {}, {}, _refolder(home))
    token, size, live = state.journal
    journal = Journal(home.path, token, size)
    if state.where:
        journal.check()
    return OpenCases(journal, state.where, state.sigs, state.woken, _refolder(home), live)


def _refolder(home):
    def refold(case_id: str) -> Case:
        from svccli.core.cases import fold
        from svccli.store import where

        lines, _ = home.log.case_lines(case_id, where.files_of(home.log, case_id))
        return fold(lines, timeline=False).cases[case_id]
    return refold


def _wake(home, cases: OpenCases, ids) -> None:
    catalog, calendar = home.catalog, home.calendar
    for case_id in ids:  # as day ordinals (NEVER for none): ints store and load fast
        try:
            cases.woken[case_id] = tuple(d.toordinal() if d else NEVER for d in wake(cases[case_id], catalog, calendar))
        except ValueError:  # a date the calendar cannot count (CalendarError): always examined
            cases.woken[case_id] = (0, NEVER)
        cases.dirty.add(case_id)


def _wake_all(home, cases: OpenCases) -> None:
    _wake(home, cases, list(cases))


def _save_records(home: Path, state: RecordState, cases: OpenCases, changed=()) -> None:
    """The open cases changed (or new) since they were loaded go to the journal, then the state."""
    if not cases.store(set(changed) | cases.refolded):
        return  # the journal could not be written (or another process wrote it meanwhile): not saved
    state.where, state.sigs, state.woken = cases.where, cases.sigs, cases.woken
    state.journal = (cases.journal.token, cases.journal.size, cases.live)
    index = Index(home).write(state, cases)
    if index is None:
        return
    state.index = index
    cases.dirty, cases.dropped = set(), set()
    save(home, "records", (RECORDS_STAMP, state))


def _load_state(home: Path) -> RecordState | None:
    cached = load(home, "records")
    fits = isinstance(cached, tuple) and len(cached) == 2 and cached[0] == RECORDS_STAMP
    if not (fits and isinstance(cached[1], RecordState) and Index(home).read(cached[1])):
        return None
    return cached[1]
