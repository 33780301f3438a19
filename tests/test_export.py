"""`svc export`: Parquet in Hive partitions, masked unless revealed (audited, owner-only files),
and exporting again rewrites only the months whose rows changed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")


def _rows(target, table: str, sql: str = "SELECT count(*) FROM t") -> list[tuple]:
    glob = str(target / table / "**" / "*.parquet")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true)")
    return con.execute(sql).fetchall()


def test_every_case_once_in_its_intake_month_with_the_sql_columns(sample, tmp_path):
    target = tmp_path / "out"
    r = sample.run("export", str(target), today="2026-11-30T18:00")
    assert r.exit_code == 0, r.output
    assert "写入 " in r.stdout and "案件 13 条" in r.stdout
    listed = sample.run(
        "sql", "SELECT case_id, substr(opened, 1, 7) FROM cases", "--format", "json", today="2026-11-30T18:00"
    )
    expected = sorted((c["case_id"], c["substr(opened, 1, 7)"]) for c in json.loads(listed.stdout))
    got = _rows(target, "cases", "SELECT case_id, printf('%d-%02d', year, month) FROM t ORDER BY 1")
    assert sorted(got) == expected
    assert _rows(target, "cases", "SELECT DISTINCT office FROM t") == [("TX",)]
    columns = {c for (c,) in _rows(target, "cases", "SELECT column_name FROM (DESCRIBE t)")}
    assert {"case_id", "status", "phone", "due", "on_time", "days_late", "office", "year", "month"} <= columns


def test_masked_by_default_and_revealed_only_with_a_reason_that_is_audited(sample, tmp_path):
    masked = tmp_path / "masked"
    assert sample.run("export", str(masked)).exit_code == 0
    phones = [p for (p,) in _rows(masked, "cases", "SELECT phone FROM t WHERE phone <> ''")]
    assert phones and all("****" in p for p in phones)
    r = sample.run("export", str(tmp_path / "x"), "--reveal")
    assert r.exit_code == 2 and "--reason" in r.output and not (tmp_path / "x").exists()
    full = tmp_path / "full"
    assert sample.run("export", str(full), "--reveal", "--reason", "省级汇总核对").exit_code == 0
    assert not any("****" in p for (p,) in _rows(full, "cases", "SELECT phone FROM t WHERE phone <> ''"))
    for f in full.rglob("*.parquet"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    audit = sample.run("audit", "reveals", "--format", "json")
    assert "省级汇总核对" in audit.stdout


def test_exporting_again_rewrites_only_the_changed_months(sample, tmp_path):
    target = tmp_path / "out"
    assert sample.run("export", str(target), today="2026-11-30T18:00").exit_code == 0
    october = target / "cases/office=TX/year=2026/month=10/data.parquet"
    before = {p: p.stat().st_mtime_ns for p in target.rglob("*.parquet")}
    again = sample.run("export", str(target), today="2026-11-30T18:00")
    assert "写入 0 个分区" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*.parquet")} == before
    sample.intake("2026-11-30T10:00")  # a new case in November: November's partitions change, October's not
    changed = sample.run("export", str(target), today="2026-11-30T18:00")
    assert "写入 " in changed.stdout and "写入 0 个分区" not in changed.stdout
    assert october.stat().st_mtime_ns == before[october]
    assert _rows(target, "cases") == [(14,)]


def test_since_leaves_earlier_months_out(sample, tmp_path):
    target = tmp_path / "out"
    assert sample.run("export", str(target), "--since", "2026-11").exit_code == 0
    assert _rows(target, "cases", "SELECT DISTINCT month FROM t") == [(11,)]
    bad = sample.run("export", str(target), "--since", "2026-13")
    assert bad.exit_code == 2 and "--since" in bad.output and "YYYY-MM" in bad.output


def test_the_offices_own_records_as_tables(sample, tmp_path):
    data = Path(__file__).parent / "data" / "attendance" / "2026-11_attlog.dat"
    imported = sample.run("attendance", "import", str(data), today="2026-11-30T18:00", staff="S019")
    assert imported.exit_code == 0, imported.output
    filed = sample.run(
        "complaint", "file", "--against", "S001", "--about", "attitude", "--text", "态度生硬",
        "--from", "赵六", "--phone", "13800001111", today="2026-11-26T10:00", staff="S019",
    )  # fmt: skip
    assert filed.exit_code == 0, filed.output
    target = tmp_path / "out"
    assert sample.run("export", str(target), today="2026-11-30T18:00").exit_code == 0
    leave = _rows(target, "leave", "SELECT leave_id, status, days FROM t ORDER BY 1")
    assert len(leave) == 6 and all(isinstance(days, float) for _, _, days in leave)
    kinds = dict(_rows(target, "attendance", "SELECT kind, count(*) FROM t GROUP BY 1"))
    assert kinds.get("late", 0) > 0  # the fixture's month has lates
    assert _rows(target, "complaints", "SELECT about, complainant, phone FROM t") == [
        ("attitude", "赵*", "138****1111")
    ]
    scores = _rows(target, "scores", "SELECT DISTINCT quarter, month FROM t")
    assert scores == [("2026Q4", 12)]  # a quarter is filed under its last month (so --since 2026-11 keeps it)
    again = tmp_path / "since"
    assert sample.run("export", str(again), "--since", "2026-11", today="2026-11-30T18:00").exit_code == 0
    assert _rows(again, "scores", "SELECT DISTINCT quarter FROM t") == [("2026Q4",)]


def test_a_folder_that_cannot_be_made_is_said_in_chinese(sample, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    r = sample.run("export", str(blocker / "sub"))
    assert r.exit_code == 1 and "无法写入" in r.output and "ENOTDIR" in r.output
    assert not any(c.isascii() and c.isalpha() for c in r.output.split("（", 2)[-1].split("，")[0])
