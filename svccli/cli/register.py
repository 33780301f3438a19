"""Issuing documents and printing them again as issued (issue 16 section 5; core/register.py).

A document is issued while the command that calls for it records (its events are held under the
record lock, cli/recording.py): it takes the next number of its kind and year in this clone, and a
`document` record keeps the view the templates were given and the sha256 of every template source
used; a source this clone has not stored yet is stored once, as a `template` record. Printing again
renders that view with those sources, so the page is the one handed out, byte for byte, whatever
happened to the case or to templates/ since; each printing is a `print` record (who, which, when).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from svccli.cli.context import App, warn
from svccli.cli.recording import record, render_document, show_document
from svccli.core import register as reg
from svccli.core.cases import Case
from svccli.errors import DataError
from svccli.render.documents import render_stored, sources
from svccli.render.views import DOCUMENTS, case_view
from svccli.store.register import clone_marks, template_sources


def issue(app: App, case: Case, doc: str, html: Path | None, replaces: str = "", correction: str = "") -> str:
    """Issue the document `doc` of the case as it stands, with a new number; the number."""
    if app.staged is None:
        record(app, [])  # take the record lock: a number is taken under it
    home, name = app.home, DOCUMENTS[doc][0]
    num, stored = _next_number(app, doc)
    view = case_view(case, home.catalog, home.roster, home.calendar, app.today)
    view["document"] = reg.doc_view(num, doc, name, app.today.isoformat(), replaces, correction)
    view = json.loads(json.dumps(view, ensure_ascii=False))  # exactly what a reprint reads back
    text, page = render_document(app, case.id, doc, view, html)
    used = sources([f"{doc}.txt.j2", f"{doc}.html.j2"], home.path)
    hashes = {n: reg.sha256(src) for n, src in sorted(used.items())}
    made: list[dict] = []
    for n, h in hashes.items():  # each source once per clone: a `template` record, content-addressed
        if h not in stored:
            stored.add(h)
            made.append({"type": "template", "sha256": h, "name": n, "source": used[n]})
    rendered = {"text": reg.sha256(text), **({"html": reg.sha256(page)} if html is not None else {})}
    entry: dict[str, Any] = {"type": "document", "case": case.id, "kind": doc, "number": num}
    entry |= {"view": view, "templates": hashes, "rendered": rendered}
    if replaces:
        entry |= {"replaces": replaces, "correction": correction}
    record(app, [*made, entry])
    show_document(app, name, text, page, html)
    return num


def _next_number(app: App, doc: str) -> tuple[str, set[str]]:
    """The next number of the kind in this clone and year, and the template hashes it has stored
    (held records of this command included)."""
    log, year = app.home.log, app.now.year
    clone = log.clone_id()
    numbers, stored = clone_marks(log, clone, year, app.home.state)
    held = app.staged.events if app.staged is not None else []
    numbers += [e["number"] for e in held if e.get("type") == "document"]
    stored |= {e["sha256"] for e in held if e.get("type") == "template"}
    pre = reg.prefix(app.home.catalog.office.code, doc, year, clone)
    seqs = [n[len(pre) : -1] for n in numbers if n.startswith(pre)]
    seq = 1 + max((int(s) for s in seqs if s.isdigit()), default=0)
    return reg.number(app.home.catalog.office.code, doc, year, clone, seq), stored


def entries(app: App, case_id: str) -> list[dict[str, Any]]:
    """The case's `document` records, in record order."""
    from svccli.store import where

    home = app.home
    lines, _ = home.log.case_lines(case_id, where.files_of(home.state, home.log, case_id))
    found = [ln.event for ln in lines if ln.event.get("type") == "document"]
    return sorted(found, key=lambda e: e.get("ts", ""))


def find(app: App, case_id: str, doc: str, number: str | None) -> dict[str, Any] | None:
    mine = [e for e in entries(app, case_id) if e.get("kind") == doc]
    if number is None:
        return reg.latest(mine, doc)
    return next((e for e in reversed(mine) if reg.matches(str(e.get("number", "")), number)), None)


def reprint(app: App, case: Case, doc: str, html: Path | None, number: str | None) -> None:
    """Print a document again as it was issued; the latest of its kind unless `number` is given."""
    entry = find(app, case.id, doc, number)
    name = DOCUMENTS[doc][0]
    if entry is None:
        which = f"编号为 {number} 的" if number else "已出具的"
        raise DataError(f"案件 {case.id} 没有{which}{name}（svc documents --case {case.id} 列出已出具的文书）")
    record(app, [{"type": "print", "case": case.id, "kind": doc, "number": entry["number"]}])
    text, page = _render_as_issued(app, entry, doc, html)
    show_document(app, name, text, page, html)


def _render_as_issued(app: App, entry: dict, doc: str, html: Path | None) -> tuple[str, str]:
    hashes: dict[str, str] = entry.get("templates") or {}
    found = template_sources(app.home.log, set(hashes.values()), app.home.state)
    missing = sorted(n for n, h in hashes.items() if h not in found)
    if missing:
        raise DataError(f"文书 {entry['number']} 的存档模板缺失：{'、'.join(missing)}（记录不完整，svc check 检查）")
    stored = {n: found[h] for n, h in hashes.items()}
    text = render_stored(f"{doc}.txt.j2", entry["view"], stored)
    page = render_stored(f"{doc}.html.j2", entry["view"], stored) if html is not None else ""
    rendered = entry.get("rendered") or {}
    for kind, out in (("text", text), ("html", page)):
        if rendered.get(kind) and reg.sha256(out) != rendered[kind]:
            warn(f"文书 {entry['number']} 重新生成的内容与出具时的摘要不一致（程序版本不同？），请核对")
    return text, page


def reconstruct(app: App, case: Case, doc: str, html: Path | None) -> None:
    """A document issued before the register existed: rendered from the case as it stands today,
    without a number, and saying on the page that it is not the original."""
    home, name = app.home, DOCUMENTS[doc][0]
    record(app, [{"type": "print", "case": case.id, "kind": doc, "number": "", "reconstructed": True}])
    view = case_view(case, home.catalog, home.roster, home.calendar, app.today)
    view["document"] = reg.reconstruction(doc, name, app.today.isoformat())
    text, page = render_document(app, case.id, doc, view, html)
    click.echo(
        f"案件 {case.id} 的{name}出具时尚未登记编号：按现有记录重新生成，文书上注明“非原件”；"
        f"需要出具正式文书时用 --reissue --reason 说明理由",
        err=True,
    )
    show_document(app, name, text, page, html)
