"""Finding cases, inquiries and document numbers (`svc cases` with filters, `svc find`), over the
reporting tables (store/reporting.py) that `svc sql` reads: brought up to date from the appended
lines, then one indexed query. When the state cannot be used, and for --as-of, the same tables are
built in memory from the records and the same query runs there: the answer is the same, slower.

Phones are matched by their full number or their last four digits (an expression index), ID numbers
and codes exactly, names and free text as substrings (LIKE: a name is often one or two characters,
shorter than a trigram index can serve; the name scan reads its narrow index, not the table).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from svccli.core.problems import Problem
from svccli.store import reporting
from svccli.store.db import State
from svccli.store.home import Home

T = TypeVar("T")

# the report_case columns a search reads (reporting.case_row)
CASE_FIELDS = (
    "case_id service status is_open in_transit applicant phone id_number holder first_contact first_handler "
    "opened held_since accepted concluded result notified delivered served closed department due provisional "
    "limit_unit on_time days_late opened_at"
).split()
COLUMNS = ", ".join(f"c.{name}" for name in CASE_FIELDS) + ", (SELECT name FROM report_item WHERE code = c.service)"
CASE_FIELDS.append("service_name")


@dataclass(frozen=True)
class Query:
    """The filters of `svc cases`; each given one must hold (AND)."""

    applicant: str | None = None
    phone: str | None = None  # digits: the full number, or its last four
    id_number: str | None = None
    department: str | None = None
    service: str | None = None
    holder: str | None = None
    status: str | None = None  # a status code, or "open"
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None

    def given(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


def like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere (its own % and _ taken literally, with ESCAPE '\\')."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def digits(phone: str) -> str:
    return re.sub(r"[\s-]", "", phone)


def _where(q: Query) -> tuple[str, list[Any]]:
    terms: list[str] = []
    args: list[Any] = []
    if q.applicant is not None:  # the narrow index scanned rather than the wide table
        terms.append(
            "c.rowid IN (SELECT rowid FROM report_case INDEXED BY report_case_applicant "
            "WHERE applicant LIKE ? ESCAPE '\\')"
        )
        args.append(like(q.applicant))
    if q.phone is not None:
        number = digits(q.phone)
        terms.append("substr(c.phone, -4) = ?")
        args.append(number[-4:])
        if len(number) > 4:
            terms.append("replace(replace(c.phone, '-', ''), ' ', '') = ?")
            args.append(number)
    if q.id_number is not None:
        terms.append("c.id_number IN (?, ?)")
        args += [q.id_number.upper(), q.id_number.lower()]
    for column in ("department", "service", "holder"):
        if getattr(q, column) is not None:
            terms.append(f"c.{column} = ?")
            args.append(getattr(q, column))
    if q.status == "open":
        terms.append("c.is_open = 1")
    elif q.status is not None:
        terms.append("c.status = ?")
        args.append(q.status)
    if q.since is not None:
        terms.append("c.opened >= ?")
        args.append(q.since.isoformat())
    if q.until is not None:
        terms.append("c.opened <= ?")
        args.append(q.until.isoformat())
    if q.text is not None:
        terms.append("c.case_id IN (SELECT case_id FROM report_text WHERE text LIKE ? ESCAPE '\\')")
        args.append(like(q.text))
    return (" WHERE " + " AND ".join(terms)) if terms else "", args


def find_cases(conn: sqlite3.Connection, q: Query) -> list[dict[str, Any]]:
    """The report_case rows the query selects, in intake order, as dicts (CASE_FIELDS)."""
    where, args = _where(q)
    rows = conn.execute(f"SELECT {COLUMNS} FROM report_case c{where} ORDER BY c.opened_at, c.case_id", args)
    return [dict(zip(CASE_FIELDS, row)) for row in rows]


# -- svc find ------------------------------------------------------------------------------------------

SHORT = re.compile(r"^([0-9A-Za-z]+)-(\d+)$")


@dataclass
class Hit:
    kind: str  # case, inquiry, document
    id: str
    field: str  # what matched, in Chinese (申请人, 电话后四位, 文书编号 …)
    row: dict[str, Any]


def find_all(conn: sqlite3.Connection, text: str) -> list[Hit]:
    """Every case, inquiry and document whose id, name, phone, ID number or document number matches."""
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, key: str, label: str, row: dict[str, Any]) -> None:
        if (kind, row[key]) not in seen:
            seen.add((kind, row[key]))
            hits.append(Hit(kind, row[key], label, row))

    for label, where, args in _case_terms(text):
        query = f"SELECT {COLUMNS} FROM report_case c WHERE {where} ORDER BY c.opened_at, c.case_id"
        for row in conn.execute(query, args):
            add("case", "case_id", label, dict(zip(CASE_FIELDS, row)))
    for label, where, args in _inquiry_terms(text):
        for row in _dicts(conn.execute(f"SELECT * FROM report_inquiry WHERE {where} ORDER BY ts, id", args)):
            add("inquiry", "id", label, row)
    for label, where, args in _document_terms(text):
        for row in _dicts(conn.execute(f"SELECT * FROM report_document WHERE {where} ORDER BY ts, number", args)):
            add("document", "number", label, row)
    return hits


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _case_terms(text: str) -> list[tuple[str, str, list[Any]]]:
    terms = [("案件编号", "c.case_id = ?", [text.upper()])]
    number = digits(text)
    if number.isdigit() and len(number) == 4:
        terms.append(("电话后四位", "substr(c.phone, -4) = ?", [number]))
    elif number.isdigit() and len(number) > 4:
        terms.append(("电话", "substr(c.phone, -4) = ? AND replace(c.phone, '-', '') = ?", [number[-4:], number]))
    if re.fullmatch(r"[0-9A-Za-z]{15,18}", text):
        terms.append(("证件号码", "c.id_number IN (?, ?)", [text.upper(), text.lower()]))
    if not number.isdigit():
        terms.append(
            (
                "申请人",
                "c.rowid IN (SELECT rowid FROM report_case INDEXED BY report_case_applicant "
                "WHERE applicant LIKE ? ESCAPE '\\')",
                [like(text)],
            )
        )
    return terms


def _inquiry_terms(text: str) -> list[tuple[str, str, list[Any]]]:
    terms = [("登记编号", "id = ?", [text])]
    number = digits(text)
    if number.isdigit() and len(number) == 4:
        terms.append(("电话后四位", "substr(phone, -4) = ?", [number]))
    elif number.isdigit() and len(number) > 4:
        terms.append(("电话", "substr(phone, -4) = ? AND replace(phone, '-', '') = ?", [number[-4:], number]))
    if not number.isdigit():
        terms.append(("来访人", "person LIKE ? ESCAPE '\\'", [like(text)]))
        terms.append(("单位", "unit LIKE ? ESCAPE '\\'", [like(text)]))
    return terms


def _document_terms(text: str) -> list[tuple[str, str, list[Any]]]:
    m = SHORT.match(text.strip())
    if m:  # T01-7 as well as T01-0007, as `svc print --number` takes it
        return [("文书编号", "short = ?", [f"{m[1].upper()}-{int(m[2]):04d}"])]
    if "〔" in text or "号" in text:
        return [("文书编号", "number LIKE ? ESCAPE '\\'", [like(text)])]
    return []


# -- running a search ----------------------------------------------------------------------------------


def run(
    home: Home, today: dt.date, ask: Callable[[sqlite3.Connection], T], cutoff: str | None = None
) -> tuple[T, list[Problem]]:
    """ask(conn) over the reporting tables brought up to date, and the record problems to warn of.
    Raises reporting.Rejected when the records have errors."""
    if cutoff is not None:
        return _in_memory(home, today, ask, cutoff)
    if home.state is None:
        home.state = State(home.path)
    state = home.state

    def on_state() -> tuple[T, list[Problem]]:
        with state.writing() as conn:
            problems = reporting.update(conn, home, today)
        with state.snapshot():
            try:
                return ask(state.connect()), problems
            except sqlite3.Error as e:
                state.fail(e)
                raise

    return state.attempt(on_state, lambda: _in_memory(home, today, ask, None))


def _in_memory(
    home: Home, today: dt.date, ask: Callable[[sqlite3.Connection], T], cutoff: str | None
) -> tuple[T, list[Problem]]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        # the state could not be used, perhaps for a full disk: nothing of this one touches the disk
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA max_page_count = 2147483646")
        conn.execute("BEGIN")
        problems = reporting.update(conn, home, today, cutoff)
        conn.execute("COMMIT")
        return ask(conn), problems
    finally:
        conn.close()
