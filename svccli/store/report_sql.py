"""`svc sql`: one read-only query over documented views of the reporting tables (store/reporting.py).

The views and their columns are a contract (README "Reporting with SQL"): `cases`, `events`,
`inquiries`, `record_files`. Personal data is masked in them unless the caller reveals (and records
why). The query runs on a connection that cannot write (opened read-only, `PRAGMA query_only`)
under an authorizer that allows reading only, and reading the tables only through the views. Each
view is defined over an inner view whose name is random for this one connection, and the tables may
be read only from those: a query cannot reach a full phone number by naming a table, nor by a CTE
that borrows a view's name. When the state cannot be used (and for --as-of) the tables are built in
memory from the records; the answer is the same.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import orjson

from svccli.core.cases import STATUS
from svccli.core.events import label
from svccli.core.privacy import mask_id, mask_name, mask_numbers, mask_phone
from svccli.core.problems import Problem
from svccli.store import reporting
from svccli.store.db import State
from svccli.store.durable import lock_timeout
from svccli.store.home import Home

VIEWS = ("cases", "events", "inquiries", "record_files")
WRITES = {
    "insert",
    "update",
    "delete",
    "replace",
    "create",
    "drop",
    "alter",
    "attach",
    "detach",
    "vacuum",
    "reindex",
    "analyze",
    "begin",
    "commit",
    "end",
    "rollback",
    "savepoint",
    "release",
}
QUERY_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE, sqlite3.SQLITE_FUNCTION}
BLOCKED_FUNCTIONS = {"load_extension", "fts3_tokenizer"}
LEAD = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$)|\()*", re.S)  # blanks, comments, "(" before a statement


class Refused(Exception):
    """A statement that would write, or read around the views (the message says which)."""


class BadQuery(Exception):
    """SQLite could not run the query: a syntax error, an unknown column, more than one statement."""


@dataclass
class Answer:
    columns: list[str]
    rows: list[tuple]
    problems: list[Problem] = field(default_factory=list)


def answer(home: Home, today: dt.date, sql: str, reveal: bool, as_of: dt.date | None = None) -> Answer:
    """The query's columns and rows, and the record problems to warn of. Raises Refused, BadQuery,
    reporting.Rejected (records with errors) or CalendarError."""
    refuse_writes(sql)
    if as_of is not None:  # the records as they stood at the end of that day: built afresh, in memory
        return _in_memory(home, today, sql, reveal, as_of.isoformat())
    if home.state is None:
        home.state = State(home.path)
    state = home.state
    return state.attempt(
        lambda: _on_state(state, home, today, sql, reveal), lambda: _in_memory(home, today, sql, reveal, None)
    )


def refuse_writes(sql: str) -> None:
    """A statement that plainly is no query is refused before SQLite sees it (VACUUM and REINDEX
    never reach the authorizer); the authorizer stops the rest (WITH … DELETE)."""
    rest = LEAD.sub("", sql, count=1)  # its first match is at the start (it matches the empty string)
    word = re.split(r"[^A-Za-z]", rest, maxsplit=1)[0].lower()
    if not rest.strip():
        raise BadQuery("查询语句为空")
    if word in WRITES:
        raise Refused(f"svc sql 只允许查询（SELECT），不允许写入（{word.upper()}）")


def _on_state(state: State, home: Home, today: dt.date, sql: str, reveal: bool) -> Answer:
    with state.writing() as conn:
        problems = reporting.update(conn, home, today)
    try:  # read-only as well as query_only and the authorizer: three locks on one door
        conn = sqlite3.connect(
            f"file:{quote(str(state.path))}?mode=ro",
            uri=True,
            isolation_level=None,
            timeout=lock_timeout(),
            check_same_thread=False,
        )
    except sqlite3.Error as e:
        state.fail(e)  # raises Unavailable: answered in memory
        raise
    try:
        try:
            refused = _prepare(conn, home, today, reveal)
        except sqlite3.Error as e:
            state.fail(e)
            raise
        return Answer(*_execute(conn, sql, refused), problems)
    finally:
        conn.close()


def _in_memory(home: Home, today: dt.date, sql: str, reveal: bool, cutoff: str | None) -> Answer:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("BEGIN")
        problems = reporting.update(conn, home, today, cutoff)
        conn.execute("COMMIT")
        refused = _prepare(conn, home, today, reveal)
        return Answer(*_execute(conn, sql, refused), problems)
    finally:
        conn.close()


def _execute(conn: sqlite3.Connection, sql: str, refused: list[str]) -> tuple[list[str], list[tuple]]:
    try:
        cursor = conn.execute(sql)
        rows = cursor.fetchall()
    except sqlite3.ProgrammingError as e:
        if refused:
            raise Refused(refused[0]) from None
        raise BadQuery("一次只能执行一条查询语句" if "one statement" in str(e) else str(e)) from None
    except sqlite3.Error as e:
        if refused or "readonly" in str(e) or "read-only" in str(e):
            raise Refused(refused[0] if refused else "svc sql 只允许查询（SELECT），不允许写入") from None
        raise BadQuery(str(e)) from None
    return [d[0] for d in cursor.description or ()], rows


# -- the views ----------------------------------------------------------------------------------------


def definitions(reveal: bool) -> dict[str, str]:
    """Each view's SELECT; masked columns call the masking functions unless revealing."""

    def masked(column: str, fn: str) -> str:
        return f"{column}" if reveal else f"{fn}({column}) AS {column}"

    detail = "event_detail(body)" if reveal else "masked_event_detail(body)"
    return {
        "cases": f"""SELECT case_id, service, service_name(service) AS service_name, department,
            department_name(department) AS department_name, status, status_name(status) AS status_name, is_open,
            in_transit, {masked("applicant", "mask_name")}, {masked("phone", "mask_phone")},
            {masked("id_number", "mask_id")}, holder, staff_name(holder) AS holder_name, first_contact,
            staff_name(first_contact) AS first_contact_name, first_handler,
            staff_name(first_handler) AS first_handler_name, opened, held_since, accepted, due, provisional,
            limit_unit, concluded, result, notified, delivered, served, closed, on_time, days_late, window_code,
            window_name(window_code) AS window_name, acceptance, noticed, working_days, deemed, wrong_returns,
            undone_decisions
            FROM main.report_case""",
        "events": f"""SELECT file, line, id AS event_id, ts, substr(ts, 1, 10) AS day, staff,
            staff_name(staff) AS staff_name, type, event_label(type) AS type_name, case_id, {detail} AS detail
            FROM main.report_event""",
        "inquiries": f"""SELECT id AS inquiry_id, ts, substr(ts, 1, 10) AS day, staff, staff_name(staff) AS staff_name,
            channel, {masked("person", "mask_name")}, {masked("unit", "mask_numbers")}, {masked("address", "mask_name")},
            {masked("phone", "mask_phone")}, {masked("matter", "mask_numbers")}, outcome, handler,
            staff_name(handler) AS handler_name, {masked("authority", "mask_numbers")},
            {masked("contact", "mask_numbers")}, first_contact, staff_name(first_contact) AS first_contact_name
            FROM main.report_inquiry""",
        "record_files": "SELECT path, lines, size, tail AS head FROM main.report_file",
    }


def _prepare(conn: sqlite3.Connection, home: Home, today: dt.date, reveal: bool) -> list[str]:
    """Functions, views, no writing, the authorizer; the list the authorizer notes refusals in."""
    for name, (n, fn) in _functions(home, today, reveal).items():
        conn.create_function(name, n, fn, deterministic=True)
    inner = {name: f"_{secrets.token_hex(8)}_{name}" for name in VIEWS}
    for name, select in definitions(reveal).items():
        conn.execute(f'CREATE TEMP VIEW "{inner[name]}" AS {select}')
        conn.execute(f'CREATE TEMP VIEW {name} AS SELECT * FROM "{inner[name]}"')
    conn.execute("PRAGMA query_only = ON")
    refused: list[str] = []
    conn.set_authorizer(_authorizer(set(inner.values()), refused))
    return refused


def _authorizer(inner: set[str], refused: list[str]) -> Callable[..., int]:
    read_through: set[str] = set()  # tables the views read: a count(*) over a view reads them with no column

    def check(action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None) -> int:
        if action in QUERY_ACTIONS and not (action == sqlite3.SQLITE_FUNCTION and arg2 in BLOCKED_FUNCTIONS):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            if db == "temp" and (arg1 in VIEWS or (arg1 in inner and source in VIEWS)):
                return sqlite3.SQLITE_OK
            if db == "main" and source in inner:
                read_through.add(arg1 or "")
                return sqlite3.SQLITE_OK
            if arg2 == "" and db == "main" and arg1 in read_through:  # a table named directly comes with no db
                return sqlite3.SQLITE_OK
            refused.append(f"svc sql 只能查询视图 {'、'.join(VIEWS)}，不能直接读取 {arg1}")
        elif action == sqlite3.SQLITE_PRAGMA:
            if arg1 in ("table_info", "table_xinfo") and arg2 in VIEWS:
                return sqlite3.SQLITE_OK
            refused.append(f"svc sql 不允许 PRAGMA {arg1}（只可 PRAGMA table_info(视图名) 查看列）")
        elif action == sqlite3.SQLITE_FUNCTION:
            refused.append(f"svc sql 不允许调用函数 {arg2}")
        else:
            refused.append("svc sql 只允许查询（SELECT），不允许写入、附加数据库或改动表结构")
        return sqlite3.SQLITE_DENY

    return check


def _functions(home: Home, today: dt.date, reveal: bool) -> dict[str, tuple[int, Callable[..., Any]]]:
    roster, catalog = home.roster, home.catalog

    def service_name(code: str | None) -> str | None:
        item = catalog.item(code) if code else None
        return item.name if item else code

    found: dict[str, tuple[int, Callable[..., Any]]] = {
        "mask_phone": (1, _texts(mask_phone)),
        "mask_id": (1, _texts(mask_id)),
        "mask_name": (1, _texts(mask_name)),
        "mask_numbers": (1, _texts(mask_numbers)),
        "staff_name": (1, _texts(roster.name)),
        "service_name": (1, service_name),
        "department_name": (1, _texts(catalog.department_name)),
        "window_name": (1, _texts(lambda w: roster.windows[w].name if w in roster.windows else w)),
        "status_name": (1, _texts(lambda s: STATUS.get(s, s))),
        "event_label": (1, _texts(label)),
        "today": (0, lambda: today.isoformat()),
    }
    if reveal:  # only then can any column show an event's payload in full
        found["event_detail"] = (1, lambda body: _detail(body, masked=False))
    else:
        found["masked_event_detail"] = (1, lambda body: _detail(body, masked=True))
    return found


def _texts(fn: Callable[[str], str]) -> Callable[[Any], Any]:
    """A function of text as SQLite calls it: NULL and numbers pass through (it must never raise)."""
    return lambda value: fn(value) if isinstance(value, str) else value


# -- an event's payload ---------------------------------------------------------------------------------

SHOWN_APART = frozenset({"v", "id", "prev", "ts", "by", "type", "case"})  # columns of their own, or the log's
FIELD_MASKS = {
    "phone": mask_phone,
    "id_number": mask_id,
    "person": mask_name,
    "agent": mask_name,
    "address": mask_name,
    "name": mask_name,
}


def _detail(body: str | None, masked: bool) -> str | None:
    """The event's own fields as JSON; masked: personal fields masked, and any phone or ID number in
    free text (a note, a reason, a query)."""
    if not isinstance(body, str):
        return body
    try:
        event = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    rest = {k: v for k, v in event.items() if k not in SHOWN_APART}
    if masked:
        rest = {k: _masked_field(k, v, event.get("type")) for k, v in rest.items()}
    return orjson.dumps(rest).decode()


def _masked_field(key: str, value: Any, kind: Any) -> Any:
    if key == "view" and isinstance(value, dict):  # a document's view (core/register.py) holds the applicant
        return {k: _masked_field(k, v, kind) for k, v in value.items()}
    if key == "applicant" and isinstance(value, dict):
        return {k: _masked_value(FIELD_MASKS.get(k), v) for k, v in value.items()}
    if key == "to" and kind == "deliver":  # the person who collected the result
        return _masked_value(mask_name, value)
    return _masked_value(FIELD_MASKS.get(key) if key != "name" else None, value)


def _masked_value(fn: Callable[[str], str] | None, value: Any) -> Any:
    if isinstance(value, str):
        return fn(value) if fn else mask_numbers(value)
    if isinstance(value, dict):
        return {k: _masked_value(None, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_value(None, v) for v in value]
    return value
