"""`svc sql`: a supervisor's question in SQL, over documented read-only views (store/report_sql.py)."""

from __future__ import annotations

import click

from svccli.cli.cases_cmd import note_reveal
from svccli.cli.context import App, pass_app, report
from svccli.cli.params import TEXT
from svccli.core.calendar import CalendarError
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options


@click.command("sql")
@click.argument("query", metavar="QUERY")
@click.option("--reveal", is_flag=True, help="视图中显示完整姓名、电话和证件号码（须 --reason，并留下查看记录）。")
@click.option("--reason", type=TEXT, help="查看完整个人信息的理由。")
@output_options
@pass_app
def sql(app: App, query: str, reveal: bool, reason: str | None, fmt: str, encoding: str) -> None:
    """用一条 SQL 查询（只读）统计案件：视图 cases、events、inquiries、record_files。

    \b
    例：svc sql "SELECT department_name, count(*) FROM cases WHERE is_open GROUP BY department"
    只允许一条 SELECT（或 WITH、VALUES、EXPLAIN、PRAGMA table_info(视图)）；写入、附加数据库、
    直接读取内部表一律拒绝（退出 1）；语法错误或列名不存在退出 2。today() 是本次命令的日期
    （--today / --as-of）。个人信息默认打码；--reveal --reason 显示完整信息并记入 svc audit reveals。
    """
    from svccli.store import report_sql, reporting

    if reveal and not reason:
        raise UsageError("--reveal 须同时用 --reason 说明查看完整个人信息的理由")
    home = app.checked_home()
    try:
        found = report_sql.answer(home, app.today, query, reveal, app.as_of)
    except report_sql.Refused as e:
        raise DataError(f"{e}；未作任何改动") from None
    except report_sql.BadQuery as e:
        raise UsageError(
            f"SQL 查询有误：{e}（可查询的视图：cases、events、inquiries、record_files；"
            "列名用 PRAGMA table_info(cases) 查看）"
        ) from None
    except reporting.Rejected as e:
        report(e.problems)  # raises: the records have errors, listed by file and line
        raise DataError("记录文件有错误（svc check 列出全部）") from None
    except CalendarError as e:
        raise DataError(str(e)) from None
    report(found.problems)
    note_reveal(app, reveal, reason, "sql: " + " ".join(query.split()))
    keys = _unique(found.columns)
    rows = [dict(zip(keys, row)) for row in found.rows]
    emit(rows, list(zip(keys, keys)), fmt, encoding, empty="查询结果为空")


def _unique(columns: list[str]) -> list[str]:
    """Column names as keys: a name repeated (two tables' `case_id`) gets a suffix, so no value is lost."""
    seen: dict[str, int] = {}
    keys = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return keys


COMMANDS = [sql]
