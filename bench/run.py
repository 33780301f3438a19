"""Time the daily check and single commands on a generated office, beside baselines measured in
the same run (issue 10's targets a–g). Prints a Markdown table of medians.

    python bench/run.py --cases 10000,100000,1000000 [--data /tmp/svcbench] [--runs 5]

Homes are generated once per size under --data (bench/generate.py) and reused. Baselines: `cat`
of every record file to /dev/null (the floor), a bare Python pass reading every record line and
parsing it with orjson.loads (and json.loads), and `python -c "import click"`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
TODAY = "2025-12-31"
PY = sys.executable


def timed(cmd: list[str], env: dict | None = None, stdin=None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB, and exit code of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, stdin=stdin)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def median_of(runs: int, fn) -> tuple[float, int]:
    results = [fn() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def svc(home: Path, *args: str) -> list[str]:
    return [PY, "-m", "svccli", "--home", str(home), "--today", TODAY, *args]


def records(home: Path) -> list[Path]:
    return sorted((home / "records").glob("*/*/*.jsonl"))


def parse_pass(home: Path, loads) -> tuple[float, int]:
    code = ("import sys, pathlib, {mod}\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('records/*/*/*.jsonl')):\n"
            "    with open(p, 'rb') as f:\n"
            "        for line in f: {mod}.loads(line)\n").format(mod=loads)
    return timed([PY, "-c", code, str(home)])[:2]


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


def measure(home: Path, runs: int) -> dict:
    cache = home / ".svc" / "cache"
    env = {**os.environ, "SVC_STAFF": "S001", "SVC_CLONE": "B00"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are kept and reused
    out = {"lines": sum(1 for p in records(home) for _ in open(p, "rb")),
           "bytes": sum(p.stat().st_size for p in records(home))}
    out["cat"] = median_of(runs, lambda: timed(["sh", "-c", f"cat {home}/records/*/*/*.jsonl > /dev/null"]))
    out["orjson"] = median_of(runs, lambda: parse_pass(home, "orjson"))
    out["json"] = median_of(3, lambda: parse_pass(home, "json"))
    out["click"] = median_of(runs, lambda: timed([PY, "-c", "import click"], env))

    def cold():
        shutil.rmtree(cache, ignore_errors=True)
        return timed(svc(home, "overdue"), env)
    out["cold"] = median_of(3, cold)
    timed(svc(home, "overdue"), env)
    out["warm"] = median_of(runs, lambda: timed(svc(home, "overdue"), env))

    def first_of_day():  # warm state, but no memo of the day's answer yet (cron's 8:00 run)
        (cache / "daily.pickle").unlink(missing_ok=True)
        return timed(svc(home, "overdue"), env)
    out["new_day"] = median_of(runs, first_of_day)

    def after_day(counter=[0]):
        counter[0] += 1
        append_day(home, counter[0], 4000)
        return timed(svc(home, "overdue"), env)
    out["append"] = median_of(runs, after_day)
    out["version"] = median_of(runs, lambda: timed([PY, "-m", "svccli", "--version"], env))
    timed(svc(home, "catalog", "show", "ZG-001"), env)
    out["catalog_show"] = median_of(runs, lambda: timed(svc(home, "catalog", "show", "ZG-001"), env))
    case = json.loads(subprocess.run(svc(home, "cases", "--status", "open", "--format", "json"), env=env,
                                     capture_output=True).stdout or b"[]")
    case_id = case[len(case) // 2]["id"] if case else "TX-W01-250102-001"
    out["show"] = median_of(runs, lambda: timed(svc(home, "show", case_id), env))
    intake = svc(home, "intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--material", "M01",
                 "--material", "M02", "--material", "M05:2", "--material", "M06")
    out["intake"] = median_of(runs, lambda: timed(intake, env))
    return out


def machine() -> str:
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def table(results: dict[int, dict]) -> str:
    rows = ["| measure | " + " | ".join(f"N = {n:,}" for n in results) + " |",
            "|---|" + "---|" * len(results)]

    def row(name, fn):
        rows.append(f"| {name} | " + " | ".join(fn(r) for r in results.values()) + " |")
    row("record lines / MB", lambda r: f"{r['lines']:,} / {r['bytes'] / 2**20:.0f}")
    row("cat (floor)", lambda r: f"{r['cat'][0]:.2f} s")
    row("orjson pass", lambda r: f"{r['orjson'][0]:.2f} s")
    row("json pass", lambda r: f"{r['json'][0]:.2f} s")
    def against(name, key, base, target, percent=False):
        """A measure beside its baseline and issue 10's target for the ratio."""
        def cell(r):
            t, ratio = r[key][0], r[key][0] / r[base][0]
            shown = f"{100 * ratio:.1f} %" if percent else f"{ratio:.2f}×"
            return f"{t:.3f} s = {shown} {base} (≤ {target})"
        row(name, cell)
    against("(a) overdue cold", "cold", "orjson", "1.5")
    against("(b) overdue warm", "warm", "orjson", "5 %", percent=True)
    against("(b') warm, a day's first check", "new_day", "orjson", "—", percent=True)
    against("(c) after one more day", "append", "warm", "2")
    row("(d) peak memory cold / warm", lambda r: f"{r['cold'][1]} / {r['warm'][1]} MB (≤ 300 / 100)")
    row("import click", lambda r: f"{r['click'][0]:.3f} s")
    for name, key, target in (("(e) svc --version", "version", "1.5"), ("(e) catalog show, warm", "catalog_show", "3"),
                              ("(e) show CASE, warm", "show", "3"), ("(f) intake, warm", "intake", "4")):
        against(name, key, "click", target)
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="10000", help="comma-separated sizes")
    parser.add_argument("--data", type=Path, default=Path("/tmp/svcbench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = {}
    for n in (int(x.replace("_", "")) for x in args.cases.split(",")):
        home = args.data / f"office-{n}"
        if not (home / "catalog").exists():
            shutil.rmtree(home, ignore_errors=True)
            subprocess.run([PY, str(ROOT / "bench" / "generate.py"), "--cases", str(n), "--seed", str(args.seed),
                            "--out", str(home)], check=True)
        work = args.data / f"work-{n}"  # appends go to a copy, so the generated home stays as made
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(home, work, ignore=shutil.ignore_patterns(".svc"))
        results[n] = measure(work, args.runs)
        print(f"N = {n:,} done", file=sys.stderr)
    print(f"Machine: {machine()}\n")
    print(table(results))


if __name__ == "__main__":
    main()
