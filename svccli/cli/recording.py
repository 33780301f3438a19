"""Shared by the commands that record events: stamping, appending, finding a case, guards.

The exit code tells the truth (issue 16): 0 when the records are on file, 1 or 2 when nothing was
written. A command that prints a document (it takes `--html`) therefore records in two steps: its
events are made under the record lock and held (`record`), the documents are rendered and their
pages written to private temporary files (`print_document`), and only when the command has
finished are the events appended durably and then the pages renamed into place (`finish`, called
by cli/main.py). Whatever fails before the append leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import click

from svccli.cli.context import App, silence_stdout, warn
from svccli.core.cases import STATUS, Case
from svccli.core.catalog import ServiceItem
from svccli.core.events import label
from svccli.errors import DataError, UsageError
from svccli.render.documents import render
from svccli.render.views import DOCUMENTS
from svccli.store.durable import _fault, _write_all, lstat_kind


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


def show_document(app: App, name: str, text: str, page: str, html: Path | None) -> None:
    """Show a document on the terminal, and write its printable A4 page when --html is given.

    The page goes to a temporary file (0600) beside PATH; it takes PATH's name only once the
    records it goes with are on file (`finish`), at once when nothing is being recorded. The text
    waits for them too (`say`)."""
    if html is None:
        say(app, text)
        return
    written = Written(html, _write_temp(html, page, _force(), app.staged is not None), name)
    if app.staged is not None:
        app.documents.append(written)
        say(app, text)
        return
    click.echo(text)
    _put_in_place(written, recorded=False)


def write_page(app: App, html: Path, page: str, name: str) -> None:
    """Write a rendered page that goes with no record (as `svc due --html`) the same way: 0600, by
    a temporary file renamed into place, never through a link, an existing file only with --force."""
    written = Written(html, _write_temp(html, page, _force(), app.staged is not None), name)
    if app.staged is not None:
        app.documents.append(written)
    else:
        _put_in_place(written, recorded=False)


def say(app: App, text: str) -> None:
    """Print to stdout; while records wait to be written (`record`), only once they are: a case id
    or a document on the screen means it is on file."""
    if app.staged is not None:
        app.output.append(text)
    else:
        click.echo(text)


class Written:
    """A document page in its temporary file, to be renamed to `target`."""

    def __init__(self, target: Path, temp: Path, name: str):
        self.target, self.temp, self.name = target, temp, name


def _write_temp(target: Path, page: str, force: bool, recording: bool) -> Path:
    """The page in a new private file in `target`'s folder (O_EXCL, 0600, fsynced)."""
    check_target(target, force)  # again: the file may have appeared since the options were read
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as e:
        raise _fault("创建临时文件", str(temp), e, _not_written(recording)) from None
    try:
        os.fchmod(fd, 0o600)  # documents hold personal data, whatever the umask
        _write_all(fd, page.encode("utf-8"))
        os.fsync(fd)
    except OSError as e:
        _remove(temp)
        raise _fault("写入", str(temp), e, _not_written(recording)) from None
    finally:
        os.close(fd)
    return temp


def _not_written(recording: bool) -> str:
    return "文书未写入，记录未保存" if recording else "文书未写入"


def _put_in_place(doc: Written, recorded: bool) -> None:
    """Rename the temporary file to the target. After the records are on file a failure here is a
    warning (exit 0: they are), naming `svc print` to write the page again."""
    try:
        os.replace(doc.temp, doc.target)
    except OSError as e:
        _remove(doc.temp)
        if not recorded:
            raise _fault("改名为", str(doc.target), e, "文书未写入") from None
        warn(f"记录已保存，但{doc.name}未能写入 {doc.target}（{e.strerror or e}）；请用 svc print 重新打印")
        return
    _fsync_folder(doc.target.parent)
    click.echo(f"（{doc.name}已写入 {doc.target}）", err=True)


def finish(app: App, ok: bool) -> None:
    """End of a command (cli/main.py): when it succeeded, append the records it holds durably and
    then put its documents in place; when it failed, drop both, so that nothing is written."""
    staged, documents, output = app.staged, app.documents, app.output
    app.staged, app.documents, app.output = None, [], []
    if not ok:
        for doc in documents:
            _remove(doc.temp)
        if staged is not None:
            staged.drop()
        return
    try:
        if staged is not None:
            staged.commit()
            _warn_torn(staged.log)
    except BaseException:
        for doc in documents:
            _remove(doc.temp)
        raise
    try:
        for text in output:
            click.echo(text)
    except BrokenPipeError:  # `svc intake … | head -1`: the reader has what it wanted; it is recorded
        silence_stdout()
    for doc in documents:
        _put_in_place(doc, recorded=True)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


FORCE = "svccli.html_force"


def check_target(path: Path, force: bool) -> None:
    """`--html PATH`: never a link (not even with --force: a page is never written through one),
    never a device or FIFO, and no existing file unless --force (exit 2, naming the option)."""
    kind = lstat_kind(path)
    if kind:
        raise UsageError(f"--html：{path} 是{kind}，不会经由它写入文书；请换一个文件名")
    if os.path.lexists(path) and not force:
        raise UsageError(f"--html：文件 {path} 已存在；确要覆盖请加 --force")


def _force() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(FORCE))


def done(message: str) -> None:
    click.echo(message, err=True)


def html_option(f):
    f = click.option(
        "--html",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        callback=_html_value,
        help="把可打印的 A4 文书写入该 HTML 文件（权限 0600；文件已存在时须加 --force）。",
    )(f)
    return click.option(
        "--force",
        is_flag=True,
        is_eager=True,  # read before --html, wherever it stands on the line
        expose_value=False,
        callback=_force_value,
        help="--html 的文件已存在时覆盖它（符号链接、设备等从不覆盖）。",
    )(f)


def _force_value(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[FORCE] = bool(value)
    return value


def _html_value(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        check_target(value, bool(ctx.meta.get(FORCE)))
    return value


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
