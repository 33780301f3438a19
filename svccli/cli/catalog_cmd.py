"""`svc catalog list|show`: the service items and the 办事指南 page of one."""

from __future__ import annotations

from pathlib import Path

import click

from svccli.cli.context import App, pass_app
from svccli.cli.recording import html_option, write_page
from svccli.errors import UsageError
from svccli.render.guide import guide_page, guide_text
from svccli.render.output import emit, output_options

COLUMNS = [
    ("code", "事项代码"),
    ("name", "事项名称"),
    ("department", "部门"),
    ("kind", "类型"),
    ("licensing", "行政许可"),
    ("statutory_limit", "法定时限"),
    ("committed_limit", "承诺时限"),
    ("location", "办理地点"),
]


@click.group()
def catalog() -> None:
    """服务事项目录。"""


@catalog.command("list")
@click.option("--department", "-d", metavar="DEPT", help="只列出该部门（代码或名称）的事项。")
@click.option(
    "--kind",
    type=click.Choice(["immediate", "committed", "joint", "forwarded", "reply", "special", "filing"]),
    help="只列出该类型的事项。",
)
@output_options
@pass_app
def list_items(app: App, department: str | None, kind: str | None, fmt: str, encoding: str) -> None:
    """列出服务事项。"""
    cat = app.checked_home().catalog
    if department and not any(department in (d.code, d.name) for d in cat.departments.values()):
        raise UsageError(f"--department：没有部门 “{department}”（可选：{', '.join(cat.departments)}）")
    rows = []
    for item in cat.items.values():
        dept = cat.departments[item.department]
        if department and department not in (dept.code, dept.name):
            continue
        if kind and item.kind != kind:
            continue
        rows.append(
            {
                "code": item.code,
                "name": item.name,
                "department": dept.name,
                "kind": item.kind_name,
                "licensing": item.licensing,
                "statutory_limit": item.statutory_limit,
                "committed_limit": item.committed_limit,
                "location": item.location,
            }
        )
    emit(rows, COLUMNS, fmt, encoding, empty="没有符合条件的事项")


@catalog.command("show")
@click.argument("code")
@html_option(help="把办事指南写成可打印的 A4 页面（HTML 文件，权限 0600；文件已存在时须加 --force）。")
@pass_app
def show_item(app: App, code: str, html: Path | None) -> None:
    """显示一个事项的办事指南；加 --html 时另写一页 A4 办事指南，供窗口资料架取阅。"""
    home = app.checked_home()
    cat = home.catalog
    item = cat.item(code)
    if item is None:
        near = [c for c in cat.items if code.upper() in c.upper()][:8]
        hint = f"（相近的有：{', '.join(near)}）" if near else "（svc catalog list 列出全部）"
        raise UsageError(f"没有事项代码 “{code}”{hint}")
    text = guide_text(item, cat, home.roster, home.path)
    if html is not None:  # rendered before anything is shown: a template error leaves no half-done output
        write_page(app, html, guide_page(item, cat, home.roster, home.path, app.business_day), "办事指南")
    click.echo(text)


COMMANDS = [catalog]
