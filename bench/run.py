"""Time the daily check and single commands on a generated office beside what a user would pick
instead, measured in the same run (issue 15's targets a–h; issue 17's (i): finding cases, each
warm search under 1 s). Prints a Markdown table of medians.

    python bench/run.py --cases 10000,100000,1000000 [--data /tmp/svcbench] [--runs 5] [--seed 1] [--warn N]
    python bench/run.py --cases 1000000 --only search    # (i) alone

Homes are generated once per size under --data (bench/generate.py) and reused; each run works on
a fresh copy. Every measure is a whole process (`svc --home DIR --today D overdue --format json`,
the daily job), its peak memory from wait4. Peers (bench/peers.py): the DuckDB query over the
record files (its query time, and its whole process), and the indexed SQLite table of cases kept
up to date (its query as a whole process). Baselines: `cat` of every record file (the floor), a bare
orjson pass over every line, and `python -c "import click"`. Before timing, the peers' listings are
checked against svc's on two days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2025-12-31"
BEHIND = "2026-12-01"  # (h): the same year checked eleven months on, every open case listed
PY = sys.executable
PEERS = ROOT / "bench" / "peers.py"


TIME = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS in MB, exit code and stderr of one child process.

    The peak comes from GNU time when the machine has it: a child forked from this process starts
    with this process's pages, and Linux keeps that high-water mark across exec, so wait4's figure
    would be this benchmark's own memory (it holds a year's listings) whenever that is larger."""
    wrapped = [TIME, "-f", "%M", *cmd] if TIME else cmd
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode(errors="replace")
    peak = usage.ru_maxrss // 1024
    if TIME:
        text, _, last = text.rstrip("\n").rpartition("\n")
        peak = int(last) // 1024 if last.strip().isdigit() else peak
    return took, peak, os.waitstatus_to_exitcode(status), text


def median_of(runs: int, fn) -> tuple[float, int]:
    """The median seconds and the highest peak memory of `runs` calls of fn (each a `timed` result)."""
    results = [fn() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def records(home: Path) -> list[Path]:
    return sorted((home / "records").glob("*/*/*.jsonl"))


def parse_pass(home: Path, loads: str) -> tuple:
    code = (
        f"import sys, pathlib, {loads}\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('records/*/*/*.jsonl')):\n"
        "    with open(p, 'rb') as f:\n"
        f"        for line in f: {loads}.loads(line)\n"
    )
    return timed([PY, "-c", code, str(home)])


def append_day(home: Path, day_no: int, cases: int) -> None:
    """One more day of intakes through the normal append path (RecordLog.append, lock and fsync)."""
    code = f"""
import sys; sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from svccli.store.log import RecordLog
log = RecordLog(Path({str(home)!r}))
day = "2026-01-{day_no:02d}"
for n in range(1, {cases} + 1):
    case = f"TX-B{{n % 12:02d}}-2601{day_no:02d}-{{n:04d}}"
    ts = f"{{day}}T09:{{n % 60:02d}}:00+08:00"
    log.append([{{"ts": ts, "by": "S001", "type": "intake", "case": case, "service": "ZG-001",
                 "applicant": {{"name": "张三", "phone": "13812345678", "id_number": "", "id_type": "resident",
                               "unit": "", "address": "", "agent": ""}},
                 "received": [{{"code": "M01", "copies": 1}}], "applicable": [], "first_contact": "S001"}},
                {{"ts": ts, "by": "S001", "type": "accept", "case": case, "clock_from": day, "owed": [], "owed_by": ""}}],
               day, f"B{{n % 12:02d}}")
"""
    subprocess.run([PY, "-c", code], check=True)


def forget_state(home: Path) -> None:
    """A cold start: no derived state at all (.svc/state.sqlite, the old .svc/cache), the clone's id kept."""
    for entry in (home / ".svc").glob("*"):
        if entry.is_dir():
            shutil.rmtree(entry)
        elif entry.name != "clone":
            entry.unlink()


def closed_case(home: Path) -> str:
    """A case delivered in the year's first record files (`svc show` of a closed case)."""
    for path in records(home):
        for line in open(path, "rb"):
            event = json.loads(line)
            if event.get("type") == "deliver":
                return event["case"]
    return "TX-W01-250102-001"


class Bench:
    """One generated office under measure: the commands, and medians of whole processes."""

    def __init__(self, home: Path, db: Path, runs: int, warn: list[str]):
        self.home, self.db, self.runs, self.warn = home, db, runs, warn
        self.env = {**os.environ, "SVC_STAFF": "S001", "SVC_CLONE": "B00"}
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are kept and reused

    def svc(self, *args: str, today: str = TODAY) -> list[str]:
        return [PY, "-m", "svccli", "--home", str(self.home), "--today", today, *args]

    def check(self, today: str = TODAY) -> list[str]:
        """The daily job."""
        return self.svc("overdue", "--format", "json", *self.warn, today=today)

    def peer(self, name: str, today: str = TODAY) -> list[str]:
        where = ["--home", str(self.home), "--db", str(self.db)]
        return [PY, str(PEERS), name, *where] + ([] if name == "sqlite-build" else ["--today", today, *self.warn])

    def run(self, cmd: list[str]) -> tuple:
        clock = {"SVC_CLOCK": f"{TODAY}T10:00"} if "intake" in cmd else {}  # a write on its day: not back-dated
        took = timed(cmd, {**self.env, **clock})
        if took[2] not in (0, 3):  # 3: the check found overdue cases
            raise SystemExit(f"{' '.join(cmd)}: exit {took[2]}\n{took[3][-2000:]}")
        return took

    def median(self, cmd, runs: int | None = None) -> tuple[float, int]:
        """Median seconds and highest peak MB; cmd is a command, or a function giving the next one."""
        return median_of(runs or self.runs, lambda: self.run(cmd() if callable(cmd) else cmd))


def baselines(b: Bench, out: dict) -> None:
    files = records(b.home)
    out["lines"] = sum(1 for p in files for _ in open(p, "rb"))
    out["bytes"] = sum(p.stat().st_size for p in files)
    out["cat"] = b.median(["sh", "-c", f"cat {b.home}/records/*/*/*.jsonl > /dev/null"])
    out["orjson"] = median_of(3, lambda: parse_pass(b.home, "orjson"))
    out["click"] = b.median([PY, "-c", "import click"])


def peers(b: Bench, out: dict) -> None:
    """Build the SQLite peer's table, check both peers' listings against svc's, and time them."""
    b.db.unlink(missing_ok=True)
    out["sqlite_build"] = b.run(b.peer("sqlite-build"))[:2]
    out["agree"] = listings_agree(b)
    duck = [b.run(b.peer("duckdb") + ["--timing"]) for _ in range(3)]
    out["duck"] = statistics.median(r[0] for r in duck), max(r[1] for r in duck)
    out["duck_query"] = statistics.median(query_seconds(r[3]) for r in duck), 0
    b.run(b.peer("sqlite"))
    out["sqlite"] = b.median(b.peer("sqlite"))


def listings_agree(b: Bench) -> str:
    """Whether both peers list exactly what svc lists, on the year's last day and a year behind."""
    counts = []
    for today in (TODAY, BEHIND):
        cmds = (b.check(today), b.peer("duckdb", today), b.peer("sqlite", today))
        listed = [json.loads(subprocess.run(c, env=b.env, capture_output=True).stdout or b"[]") for c in cmds]
        if listed[1] != listed[0] or listed[2] != listed[0]:
            return f"NO on {today} ({len(listed[0])} / {len(listed[1])} / {len(listed[2])} rows)"
        counts.append(len(listed[0]))
    return f"yes ({counts[0]:,} rows; {counts[1]:,} a year behind)"


def daily(b: Bench, out: dict) -> None:
    """(a) cold, (b) warm, (b′) a new day's first check, (h) a year behind, (c) after one more day."""

    def cold():
        forget_state(b.home)
        return b.check()

    out["cold"] = b.median(cold, 3)
    b.run(b.check())
    out["warm"] = b.median(b.check())
    later = [(dt.date.fromisoformat(TODAY) + dt.timedelta(days=i)).isoformat() for i in range(1, b.runs + 1)]
    days = iter(later)  # each run on a day the state has not answered yet: cron's 8:00 run
    out["new_day"] = b.median(lambda: b.check(next(days)))
    days = iter(later)
    out["sqlite_new_day"] = b.median(lambda: b.peer("sqlite", next(days)))
    b.run(b.check(BEHIND))
    out["behind"] = b.median(b.check(BEHIND))
    out["sqlite_behind"] = b.median(b.peer("sqlite", BEHIND))
    b.run(b.check())  # the day's answer in the state again, as before the new day's records
    appended, updates = itertools.count(1), []

    def after_day():
        append_day(b.home, next(appended), 4000)
        took = b.run(b.check())
        updates.append(b.run(b.peer("sqlite-build"))[0])  # the tracker records the day too
        return took

    out["append"] = median_of(b.runs, after_day)
    out["sqlite_update"] = statistics.median(updates), 0


INTAKE = "intake ZG-001 --applicant 张三 --phone 13812345678 --material M01 --material M02 --material M05:2"


def commands(b: Bench, out: dict) -> None:
    """(e) single commands, warm."""
    for key, cmd in (
        ("show", b.svc("show", open_case(b))),
        ("show_closed", b.svc("show", closed_case(b.home))),
        ("intake", b.svc(*INTAKE.split(), "--material", "M06")),
        ("catalog_show", b.svc("catalog", "show", "ZG-001")),
    ):
        b.run(cmd)
        out[key] = b.median(cmd)


SEARCHES = (
    ("search_phone", ("cases", "--phone", "1234")),
    ("search_applicant", ("cases", "--applicant", "某")),
    ("search_name", ("cases", "--applicant", "王伟")),
    ("search_find", ("find", "王伟芳")),
)


def search(b: Bench, out: dict) -> None:
    """(i) finding cases (`svc cases` filters, `svc find`): cold (no search tables: the first search
    builds them from every record line), warm, and a new day's first search (the open cases' dates
    worked out again)."""
    forget_state(b.home)
    out["search_cold"] = b.run(b.svc(*SEARCHES[0][1]))[:2]
    for key, args in SEARCHES:
        b.run(b.svc(*args))
        out[key] = b.median(b.svc(*args))
    days = iter((dt.date.fromisoformat(TODAY) + dt.timedelta(days=i)).isoformat() for i in range(1, b.runs + 1))
    out["search_new_day"] = b.median(lambda: b.svc(*SEARCHES[0][1], today=next(days)))


def measure(home: Path, db: Path, runs: int, warn: list[str], only: str = "") -> dict:
    b, out = Bench(home, db, runs, warn), {}
    if only == "search":  # the search target alone (a year's search tables take minutes to build)
        search(b, out)
        return out
    for step in (baselines, peers, daily, search, commands):  # commands' `svc cases` uses the search's tables
        step(b, out)
    return out


def query_seconds(stderr: str) -> float:
    """The DuckDB peer's own timing of its query (--timing)."""
    return next(float(line.split()[1]) for line in stderr.splitlines() if line.startswith("query "))


def open_case(b: Bench) -> str:
    listed = subprocess.run(b.svc("cases", "--status", "open", "--format", "json"), env=b.env, capture_output=True)
    cases = json.loads(listed.stdout or b"[]")
    return cases[len(cases) // 2]["id"] if cases else "TX-W01-250102-001"


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def verdict(ratio: float, target: float) -> str:
    return "✓" if ratio <= target else "✗"


def table(results: dict[int, dict]) -> str:
    rows = ["| measure | " + " | ".join(f"N = {n:,}" for n in results) + " |", "|---|" + "---|" * len(results)]

    def row(name, fn):
        rows.append(f"| {name} | " + " | ".join(fn(n, r) for n, r in results.items()) + " |")

    def against(name, key, base, target, base_name):
        """A measure beside its peer or baseline, and the issue's target for the ratio."""

        def cell(n, r):
            ratio = r[key][0] / r[base][0]
            return f"{r[key][0]:.3f} s = {ratio:.2f}× {base_name} (≤ {target}) {verdict(ratio, target)}"

        row(name, cell)

    row("record lines / MB", lambda n, r: f"{r['lines']:,} / {r['bytes'] / 2**20:.0f}")
    row("cat (floor) / orjson pass", lambda n, r: f"{r['cat'][0]:.2f} s / {r['orjson'][0]:.2f} s")
    row("peers list what svc lists", lambda n, r: r["agree"])
    row(
        "DuckDB peer: query / process / peak",
        lambda n, r: f"{r['duck_query'][0]:.2f} s / {r['duck'][0]:.2f} s / {r['duck'][1]} MB",
    )
    row(
        "SQLite peer: build / query process / peak",
        lambda n, r: f"{r['sqlite_build'][0]:.1f} s / {r['sqlite'][0]:.3f} s / {r['sqlite'][1]} MB",
    )
    against("(a) overdue cold", "cold", "duck_query", 1, "DuckDB query")
    against("(b) overdue warm", "warm", "sqlite", 1.2, "SQLite")
    against("(b′) warm, the day's first check", "new_day", "sqlite_new_day", 2, "SQLite")
    against("(c) after one more day of 4,000", "append", "warm", 1.5, "warm")
    row("SQLite peer: update after that day", lambda n, r: f"{r['sqlite_update'][0]:.2f} s")
    row(
        "(d) peak memory cold / warm",
        lambda n, r: (
            f"{r['cold'][1]} / {r['warm'][1]} MB (≤ 250 / 60) {verdict(max(r['cold'][1] / 250, r['warm'][1] / 60), 1)}"
        ),
    )
    row("import click", lambda n, r: f"{r['click'][0]:.3f} s")
    for name, key in (
        ("(e) show CASE (open), warm", "show"),
        ("(e) show CASE (closed), warm", "show_closed"),
        ("(e) intake, warm", "intake"),
        ("(e) catalog show, warm", "catalog_show"),
    ):
        against(name, key, "click", 2, "click")
    sizes = list(results)

    def growth(n, r):
        i = sizes.index(n)
        if i == 0:
            return "—"
        prev, scale = results[sizes[i - 1]], n / sizes[i - 1]
        warm, cold = r["warm"][0] / prev["warm"][0], r["cold"][0] / prev["cold"][0]
        return f"warm {warm:.2f}× (≤ 1.3) {verdict(warm, 1.3)}, cold {cold:.2f}× (≤ {scale:g}) {verdict(cold, scale)}"

    row("(g) growth from the size before", growth)
    against(f"(h) a year behind ({BEHIND})", "behind", "sqlite_behind", 1.2, "SQLite")
    search_rows(results, row)
    return "\n".join(rows)


def search_rows(results: dict[int, dict], row) -> None:
    """(i): each warm search under 1 s; the cold build and a day's first search as measured."""
    row("(i) search cold: build / peak", lambda n, r: f"{r['search_cold'][0]:.1f} s / {r['search_cold'][1]} MB")
    for name, key in (
        ("(i) cases --phone 1234, warm", "search_phone"),
        ("(i) cases --applicant 某, warm", "search_applicant"),
        ("(i) cases --applicant 王伟, warm", "search_name"),
        ("(i) find 王伟芳, warm", "search_find"),
        ("(i) cases --phone 1234, a day's first", "search_new_day"),
    ):
        row(name, lambda n, r, key=key: f"{r[key][0]:.3f} s / {r[key][1]} MB (≤ 1 s) {verdict(r[key][0], 1)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="10000", help="comma-separated sizes")
    parser.add_argument("--data", type=Path, default=Path("/tmp/svcbench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--warn", type=int, help="pass --warn N to every check (default: none, the office's warning_days)"
    )
    parser.add_argument("--only", choices=["search"], help="run only this target: (i) search")
    args = parser.parse_args()
    warn = [] if args.warn is None else ["--warn", str(args.warn)]
    results = {}
    for n in (int(x.replace("_", "")) for x in args.cases.split(",")):
        home = args.data / f"office-{n}"
        if not (home / "catalog").exists():
            shutil.rmtree(home, ignore_errors=True)
            subprocess.run(
                [
                    PY,
                    str(ROOT / "bench" / "generate.py"),
                    "--cases",
                    str(n),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(home),
                ],
                check=True,
            )
        work = args.data / f"work-{n}"  # appends go to a copy, so the generated home stays as made
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(home, work, ignore=shutil.ignore_patterns(".svc"))
        results[n] = measure(work, args.data / f"peer-{n}.sqlite", args.runs, warn, args.only or "")
        print(f"N = {n:,} done", file=sys.stderr)
    print(f"Machine: {machine()}\n")
    if args.only == "search":
        rows = ["| measure | " + " | ".join(f"N = {n:,}" for n in results) + " |", "|---|" + "---|" * len(results)]
        search_rows(
            results,
            lambda name, fn: rows.append(f"| {name} | " + " | ".join(fn(n, r) for n, r in results.items()) + " |"),
        )
        print("\n".join(rows))
        return
    print(table(results))


if __name__ == "__main__":
    main()
