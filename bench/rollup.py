"""Size a province's roll-up (issue 20): export time per office, Parquet against JSON lines, and
DuckDB's roll-up time for one month and for the year. Prints Markdown.

    python bench/rollup.py [--offices 100] [--cases 100000] [--distinct 4] [--data /tmp/svcrollup]

`--distinct` offices are generated (bench/generate.py) and exported with `svc export`, each timed.
The year's figures are the same SQL over the year's bounds (store/statistics_sql.bounds). The province's other offices are those exports copied under new office codes and regions: DuckDB
reads every copy as data of its own, so the roll-up's time is that of `--offices` offices of
`--cases` cases, while the disk and the generation stay within what one machine holds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from svccli.store.monthly import build  # noqa: E402
from svccli.store.rollup import ROLLUP_GROUPS, runner  # noqa: E402
from svccli.store.statistics_sql import query  # noqa: E402

REGIONS = ["嘉兴市", "湖州市", "绍兴市", "宁波市", "温州市", "金华市", "台州市", "丽水市", "衢州市", "舟山市", "杭州市"]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def generate_and_export(data: Path, n: int, cases: int) -> tuple[list[float], int]:
    """The distinct offices: generated, then exported (timed); their JSON lines' total size."""
    times, json_bytes = [], 0
    env = {**os.environ, "SVC_STAFF": "S001", "PYTHONPATH": str(ROOT)}
    for i in range(n):
        home = data / f"home{i:03d}"
        if not home.exists():
            cmd = [sys.executable, str(ROOT / "bench/generate.py"), "--cases", str(cases), "--seed", str(i + 1)]
            cmd += ["--out", str(home), "--items", "0", "--office", f"G{i:03d}", "--region", REGIONS[i % len(REGIONS)]]
            subprocess.run(cmd, check=True, capture_output=True)
        shutil.rmtree(home / ".svc", ignore_errors=True)
        start = time.perf_counter()
        cmd = [
            sys.executable,
            "-m",
            "svccli",
            "--home",
            str(home),
            "--today",
            "2025-12-31",
            "export",
            str(data / "seed"),
        ]
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        json_bytes += du(home / "records")
    return times, json_bytes


def replicate(data: Path, offices: int, distinct: int) -> Path:
    """The province: each distinct office's partitions copied (hard-linked) under new codes."""
    province = data / "province"
    shutil.rmtree(province, ignore_errors=True)
    for k in range(offices):
        source = f"office=G{k % distinct:03d}"
        code = f"office=P{k:03d}"
        for table in ("cases", "offices"):
            shutil.copytree(data / "seed" / table / source, province / table / code, copy_function=os.link)
        row = province / "offices" / code / "data.parquet"
        _rename_office(row, f"P{k:03d} 政务服务中心", REGIONS[k % len(REGIONS)])
    return province


def _rename_office(path: Path, name: str, region: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.unlink()  # a hard link: write a new file rather than change the seed's
    pq.write_table(pa.table({"name": [name], "region": [region]}), path)


def timed_month(province: Path, month: str) -> float:
    """The whole monthly page's figures: totals, per region and office, the weeks, 13 months' overdue."""
    start = time.perf_counter()
    build(runner([province], "duckdb"), month, "汇总", ROLLUP_GROUPS)
    return time.perf_counter() - start


def timed_year(province: Path, year: str) -> float:
    """The year's figures (the same SQL over the year's bounds): totals, per region and per office."""
    start = time.perf_counter()
    run = runner([province], "duckdb")
    for keys in ((), *ROLLUP_GROUPS.values()):
        run(query(year, keys))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=100)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=4)
    parser.add_argument("--data", type=Path, default=Path("/tmp/svcrollup"))
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    times, json_bytes = generate_and_export(args.data, args.distinct, args.cases)
    parquet_bytes = du(args.data / "seed" / "cases") + du(args.data / "seed" / "events")
    province = replicate(args.data, args.offices, args.distinct)
    month = timed_month(province, "2025-06")
    year = timed_year(province, "2025")
    rows = args.offices * args.cases
    print(f"| offices × cases | {args.offices} × {args.cases:,} = {rows:,} cases |")
    print("|---|---|")
    print(f"| export, per office of {args.cases:,} cases | {min(times):.1f}–{max(times):.1f} s |")
    mb = 1024 * 1024
    print(f"| JSON lines, per office | {json_bytes / args.distinct / mb:.0f} MB |")
    print(f"| Parquet (cases + events), per office | {parquet_bytes / args.distinct / mb:.1f} MB |")
    print(f"| roll-up, one month: the page's figures, charts' series included (DuckDB) | {month:.2f} s |")
    print(f"| roll-up, the year's figures per region and office (DuckDB) | {year:.2f} s |")


if __name__ == "__main__":
    main()
