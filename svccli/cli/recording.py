"""Shared by the commands that record events: stamping, appending, finding a case, guards.

The exit code tells the truth (issue 16): 0 when the records are on file, 1 or 2 when nothing was
written. A command that prints a document (it takes `--html`) therefore records in two steps: its
events are made under the record lock and held (`record`), the documents are rendered and their
pages written to private temporary files (`print_document`), and only when the command has
finished are the events appended durably and then the pages renamed into place (`finish`, called
by cli/main.py). Whatever fails before the append leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from svccli.cli.context import App, silence_stdout, warn
from svccli.cli.pages import check_target, html_option, put_in_place, remove, show_document, write_page
from svccli.core.cases import STATUS, Case
from svccli.core.catalog import ServiceItem
from svccli.core.events import label
from svccli.errors import DataError, UsageError
from svccli.render.documents import render
from svccli.render.views import DOCUMENTS


def record(app: App, events: list[dict] | Callable[[str], list[dict]]) -> list[dict]:
    """Append events stamped with now and the actor. A callable is given a new case id, numbered
    under the lock as office-clone-date-sequence (unique across clones, short enough to read out)."""
    if app.as_of_option:
        raise UsageError("--as-of 只用于查询命令；记录操作请去掉 --as-of")
    by = app.actor()
    now = app.now  # the real time of recording, whatever the options (issue 16)
    backdated = app.backdating()  # `on` and its reason when --today is earlier than today
    log = app.home.log
    clone = log.clone_id()

    def stamped(path: Path) -> list[dict]:
        if callable(events):
            prefix = f"{app.home.catalog.office.code}-{clone}-{now:%y%m%d}-"
            made = events(f"{prefix}{log.last_number(path, prefix) + 1:03d}")
        else:
            made = events
        return [{"ts": now.isoformat(), "by": by, **e, **backdated} for e in made]

    app.writing = True  # from here on a bad line elsewhere is a warning (context.report)
    if not _has_document():
        written = log.append(stamped, now.date().isoformat(), clone)
        _warn_torn(log)
        return written
    if app.staged is not None:  # a second record in the same command: the same lock, the same file
        return app.staged.add(stamped(app.staged.path))
    app.staged = log.stage(stamped, now.date().isoformat(), clone)
    return list(app.staged.events)


def next_number(app: App, letters: str, field: str) -> str:
    """The next id LETTERS-<clone>-YYMMDD-NNN of an office record (a leave, a cover, a complaint, a
    sanction), numbered from this clone's file of the day; called under the record lock (inside the
    callable given to `record`), so two writers never take the same number."""
    log, now = app.home.log, app.now
    clone = log.clone_id()
    prefix = f"{letters}-{clone}-{now:%y%m%d}-"
    return f"{prefix}{log.last_number(log.partition(clone, now.date().isoformat()), prefix, field) + 1:03d}"


def _warn_torn(log) -> None:
    """An append after a crash's torn line succeeds (the line is left on its own line, outside the
    chain); it is said on stderr, pointing at `svc repair`, and the exit code stays 0."""
    for shown in log.torn:
        warn(
            f"{shown} 末尾有写入中断留下的残行（未确认的记录）；本次记录已另起一行保存。运行 svc repair 将残行移入隔离文件"
        )


def _has_document() -> bool:
    """Whether the running command prints a document (it has the shared --html option)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and "html" in ctx.params


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
    """Issue a document that the command's records call for, or print the last one issued again.

    While the command records (`record` holds its events), the document is issued: it takes the
    next number of the register and its issuing record keeps what is needed to print it again
    (cli/register.py). Otherwise the one issued last is printed as it was issued."""
    from svccli.cli import register  # it builds on this module

    if app.staged is not None:
        register.issue(app, case, doc, html)
    else:
        register.reprint(app, case, doc, html, None)


def render_document(app: App, case_id: str, doc: str, view: dict, html: Path | None) -> tuple[str, str]:
    """The text and (with --html) the page of a document from its view and the templates of today."""
    home = app.home.path
    try:
        text = render(f"{doc}.txt.j2", view, home)
        page = render(f"{doc}.html.j2", view, home) if html is not None else ""
    except DataError as e:
        after = (
            "记录未保存；修正模板后重做"
            if app.staged is not None
            else f"已保存的记录不受影响；修正模板后用 svc print {case_id} {doc} 重新打印"
        )
        raise DataError(f"{DOCUMENTS[doc][0]}未能生成：{e}\n（{after}）") from None
    return text, page


def say(app: App, text: str) -> None:
    """Print to stdout; while records wait to be written (`record`), only once they are: a case id
    or a document on the screen means it is on file."""
    if app.staged is not None:
        app.output.append(text)
    else:
        click.echo(text)


def finish(app: App, ok: bool) -> None:
    """End of a command (cli/main.py): when it succeeded, make the PDFs of its pages, append the
    records it holds durably and then put its pages in place; when anything failed before the append,
    drop it all, so that nothing is written."""
    staged, documents, output = app.staged, app.documents, app.output
    app.staged, app.documents, app.output = None, [], []
    try:
        if not ok:
            raise _Dropped
        for doc in documents:  # laid out before the append: a page that cannot be leaves no record
            doc.make_pdf()
        if staged is not None:
            staged.commit()
            _warn_torn(staged.log)
    except BaseException as e:
        for doc in documents:
            for temp in doc.temps():
                remove(temp)
        if staged is not None:
            staged.drop()  # the lock goes (a commit that was made has let it go already)
        if isinstance(e, _Dropped):
            return
        raise
    try:
        for text in output:
            click.echo(text)
    except BrokenPipeError:  # `svc intake … | head -1`: the reader has what it wanted; it is recorded
        silence_stdout()
    for doc in documents:
        put_in_place(doc, recorded=True)


class _Dropped(Exception):
    """The command failed: its records and pages are dropped."""


def done(message: str) -> None:
    click.echo(message, err=True)


__all__ = [
    "record",
    "find_case",
    "service_of",
    "require",
    "print_document",
    "render_document",
    "show_document",
    "finish",
    "say",
    "write_page",
    "check_target",
    "done",
    "html_option",
    "label",
]
