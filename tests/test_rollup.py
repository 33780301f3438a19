"""The roll-up across offices (issue 20): 20 small generated offices are exported; DuckDB's roll-up
equals the offices' own monthly reports added up, and Spark in local mode gives the identical table."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from svccli.cli.main import cli

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

REPO = Path(__file__).resolve().parent.parent
REGIONS = ("嘉兴市", "湖州市", "绍兴市")
MONTH = "2025-06"
COUNTED = ("received", "notices", "refused", "concluded", "concluded_on_time", "overdue_open", "due_in_month", "errors")


def svc(*args: str, home: Path | None = None) -> dict | list:
    env = {"SVC_CLOCK": "2025-12-31T18:00", "SVC_TODAY": "", "SVC_STAFF": "S001", "SVC_CLONE": "T01"}
    head = ["--home", str(home)] if home else []
    r = CliRunner().invoke(cli, [*head, "--today", "2025-12-31", *args, "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[list[Path], Path]:
    root = tmp_path_factory.mktemp("province")
    homes = []
    for n in range(20):
        home = root / f"o{n:02d}"
        subprocess.run(
            [sys.executable, str(REPO / "bench/generate.py"), "--cases", "120", "--seed", str(n), "--out", str(home),
             "--items", "0", "--office", f"Q{n:02d}", "--region", REGIONS[n % 3]],
            check=True, capture_output=True,
        )  # fmt: skip
        homes.append(home)
    exports = root / "export"
    for home in homes:
        r = CliRunner().invoke(cli, ["--home", str(home), "--today", "2025-12-31", "export", str(exports)],
                               env={"SVC_CLOCK": "2025-12-31T18:00", "SVC_STAFF": "S001"})  # fmt: skip
        assert r.exit_code == 0, r.output
    return homes, exports


def _totals(rows: list) -> dict:
    return next(r for r in rows if r["group"] == "合计")


def test_duckdb_rollup_equals_the_offices_own_reports_added_up(province):
    homes, exports = province
    own = {f"Q{n:02d}": _totals(svc("report", "month", MONTH, home=h)) for n, h in enumerate(homes)}
    offices = svc("rollup", str(exports), "--month", MONTH, "--by", "office")
    per_office = {r["office"]: r for r in offices if r["group"] != "合计"}
    assert set(per_office) == set(own)
    for code, figures in own.items():  # every figure of each office, averages and percentiles too
        for key in (*COUNTED, "working_days_avg", "working_days_p90", "on_time_rate", "completion_rate"):
            assert per_office[code][key] == figures[key], (code, key)
    total = _totals(offices)
    for key in COUNTED:
        assert total[key] == sum(f[key] for f in own.values()), key
    assert total["received"] > 100  # the month is not empty: the test compares something
    regions = {
        r["region"]: r for r in svc("rollup", str(exports), "--month", MONTH, "--by", "region") if r["group"] != "合计"
    }
    assert set(regions) == set(REGIONS)
    for region, row in regions.items():
        members = [own[f"Q{n:02d}"] for n in range(20) if REGIONS[n % 3] == region]
        assert row["received"] == sum(m["received"] for m in members)


@pytest.mark.skipif(
    shutil.which("java") is None, reason="没有 Java（make test 会安装 default-jre-headless），无法运行 Spark"
)
def test_spark_gives_the_identical_table(province):
    pytest.importorskip("pyspark")
    _, exports = province
    duck = svc("rollup", str(exports), "--month", MONTH, "--by", "office")  # each row names its region too
    spark = svc("rollup", str(exports), "--month", MONTH, "--by", "office", "--engine", "spark")
    assert spark == duck
