"""Keeping the record log sound: `svc repair`, `svc verify`, `svc audit reveals|backdated`."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path

import click

from svccli.cli.context import App, pass_app, warn
from svccli.cli.params import DAY, Text
from svccli.core.events import label
from svccli.errors import DATA, SvcError, UsageError
from svccli.render.output import emit, output_options
from svccli.store.repair import against, heads
from svccli.store.repair import repair as repair_log

HEAD_COLUMNS = [("path", "记录文件"), ("lines", "行数"), ("head", "末行哈希"), ("problems", "问题数")]
REVEAL_COLUMNS = [("when", "时间"), ("by", "人员编号"), ("name", "姓名"), ("what_name", "查看内容"), ("reason", "理由")]


def reveal_what(what: str) -> str:
    """What a reveal record says was seen (`what`, as `svc show`, `svc inquiries` and `svc sql` record it:
    "case ID", "inquiries", "sql: QUERY"), in Chinese for the listing; the records stay as written."""
    if what.startswith("case "):
        return f"案件 {what[5:]}"
    if what == "inquiries":
        return "首问登记台账"
    if what.startswith("sql: "):
        return f"SQL 查询：{what[5:]}"
    return what


def _who(app: App) -> str:
    """Who ran a repair, for the quarantine note: the staff id when given, else the OS login."""
    chosen = app.as_option or os.environ.get("SVC_STAFF")
    if chosen:
        return chosen
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@click.command()
@click.option("--dry-run", is_flag=True, help="只列出会移走的行，不改动文件。")
@pass_app
def repair(app: App, dry_run: bool) -> None:
    """把写入中断留下的残行（不是 JSON 的行）移入记录文件旁的隔离文件 *.jsonl.quarantine。

    \b
    在记录锁下进行；每个移走的行在隔离文件中留一条说明（时间、位置、原因、原始字节），
    然后原子地改写记录文件（临时文件、fsync、改名、目录 fsync）。不删除任何内容。
    能解析但哈希链断裂或缺字段的行不移动：它们可能是改动的证据，由 svc check 继续报告。
    无事可做时不输出，退出 0。
    """
    home = app.home
    done = repair_log(home.log, app.now.isoformat(), _who(app), dry_run=dry_run)
    verb = "将移入" if dry_run else "已移入"
    for m in done.moved:
        click.echo(
            f"{m.path}:{m.line}: {verb}隔离文件 {Path(m.path).name}.quarantine（{m.reason}，{m.size} 字节）", err=True
        )
    for path, line in done.completed:
        click.echo(f"{path}:{line}: {'将补上' if dry_run else '已补上'}行尾换行（完整的记录，仅缺换行）", err=True)
    if done.kept:
        click.echo(f"另有 {len(done.kept)} 处记录问题不是残行，repair 不处理（可能是改动的证据，保留原样）：", err=True)
        for p in done.kept[:20]:
            click.echo(f"  {p}", err=True)
        if len(done.kept) > 20:
            click.echo("  ……svc check 列出全部", err=True)


@click.command()
@click.option(
    "--heads", "show_heads", is_flag=True, help="列出每个记录文件的路径、行数和末行哈希（供对外公布，日后核对）。"
)
@click.option(
    "--against",
    "posted",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="与此前公布的 `svc verify --heads --format json` 输出核对：公布时的末行仍须在原位、哈希不变。",
)
@output_options
@pass_app
def verify(app: App, show_heads: bool, posted: Path | None, fmt: str, encoding: str) -> None:
    """核验每个记录文件的哈希链：被改动、删除或调换的行以 “文件:行” 报告。有问题退出 1。"""
    log = app.home.log
    rows, problems = heads(log)
    if posted is not None:
        problems += against(log, _posted(posted))
    if show_heads:
        emit(rows, HEAD_COLUMNS, fmt, encoding, empty="没有记录文件")
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        raise SvcError(f"发现 {len(problems)} 个问题", DATA)
    if not show_heads:
        click.echo(
            f"已核验 {len(rows)} 个记录文件、{sum(r['lines'] for r in rows)} 行：哈希链完整"
            + ("，与公布的末行哈希相符" if posted is not None else ""),
            err=True,
        )


def _posted(path: Path) -> list[dict]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list):
            raise ValueError("应为 JSON 数组")
        for row in rows:
            if not (
                isinstance(row, dict)
                and isinstance(row.get("path"), str)
                and isinstance(row.get("lines"), int)
                and isinstance(row.get("head"), str)
            ):
                raise ValueError("每项应有 path、lines、head")
            if not row["path"].startswith("records/") or ".." in Path(row["path"]).parts:
                raise ValueError(f"路径 {row['path'][:80]} 不在 records/ 下")
        return rows
    except (ValueError, UnicodeDecodeError) as e:
        raise UsageError(f"--against：{path} 不是 `svc verify --heads --format json` 的输出（{e}）") from None


@click.group()
def audit() -> None:
    """审计：查看完整个人信息的记录、补录（业务日期早于记录时间）的记录、更正和撤销的记录。"""


@audit.command("reveals")
@click.option("--since", type=DAY, help="只列出该日及以后的查看记录。")
@output_options
@pass_app
def reveals(app: App, since: dt.date | None, fmt: str, encoding: str) -> None:
    """列出每一次查看完整个人信息（--reveal）：时间、人员、查看内容、理由。"""
    home = app.home
    lines, problems = home.log.read()
    bad = [p for p in problems if not p.warning]
    if bad:
        warn(f"记录文件有 {len(bad)} 个问题（svc check 列出全部）；以下只列出可读的记录")
    cutoff = app.as_of.isoformat() if app.as_of else None
    rows = []
    for ln in sorted((ln for ln in lines if ln.event.get("type") == "reveal"), key=lambda ln: ln.event["ts"]):
        e = ln.event
        day = e["ts"][:10]
        if (since and day < since.isoformat()) or (cutoff and day > cutoff):
            continue
        rows.append(
            {
                "id": e["id"],
                "ts": e["ts"],
                "when": e["ts"][:16].replace("T", " "),
                "by": e["by"],
                "name": home.roster.name(e["by"]),
                "what": str(e.get("what", "")),
                "what_name": reveal_what(str(e.get("what", ""))),
                "reason": str(e.get("reason", "")),
                "where": f"{ln.path}:{ln.line}",
            }
        )
    emit(rows, REVEAL_COLUMNS, fmt, encoding, empty="没有查看完整个人信息的记录")


def _audited_lines(app: App, staff: str | None) -> list:
    """Every readable record line for an audit listing; --staff checked against the roster, and
    records that cannot be read warned of (the listing still shows the rest)."""
    if staff and staff not in app.home.roster.staff:
        raise UsageError(f"--staff：人员编号 “{staff}” 不在名册中")
    lines, problems = app.home.log.read()
    if any(not p.warning for p in problems):
        warn("记录文件有问题（svc check 列出全部）；以下只列出可读的记录")
    return lines


BACKDATED_COLUMNS = [
    ("when", "记录时间"),
    ("on", "业务日期"),
    ("name", "记录人"),
    ("type_name", "操作"),
    ("case", "案件编号"),
    ("reason", "补录理由"),
    ("approved_by_name", "批准人"),
    ("where", "位置"),
]


@audit.command("backdated")
@click.option("--since", type=DAY, help="只列出该日及以后记录的补录。")
@click.option("--staff", type=Text(40), help="只列出该人员记录的补录。")
@output_options
@pass_app
def backdated(app: App, since: dt.date | None, staff: str | None, fmt: str, encoding: str) -> None:
    """列出每一条补录：业务日期早于实际记录时间的记录，附理由和批准人（超过补录期限时）。"""
    home = app.home
    lines = _audited_lines(app, staff)
    rows = []
    for ln in sorted((ln for ln in lines if ln.event.get("on")), key=lambda ln: ln.event["ts"]):
        e = ln.event
        if (since and e["ts"][:10] < since.isoformat()) or (staff and e["by"] != staff):
            continue
        rows.append(
            {
                "id": e["id"],
                "ts": e["ts"],
                "when": e["ts"][:16].replace("T", " "),
                "on": str(e["on"]),
                "by": e["by"],
                "name": home.roster.name(e["by"]),
                "type": e["type"],
                "type_name": label(e["type"]),
                "case": str(e.get("case", "")),
                "reason": str(e.get("backdate_reason", "")),
                "approved_by": str(e.get("approved_by", "")),
                "approved_by_name": home.roster.name(e["approved_by"]) if e.get("approved_by") else "",
                "where": f"{ln.path}:{ln.line}",
            }
        )
    emit(rows, BACKDATED_COLUMNS, fmt, encoding, empty="没有补录的记录")


CORRECTION_COLUMNS = [
    ("when", "记录时间"),
    ("name", "记录人"),
    ("type_name", "操作"),
    ("case", "案件编号"),
    ("what", "更正内容或撤销的步骤"),
    ("reason", "理由"),
    ("approved_by_name", "批准人"),
    ("where", "位置"),
]


@audit.command("corrections")
@click.option("--since", type=DAY, help="只列出该日及以后记录的更正和撤销。")
@click.option("--staff", type=Text(40), help="只列出该人员记录的更正和撤销。")
@output_options
@pass_app
def corrections(app: App, since: dt.date | None, staff: str | None, fmt: str, encoding: str) -> None:
    """列出每一条更正（svc amend）和撤销（svc void）：时间、记录人、案件、改了什么或撤销了哪一步、理由、批准人。"""
    from svccli.cli.corrections_cmd import correction_row

    lines = _audited_lines(app, staff)
    cutoff = app.as_of.isoformat() if app.as_of else None
    rows = []
    for ln in sorted(lines, key=lambda ln: (ln.event["ts"], ln.path, ln.line)):
        e, day = ln.event, ln.event["ts"][:10]
        if e.get("type") not in ("amend", "void") or (staff and e["by"] != staff):
            continue
        if (since and day < since.isoformat()) or (cutoff and day > cutoff):
            continue
        rows.append(correction_row(app, e, f"{ln.path}:{ln.line}"))
    emit(rows, CORRECTION_COLUMNS, fmt, encoding, empty="没有更正或撤销的记录")


COMMANDS = [repair, verify, audit]
