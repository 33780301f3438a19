"""The monthly report as a page for the office's notice board and for its superiors (A4, printable,
`svc report month --html/--pdf`): the month at a glance — key figures, three charts — then the
figures per department, window and service item, and the office's own figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from svccli.core.events import label
from svccli.render import charts
from svccli.render.documents import render
from svccli.render.views import DOCUMENTS, INQUIRY_CHANNELS
from svccli.store.monthly import OFFICE_FIGURES, MonthReport
from svccli.store.statistics_sql import NAMES, bounds

# The columns of the tables, in order: (figure, a short heading that fits a column).
TABLE = (
    ("received", "收件"),
    ("accepted_on_the_spot", "当场受理"),
    ("notices", "一次性告知"),
    ("accepted_after_supplement", "补正后受理"),
    ("accepted_provisionally", "容缺受理"),
    ("refused", "不予受理"),
    ("referred", "非本机关"),
    ("withdrawn", "撤回"),
    ("lapsed", "补正逾期"),
    ("concluded", "办结"),
    ("concluded_on_time", "按时办结"),
    ("overdue", "超期"),
    ("deemed_approved", "超时默许"),
    ("working_days_avg", "平均用时"),
    ("working_days_p90", "90%用时"),
    ("on_time_rate", "按时率"),
    ("completion_rate", "办结率"),
    ("error_rate", "办错率"),
)
TILES = ("received", "concluded", "on_time_rate", "completion_rate", "overdue", "error_rate")
RATES = {"on_time_rate", "completion_rate", "error_rate"}


def page(report: MonthReport, today: dt.date, home: Any) -> str:
    return render("report_month.html.j2", view(report, today), home)


# Each grouping's table: its heading, what a row is called, and the row's name.
GROUPINGS = {
    "department": ("按部门", "部门", lambda r: r["department_name"] or r["department"]),
    "window": ("按窗口", "窗口", lambda r: r["window_name"] or r["window_code"] or "（未设窗口）"),
    "service": ("按事项", "事项", lambda r: f"{r['service']} {r['service_name'] or ''}".strip()),
    "region": ("按市、县（区）", "市、县（区）", lambda r: r["region"] or "（未填）"),
    "office": ("按中心", "政务服务中心", lambda r: r["office_name"] or r["office"]),
}


def view(report: MonthReport, today: dt.date) -> dict[str, Any]:
    year, month = report.month.split("-")
    first = next(iter(report.groups))  # the on-time chart's rows: departments, or a roll-up's regions
    label = GROUPINGS[first][2]
    return {
        "office": report.office,
        "title": f"{year}年{int(month)}月政务服务办件统计",
        "made": f"{today.year}年{today.month}月{today.day}日",
        "tiles": [{"name": NAMES[k], "value": cell(k, report.totals[k])} for k in TILES],
        "columns": [name for _, name in TABLE],
        "total": [cell(k, report.totals[k]) for k, _ in TABLE],
        "tables": [
            (GROUPINGS[g][0], GROUPINGS[g][1], [(GROUPINGS[g][2](r), _cells(r)) for r in _active(rows, g)])
            for g, rows in report.groups.items()
        ],
        "weekly": charts.columns(
            [_week_label(w["week"], report.month) for w in report.weeks],
            [("收件", [w["received"] for w in report.weeks]), ("办结", [w["concluded"] for w in report.weeks])],
        ),
        "on_time_heading": f"{GROUPINGS[first][0][1:]}按时办结率",
        "on_time": charts.rate_bars([(label(r), r["on_time_rate"]) for r in report.groups[first]]),
        "trend": charts.trend([t["month"][2:] for t in report.trend], [t["overdue"] for t in report.trend]),
        "office_figures": _office_figures(report.office_figures) if report.office_figures else [],
    }


def listing(report: MonthReport, by: str, formatted: bool) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The rows of one grouping and the total, for `--format` (the figures' keys are the JSON contract,
    docs/statistics.md; `group` names the row), and the columns a table shows."""
    label = GROUPINGS[by][2]
    rows = [{"group": label(r)} | r for r in report.groups[by]] + [{"group": "合计"} | report.totals]
    if formatted:
        rows = [{k: (v if k == "group" else cell(k, v)) for k, v in r.items()} for r in rows]
    return rows, [("group", GROUPINGS[by][1]), *TABLE]


def cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in RATES:
        return f"{value * 100:.1f}%"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _cells(row: dict[str, Any]) -> list[str]:
    return [cell(k, row[k]) for k, _ in TABLE]


def _active(rows: list[dict[str, Any]], grouping: str) -> list[dict[str, Any]]:
    """Every department, window, region and office; only the service items with something to count
    this month (a catalogue holds thousands)."""
    if grouping != "service":
        return rows
    return [r for r in rows if any(r[k] for k, _ in TABLE if k not in RATES and isinstance(r[k], int))]


def _week_label(monday: str, month: str) -> str:
    """A week's days within the month: "11/1–11/1", "11/2–11/8" … "11/30–11/30"."""
    first, last = (dt.date.fromisoformat(d) for d in bounds(month))
    start = max(dt.date.fromisoformat(monday), first)
    end = min(dt.date.fromisoformat(monday) + dt.timedelta(days=6), last)
    return f"{start.month}/{start.day}–{end.month}/{end.day}"


def _office_figures(figures: dict[str, dict[str, int]]) -> list[tuple[str, str]]:
    names = {
        "inquiries": INQUIRY_CHANNELS,
        "documents": {k: v[0] for k, v in DOCUMENTS.items()},
        "complaints": {"filed": "受理", "upheld": "查实", "dismissed": "不属实"},
    }
    rows = []
    for key, title, _ in OFFICE_FIGURES:
        counted = figures.get(key, {})
        kinds = names.get(key, {})
        detail = "、".join(f"{kinds.get(k, _event_name(k))} {n}" for k, n in sorted(counted.items()))
        total = (
            counted.get("filed", 0) if key == "complaints" else sum(counted.values())
        )  # resolutions are no more filed
        rows.append((title, f"共 {total}" + (f"（{detail}）" if detail else "")))
    return rows


def _event_name(kind: str) -> str:
    return label(kind)
