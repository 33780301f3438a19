"""The `svc` command: global options, subcommands, and the single place errors become exit codes."""

from __future__ import annotations

import importlib
import sys

import click

from svccli import __version__
from svccli.cli import zh
from svccli.errors import DataError, Found, Locked, UsageError

zh.install()  # click's own messages in Chinese (issue 17): before any decorator below asks click for a help text

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# The modules holding the commands; each command's module is imported only when it runs, so
# `svc --version` and a single command start fast.
MODULES = (
    "check_cmd",
    "catalog_cmd",
    "calendar_cmd",
    "init_cmd",
    "intake_cmd",
    "inquiry_cmd",
    "decide_cmd",
    "deadline_cmd",
    "due_cmd",
    "cases_cmd",
    "admin_cmd",
    "handover_cmd",
    "section_cmd",
    "sql_cmd",
    "documents_cmd",
    "corrections_cmd",
    "score_cmd",
    "awards_cmd",
    "complaint_cmd",
    "sanction_cmd",
    "search_cmd",
    "duty_cmd",
    "leave_cmd",
    "cover_cmd",
    "attendance_cmd",
    "patrol_cmd",
    "export_cmd",
    "rollup_cmd",
    "report_cmd",
)
WHERE = {
    "check": "check_cmd",
    "catalog": "catalog_cmd",
    "calendar": "calendar_cmd",
    "init": "init_cmd",
    "inquiry": "inquiry_cmd",
    "inquiries": "inquiry_cmd",
    "intake": "intake_cmd",
    "notice": "intake_cmd",
    "supplement": "intake_cmd",
    "refuse": "decide_cmd",
    "refer": "decide_cmd",
    "withdraw": "decide_cmd",
    "conclude": "decide_cmd",
    "deliver": "decide_cmd",
    "send-back": "decide_cmd",
    "close": "decide_cmd",
    "overdue": "deadline_cmd",
    "suspend": "deadline_cmd",
    "resume": "deadline_cmd",
    "extend": "deadline_cmd",
    "notify": "deadline_cmd",
    "due": "due_cmd",
    "cases": "search_cmd",
    "find": "search_cmd",
    "show": "cases_cmd",
    "print": "cases_cmd",
    "handover": "handover_cmd",
    "return": "handover_cmd",
    "receive": "handover_cmd",
    "handovers": "handover_cmd",
    "review": "section_cmd",
    "approve": "section_cmd",
    "part": "section_cmd",
    "forward": "section_cmd",
    "answer": "section_cmd",
    "holders": "handover_cmd",
    "repair": "admin_cmd",
    "verify": "admin_cmd",
    "audit": "admin_cmd",
    "sql": "sql_cmd",
    "documents": "documents_cmd",
    "amend": "corrections_cmd",
    "void": "corrections_cmd",
    "score": "score_cmd",
    "rate": "score_cmd",
    "awards": "awards_cmd",
    "report": "report_cmd",
    "complaint": "complaint_cmd",
    "sanction": "sanction_cmd",
    "sanctions": "sanction_cmd",
    "export": "export_cmd",
    "rollup": "rollup_cmd",
    "duty": "duty_cmd",
    "leave": "leave_cmd",
    "cover": "cover_cmd",
    "attendance": "attendance_cmd",
    "absence": "patrol_cmd",
    "patrol": "patrol_cmd",
}


# The commands that record: for them a bad line elsewhere in the records is a warning naming `svc
# repair`, never a failure (issue 16); the commands that only read report it as an error.
WRITES = frozenset(
    {
        "inquiry",
        "intake",
        "notice",
        "supplement",
        "refuse",
        "refer",
        "withdraw",
        "conclude",
        "deliver",
        "send-back",
        "close",
        "suspend",
        "resume",
        "extend",
        "notify",
        "handover",
        "return",
        "receive",
        "review",
        "approve",
        "part",
        "forward",
        "answer",
        "print",
        "amend",
        "void",
        "complaint",
        "sanction",
        "rate",
        "absence",
        "patrol",
    }
)


# `svc --help` lists the commands by who uses them (issue 17), in this order; a command not named
# here is listed under 其他命令 (tests/test_command_groups.py fails until it is given a group).
GROUPS = (
    (
        "窗口命令",
        (
            "inquiry",
            "inquiries",
            "intake",
            "notice",
            "supplement",
            "handover",
            "return",
            "notify",
            "deliver",
            "print",
            "documents",
            "catalog",
            "show",
            "cases",
            "find",
            "due",
            "duty",
            "absence",
        ),
    ),
    (
        "科室命令",
        (
            "receive",
            "review",
            "approve",
            "part",
            "forward",
            "answer",
            "conclude",
            "refuse",
            "refer",
            "send-back",
            "suspend",
            "resume",
            "extend",
            "withdraw",
            "close",
            "amend",
            "void",
            "holders",
            "handovers",
        ),
    ),
    (
        "督查命令",
        (
            "overdue",
            "audit",
            "sql",
            "verify",
            "patrol",
            "complaint",
            "sanction",
            "sanctions",
            "score",
            "rate",
            "awards",
            "report",
            "rollup",
        ),
    ),
    ("管理命令", ("check", "repair", "init", "calendar", "leave", "cover", "attendance", "export")),
)
OTHER = "其他命令"


def _commands(module: str) -> dict[str, click.Command]:
    return {c.name: c for c in importlib.import_module(f"svccli.cli.{module}").COMMANDS}


class SvcGroup(click.Group):
    """Loads commands lazily, and turns faults of the user's world (locks, disks, bytes) into
    messages with exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for module in MODULES for name in _commands(module))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in WHERE:
            return _commands(WHERE[name]).get(name)
        for module in MODULES:  # a command not in the map yet
            found = _commands(module).get(name)
            if found:
                return found
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """One section per group of GROUPS, the names padded to one width so the sections line up."""
        shown: dict[str, click.Command] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                shown[name] = command
        if not shown:
            return
        width = max(len(name) for name in shown)
        limit = formatter.width - 6 - width
        named = {name for _, names in GROUPS for name in names}
        sections = [*GROUPS, (OTHER, tuple(sorted(set(shown) - named)))]
        for heading, names in sections:
            rows = [(name.ljust(width), shown[name].get_short_help_str(limit)) for name in names if name in shown]
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        from svccli.store.log import LockTimeout, StoreError  # not needed for --version or --help

        try:
            try:
                result = super().invoke(ctx)
            except BrokenPipeError:  # `svc print … | head`: the reader has what it wanted
                from svccli.cli.context import silence_stdout

                _finish(ctx, ok=True)  # what the command decided is recorded; exit 0 says so
                silence_stdout()
                raise click.exceptions.Exit(0) from None
            except (Found, click.exceptions.Exit) as e:
                _finish(ctx, ok=e.exit_code in (0, Found.exit_code))
                raise
            except BaseException:
                _finish(ctx, ok=False)  # nothing is written: exit 1 or 2 says so
                raise
            _finish(ctx, ok=True)
            return result
        except LockTimeout as e:
            raise Locked(str(e)) from None
        except StoreError as e:
            raise DataError(str(e)) from None
        except OSError as e:
            from svccli.store.durable import reason

            raise DataError(f"文件操作失败：{e.filename or ''}（{reason(e)}）") from None
        except UnicodeError as e:
            raise UsageError(f"参数或文件含无法处理的字符：{e}") from None


def _finish(ctx: click.Context, ok: bool) -> None:
    """Write what the command recorded and its documents, or drop them (cli/recording.py)."""
    app = ctx.obj
    if app is not None and (getattr(app, "staged", None) is not None or getattr(app, "documents", None)):
        # imported only then: recording imports the templates' renderer
        from svccli.cli.recording import finish

        finish(app, ok)


def _directories(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Shell completion of --home: the shell's own directory names (a str option would offer nothing)."""
    from click.shell_completion import CompletionItem  # loaded only when completing

    return [CompletionItem(incomplete, type="dir")]


@click.group(cls=SvcGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="svc", message="%(prog)s %(version)s")
@click.option(
    "--home",
    metavar="DIR",
    shell_complete=_directories,
    help="办公室目录（默认：SVC_HOME，或从当前目录向上查找含 catalog/office.yaml 的目录）。",
)
@click.option(
    "--today",
    metavar="DATE",
    envvar="SVC_TODAY",
    help="查询命令：按该日回答（如该日的超期检查）。记录命令：业务发生日期（补录），记录时间仍为实际时间；"
    "早于今天须 --reason，早于办公室规定的补录期限须 --approved-by。",
)
@click.option("--reason", "backdate_reason", metavar="TEXT", help="补录（--today 早于今天）的理由。")
@click.option(
    "--approved-by", "backdate_approver", metavar="STAFF_ID", help="批准超期限补录的科室负责人或督查人员（人员编号）。"
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    envvar="SVC_AS_OF",
    help="只读命令：按该日结束时已有的记录回答（重现当日窗口所见）。",
)
@click.option(
    "--as", "as_", metavar="STAFF_ID", help="操作人员编号（默认：SVC_STAFF，或名册中 login 与系统用户相同的人员）。"
)
@click.pass_context
def cli(
    ctx: click.Context,
    home: str | None,
    today: str | None,
    backdate_reason: str | None,
    backdate_approver: str | None,
    as_of: str | None,
    as_: str | None,
) -> None:
    """政务服务窗口命令行工具：首问登记、受理、一次性告知、限时办结、超期检查。

    \b
    退出码：0 正常；1 数据问题；2 用法错误；3 发现超期案件或无人值守岗位；4 记录锁被占用。
    """
    from svccli.cli.context import App, parse_moment  # imported by commands only: --version starts fast

    for value, name in ((today, "--today"), (as_of, "--as-of")):
        if value:
            parse_moment(value, name)  # a bad date is refused before anything runs, naming the option
    writing = ctx.invoked_subcommand in WRITES
    ctx.obj = App(
        home_option=home,
        today_option=today,
        as_option=as_,
        as_of_option=as_of,
        writing=writing,
        backdate_reason=(backdate_reason or "").strip() or None,
        backdate_approver=backdate_approver,
    )
    ctx.call_on_close(ctx.obj.close)  # the state database is closed when the command ends


def run() -> None:
    """Entry point: UTF-8 out whatever the locale (cron often runs with LANG=C)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")
    cli.main(prog_name="svc")
