"""Each monthly statistic defined once, as SQL that DuckDB and Spark SQL both accept.

`svc report month` runs it with DuckDB over one office's cases; `svc rollup` runs the very same text
over the Parquet files of many offices, with DuckDB or on Spark. The figures are counts and sums
(they add up across offices); the rates are worked out from those sums afterwards (`rates`), so a
region's on-time rate is its cases' rate, not an average of its offices' rates. The average and the
90th percentile of working days are computed by the engine over the group's own cases.

The table the SQL reads is `cases`: the `svc sql` cases view (README) with the columns the
statistics need (core/statistics.py): window_code, acceptance, noticed, working_days, deemed,
wrong_returns, undone_decisions; and, in a roll-up, office and region. Dates are ISO text
(YYYY-MM-DD), compared as text by both engines. The month's bounds are inlined after being checked
to be dates: neither engine is handed any other outside text.
"""

from __future__ import annotations

import datetime as dt
import re

# (column, Chinese name, the condition a case meets to count; {s} and {e} are the month's first and last day)
COUNTS: tuple[tuple[str, str, str], ...] = (
    ("received", "收件", "opened BETWEEN '{s}' AND '{e}'"),
    ("accepted_on_the_spot", "当场受理", "accepted BETWEEN '{s}' AND '{e}' AND acceptance = 'on_the_spot'"),
    ("notices", "一次性告知", "noticed BETWEEN '{s}' AND '{e}'"),
    ("accepted_after_supplement", "补正后受理", "accepted BETWEEN '{s}' AND '{e}' AND acceptance = 'after_supplement'"),
    ("accepted_provisionally", "容缺受理", "accepted BETWEEN '{s}' AND '{e}' AND acceptance = 'provisional'"),
    ("refused", "不予受理", "closed BETWEEN '{s}' AND '{e}' AND status = 'refused'"),
    ("referred", "告知非本机关事项", "closed BETWEEN '{s}' AND '{e}' AND status = 'referred'"),
    ("withdrawn", "撤回", "closed BETWEEN '{s}' AND '{e}' AND status = 'withdrawn'"),
    ("lapsed", "逾期未补正终止", "closed BETWEEN '{s}' AND '{e}' AND status = 'lapsed'"),
    ("concluded", "办结", "served BETWEEN '{s}' AND '{e}'"),
    ("concluded_on_time", "按时办结", "served BETWEEN '{s}' AND '{e}' AND on_time = 1"),
    ("concluded_late", "超期办结", "served BETWEEN '{s}' AND '{e}' AND on_time = 0"),
    # accepted, due by the month's end, and neither served nor closed by then
    (
        "overdue_open",
        "月末超期未办结",
        "accepted <= '{e}' AND due < '{e}' AND (served IS NULL OR served > '{e}') AND (closed IS NULL OR closed > '{e}')",
    ),
    ("deemed_approved", "超时默许", "deemed BETWEEN '{s}' AND '{e}'"),
    ("due_in_month", "本月应办结", "due BETWEEN '{s}' AND '{e}'"),
    ("due_served", "本月应办结且已办结", "due BETWEEN '{s}' AND '{e}' AND served IS NOT NULL AND served <= '{e}'"),
)
# (column, Chinese name, the value a case adds, when it counts)
SUMS: tuple[tuple[str, str, str, str], ...] = (
    ("errors", "办错", "wrong_returns + undone_decisions", "served BETWEEN '{s}' AND '{e}'"),
    ("working_days_total", "办结用时合计（日）", "working_days", "served BETWEEN '{s}' AND '{e}'"),
)
AVERAGES: tuple[tuple[str, str, str], ...] = (
    ("working_days_avg", "平均办结用时（日）", "AVG({x})"),
    ("working_days_p90", "办结用时 90% 分位（日）", "percentile_cont(0.9) WITHIN GROUP (ORDER BY {x})"),
)
RATES: tuple[tuple[str, str, str, str], ...] = (
    ("on_time_rate", "按时办结率", "concluded_on_time", "concluded"),
    ("completion_rate", "办结率", "due_served", "due_in_month"),
    ("error_rate", "办错率", "errors", "concluded"),
)
# The groupings a report shows, and their columns (a roll-up adds office and region in front).
GROUPS = {
    "department": ("department", "department_name"),
    "window": ("window_code", "window_name"),
    "service": ("service", "service_name", "department"),
    "office": (),
}
NAMES = {c: n for c, n, *_ in (*COUNTS, *SUMS, *AVERAGES, *RATES)} | {"overdue": "超期"}


def bounds(period: str) -> tuple[str, str]:
    """The first and last day of a month (YYYY-MM) or a year (YYYY), as checked ISO dates."""
    if re.fullmatch(r"\d{4}", period):
        return f"{period}-01-01", f"{period}-12-31"
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise ValueError(f"不是有效月份：{period!r}")
    first = dt.date.fromisoformat(period + "-01")
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def query(period: str, keys: tuple[str, ...], table: str = "cases", only: tuple[str, ...] = ()) -> str:
    """The figures of a month (or a year) per group of `keys` (none: one row for all), in key order;
    `only` these counted figures when given (a small plan: the trend asks two figures of 13 months)."""
    s, e = bounds(period)
    served = f"CASE WHEN served BETWEEN '{s}' AND '{e}' THEN working_days END"
    counts = [c for c in COUNTS if not only or c[0] in only]
    columns = [
        *keys,
        *(f"SUM(CASE WHEN {cond.format(s=s, e=e)} THEN 1 ELSE 0 END) AS {name}" for name, _, cond in counts),
    ]
    if not only:
        columns += [
            *(
                f"SUM(CASE WHEN {cond.format(s=s, e=e)} THEN {value} ELSE 0 END) AS {name}"
                for name, _, value, cond in SUMS
            ),
            *(f"{form.format(x=served)} AS {name}" for name, _, form in AVERAGES),
        ]
    group = f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}" if keys else ""
    return f"SELECT {', '.join(columns)} FROM {table}{group}"


def rates(row: dict) -> dict:
    """The row with its rates (None where there is nothing to divide by) and rounded averages."""
    out = dict(row)
    out["overdue"] = row["concluded_late"] + row["overdue_open"]  # late when served, or still unserved past due
    for name, _, part, whole in RATES:
        out[name] = round(row[part] / row[whole], 4) if row.get(whole) else None
    for name, *_ in AVERAGES:
        out[name] = None if row.get(name) is None else round(float(row[name]), 1)
    return out
