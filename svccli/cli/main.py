"""The `svc` command: global options, subcommands, and the single place errors become exit codes."""

from __future__ import annotations

import sys

import click

from svccli import __version__
from svccli.cli.context import App
from svccli.errors import DataError, Locked, UsageError
from svccli.store.log import LockTimeout, StoreError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class SvcGroup(click.Group):
    """Turns faults of the user's world (locks, disks, bytes) into messages with exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LockTimeout as e:
            raise Locked(str(e)) from None
        except StoreError as e:
            raise DataError(str(e)) from None
        except OSError as e:
            raise DataError(f"文件操作失败：{e.filename or ''} {e.strerror or e}") from None
        except UnicodeError as e:
            raise UsageError(f"参数或文件含无法处理的字符：{e}") from None


@click.group(cls=SvcGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="svc", message="%(prog)s %(version)s")
@click.option("--home", metavar="DIR", help="办公室目录（默认：SVC_HOME，或从当前目录向上查找含 catalog/office.yaml 的目录）。")
@click.option("--today", metavar="DATE", envvar="SVC_TODAY", help="按指定日期运行（YYYY-MM-DD，或带时间 YYYY-MM-DDTHH:MM）。")
@click.option("--as-of", "as_of", metavar="DATE", envvar="SVC_AS_OF",
              help="只读命令：按该日结束时已有的记录回答（重现当日窗口所见）。")
@click.option("--as", "as_", metavar="STAFF_ID", help="操作人员编号（默认：SVC_STAFF，或名册中 login 与系统用户相同的人员）。")
@click.pass_context
def cli(ctx: click.Context, home: str | None, today: str | None, as_of: str | None, as_: str | None) -> None:
    """政务服务窗口命令行工具：首问登记、受理、一次性告知、限时办结、超期检查。

    \b
    退出码：0 正常；1 数据问题；2 用法错误；3 发现超期案件或无人值守岗位；4 记录锁被占用。
    """
    ctx.obj = App(home_option=home, today_option=today, as_option=as_, as_of_option=as_of)


def _register() -> None:
    from svccli.cli import (calendar_cmd, cases_cmd, catalog_cmd, check_cmd, deadline_cmd, decide_cmd, init_cmd,
                            intake_cmd)

    for module in (check_cmd, catalog_cmd, calendar_cmd, init_cmd, intake_cmd, decide_cmd, deadline_cmd,
                   cases_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def run() -> None:
    """Entry point: UTF-8 out whatever the locale (cron often runs with LANG=C)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")
    cli.main(prog_name="svc")
