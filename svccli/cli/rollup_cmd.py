"""`svc rollup`: the monthly statistics across many offices' exports, for a city or a province
(store/rollup.py), on DuckDB (embedded, the default) or Spark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from svccli.cli.context import App, pass_app
from svccli.cli.params import MONTH
from svccli.cli.recording import html_option, write_page
from svccli.errors import DataError
from svccli.render.output import emit, output_options


@click.command("rollup")
@click.argument("dirs", metavar="DIR...", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--month", type=MONTH, help="统计的月份（YYYY-MM）；不给时为上个月。")
@click.option(
    "--by",
    type=click.Choice(["region", "office"]),
    default="office",
    show_default=True,
    help="表格按市县或按中心分行。",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="计算引擎：duckdb 本机嵌入；spark 用 Apache Spark（SPARK_MASTER 指定集群，默认本机）。",
)
@html_option
@output_options
@pass_app
def rollup(
    app: App,
    dirs: tuple[Path, ...],
    month: str | None,
    by: str,
    engine: str,
    html: Path | None,
    fmt: str,
    encoding: str,
) -> None:
    """汇总多个中心导出的数据（svc export），按市县、按中心统计某月办件。

    \b
    DIR 为 svc export 写入的文件夹（可多个，每个可含多个中心）。口径与 svc report month 相同，
    两种引擎运行同一段 SQL，结果一致。--html 写一页与月度统计同样版式的 A4 汇总表。
    """
    from svccli.render.month_page import listing, page
    from svccli.store.rollup import NoExport
    from svccli.store.rollup import rollup as compute

    month = month or _last_month()
    try:
        found = compute(dirs, month, engine)
    except NoExport as e:
        raise DataError(f"{e} 中没有 svc export 导出的数据（应含 cases/office=… 和 offices/office=…）") from None
    except ImportError as e:
        raise DataError(f"无法使用 {engine} 引擎：{e}") from None
    if html is not None:
        write_page(app, html, page(found, dt.date.today(), None), "汇总统计")
    emit(*listing(found, by, fmt == "table"), fmt, encoding, empty="该月没有办件")


def _last_month() -> str:
    first = dt.date.today().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


COMMANDS = [rollup]
