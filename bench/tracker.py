"""The SQLite peer's write side (bench/peers.py sqlite-build): a `cases` table kept up to date from
the record files, as a case tracker keeps it, indexed on every date the daily check looks at.

A tracker computes a case's due date when it records an event, and stores it; only what moves with
the day itself (an open pause, days late) is left to the query. Built once, then updated from the
lines appended since (each file's size is kept); a file that shrank, was replaced or went away,
or an edited catalogue or calendar, builds it afresh. Files are read a day at a time (every clone's
file of that day), their events applied in the log's order: time, rank, file, line.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import sqlite3
import time
from itertools import groupby
from pathlib import Path

import orjson
from peers import CLOSING, RANK, load_office

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER, ino INTEGER, lines INTEGER);
CREATE TABLE items(code TEXT PRIMARY KEY, name TEXT, department TEXT, unit TEXT, lim INTEGER, deemed INTEGER);
CREATE TABLE staff(id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE days(day TEXT PRIMARY KEY, w INTEGER, prov INTEGER) WITHOUT ROWID;  -- w: working days up to it
CREATE TABLE wd(w INTEGER PRIMARY KEY, day TEXT);  -- the w-th working day
CREATE TABLE cases(id TEXT PRIMARY KEY, service TEXT, status TEXT, name TEXT, phone TEXT, holder TEXT,
    first_handler TEXT, accepted TEXT, clock_from TEXT, unit TEXT,
    due TEXT,         -- with every ended pause; an open pause is in pause_from
    pause_from TEXT,  -- an open pause begun before the due date: it moves the due date on to today
    notified TEXT, supp_by TEXT, owed_by TEXT, transit_by TEXT, transit_to TEXT,
    state TEXT) WITHOUT ROWID;  -- the fold's state as JSON; NULL once closed
CREATE INDEX cases_due ON cases(status, due);
CREATE INDEX cases_supp ON cases(status, supp_by);
CREATE INDEX cases_owed ON cases(owed_by) WHERE owed_by IS NOT NULL;
CREATE INDEX cases_transit ON cases(transit_by) WHERE transit_by IS NOT NULL;
CREATE TABLE parts(case_id TEXT, seq INTEGER, department TEXT, name TEXT, due TEXT, done INTEGER,
    PRIMARY KEY(case_id, seq)) WITHOUT ROWID;
CREATE INDEX parts_due ON parts(due) WHERE done = 0;
"""


class Calendar:
    """Working-day arithmetic on the working days the database holds (table wd)."""

    def __init__(self, ords: list[int]):
        self.ords = ords  # every working day's ordinal, in order

    @classmethod
    def of(cls, office: dict) -> Calendar:
        """Every working day from the first calendar year to five years after the last: holidays off,
        调休 weekend days on, years with no file weekends only."""
        off, on = office["off"], office["on"]
        first, last = dt.date(office["years"][0], 1, 1), dt.date(office["years"][-1] + 5, 12, 31)
        days = map(dt.date.fromordinal, range(first.toordinal(), last.toordinal() + 1))
        return cls([d.toordinal() for d in days if d in on or (d.weekday() < 5 and d not in off)])

    def rank(self, d: dt.date) -> int:
        return bisect.bisect_right(self.ords, d.toordinal())

    def add(self, unit: str, d: dt.date, n: int) -> dt.date:
        if n == 0 or unit != "working_days":
            return d + dt.timedelta(days=n)
        return dt.date.fromordinal(self.ords[self.rank(d) + n - 1])

    def between(self, unit: str, a: dt.date, b: dt.date) -> int:
        return self.rank(b) - self.rank(a) if unit == "working_days" else (b - a).days

    def is_workday(self, d: dt.date) -> bool:
        i = bisect.bisect_left(self.ords, d.toordinal())
        return i < len(self.ords) and self.ords[i] == d.toordinal()


def update(home: Path, db: Path) -> str:
    """Bring the database up to date with the records; says what it did."""
    start = time.perf_counter()
    key = catalog_key(home)
    con = _open(db, key) or _create(db, load_office(home), key)  # the catalogue read only to build
    tracker = Tracker(con)
    files = tracker.new_lines(home)
    if files is None:  # a file shrank, was replaced or went away: build afresh
        con.close()
        db.unlink()
        con = _create(db, load_office(home), key)
        tracker = Tracker(con)
        files = tracker.new_lines(home)
    events = 0
    for _, day in groupby(files, key=lambda f: f[0].name):  # a day's files of every clone together
        events += tracker.apply_day(list(day))
    tracker.flush()
    con.commit()
    con.close()
    return f"{db}: {events} events applied in {time.perf_counter() - start:.2f} s"


def catalog_key(home: Path) -> str:
    """The catalogue's content, and this schema's version: either changed, the table is built afresh."""
    digest = hashlib.sha1(b"tracker 2")
    for path in sorted((home / "catalog").rglob("*.yaml")):
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _open(db: Path, key: str) -> sqlite3.Connection | None:
    if not db.exists():
        return None
    con = sqlite3.connect(db)
    try:
        if con.execute("SELECT value FROM meta WHERE key = 'catalog'").fetchone() == (key,):
            return con
    except sqlite3.DatabaseError:
        pass
    con.close()
    db.unlink()
    return None


def _create(db: Path, office: dict, key: str) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta VALUES ('catalog', ?), ('warning_days', ?)", (key, office["warning_days"]))
    con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)", office["items"])
    con.executemany("INSERT INTO staff VALUES (?, ?)", office["staff"].items())
    cal = Calendar.of(office)
    years, day, last = set(office["years"]), dt.date(office["years"][0], 1, 1), dt.date.fromordinal(cal.ords[-1])
    rows = []
    while day <= last:
        rows.append((day.isoformat(), cal.rank(day), day.year not in years))
        day += dt.timedelta(days=1)
    con.executemany("INSERT INTO days VALUES (?, ?, ?)", rows)
    con.executemany(
        "INSERT INTO wd VALUES (?, ?)", ((i + 1, dt.date.fromordinal(o).isoformat()) for i, o in enumerate(cal.ords))
    )
    return con


class Tracker:
    """Applies events to the cases they name and writes each changed case's row (and its parts)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.cal = Calendar(
            [dt.date.fromisoformat(d).toordinal() for (d,) in con.execute("SELECT day FROM wd ORDER BY w")]
        )
        self.items = {it[0]: it for it in con.execute("SELECT * FROM items")}
        self.cases: dict[str, dict | None] = {}  # the open cases read or made; None: closed or never taken in
        self.changed: set[str] = set()

    def new_lines(self, home: Path) -> list[tuple[Path, str, int, bytes]] | None:
        """(file, its path in the home, lines before, the whole lines appended) of every grown file, by day;
        None when a file shrank, was replaced or went away."""
        known = {p: (size, ino, lines) for p, size, ino, lines in self.con.execute("SELECT * FROM files")}
        paths = sorted((home / "records").glob("*/*/*.jsonl"), key=lambda p: (p.name, p.as_posix()))
        grown = []
        for path in paths:
            rel, st = path.relative_to(home).as_posix(), path.stat()
            size, ino, lines = known.pop(rel, (0, st.st_ino, 0))
            if st.st_size < size or st.st_ino != ino:
                return None
            if st.st_size > size:
                with open(path, "rb") as f:
                    f.seek(size)
                    data = f.read()
                data = data[: data.rfind(b"\n") + 1]  # a torn last line waits for the rest
                grown.append((path, rel, lines, data))
                self.con.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                    (rel, size + len(data), st.st_ino, lines + data.count(b"\n")),
                )
        return None if known else grown

    def apply_day(self, files: list[tuple[Path, str, int, bytes]]) -> int:
        events = []
        for _, rel, lines, data in files:
            for n, raw in enumerate(data.splitlines(), lines + 1):
                ev = orjson.loads(raw)
                if ev.get("type") in RANK and isinstance(ev.get("case"), str):
                    events.append(((ev["ts"], RANK[ev["type"]], rel, n), ev))
        events.sort(key=lambda e: e[0])
        for _, ev in events:
            self.apply(ev)
        self.flush()
        return len(events)

    def load(self, case_id: str) -> dict | None:
        if case_id not in self.cases:
            row = self.con.execute("SELECT status, state FROM cases WHERE id = ?", (case_id,)).fetchone()
            self.cases[case_id] = json.loads(row[1]) if row and row[1] else None
        return self.cases[case_id]

    def apply(self, ev: dict) -> None:
        on = ev.get("on")  # the business date of an event recorded later (补录), else the day it was recorded
        kind, case_id, day = ev["type"], ev["case"], on if isinstance(on, str) and on else ev["ts"][:10]
        if kind == "intake":
            if (
                self.load(case_id) is None
                and self.con.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None
            ):
                applicant = ev.get("applicant") or {}
                self.cases[case_id] = {
                    "service": ev["service"],
                    "status": "pending",
                    "name": applicant.get("name", ""),
                    "phone": applicant.get("phone", ""),
                    "holder": ev["by"],
                    "first_handler": "",
                    "accepted": "",
                    "clock_from": None,
                    "ext": 0,
                    "pauses": [],
                    "notified": None,
                    "supp_by": "",
                    "owed": [],
                    "owed_by": "",
                    "transit": None,
                    "parts": [],
                }
                self.changed.add(case_id)
            return
        case = self.load(case_id)
        if case is None:  # closed, or never taken in: nothing later is looked at
            return
        self.changed.add(case_id)
        if kind in CLOSING or (kind == "send-back" and not ev.get("wrong")):
            case["status"] = "closed"
        elif kind == "notice":
            case["supp_by"] = ev.get("supplement_by") or ""
        elif kind == "supplement":
            supplied = {m["code"] for m in ev.get("materials", ())}
            case["owed"] = [c for c in case["owed"] if c not in supplied]
        elif kind == "accept":
            case.update(
                status="accepted",
                first_handler=case["first_handler"] or ev["by"],
                holder=ev["by"],
                accepted=day,
                clock_from=ev["clock_from"],
                owed=[o["code"] for o in ev.get("owed", ())],
                owed_by=ev.get("owed_by") or "",
                parts=[
                    [p["department"], p.get("name", p["department"]), int(p["limit"]), False]
                    for p in ev.get("parts", ())
                ],
            )
        elif kind == "suspend":
            case["status"] = "suspended"
            case["pauses"].append([day, None])
        elif kind == "resume":
            case["status"] = "accepted"
            case["pauses"][-1][1] = day
        elif kind == "extend":
            case["ext"] += int(ev["days"])
        elif kind == "conclude":
            case["status"] = "concluded"
        elif kind == "notify":
            case["notified"] = case["notified"] or day
        elif kind in ("handover", "return"):
            case["transit"] = [day, ev.get("to_name") or ev.get("to", "")]
        elif kind == "receive":
            case["transit"], case["holder"] = None, ev["by"]
        elif kind == "part":
            for p in case["parts"]:
                p[3] = p[3] or p[0] == ev["department"]

    def flush(self) -> None:
        """Write the changed cases, and forget the closed ones (their row stays, closed)."""
        rows, parts, ids = [], [], []
        for case_id in self.changed:
            case = self.cases[case_id]
            rows.append(self.row(case_id, case))
            ids.append((case_id,))
            parts += [(case_id, i, *p) for i, p in enumerate(self.parts(case))]
            if case["status"] == "closed":
                del self.cases[case_id]  # read again from its row if a later event names it
        self.con.executemany("INSERT OR REPLACE INTO cases VALUES (?" + ", ?" * 17 + ")", rows)
        self.con.executemany("DELETE FROM parts WHERE case_id = ?", ids)
        self.con.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?)", parts)
        self.changed.clear()

    def row(self, case_id: str, case: dict) -> tuple:
        item = self.items.get(case["service"])
        unit = item[3] if item else "working_days"
        status, due, pause_from = case["status"], None, None
        if status in ("accepted", "suspended", "concluded") and item:
            due, pause_from = self.due(case, unit, item[4] + case["ext"])
        day = dt.date.fromisoformat
        transit_by = None
        if case["transit"] and status != "closed":  # the section collects it the same working day
            handed = day(case["transit"][0])
            transit_by = (
                handed if self.cal.is_workday(handed) else self.cal.add("working_days", handed, 1)
            ).isoformat()
        owed = case["owed_by"] if case["owed"] and status in ("accepted", "suspended") else None
        return (
            case_id,
            case["service"],
            status,
            case["name"],
            case["phone"],
            case["holder"],
            case["first_handler"],
            case["accepted"],
            case["clock_from"],
            unit,
            due,
            pause_from,
            case["notified"],
            case["supp_by"] if status == "pending" and case["supp_by"] else None,
            owed or None,
            transit_by,
            case["transit"][1] if transit_by else None,
            None if status == "closed" else json.dumps(case),
        )

    def due(self, case: dict, unit: str, base: int) -> tuple[str, str | None]:
        """The due date with every ended pause begun before the count was complete, and an open pause
        that will move it (core/deadlines.due)."""
        start = dt.date.fromisoformat(case["clock_from"])
        end = self.cal.add(unit, start, base)
        for s, e in sorted(case["pauses"], key=lambda p: p[0]):
            s = dt.date.fromisoformat(s)
            if s >= end:
                continue
            if e is None:
                return end.isoformat(), s.isoformat()
            end = self.cal.add(unit, end, max(0, self.cal.between(unit, s, dt.date.fromisoformat(e))))
        return end.isoformat(), None

    def parts(self, case: dict) -> list[tuple]:
        item = self.items.get(case["service"])
        if not item or not case["clock_from"] or case["status"] == "closed":
            return []
        start = dt.date.fromisoformat(case["clock_from"])
        return [
            (dept, name, self.cal.add(item[3], start, limit).isoformat(), int(done))
            for dept, name, limit, done in case["parts"]
        ]
