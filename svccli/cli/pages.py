"""The files a command prints to: `--html FILE` and `--pdf FILE` (A4 pages), written safely.

Every page goes to a private temporary file (0600, O_EXCL, never through a link) beside its target
and takes the target's name only when the command has succeeded — for a command that records, after
its records are on file (`recording.finish`). An existing file is replaced only with --force.

`--pdf` lays out the same HTML with WeasyPrint (render/pdf.py): no browser is needed to print. With
`--pdf` alone a command still renders its pages, as for `--html`, and the value it is handed for
`html` is PDF_ONLY: a target no HTML is written to. Several documents of one step share one file
(each from a new page); their PDF is made once, from all of them, before the records are appended,
so a page that cannot be laid out leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from svccli.cli.context import App, warn
from svccli.errors import UsageError
from svccli.render.documents import bind_pages
from svccli.store.durable import _fault, _write_all, lstat_kind, reason

FORCE, PDF = "svccli.html_force", "svccli.pdf"
PDF_ONLY = Path("（仅 PDF）")  # `html` when only --pdf was given: pages are rendered, no HTML file written


class Written:
    """One target's pages (a step's documents, or one page) in private temporary files: the HTML and,
    with --pdf, the PDF; renamed into place by `put_in_place`."""

    def __init__(self, target: Path, name: str, pages: list[str], recording: bool):
        self.target, self.name, self.pages, self.recording = target, name, pages, recording
        self.pdf: Path | None = _pdf_target()
        self.temp = None if target == PDF_ONLY else _write_temp(target, bind_pages(pages), recording)
        self.pdf_temp: Path | None = None

    def add(self, page: str, name: str) -> None:
        """Another document of the same step: the HTML file is written again with every page."""
        self.pages.append(page)
        self.name = f"{self.name}、{name}"
        if self.temp is not None:
            temp = _write_temp(self.target, bind_pages(self.pages), self.recording)
            remove(self.temp)
            self.temp = temp

    def make_pdf(self) -> None:
        """The PDF of every page so far (render/pdf.py), into its private temporary file."""
        if self.pdf is None or self.pdf_temp is not None:
            return
        from svccli.render.pdf import pdf_bytes

        self.pdf_temp = _write_temp(self.pdf, pdf_bytes(*self.pages), self.recording, "--pdf")

    def temps(self) -> list[Path]:
        return [t for t in (self.temp, self.pdf_temp) if t is not None]


def show_document(app: App, name: str, text: str, page: str, html: Path | None) -> None:
    """Show a document on the terminal and, with --html or --pdf, write its A4 page: at once when
    nothing is recorded; else kept with the step's other documents until the records are on file."""
    from svccli.cli.recording import say

    if html is None:
        say(app, text)
        return
    if app.staged is not None:
        earlier = next((d for d in app.documents if d.target == html and d.pages), None)
        if earlier is None:
            app.documents.append(Written(html, name, [page], recording=True))
        else:
            earlier.add(page, name)
        say(app, text)
        return
    written = Written(html, name, [page], recording=False)
    click.echo(text)
    written.make_pdf()
    put_in_place(written, recorded=False)


def write_page(app: App, html: Path, page: str, name: str) -> None:
    """Write a page that goes with no record of its own (a guide, a report) the same way."""
    written = Written(html, name, [page], recording=app.staged is not None)
    if app.staged is not None:
        app.documents.append(written)
        return
    written.make_pdf()
    put_in_place(written, recorded=False)


def put_in_place(doc: Written, recorded: bool) -> None:
    """Rename the temporary files to their targets. After the records are on file a failure here is
    a warning (exit 0: they are), naming `svc print` to write the page again."""
    for temp, target in ((doc.temp, doc.target), (doc.pdf_temp, doc.pdf)):
        if temp is None or target is None:
            continue
        try:
            os.replace(temp, target)
        except OSError as e:
            remove(temp)
            if not recorded:
                raise _fault("改名为", str(target), e, "文书未写入") from None
            warn(f"记录已保存，但{doc.name}未能写入 {target}（{reason(e)}）；请用 svc print 重新打印")
            continue
        _fsync_folder(target.parent)
        click.echo(f"（{doc.name}已写入 {target}）", err=True)


def _write_temp(target: Path, content: str | bytes, recording: bool, option: str = "--html") -> Path:
    """The content in a new private file in `target`'s folder (O_EXCL, 0600, fsynced)."""
    check_target(target, _force(), option)  # again: the file may have appeared since the options were read
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as e:
        raise _fault("创建临时文件", str(temp), e, _not_written(recording)) from None
    try:
        os.fchmod(fd, 0o600)  # documents hold personal data, whatever the umask
        _write_all(fd, content.encode("utf-8") if isinstance(content, str) else content)
        os.fsync(fd)
    except OSError as e:
        remove(temp)
        raise _fault("写入", str(temp), e, _not_written(recording)) from None
    finally:
        os.close(fd)
    return temp


def _not_written(recording: bool) -> str:
    return "文书未写入，记录未保存" if recording else "文书未写入"


def remove(path: Path) -> None:
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


def check_target(path: Path, force: bool, option: str = "--html") -> None:
    """A page's target: never a link (not even with --force), never a device or FIFO, and no
    existing file unless --force (exit 2, naming the option)."""
    kind = lstat_kind(path)
    if kind:
        raise UsageError(f"{option}：{path} 是{kind}，不会经由它写入文书；请换一个文件名")
    if os.path.lexists(path) and not force:
        raise UsageError(f"{option}：文件 {path} 已存在；确要覆盖请加 --force")


def _force() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(FORCE))


def _pdf_target() -> Path | None:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(PDF) if ctx is not None else None


HTML_HELP = (
    "把这一步出具的全部可打印 A4 文书写入该 HTML 文件：几份文书（如收件凭证、受理通知书、补办件通知书）"
    "合在同一个文件里，每份从新的一页开始；权限 0600；文件已存在时须加 --force。"
)


def html_option(f=None, *, help: str = HTML_HELP):
    """--html FILE, --pdf FILE and --force for a command that prints A4 pages."""

    def decorate(f):
        f = click.option(
            "--html", type=click.Path(dir_okay=False, writable=True, path_type=Path), callback=_html_value, help=help
        )(f)
        f = click.option(
            "--pdf",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            is_eager=True,
            expose_value=False,
            callback=_pdf_value,
            help="同样的 A4 页面另写成 PDF 文件（内嵌字体，可直接打印；页脚页码）；文件已存在时须加 --force。",
        )(f)
        return click.option(
            "--force",
            is_flag=True,
            is_eager=True,  # read before --html, wherever it stands on the line
            expose_value=False,
            callback=_force_value,
            help="--html、--pdf 的文件已存在时覆盖它（符号链接、设备等从不覆盖）。",
        )(f)

    return decorate(f) if f is not None else decorate


def _force_value(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[FORCE] = bool(value)
    return value


def _pdf_value(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        ctx.meta[PDF] = value
    return value


def _html_value(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Checked after the eager --force and --pdf: both targets; PDF_ONLY when only --pdf was given."""
    force, pdf = bool(ctx.meta.get(FORCE)), ctx.meta.get(PDF)
    if pdf is not None:
        check_target(pdf, force, "--pdf")
        if value is not None and Path(os.path.abspath(value)) == Path(os.path.abspath(pdf)):
            raise UsageError("--html 与 --pdf 不能是同一个文件")
    if value is not None:
        check_target(value, force)
        return value
    return PDF_ONLY if pdf is not None else None
