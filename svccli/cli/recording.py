"""Shared by the commands that record events: stamping, appending, finding a case, guards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from svccli.cli.context import App
from svccli.core.cases import STATUS, Case
from svccli.core.catalog import ServiceItem
from svccli.core.events import label
from svccli.errors import DataError, UsageError
from svccli.render.documents import render
from svccli.render.views import DOCUMENTS, case_view


def record(app: App, events: list[dict] | Callable[[str], list[dict]]) -> list[dict]:
    """Append events stamped with now and the actor. A callable is given a new case id, numbered
    under the lock as office-clone-date-sequence (unique across clones, short enough to read out)."""
    if app.as_of_option:
        raise UsageError("--as-of 只用于查询命令；记录操作请去掉 --as-of")
    by = app.actor()
    now = app.now
    log = app.home.log
    clone = log.clone_id()

    def stamped(path: Path) -> list[dict]:
        if callable(events):
            prefix = f"{app.home.catalog.office.code}-{clone}-{now:%y%m%d}-"
            made = events(f"{prefix}{log.last_number(path, prefix) + 1:03d}")
        else:
            made = events
        return [{"ts": now.isoformat(), "by": by, **e} for e in made]

    return log.append(stamped, now.date().isoformat(), clone)


def find_case(app: App, case_id: str) -> tuple[None, Case]:
    case = app.case(case_id.strip().upper())
    if case is None:
        raise UsageError(f"没有案件 “{case_id}”（svc cases 列出全部案件）")
    return None, case


def service_of(app: App, case: Case) -> ServiceItem:
    item = app.home.catalog.item(case.service)
    if item is None:
        raise DataError(f"案件 {case.id} 的事项 {case.service} 已不在目录中")
    return item


def require(case: Case, allowed: tuple[str, ...], action: str) -> None:
    """Refuse an action the case's status does not allow, naming both (exit 1, nothing written)."""
    if case.status not in allowed:
        raise DataError(f"案件 {case.id} 当前状态为“{STATUS.get(case.status, case.status)}”，不能{action}")


def print_document(app: App, case: Case, doc: str, html: Path | None) -> None:
    """Show a document on the terminal, and write its printable A4 page when --html is given."""
    view = case_view(case, app.home.catalog, app.home.roster, app.home.calendar, app.today)
    home = app.home.path
    try:
        text = render(f"{doc}.txt.j2", view, home)
        page = render(f"{doc}.html.j2", view, home) if html is not None else ""
    except DataError as e:
        raise DataError(
            f"{DOCUMENTS[doc][0]}未能生成：{e}\n（已保存的记录不受影响；修正模板后用 svc print {case.id} {doc} 重新打印）"
        ) from None
    click.echo(text)
    if html is not None:
        html.write_text(page, encoding="utf-8")
        click.echo(f"（{DOCUMENTS[doc][0]}已写入 {html}）", err=True)


def done(message: str) -> None:
    click.echo(message, err=True)


def html_option(f):
    return click.option(
        "--html",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help="把可打印的 A4 文书写入该 HTML 文件。",
    )(f)


__all__ = ["record", "find_case", "service_of", "require", "print_document", "done", "html_option", "label"]
