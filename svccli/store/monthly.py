"""One office's monthly statistics (`svc report month`), counted by DuckDB with the SQL that the
roll-up runs (store/statistics_sql.py) over the office's `svc sql` cases view, so an office's own
report and the city's roll-up of its export give the same figures.

Beside the figures per department, window and service item, the report holds what the page draws:
intake and conclusions per week of the month, and the overdue count of each of the twelve months
before; and the office's own figures: inquiries by channel, documents issued by kind, records
entered late (补录) and corrections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from svccli.core.problems import Problem
from svccli.store import report_sql
from svccli.store.export import TABLES, arrow_table
from svccli.store.home import Home
from svccli.store.statistics_sql import COUNTS, GROUPS, bounds, query, rates

OFFICE_GROUPS = {name: keys for name, keys in GROUPS.items() if keys}  # department, window, service

# (figure, Chinese name, the SQL over the office's views) — the office's own figures of the month.
OFFICE_FIGURES = (
    (
        "inquiries",
        "首问登记",
        "SELECT channel AS key, count(*) AS n FROM inquiries WHERE day BETWEEN ? AND ? GROUP BY 1",
    ),
    (
        "documents",
        "出具文书",
        "SELECT json_extract(detail, '$.kind') AS key, count(*) AS n FROM events "
        "WHERE type = 'document' AND day BETWEEN ? AND ? GROUP BY 1",
    ),
    (
        "complaints",
        "投诉",
        "SELECT CASE WHEN type = 'complaint' THEN 'filed' ELSE json_extract(detail, '$.result') END AS key, "
        "count(*) AS n FROM events WHERE type IN ('complaint', 'complaint-resolve') AND day BETWEEN ? AND ? GROUP BY 1",
    ),
    (
        "backdated",
        "补录记录",
        "SELECT type AS key, count(*) AS n FROM events "
        "WHERE json_extract(detail, '$.on') IS NOT NULL AND day BETWEEN ? AND ? GROUP BY 1",
    ),
    (
        "corrections",
        "更正与撤销",
        "SELECT type AS key, count(*) AS n FROM events WHERE type IN ('amend', 'void') AND day BETWEEN ? AND ? GROUP BY 1",
    ),
)


@dataclass
class MonthReport:
    month: str
    office: str
    totals: dict[str, Any]
    groups: dict[str, list[dict[str, Any]]]  # department, window, service -> rows
    weeks: list[dict[str, Any]]  # week's first day, received, concluded
    trend: list[dict[str, Any]]  # the 12 months before and this one: month, overdue
    office_figures: dict[str, dict[str, int]]
    problems: list[Problem] = field(default_factory=list)


def month_report(home: Home, today: dt.date, month: str) -> MonthReport:
    """Raises what report_sql.answer raises (records with errors, a calendar that cannot count)."""
    cases = report_sql.answer(home, today, "SELECT * FROM cases", False)
    con = _duckdb(cases.columns, cases.rows)
    found = build(lambda sql: _rows(con, sql), month, home.catalog.office.name, OFFICE_GROUPS)
    first, last = bounds(month)
    found.office_figures = _office_figures(home, today, first, last)
    found.problems = cases.problems
    return found


def build(run: Callable[[str], list[dict[str, Any]]], month: str, title: str, groups: dict) -> MonthReport:
    """The report from an engine that runs SQL over a `cases` table (`run`): one office's, or a roll-up's."""
    totals = rates(run(query(month, ()))[0])
    first, last = bounds(month)
    return MonthReport(
        month=month,
        office=title,
        totals=totals,
        groups={name: [rates(r) for r in run(query(month, keys))] for name, keys in groups.items()},
        weeks=_weeks(run, first, last),
        trend=_trend(run, month, totals),
        office_figures={},
    )


def explain(home: Home, today: dt.date, month: str, figure: str) -> list[dict[str, Any]]:
    """The cases behind one counted figure of the month (a name of statistics_sql.COUNTS)."""
    condition = dict((name, cond) for name, _, cond in COUNTS)[figure]
    s, e = bounds(month)
    cases = report_sql.answer(home, today, "SELECT * FROM cases", False)
    con = _duckdb(cases.columns, cases.rows)
    return _rows(con, f"SELECT * FROM cases WHERE {condition.format(s=s, e=e)} ORDER BY case_id")


def _duckdb(columns: list[str], rows: list[tuple]) -> Any:
    import duckdb

    con = duckdb.connect()
    con.register("cases", arrow_table(columns, rows, TABLES["cases"][2]))
    return con


def _rows(con: Any, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _weeks(run: Callable[[str], list[dict[str, Any]]], first: str, last: str) -> list[dict[str, Any]]:
    """Intake and conclusions per day, summed into the weeks (from Monday) that hold the month's days."""
    per_day = {
        r["day"]: r
        for r in run(
            f"SELECT d AS day, sum(r) AS received, sum(c) AS concluded FROM ("
            f" SELECT opened AS d, 1 AS r, 0 AS c FROM cases WHERE opened BETWEEN '{first}' AND '{last}'"
            f" UNION ALL SELECT served, 0, 1 FROM cases WHERE served BETWEEN '{first}' AND '{last}') GROUP BY d",
        )
    }
    weeks: dict[str, dict[str, Any]] = {}
    day = dt.date.fromisoformat(first)
    while day.isoformat() <= last:
        monday = (day - dt.timedelta(days=day.weekday())).isoformat()
        week = weeks.setdefault(monday, {"week": monday, "received": 0, "concluded": 0})
        counted = per_day.get(day.isoformat(), {})
        week["received"] += int(counted.get("received") or 0)
        week["concluded"] += int(counted.get("concluded") or 0)
        day += dt.timedelta(days=1)
    return list(weeks.values())


def _trend(run: Callable[[str], list[dict[str, Any]]], month: str, totals: dict[str, Any]) -> list[dict[str, Any]]:
    """The overdue count of each of the 12 months before, and this month's: one query (one Spark job)."""
    months = _months_before(month, 12)
    late = ("concluded_late", "overdue_open")
    sql = " UNION ALL ".join(
        f"SELECT '{m}' AS month, t{i}.* FROM ({query(m, (), only=late)}) t{i}" for i, m in enumerate(months)
    )
    found = {r["month"]: int(r["concluded_late"] + r["overdue_open"]) for r in run(sql)}
    return [{"month": m, "overdue": found[m]} for m in months] + [{"month": month, "overdue": totals["overdue"]}]


def _months_before(month: str, n: int) -> list[str]:
    year, number = int(month[:4]), int(month[5:])
    found = []
    for back in range(n, 0, -1):
        y, m = divmod(year * 12 + number - 1 - back, 12)
        found.append(f"{y:04d}-{m + 1:02d}")
    return found


def _office_figures(home: Home, today: dt.date, first: str, last: str) -> dict[str, dict[str, int]]:
    figures = {}
    for name, _, sql in OFFICE_FIGURES:
        found = report_sql.answer(home, today, sql.replace("?", f"'{first}'", 1).replace("?", f"'{last}'", 1), False)
        figures[name] = {str(k): int(n) for k, n in found.rows if k is not None}
    return figures
