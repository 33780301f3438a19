"""Two clones of the sample office record offline and are merged by git (issue 10, "Merges").

Each clone writes only records/<its clone id>/..., so `git pull` never touches a file both changed:
no conflict, every chain stays valid, no case id collides (the clone id is part of it), and the
merged office answers with the union. Two byte-identical events from two clones stay two events.

Each clone records 500 cases: some through the real `svc intake` (CliRunner), the rest appended
through RecordLog in exactly the format that command wrote (its events, re-stamped), numbered
under the lock as the command numbers them, to keep the test fast.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, Office
from svccli.store.log import RecordLog

CASES = 500
BY_CLI = 25
GIT = [
    "git",
    "-c",
    "user.name=窗口测试",
    "-c",
    "user.email=window@example.gov.cn",
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "core.hooksPath=/dev/null",
]
# working days from 2026-10-19 to 2026-11-19: the older cases are overdue on 2026-11-20, the newer are not
DAYS = [d for d in (dt.date(2026, 10, 19) + dt.timedelta(n) for n in range(32)) if d.weekday() < 5]
COMPLETE = ("--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def overdue(office: Office) -> set[str]:
    result = office.run("overdue", "--format", "json")
    assert result.exit_code in (0, 3), result.stderr
    return {row["case"] for row in json.loads(result.stdout or "[]") if row["kind"] != "warning"}


def case_ids(office: Office) -> list[str]:
    result = office.run("cases", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def record_offline(office: Office, clone: str, seed: int) -> list[str]:
    """CASES new cases in this clone: BY_CLI through `svc intake`, the rest in the same format."""
    env = {"SVC_CLONE": clone}
    made = []
    for n in range(BY_CLI):
        day = DAYS[(seed + n) % len(DAYS)]
        result = office.run(
            "intake",
            "ZG-001",
            "--applicant",
            f"申请单位{clone}{n}",
            "--phone",
            "0573-88001234",
            *COMPLETE,
            "-q",
            today=f"{day}T09:{n % 60:02d}",
            env=env,
        )
        assert result.exit_code == 0, result.stderr
        made.append(result.stdout.strip())

    log = RecordLog(office.path)
    first = log.read()[0]
    template = [ln.event for ln in first if ln.event.get("case") == made[0]]
    assert [e["type"] for e in template] == ["intake", "accept"]
    old_day = template[0]["ts"][:10]
    for n in range(BY_CLI, CASES):
        day = DAYS[(seed + n) % len(DAYS)]
        ts = f"{day}T{9 + n % 8:02d}:{n % 60:02d}:00+08:00"

        def events(path: Path, day=day, ts=ts, n=n) -> list[dict]:
            prefix = f"TX-{clone}-{day:%y%m%d}-"  # numbered as `svc intake` numbers, under the lock
            case = f"{prefix}{log.last_number(path, prefix) + 1:03d}"
            out = []
            for e in template:
                fields = {k: v for k, v in e.items() if k not in ("v", "id", "prev", "ts")}
                fields = {k: (day.isoformat() if v == old_day else v) for k, v in fields.items()}
                fields["case"] = case
                if fields["type"] == "intake":
                    fields["applicant"] = {**fields["applicant"], "name": f"申请单位{clone}{n}"}
                out.append({"ts": ts, **fields})
            return out

        made.append(log.append(events, day.isoformat(), clone)[0]["case"])
    return made


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """The sample office as a git repository."""
    home = tmp_path / "origin"
    for name in ("catalog", "templates", "records"):
        shutil.copytree(REPO / name, home / name)
    for name in (".gitignore", ".gitattributes"):
        shutil.copy(REPO / name, home / name)
    git(home, "init", "-q")
    git(home, "add", "-A")
    git(home, "commit", "-q", "-m", "样例办公室")
    return home


def test_two_clones_record_offline_and_merge(origin: Path, tmp_path: Path):
    a_path, b_path = tmp_path / "clone-a", tmp_path / "clone-b"
    git(tmp_path, "clone", "-q", str(origin), str(a_path))
    git(tmp_path, "clone", "-q", str(origin), str(b_path))
    a, b, base = Office(a_path), Office(b_path), Office(origin)
    base_ids = case_ids(base)
    base_overdue = overdue(base)

    made_a = record_offline(a, "A01", 0)
    made_b = record_offline(b, "B02", 7)
    # the same event, byte for byte, in both clones (say, copied from one to the other by hand)
    line = RecordLog(a_path).append(
        [
            {
                "ts": "2026-11-19T10:00:00+08:00",
                "by": "S001",
                "type": "inquiry",
                "channel": "phone",
                "person": "李四",
                "unit": "",
                "address": "",
                "phone": "",
                "matter": "咨询办理时限",
                "outcome": "answered",
                "handler": "",
                "authority": "",
                "contact": "",
                "first_contact": "S001",
            }
        ],
        "2026-11-19",
        "A09",
    )[0]
    twin = b_path / "records/B09/2026-11/2026-11-19.jsonl"
    twin.parent.mkdir(parents=True)
    twin.write_bytes((a_path / "records/A09/2026-11/2026-11-19.jsonl").read_bytes())

    for office in (a, b):
        assert office.run("check").exit_code == 0
    overdue_a, overdue_b = overdue(a), overdue(b)
    git(a_path, "add", "-A")
    git(a_path, "commit", "-q", "-m", "A 副本离线收件")
    git(b_path, "add", "-A")
    git(b_path, "commit", "-q", "-m", "B 副本离线收件")

    git(a_path, "pull", "-q", "--no-rebase", "--no-edit", str(b_path), "main")
    assert git(a_path, "status", "--porcelain") == ""
    assert git(a_path, "diff", "--name-only", "--diff-filter=U") == ""  # no conflicted file
    assert git(a_path, "ls-files", "-u") == ""

    merged = case_ids(a)
    assert len(merged) == len(set(merged)) == len(base_ids) + 2 * CASES
    assert set(merged) == set(base_ids) | set(made_a) | set(made_b)
    assert not set(made_a) & set(made_b)
    assert sum(i.startswith("TX-A01-") for i in merged) == sum(i.startswith("TX-B02-") for i in merged) == CASES

    check = a.run("check")  # the copied line is the one problem: a duplicate id, named at both places (issue 16)
    assert check.exit_code == 1, check.stdout + check.stderr
    problems = [ln for ln in check.stdout.splitlines() if "警告" not in ln]
    assert [ln.split(": ", 1)[0] for ln in problems] == [
        "records/A09/2026-11/2026-11-19.jsonl:1",
        "records/B09/2026-11/2026-11-19.jsonl:1",
    ]
    assert all(line["id"] in ln and "重复" in ln for ln in problems)
    assert a.run("verify").exit_code == 0

    union = overdue(a)
    assert union == overdue_a | overdue_b
    assert overdue_a - base_overdue and overdue_b - base_overdue  # each clone added overdue cases
    assert union - overdue_a and union - overdue_b
    assert 0 < len(union - base_overdue) < 2 * CASES  # some new cases are overdue, some are not yet

    # two byte-identical events from two clones stay two events
    lines, _ = RecordLog(a_path).read()
    twins = [ln for ln in lines if ln.event["id"] == line["id"]]
    assert [ln.path for ln in twins] == ["records/A09/2026-11/2026-11-19.jsonl", "records/B09/2026-11/2026-11-19.jsonl"]
    inquiries = json.loads(a.run("inquiries", "--format", "json").stdout)
    assert sum(row.get("id") == line["id"] for row in inquiries) == 2

    # the other way round (a fast-forward) gives the same answers
    git(b_path, "pull", "-q", "--no-rebase", "--no-edit", str(a_path), "main")
    assert sorted(case_ids(b)) == sorted(merged) and overdue(b) == union
