"""The monthly statistics over many offices' exports (`svc rollup`), on DuckDB or on Spark.

Both engines read the same Parquet files (`svc export`, docs/export.md) and run the same SQL text
(store/statistics_sql.py), so they cannot disagree. DuckDB is embedded and the default: one process
reads a province's files directly. Spark (pyspark, local mode here; a cluster's master URL through
SPARK_MASTER) is for when a country's worth no longer fits one machine.

The `cases` view the SQL reads joins each office's cases with its `offices` row (name, region).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from svccli.store.monthly import MonthReport, build

ENGINES = ("duckdb", "spark")
LOGGING = Path(__file__).with_name("log4j2.properties")


class NoExport(Exception):
    """A folder holds no office's export."""


# The groupings of a roll-up page: per city or county, and per office.
ROLLUP_GROUPS = {"region": ("region",), "office": ("region", "office", "office_name")}


def rollup(dirs: Iterable[Path], month: str, engine: str = "duckdb") -> MonthReport:
    """The month's report across every office exported under `dirs`, per region and per office."""
    run = runner([Path(d) for d in dirs], engine)
    return build(run, month, "汇总", ROLLUP_GROUPS)


def runner(folders: list[Path], engine: str) -> Callable[[str], list[dict[str, Any]]]:
    """A function running one SQL text over the offices' `cases` on the engine chosen."""
    for folder in folders:
        if not any((folder / "cases").glob("office=*")) or not any((folder / "offices").glob("office=*")):
            raise NoExport(str(folder))
    return _duckdb(folders) if engine == "duckdb" else _spark(folders)


def _duckdb(folders: list[Path]) -> Callable[[str], list[dict[str, Any]]]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW c AS SELECT * FROM read_parquet({_globs(folders, 'cases')}, hive_partitioning = true)")
    con.execute(f"CREATE VIEW o AS SELECT * FROM read_parquet({_globs(folders, 'offices')}, hive_partitioning = true)")
    con.execute(CASES_VIEW)

    def run(sql: str) -> list[dict[str, Any]]:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    return run


def _globs(folders: list[Path], table: str) -> str:
    paths = [str(f.resolve() / table / "**" / "*.parquet").replace("'", "''") for f in folders]
    return "[" + ", ".join(f"'{p}'" for p in paths) + "]"


# The columns of the office (code, name, region) beside each case: the same text on both engines.
CASES_VIEW = """CREATE VIEW cases AS
    SELECT c.*, o.name AS office_name, o.region AS region
    FROM c JOIN o ON c.office = o.office"""


def _spark(folders: list[Path]) -> Callable[[str], list[dict[str, Any]]]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no guessing at the machine's address
    spark = (
        SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
        .appName("svc rollup")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        # errors only on stderr: the driver's JVM reads this before it logs anything
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOGGING.as_uri()}")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for table, name in (("cases", "c"), ("offices", "o")):
        _union(spark, [str(f.resolve() / table) for f in folders]).createOrReplaceTempView(name)
    spark.sql(CASES_VIEW.replace("CREATE VIEW", "CREATE OR REPLACE TEMP VIEW"))
    return lambda sql: [row.asDict() for row in spark.sql(sql).collect()]


def _union(spark: Any, paths: list[str]) -> Any:
    frames = [spark.read.option("basePath", p).parquet(p) for p in paths]
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame, allowMissingColumns=True)
    return result
