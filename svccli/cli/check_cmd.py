"""`svc check`: every catalogue file, the roster, calendars, scoring scheme and all records."""

from __future__ import annotations

import datetime as dt
import sys

import click

from svccli.cli.context import App, pass_app
from svccli.core.fold import fold
from svccli.core.overdue import daily_check
from svccli.core.problems import Problem
from svccli.errors import DATA, SvcError


@click.command()
@pass_app
def check(app: App) -> None:
    """检查目录、名册、日历、考核方案和全部记录；每个问题一行 “文件:行: 说明”。

    无问题退出 0，在终端运行时输出“检查完毕：未发现问题”（供 cron 运行时不输出）；有问题退出 1。

    缺少明年日历只作警告（从 11 月 1 日起）。
    """
    home = app.home
    lines, record_problems = home.log.read()
    folded = fold(lines)
    problems = home.problems + record_problems + folded.problems + list(unknown_services(folded, home))
    problems += unevaluable(folded, home, app.today)
    problems += special_files(home) + duplicate_ids(lines) + business_dates(lines)
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.message))  # the loader names a link too
    reported = problems + list(app.calendar_problems())
    for p in reported:
        click.echo(str(p), err=p.warning)
    failing = [p for p in problems if not p.warning]
    if failing:
        raise SvcError(f"发现 {len(failing)} 个问题", DATA)
    if _terminal(sys.stdout):  # someone at a terminal hears it went well; cron (stdout not a terminal) hears nothing
        click.echo("检查完毕：未发现问题" + (f"（另有 {len(reported)} 条警告，见上）" if reported else ""))


def _terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def special_files(home) -> list[Problem]:
    """Links, FIFOs and devices under catalog/ and records/: never read or written through."""
    from svccli.store.durable import find_special, special_message

    found = find_special(home.path / "catalog", "catalog") + find_special(home.log.root, "records")
    return [Problem(rel, 0, special_message(kind)) for rel, kind in found]


def duplicate_ids(lines) -> list[Problem]:
    """An event id is made once (16 random hex digits): the same id twice, in one clone's files or
    across clones, is a copied line. Each place is named, with the others."""
    places: dict[str, list[tuple[str, int]]] = {}
    for ln in lines:
        places.setdefault(ln.event["id"], []).append((ln.path, ln.line))
    found = []
    for event_id, where in places.items():
        if len(where) < 2:
            continue
        for path, line in where:
            others = "、".join(f"{p}:{n}" for p, n in where if (p, n) != (path, line))
            found.append(Problem(path, line, f"记录编号 id “{event_id}” 重复（另见 {others}）"))
    return found


def business_dates(lines) -> list[Problem]:
    """A record's business date (`on`, 补录) is a date no later than the day it was recorded."""
    found = []
    for ln in lines:
        on = ln.event.get("on")
        if on is None:
            continue
        try:
            later = dt.date.fromisoformat(on) > dt.date.fromisoformat(ln.event["ts"][:10])
        except (TypeError, ValueError):
            found.append(Problem(ln.path, ln.line, f"业务日期 on “{str(on)[:20]}” 不是有效日期（YYYY-MM-DD）"))
            continue
        if later:
            found.append(
                Problem(ln.path, ln.line, f"业务日期 {on} 晚于记录时间 {ln.event['ts'][:16]}（记录不能预先补录）")
            )
    return found


def unknown_services(folded, home):
    for case in folded.cases.values():
        if case.service not in home.catalog.items:
            path, line = case.where
            yield Problem(path, line, f"案件 {case.id} 的事项 {case.service} 不在目录中", soft=True)


def unevaluable(folded, home, today) -> list[Problem]:
    """The open cases the daily check cannot evaluate (a date the calendar cannot count), at their intake."""
    found = daily_check([c for c in folded.cases.values() if c.is_open], home.catalog, home.calendar, today)
    return [
        Problem(*f.case.where, f"案件 {f.case.id} 无法由每日超期检查计算：{f.detail.split(': ', 1)[-1]}")
        for f in found
        if f.kind == "problem" and f.item is not None
    ]


COMMANDS = [check]
