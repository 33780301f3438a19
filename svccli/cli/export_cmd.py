"""`svc export`: the office's data as Parquet, for the city's or province's roll-up (store/export.py)."""

from __future__ import annotations

from pathlib import Path

import click

from svccli.cli.cases_cmd import note_reveal
from svccli.cli.context import App, pass_app, report
from svccli.cli.params import MONTH, TEXT
from svccli.core.calendar import CalendarError
from svccli.errors import DataError, UsageError

NAMES = {
    "cases": "案件",
    "events": "记录",
    "inquiries": "首问登记",
    "documents": "文书",
    "leave": "请假",
    "attendance": "考勤问题",
    "complaints": "投诉",
    "scores": "考核得分",
}


@click.command("export")
@click.argument("target", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--since", type=MONTH, help="只导出该月（YYYY-MM）及以后的数据。")
@click.option(
    "--reveal", is_flag=True, help="导出完整姓名、电话和证件号码（须 --reason，并留下记录；文件仅本人可读）。"
)
@click.option("--reason", type=TEXT, help="导出完整个人信息的理由。")
@pass_app
def export_cmd(app: App, target: Path, since: str | None, reveal: bool, reason: str | None) -> None:
    """把本中心的数据导出为 Parquet 文件，供市、省汇总（svc rollup）。

    \b
    按 表/office=中心代码/year=年/month=月/ 分区：cases（案件，每件一行，按收件月）、events（全部记录）、
    inquiries（首问登记）、documents（文书编号）、leave（请假）、attendance（考勤问题）、complaints（投诉）、
    scores（季度考核得分）。字段说明见 docs/export.md。
    个人信息默认打码；再次导出只重写有变化的月份。
    """
    from svccli.store import export, report_sql, reporting

    if reveal and not reason:
        raise UsageError("--reveal 须同时用 --reason 说明导出完整个人信息的理由")
    if target.exists() and not target.is_dir():
        raise UsageError(f"DIR：“{target}” 不是文件夹")
    home = app.checked_home()
    note_reveal(app, reveal, reason, f"export: {target}")  # audited before any file holds the data
    try:
        done = export.export(home, target, app.today, reveal, since)
    except reporting.Rejected as e:
        report(e.problems)
        raise DataError("记录文件有错误（svc check 列出全部）；未导出") from None
    except (report_sql.Refused, report_sql.BadQuery, CalendarError) as e:
        raise DataError(str(e)) from None
    except OSError as e:
        from svccli.store.durable import reason as why

        raise DataError(f"无法写入 {target}（{why(e)}）") from None
    report(done.problems)
    counts = "、".join(f"{NAMES[t]} {n} 条" for t, n in done.rows.items())
    click.echo(f"已导出到 {target}：{counts}")
    click.echo(f"写入 {len(done.written)} 个分区，未变 {done.unchanged} 个，删除 {len(done.removed)} 个")


COMMANDS = [export_cmd]
