"""Every listing goes through here: rows in, table / JSON / CSV out (defined once).

Rows are dicts with stable English keys (the JSON contract); columns name the key and the
Chinese heading shown in tables and CSV. Tables align Chinese by display width (wcwidth), laid
out exactly as tabulate's "simple" format but by hand, fast enough for a 10,000-row overdue check.
CSV is UTF-8 with BOM and CRLF so Excel and WPS open it, or GB18030 on request; a cell that a
spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from itertools import chain

import click

FORMATS = ("table", "json", "csv")
ENCODINGS = ("utf-8-sig", "gb18030")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def output_options(f):
    """--format and --encoding for every list command."""
    f = click.option(
        "--encoding",
        type=click.Choice(ENCODINGS),
        default="utf-8-sig",
        show_default=True,
        help="CSV 编码：utf-8-sig（带 BOM，Excel/WPS 可直接打开）或 gb18030。",
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="输出格式：table（表格）、json 或 csv。",
    )(f)
    return f


def render(rows: Sequence[dict], columns: Sequence[tuple[str, str]], fmt: str, encoding: str = "utf-8-sig") -> bytes:
    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        return to_csv(rows, columns).encode(encoding)
    return (to_table(rows, columns) + "\n").encode("utf-8") if rows else b""


def to_json(rows: Sequence[dict]) -> bytes:
    """UTF-8 JSON indented by two spaces; orjson writes a big listing several times faster than json,
    byte for byte the same for the strings, integers and booleans rows hold (json is the fallback)."""
    import orjson

    try:
        return orjson.dumps(list(rows), default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # an integer beyond 64 bits
        return (json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def emit(
    rows: Sequence[dict], columns: Sequence[tuple[str, str]], fmt: str, encoding: str = "utf-8-sig", empty: str = ""
) -> None:
    data = render(rows, columns, fmt, encoding)
    if not rows and fmt == "table" and empty:
        click.echo(empty, err=True)
    out = sys.stdout
    out.flush()
    out.buffer.write(data)  # bytes as rendered: a BOM and CRLF for CSV, GB18030 when asked
    out.buffer.flush()


def to_table(rows: Iterable[dict], columns: Sequence[tuple[str, str]]) -> str:
    keys = [k for k, _ in columns]
    body = [[v if type(v) is str else _cell(v) for v in map(r.get, keys)] for r in rows]  # most are str already
    headers = [h for _, h in columns]
    text = "\t".join([*headers, *chain.from_iterable(body)])
    if "\n" in text or "\r" in text or "\x1b" in text or "\x01" in text:
        return _tabulate(body, headers)  # rare multiline cells, ANSI codes, separating-line marks
    return _simple_table(body, headers)


def _simple_table(body: list[list[str]], headers: list[str]) -> str:
    """tabulate(body, headers, tablefmt="simple", disable_numparse=True) with WIDE_CHARS_MODE, byte for
    byte, for single-line cells (tests/test_output_table.py holds it to tabulate): every column is
    left-aligned text, cells (not headings) are stripped, a column is at least its heading + 2 wide,
    lines are joined by two spaces and right-stripped."""
    if not headers:
        return ""
    cols = [[c.strip() for c in col] for col in zip(*body)] or [[] for _ in headers]
    head, rule, padded = [], [], []
    for h, col in zip(headers, cols):
        widths = _widths(col)
        # tabulate re-measures padded cells, but padding never widens a cell by more than its length
        width = max(_WIDTHS[h] + 2, max(widths, default=0))
        head.append(h + " " * (width - _WIDTHS[h]))
        rule.append("-" * width)
        padded.append([c + " " * (width - w) for c, w in zip(col, widths)])
    lines = ["  ".join(head).rstrip(), "  ".join(rule).rstrip()]
    lines += ["  ".join(row).rstrip() for row in zip(*padded)]
    return "\n".join(lines)


class _Widths(dict):
    """Display width as tabulate measures it (wcwidth.wcswidth, -1 for control characters), memoised:
    department and staff names repeat down a listing."""

    def __missing__(self, text: str) -> int:
        if text.isascii() and text.isprintable():
            return len(text)  # not stored: ids and dates rarely repeat
        from wcwidth import wcswidth  # lazy: only tables with non-ASCII cells need it

        width = self[text] = wcswidth(text)
        return width


_WIDTHS = _Widths()


def _widths(col: list[str]) -> list[int]:
    joined = "".join(col)
    if joined.isascii() and joined.isprintable():
        return list(map(len, col))  # the common all-ASCII column (ids, dates, masked phones)
    return list(map(_WIDTHS.__getitem__, col))


def _tabulate(body: list[list[str]], headers: list[str]) -> str:
    import tabulate  # lazy: ~17 ms of start-up, needed only for the rare cells _simple_table leaves to it

    tabulate.WIDE_CHARS_MODE = True
    return tabulate.tabulate(body, headers=headers, tablefmt="simple", disable_numparse=True)


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
