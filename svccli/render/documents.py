"""Printed documents and terminal pages from jinja2 templates.

The office's own `templates/` folder comes first, so an office can edit any document; the
templates shipped with svccli fill in the rest. Templates get plain dicts (view models), never
domain objects, and HTML autoescaping is on: applicant text is never interpreted.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from svccli.errors import DataError
from svccli.resources import templates_dir


@lru_cache(maxsize=8)
def environment(home: Path | None) -> jinja2.Environment:
    folders = [str(home / "templates")] if home else []
    folders.append(str(templates_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cn_date"] = cn_date
    return env


def render(name: str, view: dict, home: Path | None = None) -> str:
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
