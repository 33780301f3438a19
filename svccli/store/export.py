"""`svc export`: the office's data as Parquet files, for the roll-up across offices (docs/export.md).

Tables, each from a documented view of `svc sql` (store/report_sql.py), so an exported column means
what it means there, masked the same way unless the caller reveals:
  cases      one row per case (derived), in the month of its intake;
  events     every record line — case steps, the register's documents, leave, attendance,
             complaints, scores — in the month it was recorded;
  inquiries  the first-contact ledger, in the month of the inquiry;
  documents  the numbers of the document register (events of type "document"), in their month;
  leave, attendance, complaints, scores
             the office's own records as its commands show them (store/export_office.py);
  offices    one row: the office's name and region (office.yaml), not partitioned by month.

Layout (Hive partitions, which DuckDB's and Spark's readers turn into columns):
  DIR/<table>/office=<CODE>/year=YYYY/month=MM/data.parquet
Each office's folder holds `_export.json`: the schema version and each partition's content hash.
Exporting again writes only the partitions whose rows changed, and removes those of months that no
longer have rows. Each file is written beside its place, fsynced and renamed: a reader never sees
half a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from svccli.core.problems import Problem
from svccli.store import report_sql
from svccli.store.durable import _fsync_dir
from svccli.store.export_office import COLUMNS as OFFICE_COLUMNS
from svccli.store.export_office import FLOATS, office_rows
from svccli.store.home import Home

SCHEMA_VERSION = 1
MANIFEST = "_export.json"
# table -> (the view's query, the column its month is taken from, integer columns; the rest are text)
TABLES: dict[str, tuple[str, str, frozenset[str]]] = {
    "cases": (
        "SELECT * FROM cases",
        "opened",
        frozenset(
            {
                "is_open",
                "in_transit",
                "provisional",
                "on_time",
                "days_late",
                "working_days",
                "wrong_returns",
                "undone_decisions",
            }
        ),
    ),
    "events": ("SELECT * FROM events", "day", frozenset({"line"})),
    "inquiries": ("SELECT * FROM inquiries", "day", frozenset()),
    "documents": (
        "SELECT event_id, ts, day, staff, staff_name, case_id, json_extract(detail, '$.number') AS number, "
        "json_extract(detail, '$.kind') AS kind, json_extract(detail, '$.replaces') AS replaces "
        "FROM events WHERE type = 'document'",
        "day",
        frozenset(),
    ),
}


@dataclass
class Exported:
    written: list[str] = field(default_factory=list)  # partitions written (changed or new)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows exported
    problems: list[Problem] = field(default_factory=list)


def export(home: Home, target: Path, today: dt.date, reveal: bool, since: str | None = None) -> Exported:
    """Write the office's tables under `target`; `since` (YYYY-MM): only that month and later.
    Raises report_sql's and reporting's errors (records with errors: nothing is written)."""
    office = home.catalog.office.code
    done = Exported()
    for table, (query, month_of, integers) in TABLES.items():
        found = report_sql.answer(home, today, query, reveal)
        done.problems = done.problems or found.problems  # each query reports the same records' problems
        folder = target / table / f"office={office}"
        months = _by_month(found.columns, found.rows, month_of, since)
        done.rows[table] = sum(len(rows) for rows in months.values())
        _write_table(folder, found.columns, months, integers, since, done, reveal)
    for table, rows in office_rows(home, today, reveal, since).items():
        columns, _, integers = OFFICE_COLUMNS[table]
        months = _by_month([*columns, "_day"], rows, "_day", since)
        trimmed = {m: [r[:-1] for r in found] for m, found in months.items()}
        done.rows[table] = sum(len(r) for r in trimmed.values())
        folder = target / table / f"office={office}"
        _write_table(folder, list(columns), trimmed, integers, since, done, reveal)
    _write_office(home, target / "offices" / f"office={office}", done, reveal)
    return done


def _write_office(home: Home, folder: Path, done: Exported, reveal: bool) -> None:
    """One row naming the office and its region (office.yaml): the roll-up groups by region."""
    office = home.catalog.office
    columns, row = ["name", "region"], (office.name, office.region)
    path = folder / "data.parquet"
    digest = _digest(columns, [row], reveal)
    if _manifest(folder).get("partitions", {}).get("") == digest and path.is_file():
        done.unchanged += 1
        return
    _write_parquet(path, columns, [row], frozenset(), private=reveal)  # a revealing export is private throughout
    _write_json(folder / MANIFEST, {"version": SCHEMA_VERSION, "partitions": {"": digest}})
    done.written.append(f"offices/{folder.name}")


def _by_month(columns: list[str], rows: list[tuple], month_of: str, since: str | None) -> dict[str, list[tuple]]:
    at = columns.index(month_of)
    months: dict[str, list[tuple]] = {}
    for row in rows:
        month = (row[at] or "")[:7]
        if len(month) == 7 and (since is None or month >= since):
            months.setdefault(month, []).append(row)
    return months


def _write_table(
    folder: Path,
    columns: list[str],
    months: dict[str, list[tuple]],
    integers: frozenset[str],
    since: str | None,
    done: Exported,
    reveal: bool,
) -> None:
    manifest = _manifest(folder)
    hashes: dict[str, str] = manifest.get("partitions", {}) if manifest.get("version") == SCHEMA_VERSION else {}
    for month, rows in sorted(months.items()):
        part = f"year={month[:4]}/month={month[5:]}"
        digest = _digest(columns, rows, reveal)
        path = folder / part / "data.parquet"
        if hashes.get(part) == digest and path.is_file():
            done.unchanged += 1
            continue
        _write_parquet(path, columns, rows, integers, private=reveal)
        hashes[part] = digest
        done.written.append(f"{folder.parent.name}/{folder.name}/{part}")
    for part in [p for p in hashes if p not in {f"year={m[:4]}/month={m[5:]}" for m in months}]:
        if since is None or part.replace("year=", "").replace("/month=", "-") >= since:  # a month now empty
            (folder / part / "data.parquet").unlink(missing_ok=True)
            del hashes[part]
            done.removed.append(f"{folder.parent.name}/{folder.name}/{part}")
    _write_json(folder / MANIFEST, {"version": SCHEMA_VERSION, "partitions": dict(sorted(hashes.items()))})


def _digest(columns: list[str], rows: list[tuple], reveal: bool) -> str:
    h = hashlib.sha256(orjson.dumps([SCHEMA_VERSION, reveal, columns]))
    for row in rows:
        h.update(orjson.dumps(row))
    return h.hexdigest()


def _write_parquet(path: Path, columns: list[str], rows: list[tuple], integers: frozenset[str], private: bool) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(arrow_table(columns, rows, integers), temp, compression="zstd")
    if private:  # names, phones and ID numbers in full: readable by their owner only
        os.chmod(temp, 0o600)
    _durable_rename(temp, path)


def arrow_table(columns: list[str], rows: list[tuple], integers: frozenset[str]) -> Any:
    """The rows as an Arrow table of a fixed schema: `integers` as int64, every other column text (a
    month whose column is all empty keeps the type the other months have)."""
    import pyarrow as pa

    schema = pa.schema(
        [pa.field(c, pa.int64() if c in integers else pa.float64() if c in FLOATS else pa.string()) for c in columns],
        metadata={"svccli_export_version": str(SCHEMA_VERSION)},
    )
    data = {c: [_cell(row[i], c in integers, c in FLOATS) for row in rows] for i, c in enumerate(columns)}
    return pa.Table.from_pydict(data, schema=schema)


def _cell(value: object, integer: bool, real: bool) -> object:
    if value is None:
        return None
    if integer:
        return int(value)  # type: ignore[call-overload]
    return float(value) if real else str(value)  # type: ignore[arg-type]


def _manifest(folder: Path) -> dict:
    try:
        loaded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: every partition is written again
    return loaded if isinstance(loaded, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _durable_rename(temp, path)


def _durable_rename(temp: Path, path: Path) -> None:
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    _fsync_dir(path.parent)  # the rename itself survives a crash
