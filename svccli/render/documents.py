"""Printed documents and terminal pages from jinja2 templates.

The office's own `templates/` folder comes first, so an office can edit any document; the
templates shipped with svccli fill in the rest. Templates get plain dicts (view models), never
domain objects, and HTML autoescaping is on: applicant text is never interpreted.

Templates are the one thing in an office's folder that is code (docs/trust.md), so they run in
jinja2's sandbox: a template that reaches for Python internals (`''.__class__`, a function's
`__globals__`) is refused with a data error naming its file, never executed. They are compiled in
memory only, once per process (one environment per home); nothing compiled is kept on disk, so
no file under .svc is ever loaded as code. A template is compiled again when its text changes.

jinja2 is imported when a document is first rendered, not when a command starts.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from svccli.errors import DataError
from svccli.resources import templates_dir

if TYPE_CHECKING:
    import jinja2

# Errors a template's own expressions can raise at render time (a bad filter argument, a number
# divided by zero): the office's template is wrong, so they are data errors naming its file.
TEMPLATE_FAULTS = (TypeError, ValueError, ArithmeticError, LookupError)


@lru_cache(maxsize=8)
def environment(home: Path | None) -> jinja2.Environment:
    """The sandboxed environment of one home, kept for the life of the process."""
    return _configured(_loader_class()(folders(home)))


def _configured(loader) -> jinja2.Environment:
    """Every environment is configured alike, so a document rendered again from its stored sources
    comes out byte for byte as it did from the files."""
    import jinja2

    env = _sandbox_class()(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=True,
    )
    env.filters["cn_date"] = cn_date
    return env


def folders(home: Path | None) -> list[str]:
    """Where templates are looked up: the office's own first, then the shipped ones."""
    return [*([str(home / "templates")] if home else []), str(templates_dir())]


def render(name: str, view: dict, home: Path | None = None) -> str:
    import jinja2
    from jinja2.sandbox import SecurityError

    try:
        return environment(home).get_template(name).render(**view)
    except jinja2.TemplateSyntaxError as e:
        raise DataError(f"templates/{e.name or name}:{e.lineno}: 模板语法错误：{e.message}") from None
    except jinja2.TemplateNotFound:
        raise DataError(f"找不到模板 templates/{name}") from None
    except jinja2.UndefinedError as e:
        raise DataError(f"{_where(e, home, name)}: 模板引用了不存在的字段：{e.message}") from None
    except SecurityError as e:
        raise DataError(f"{_where(e, home, name)}: 模板在沙箱中渲染，已拒绝：{e}（见 docs/trust.md）") from None
    except (jinja2.TemplateError, *TEMPLATE_FAULTS) as e:
        raise DataError(f"{_where(e, home, name)}: 模板运行出错：{e}") from None


def sources(names: list[str], home: Path | None) -> dict[str, str]:
    """The sources of the templates `names` and of every template they extend, include or import
    (by a constant name), as the office's folder and the shipped one give them now."""
    import jinja2
    import jinja2.meta

    env = environment(home)
    found: dict[str, str] = {}
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        try:
            found[name] = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            todo += [n for n in jinja2.meta.find_referenced_templates(env.parse(found[name])) if n]
        except jinja2.TemplateError:
            continue  # rendering the same name reports it, with its file and line
    return found


def render_stored(name: str, view: dict, stored: dict[str, str]) -> str:
    """A document rendered again from the template sources it was issued with (the record log keeps
    them), whatever the templates folder holds today."""
    import jinja2

    try:
        return _configured(jinja2.DictLoader(stored)).get_template(name).render(**view)
    except (jinja2.TemplateError, *TEMPLATE_FAULTS) as e:
        raise DataError(f"据存档模板 {name} 重新生成文书出错：{e}") from None


# One file holding several documents (`--html` on a step that issues more than one): each starts a
# new A4 sheet when printed; on screen a rule shows where the next begins.
PAGE_STYLE = (
    "<style>\n"
    "  .svc-page + .svc-page { break-before: page; page-break-before: always; }\n"
    "  @media screen { .svc-page + .svc-page { border-top: 1pt dashed #888; margin-top: 24pt; padding-top: 24pt; } }\n"
    "</style>\n"
)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)


def bind_pages(pages: list[str]) -> str:
    """Several rendered documents as one HTML file: the first one's head (the shared A4 style), then
    each document's body in a section that begins a new page."""
    if len(pages) == 1:
        return pages[0]
    first = pages[0]
    found = _BODY.search(first)
    if found is None:  # an office's template without a body element: the pages as they are, one after another
        head, tail = "", ""
    else:
        head, tail = first[: found.start(1)], first[found.end(1) :]
    if "</head>" in head:
        head = head.replace("</head>", PAGE_STYLE + "</head>", 1)
    else:
        head = PAGE_STYLE + head
    bodies = [(m.group(1) if (m := _BODY.search(p)) else p) for p in pages]
    return head + "".join(f'\n<section class="svc-page">{b}</section>\n' for b in bodies) + tail


def cn_date(value) -> str:
    """2026-11-25 -> 2026年11月25日 (as official documents write dates)."""
    if not value:
        return ""
    text = str(value)[:10]
    y, m, d = text.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _where(error: BaseException, home: Path | None, name: str) -> str:
    """`templates/<file>:<line>` of the innermost template frame in the error's traceback (jinja2
    rewrites it to the template's file and line), else the template asked for."""
    found = f"templates/{name}"
    searched = [os.path.normpath(f) for f in folders(home)]
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        for folder in searched:
            if filename.startswith(folder + os.sep):
                found = f"templates/{Path(filename).relative_to(folder).as_posix()}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


@lru_cache(maxsize=1)
def _sandbox_class():
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class Sandbox(SandboxedEnvironment):
        """jinja2's sandbox, refusing an unsafe attribute where it is named: by default it yields an
        undefined value, which a later `__`-lookup or StrictUndefined reports as merely missing."""

        def unsafe_undefined(self, obj, attribute):
            raise SecurityError(f"不能访问 {type(obj).__name__} 对象的内部属性“{attribute}”")

    return Sandbox


@lru_cache(maxsize=1)
def _loader_class():
    import jinja2

    class Loader(jinja2.FileSystemLoader):
        """A compiled template is current while its name still finds the same file with the same
        text: an edit within the file system's timestamp granularity, or an office template added
        in front of a shipped one, is seen by the next render in the same process."""

        def get_source(self, environment, template):
            source, filename, _ = super().get_source(environment, template)

            def uptodate() -> bool:
                try:
                    again, again_file, _ = super(Loader, self).get_source(environment, template)
                except jinja2.TemplateNotFound:
                    return False
                except OSError:
                    return False
                return again_file == filename and again == source

            return source, filename, uptodate

    return Loader
