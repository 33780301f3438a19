"""Exit codes and the errors that carry them: the one place they are mapped.

| code | meaning |
|------|---------|
| 0 | ok |
| 1 | data problem: a catalogue, roster, calendar or record file is wrong, or a rule forbids the action |
| 2 | usage: a bad option, argument or value on the command line |
| 3 | found: overdue cases (or an unattended post) exist — for cron |
| 4 | the record lock could not be taken in time (another writer); try again |
"""

from __future__ import annotations

import click

OK, DATA, USAGE, FOUND, LOCKED = 0, 1, 2, 3, 4
EXIT_CODES = {
    OK: "正常",
    DATA: "数据问题",
    USAGE: "用法错误",
    FOUND: "发现超期案件或无人值守岗位",
    LOCKED: "记录锁被占用",
}


class SvcError(click.ClickException):
    """A message for the user and its exit code; never a traceback."""

    exit_code = DATA

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        if code is not None:  # click declares exit_code a class variable: set on this instance alone
            setattr(self, "exit_code", code)  # noqa: B010

    def show(self, file=None) -> None:
        click.echo(f"svc: {self.format_message()}", err=True)


class DataError(SvcError):
    exit_code = DATA


class UsageError(SvcError):
    exit_code = USAGE


class Locked(SvcError):
    exit_code = LOCKED


class Found(SvcError):
    """Not an error: results were printed and cron should mail them."""

    exit_code = FOUND

    def __init__(self):
        super().__init__("")

    def show(self, file=None) -> None:
        pass
