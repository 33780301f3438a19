"""Printed documents and terminal pages from jinja2 templates.

The office's own `templates/` folder comes first, so an office can edit any document; the
templates shipped with svccli fill in the rest. Templates get plain dicts (view models), never
domain objects, and HTML autoescaping is on: applicant text is never interpreted.

jinja2 is imported when a document is first rendered, not when a command starts. Compiled
templates are kept in the office's .svc/cache (a jinja2 bytecode cache, checked against each
template's source), so a command does not lex, parse and compile its templates every time.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from svccli.errors import DataError
from svccli.resources import templates_dir

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=8)
def environment(home: Path | None) -> jinja2.Environment:
    import jinja2

    folders = [str(home / "templates")] if home else []
    folders.append(str(templates_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(home) if home else None,
    )
    env.filters["cn_date"] = cn_date
    return env


def render(name: str, view: dict, home: Path | None = None) -> str:
    import jinja2

    try:
        return environment(home).get_template(name).render(**view)
    except jinja2.TemplateSyntaxError as e:
        raise DataError(f"templates/{e.name or name}:{e.lineno}: 模板语法错误：{e.message}") from None
    except jinja2.TemplateNotFound:
        raise DataError(f"找不到模板 templates/{name}") from None
    except jinja2.UndefinedError as e:
        raise DataError(f"templates/{name}: 模板引用了不存在的字段：{e.message}") from None


def cn_date(value) -> str:
    """2026-11-25 -> 2026年11月25日 (as official documents write dates)."""
    if not value:
        return ""
    text = str(value)[:10]
    y, m, d = text.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


# -- compiled templates in .svc/cache ----------------------------------------------------------------

def _bytecode_cache(home: Path):
    """A bytecode cache in .svc/cache/templates-<stamp>, made 0700; None when it cannot be made.

    jinja2 checks a cached template against a hash of its source, but not against the jinja2
    version or the environment's options it was compiled with: the folder's name carries the
    jinja2 version and the code stamp (cache.CODE), and folders of other stamps are removed when
    a new one is made."""
    import hashlib

    import jinja2

    from svccli.store.cache import CODE

    stamp = hashlib.blake2b(f"{CODE}:{jinja2.__version__}".encode(), digest_size=8).hexdigest()
    cache = home / ".svc" / "cache"
    folder = cache / f"templates-{stamp}"
    if not folder.is_dir():
        try:
            for d in (cache.parent, cache, folder):
                d.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return None  # a read-only home: templates are compiled each time
        for old in cache.glob("templates-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return _quiet_cache_class()(str(folder), "%s.cache")


@lru_cache(maxsize=1)
def _quiet_cache_class():
    from types import CodeType

    import jinja2

    class QuietCache(jinja2.FileSystemBytecodeCache):
        """Never fails a document: an unreadable entry is compiled again, an unwritable one skipped."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001
                bucket.reset()
            if bucket.code is not None and not isinstance(bucket.code, CodeType):
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return QuietCache
