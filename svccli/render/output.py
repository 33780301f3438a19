"""Every listing goes through here: rows in, table / JSON / CSV out (defined once).

Rows are dicts with stable English keys (the JSON contract); columns name the key and the
Chinese heading shown in tables and CSV. Tables align Chinese by display width (tabulate with
wcwidth). CSV is UTF-8 with BOM and CRLF so Excel and WPS open it, or GB18030 on request; a cell
that a spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence

import click
import tabulate as _tabulate

_tabulate.WIDE_CHARS_MODE = True
FORMATS = ("table", "json", "csv")
ENCODINGS = ("utf-8-sig", "gb18030")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def output_options(f):
    """--format and --encoding for every list command."""
    f = click.option("--encoding", type=click.Choice(ENCODINGS), default="utf-8-sig", show_default=True,
                     help="CSV 编码：utf-8-sig（带 BOM，Excel/WPS 可直接打开）或 gb18030。")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                     help="输出格式：table（表格）、json 或 csv。")(f)
    return f


def render(rows: Sequence[dict], columns: Sequence[tuple[str, str]], fmt: str, encoding: str = "utf-8-sig") -> bytes:
    if fmt == "json":
        return (json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    if fmt == "csv":
        return to_csv(rows, columns).encode(encoding)
    return (to_table(rows, columns) + "\n").encode("utf-8") if rows else b""


def emit(rows: Sequence[dict], columns: Sequence[tuple[str, str]], fmt: str, encoding: str = "utf-8-sig",
         empty: str = "") -> None:
    data = render(rows, columns, fmt, encoding)
    if not rows and fmt == "table" and empty:
        click.echo(empty, err=True)
    out = sys.stdout
    out.flush()
    out.buffer.write(data)  # bytes as rendered: a BOM and CRLF for CSV, GB18030 when asked
    out.buffer.flush()


def to_table(rows: Iterable[dict], columns: Sequence[tuple[str, str]]) -> str:
    body = [[_cell(r.get(k)) for k, _ in columns] for r in rows]
    return _tabulate.tabulate(body, headers=[h for _, h in columns], tablefmt="simple", disable_numparse=True)


def to_csv(rows: Iterable[dict], columns: Sequence[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([h for _, h in columns])
    for r in rows:
        writer.writerow([safe_cell(_cell(r.get(k))) for k, _ in columns])
    return out.getvalue()


def safe_cell(text: str) -> str:
    """A leading = + - @ tab or CR would make a spreadsheet run the cell (formula injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_cell(v) for v in value)
    return str(value)
