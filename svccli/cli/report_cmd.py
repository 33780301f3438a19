"""`svc report month`: the month's statistics (store/monthly.py) as a table, JSON or CSV, a page
for posting (--html, --pdf), and the cases behind any figure (--explain)."""

from __future__ import annotations

from pathlib import Path

import click

from svccli.cli.awards_cmd import report_quarter
from svccli.cli.context import App, pass_app
from svccli.cli.context import report as report_problems
from svccli.cli.params import MONTH
from svccli.cli.recording import html_option, write_page
from svccli.core.calendar import CalendarError
from svccli.errors import DataError
from svccli.render.output import emit, output_options
from svccli.store.statistics_sql import COUNTS

BY = ("department", "window", "service")
EXPLAINED = [name for name, _, _ in COUNTS]


@click.group()
def report() -> None:
    """报表：月度办件统计（month）、季度考核结果（quarter）。"""


@report.command("month")
@click.argument("month", metavar="YYYY-MM", type=MONTH)
@click.option(
    "--by", type=click.Choice(BY), default="department", show_default=True, help="表格按部门、窗口或事项分行。"
)
@click.option(
    "--explain",
    type=click.Choice(EXPLAINED),
    metavar="FIGURE",
    help="列出某个数字背后的案件（如 received、overdue_open）。",
)
@html_option
@output_options
@pass_app
def month(app: App, month: str, by: str, explain: str | None, html: Path | None, fmt: str, encoding: str) -> None:
    """本月办件统计：各部门、窗口、事项的收件、受理、办结、超期与按时率、办结率、办错率。

    \b
    --html 写一页可张贴、可打印的 A4 报表（含各周收件与办结、各部门按时率、近 13 个月超期三幅图）。
    各数字的口径和 JSON 字段名见 docs/statistics.md；--explain 数字名 列出该数字背后的案件。
    """
    from svccli.store import monthly, reporting

    home = app.checked_home()
    try:
        if explain:
            _explain(monthly.explain(home, app.today, month, explain), fmt, encoding)
            return
        found = monthly.month_report(home, app.today, month)
    except reporting.Rejected as e:
        report_problems(e.problems)
        raise DataError("记录文件有错误（svc check 列出全部）") from None
    except CalendarError as e:
        raise DataError(str(e)) from None
    report_problems(found.problems)
    if html is not None:
        from svccli.render.month_page import page

        write_page(app, html, page(found, app.today, home.path), "月度办件统计")
    _emit(found, by, fmt, encoding)


def _emit(found, by: str, fmt: str, encoding: str) -> None:
    from svccli.render.month_page import listing

    emit(*listing(found, by, fmt == "table"), fmt, encoding, empty="本月没有办件")


def _explain(cases: list[dict], fmt: str, encoding: str) -> None:
    # The rows come from the `svc sql` cases view unrevealed: names and phones are masked already.
    columns = [
        ("case_id", "案件编号"),
        ("service_name", "事项"),
        ("applicant", "申请人"),
        ("status_name", "状态"),
        ("opened", "收件日期"),
        ("accepted", "受理日期"),
        ("due", "办结期限"),
        ("served", "办结日期"),
    ]
    emit(cases, columns, fmt, encoding, empty="没有案件")


report.add_command(report_quarter)
COMMANDS = [report]
