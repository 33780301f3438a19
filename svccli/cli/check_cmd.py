"""`svc check`: every catalogue file, the roster, calendars, scoring scheme and all records."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.core.fold import fold
from svccli.core.problems import Problem
from svccli.errors import DATA, SvcError


@click.command()
@pass_app
def check(app: App) -> None:
    """检查目录、名册、日历、考核方案和全部记录；每个问题一行 “文件:行: 说明”。

    无问题退出 0；有问题退出 1。缺少明年日历只作警告（从 11 月 1 日起）。
    """
    home = app.home
    lines, record_problems = home.log.read()
    folded = fold(lines)
    problems = home.problems + record_problems + folded.problems + list(unknown_services(folded, home))
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    for p in problems + list(app.calendar_problems()):
        click.echo(str(p), err=p.warning)
    failing = [p for p in problems if not p.warning]
    if failing:
        raise SvcError(f"发现 {len(failing)} 个问题", DATA)


def unknown_services(folded, home):
    for case in folded.cases.values():
        if case.service not in home.catalog.items:
            path, line = case.where
            yield Problem(path, line, f"案件 {case.id} 的事项 {case.service} 不在目录中", soft=True)


COMMANDS = [check]
