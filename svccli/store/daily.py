"""The daily check over the derived state: only the cases that can be listed today are looked at
(their stored wake dates, an indexed query), and a case unchanged since an earlier check of the
same day and question (--warn, the catalogue) gives that check's answer again. The commands know
nothing of either: they ask `daily` and get the findings, the same as from the records alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from svccli.core.cases import Case
from svccli.core.overdue import Finding, daily_check, warning_horizon
from svccli.core.problems import Problem
from svccli.store import codec
from svccli.store.catalog_cache import key_of
from svccli.store.db import State, Unavailable
from svccli.store.home import Home
from svccli.store.state import _from_records, _state_of, rebuilt_if_undecodable, refresh


def daily(
    home: Home, today: dt.date, warn_days: int | None, entry: Callable[[Finding], Any]
) -> tuple[list, list[Problem]]:
    """The daily check's findings as `entry` makes them (JSON data), and the problems found.
    Only the cases that can be listed today are looked at (their wake dates), and a case unchanged
    since an earlier check of the same day and question gives that check's answer again."""
    state = _state_of(home)
    question = orjson.dumps([today.isoformat(), warn_days, key_of(home)]).decode()

    def stored() -> tuple[list, list[Problem]]:
        problems = refresh(home, state)
        return _answers(home, state, today, warn_days, entry, question), problems

    def fresh() -> tuple[list, list[Problem]]:
        cases, problems = _from_records(home)
        return answers_of(cases.values(), home, today, warn_days, entry), problems

    return state.attempt(lambda: rebuilt_if_undecodable(home, state, stored), fresh)


def answers_of(
    cases: Iterable[Case], home: Home, today: dt.date, warn_days: int | None, entry: Callable[[Finding], Any]
) -> list:
    """The findings over these cases, as entries read back from JSON (as stored answers are)."""
    found = daily_check(cases, home.catalog, home.calendar, today, warn_days)
    return orjson.loads(orjson.dumps([entry(f) for f in found])) if found else []


def _answers(
    home: Home, state: State, today: dt.date, warn_days: int | None, entry: Callable[[Finding], Any], question: str
) -> list:
    same = state.meta("daily_question") == question
    with state.snapshot():  # both reads see the same state, whatever another process commits meanwhile
        answers, todo = _reused(state, _listable_args(home, today, warn_days), same)
    found: dict[str, list] = {case_id: [] for case_id, _, _ in todo}
    cases = [codec.load_case(body) for _, _, body in todo]  # Undecodable: rebuilt
    for f in daily_check(cases, home.catalog, home.calendar, today, warn_days):
        found[f.case.id].append(entry(f))
    sigs = {case_id: sig for case_id, sig, _ in todo}
    memo = [(case_id, sigs[case_id], orjson.dumps(got)) for case_id, got in found.items()]
    for _, _, blob in memo:
        answers += orjson.loads(blob)
    if memo or not same:
        try:
            with state.writing() as conn:
                if not same:
                    conn.execute("DELETE FROM daily_answer")
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('daily_question', ?)", (question,))
                conn.executemany("INSERT OR REPLACE INTO daily_answer VALUES (?, ?, ?)", memo)
        except Unavailable:
            pass  # the answer stands; only the memo of it is not kept
    return answers


# the cases `overdue.may_be_listed` lets through, by their stored wake dates (indexed columns)
LISTABLE = "(o.wake <= ? OR o.due <= ?)"
# the answers kept for unchanged listable cases, joined into one JSON array in SQL (one parse, not thousands)
REUSED = (
    "SELECT '[' || coalesce(group_concat(substr(a.answer, 2, length(a.answer) - 2), ','), '') || ']'"
    f" FROM open_case o JOIN daily_answer a ON a.id = o.id AND a.sig = o.sig WHERE {LISTABLE} AND length(a.answer) > 2"
)
UNANSWERED = (
    "SELECT o.id, o.sig, o.body FROM open_case o LEFT JOIN daily_answer a ON a.id = o.id AND a.sig = o.sig"
    f" WHERE {LISTABLE} AND a.id IS NULL"
)


def _reused(state: State, args: tuple[int, int], same: bool) -> tuple[list, list[tuple]]:
    """The answers kept for this question, and the (id, sig, body) of the cases to work out."""
    if not same:
        return [], state.read(f"SELECT o.id, o.sig, o.body FROM open_case o WHERE {LISTABLE}", args)
    return orjson.loads(state.read(REUSED, args)[0][0]), state.read(UNANSWERED, args)


def _listable_args(home: Home, today: dt.date, warn_days: int | None) -> tuple[int, int]:
    horizon = warning_horizon(home.calendar, today, warn_days)
    return today.toordinal(), horizon.toordinal() if horizon else -1


def listable(home: Home, today: dt.date, warn_days: int | None) -> list[str]:
    """The ids of the open cases the daily check looks at today (the state brought up to date)."""
    state = _state_of(home)
    refresh(home, state)
    rows = state.read(
        f"SELECT o.id FROM open_case o WHERE {LISTABLE} ORDER BY o.id", _listable_args(home, today, warn_days)
    )
    return [i for (i,) in rows]
