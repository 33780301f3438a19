"""`svc documents`: the register of documents issued (issue 16 section 5, core/register.py)."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app, warn
from svccli.cli.params import MONTH
from svccli.render.output import emit, output_options
from svccli.render.views import DOCUMENTS
from svccli.store.log import Line
from svccli.store.register import register_lines

# JSON and CSV field names (the contract) and the table's headings
COLUMNS = [
    ("number", "文书编号"),
    ("kind_name", "文书"),
    ("case", "案件编号"),
    ("issued_on", "出具日期"),
    ("issued_by_name", "出具人"),
    ("replaces", "替代文书"),
    ("replaced_by", "被替代为"),
    ("printed", "重印次数"),
    ("last_printed", "最近重印"),
]


@click.command()
@click.option("--case", "case_id", help="只列出该案件的文书。")
@click.option("--kind", type=click.Choice(list(DOCUMENTS)), help="只列出该类文书。")
@click.option("--month", type=MONTH, help="只列出该月（YYYY-MM）出具的文书。")
@output_options
@pass_app
def documents(app: App, case_id: str | None, kind: str | None, month: str | None, fmt: str, encoding: str) -> None:
    """列出文书登记簿：每份已出具文书的编号、种类、案件、出具日期和出具人、更正替代关系、重印次数。

    JSON/CSV 字段：number kind kind_name case issued_at issued_on issued_by issued_by_name replaces
    correction replaced_by printed last_printed。"""
    lines, problems = register_lines(app.home.log, month or "")
    if any(not p.warning for p in problems):
        warn("记录文件有问题（svc check 列出全部）；以下只列出可读的记录")
    wanted = case_id.strip().upper() if case_id else None
    rows = [r for r in _rows(app, lines) if (not wanted or r["case"] == wanted) and (not kind or r["kind"] == kind)]
    emit(rows, COLUMNS, fmt, encoding, empty="（没有符合条件的文书）")


def _rows(app: App, lines: list[Line]) -> list[dict]:
    events = sorted((ln.event for ln in lines), key=lambda e: e["ts"])
    issued = [e for e in events if e["type"] == "document"]
    later = {e["replaces"]: e["number"] for e in issued if e.get("replaces")}
    prints: dict[str, list[str]] = {}
    for e in events:
        if e["type"] == "print" and e.get("number"):
            prints.setdefault(e["number"], []).append(e["ts"])
    rows = []
    for e in issued:
        num, kind = str(e.get("number", "")), str(e.get("kind", ""))
        view = e["view"] if isinstance(e.get("view"), dict) else {}
        printed = prints.get(num, [])
        rows.append(
            {
                "number": num,
                "kind": kind,
                "kind_name": DOCUMENTS.get(kind, (kind,))[0],
                "case": str(e.get("case", "")),
                "issued_at": e["ts"],
                "issued_on": str((view.get("document") or {}).get("issued", e["ts"][:10])),
                "issued_by": e["by"],
                "issued_by_name": app.home.roster.name(e["by"]),
                "replaces": str(e.get("replaces", "")),
                "correction": str(e.get("correction", "")),
                "replaced_by": later.get(num, ""),
                "printed": len(printed),
                "last_printed": printed[-1][:16].replace("T", " ") if printed else "",
            }
        )
    return rows


COMMANDS = [documents]
