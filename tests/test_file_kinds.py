"""Record files are what they seem (issue 16, section 3).

An append follows no symbolic link and writes only to a regular file inside records/. A link, FIFO
or device under records/ or catalog/ is a `svc check` problem, never read or written through (a
FIFO used to hang `svc check`). A duplicate event id across clones and a date listed twice in a
calendar are problems at their lines; a YAML nesting bomb is a problem at its line, not a
traceback; a date the calendar can never count is a usage error; `svc print … | head` exits quietly.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from svccli.store.log import RecordLog

INTAKE = ("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--material", "M01")
DAY = "2026-11-20"
PARTITION = Path("records/T01/2026-11/2026-11-20.jsonl")  # the day file of clone T01 (conftest: SVC_CLONE)
TIMEOUT = 60  # seconds: a FIFO opened for reading blocks for ever


def svc(office, *args: str, today: str = "2026-11-20T09:00", stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """`svc` in a process of its own (a hang is a timeout, not a stuck test run)."""
    env = {
        **os.environ,
        "SVC_CLONE": "T01",
        "SVC_TODAY": today,
        "SVC_CLOCK": today,
        "SVC_STAFF": "S001",
        "SVC_HOME": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "svccli", "--home", str(office.path), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=TIMEOUT,
        text=True,
    )


def victim(tmp_path: Path) -> Path:
    """A file the user can write that an append must never touch."""
    path = tmp_path / "crontab"
    path.write_text("0 8 * * * backup\n", encoding="utf-8")
    os.chmod(path, 0o644)
    return path


def untouched(path: Path) -> bool:
    return path.read_text(encoding="utf-8") == "0 8 * * * backup\n" and stat.S_IMODE(path.stat().st_mode) == 0o644


# -- appends -------------------------------------------------------------------------------------


def test_symlink_at_the_partition_path_is_refused(office, tmp_path):
    target = victim(tmp_path)
    link = office.path / PARTITION
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    result = office.run(*INTAKE, "-q")
    assert result.exit_code == 1 and "记录未保存" in result.stderr and "符号链接" in result.stderr, result.stderr
    assert result.stdout == ""
    assert untouched(target)  # today: JSON appended to it, and chmod 0600
    assert link.is_symlink()


def test_symlink_at_a_clone_folder_is_refused(office, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (office.path / "records" / "T01").symlink_to(elsewhere)
    result = office.run(*INTAKE, "-q")
    assert result.exit_code == 1 and "记录未保存" in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []  # no folder made, no file written through the link


def test_symlink_at_a_month_folder_is_refused(office, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2026-11-20.jsonl").write_bytes(b"")
    (office.path / "records" / "T01").mkdir()
    (office.path / "records" / "T01" / "2026-11").symlink_to(elsewhere)
    result = office.run(*INTAKE, "-q")
    assert result.exit_code == 1 and "记录未保存" in result.stderr
    assert (elsewhere / "2026-11-20.jsonl").read_bytes() == b""


def test_fifo_at_the_partition_path_is_refused_without_hanging(office):
    fifo = office.path / PARTITION
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    result = svc(office, *INTAKE, "-q")
    assert result.returncode == 1 and "记录未保存" in result.stderr and "普通文件" in result.stderr, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_reads_skip_a_link_to_records_elsewhere(office, tmp_path):
    """A link in records/ to another office's records is not read as this office's cases."""
    other = tmp_path / "other"
    RecordLog(other).append([{"ts": "2026-11-20T09:00:00+08:00", "by": "S001", "type": "inquiry"}], DAY, "Z99")
    (office.path / "records" / "Z99").symlink_to(other / "records" / "Z99")
    assert RecordLog(office.path).files() == []
    assert office.run("inquiries", "--format", "json").stdout.strip() in ("", "[]")


# -- svc check names links, FIFOs and devices ---------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "records/T01/2026-11/2026-11-21.jsonl",
        "records/T01/2026-11/notes.txt",
        "catalog/services/zz.yaml",
        "catalog/calendar/2027.yaml",
        "catalog/roster.yaml",
    ],
)
def test_check_names_a_fifo_promptly(office, rel):
    ok = office.run(*INTAKE, "-q")
    assert ok.exit_code == 0
    path = office.path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    result = svc(office, "check")  # today: hangs for ever
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{rel}: 是FIFO" in result.stdout
    assert "Traceback" not in result.stderr
    again = svc(office, "check")  # the catalogue cache is keyed without opening it either
    assert again.returncode == 1 and f"{rel}: 是FIFO" in again.stdout


@pytest.mark.parametrize("where", ["records/T01/2026-11/2026-11-21.jsonl", "records/T02", "catalog/services/zz.yaml"])
def test_check_names_a_symlink(office, tmp_path, where):
    target = victim(tmp_path)
    assert office.run(*INTAKE, "-q").exit_code == 0
    link = office.path / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target if where.endswith(("jsonl", "yaml")) else tmp_path)
    result = office.run("check")
    assert result.exit_code == 1 and f"{where}: 是符号链接" in result.stdout, result.stdout
    assert result.stdout.count(f"{where}:") == 1  # named once, though the loader meets it too
    assert untouched(target)


def test_check_names_a_device(office):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    assert office.run(*INTAKE, "-q").exit_code == 0
    dev = office.path / "records" / "T01" / "2026-11" / "2026-11-21.jsonl"
    os.mknod(dev, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null
    result = svc(office, "check")
    assert result.returncode == 1 and "records/T01/2026-11/2026-11-21.jsonl: 是设备文件" in result.stdout


def test_other_commands_do_not_hang_on_a_fifo_in_records(office):
    assert office.run(*INTAKE, "-q").exit_code == 0
    os.mkfifo(office.path / "records" / "T01" / "2026-11" / "2026-11-21.jsonl")
    for args in (("cases",), ("overdue",), ("inquiries",)):
        result = svc(office, *args)
        assert result.returncode in (0, 3) and "Traceback" not in result.stderr, (args, result.stderr)
    assert svc(office, *INTAKE, "-q").returncode == 0  # a different day's file: the window keeps working


# -- duplicates --------------------------------------------------------------------------------------


def test_duplicate_event_id_across_clones(office):
    assert office.run(*INTAKE, "-q").exit_code == 0
    (mine,) = office.records()
    first = json.loads(mine.read_text(encoding="utf-8").splitlines()[0])
    copied = {k: v for k, v in first.items() if k not in ("v", "prev")}  # same id, a chain of its own
    RecordLog(office.path).append(
        [{"ts": first["ts"], "by": "S002", "type": "inquiry", "id": copied["id"]}], DAY, "T02"
    )
    result = office.run("check")
    assert result.exit_code == 1, result.stdout
    dup = [ln for ln in result.stdout.splitlines() if "重复" in ln]
    assert len(dup) == 2, result.stdout
    assert dup[0].startswith(f"{PARTITION.as_posix()}:1: ") and "records/T02/2026-11/2026-11-20.jsonl:1" in dup[0]
    assert dup[1].startswith("records/T02/2026-11/2026-11-20.jsonl:1: ") and f"{PARTITION.as_posix()}:1" in dup[1]


def test_distinct_ids_are_no_problem(office):
    for _ in range(3):
        assert office.run(*INTAKE, "-q").exit_code == 0
    assert office.run("check").exit_code == 0


def calendar(office, workdays: str, holidays: str = "") -> str:
    text = (office.path / "catalog" / "calendar" / "2026.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("holidays:")
    body = (
        head + "holidays:\n  - {name: 元旦, from: 2026-01-01, to: 2026-01-03}\n" + holidays + "workdays:\n" + workdays
    )
    office.write("catalog/calendar/2026.yaml", body)
    return body


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = text.splitlines()
    found = [n for n, ln in enumerate(lines, 1) if needle in ln]
    return found[nth - 1]


def test_a_workday_listed_twice(office):
    body = calendar(
        office,
        "  - {date: 2026-01-04, for: 元旦}\n  - {date: 2026-02-14, for: 春节}\n  - {date: 2026-01-04, for: 元旦}\n",
    )
    result = office.run("check")
    assert result.exit_code == 1
    n = line_of(body, "2026-01-04", 2)
    assert f"catalog/calendar/2026.yaml:{n}: " in result.stdout and "2026-01-04" in result.stdout, result.stdout
    assert f"第 {line_of(body, '2026-01-04')} 行" in result.stdout


def test_a_holiday_date_listed_twice(office):
    body = calendar(
        office, "  - {date: 2026-01-04, for: 元旦}\n", "  - {name: 元旦补, from: 2026-01-03, to: 2026-01-03}\n"
    )
    result = office.run("check")
    assert result.exit_code == 1
    assert f"catalog/calendar/2026.yaml:{line_of(body, '元旦补')}: " in result.stdout and "2026-01-03" in result.stdout


# -- a YAML nesting bomb -----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["catalog/services/zz.yaml", "catalog/roster.yaml", "catalog/calendar/2026.yaml"])
def test_yaml_nesting_bomb_is_a_problem_at_its_line(office, rel):
    bomb = "#\nx: 1\nb: " + "[" * 200 + "]" * 200 + "\n"
    assert len(bomb.encode()) == 411  # the bomb: 200 nested brackets in about 410 bytes
    office.write(rel, bomb)
    result = office.run("check")
    assert result.exit_code == 1, result.stdout
    assert f"{rel}:3: " in result.stdout and "嵌套" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr  # today: RecursionError
    cases = office.run("cases")
    assert cases.exit_code == 1 and f"{rel}:3" in cases.stderr


def test_yaml_nesting_bomb_by_indentation(office):
    bomb = "x: 1\nb:\n" + "".join(" " * i + "-\n" for i in range(300))
    office.write("catalog/services/zz.yaml", bomb)
    result = office.run("check")
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    assert "catalog/services/zz.yaml:302: " in result.stdout, result.stdout  # the deepest "-"


# -- dates the calendar can never count ------------------------------------------------------------


@pytest.mark.parametrize("option", ["--today", "--as-of"])
@pytest.mark.parametrize("value", ["9999-12-31", "9999-12-31T23:59", "0001-01-01", "1999-12-31"])
def test_a_date_out_of_range_is_a_usage_error(office, option, value):
    result = office.run(option, value, "cases")
    assert result.exit_code == 2 and option in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_date_out_of_range_from_the_environment(office):
    result = office.run("overdue", today="9999-12-31")
    assert result.exit_code == 2 and "--today" in result.stderr
    assert office.run("calendar", "due", "2026-09-30", "3", today="2100-12-31").exit_code == 0


# -- a reader that stops early ---------------------------------------------------------------------


def case_with_notice(office) -> str:
    result = office.run(*INTAKE)
    assert result.exit_code == 0
    return result.stdout.splitlines()[0]


def test_print_into_a_closed_pipe_exits_quietly(office):
    case_id = case_with_notice(office)
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first byte: every write is EPIPE
    try:
        result = svc(office, "print", case_id, "notice", stdout=write)
    finally:
        os.close(write)
    assert result.returncode == 0, result.stderr  # today: exit 1, "文件操作失败 … Broken pipe"
    assert result.stderr == ""


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_print_in_a_shell_pipeline_exits_quietly(office, tmp_path, reader):
    """`svc print … | head -1`; with `true` the reader is gone before svc writes (always EPIPE)."""
    case_id = case_with_notice(office)
    env = {
        **os.environ,
        "SVC_CLONE": "T01",
        "SVC_TODAY": "2026-11-20T09:00",
        "SVC_CLOCK": "2026-11-20T09:00",
        "SVC_STAFF": "S001",
        "SVC_HOME": "",
    }
    script = (
        f'"{sys.executable}" -m svccli --home "{office.path}" print {case_id} notice '
        f'2>"{tmp_path}/err" | {reader} >/dev/null; '
        f'echo "${{PIPESTATUS[0]}}"; cat "{tmp_path}/err"'
    )
    out = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=TIMEOUT, cwd=office.path
    )
    code, _, err = out.stdout.partition("\n")
    assert code == "0" and err == "", out.stdout  # today, with `true`: exit 1, "文件操作失败 … Broken pipe"


def test_an_intake_into_a_closed_pipe_is_recorded(office):
    read, write = os.pipe()
    os.close(read)
    try:
        result = svc(office, *INTAKE, stdout=write)
    finally:
        os.close(write)
    assert result.returncode == 0 and result.stderr == ""
    lines, _ = RecordLog(office.path).read()
    steps = [ln.event["type"] for ln in lines if ln.event["type"] not in ("template", "document")]  # the register's
    assert steps == ["intake", "notice"]  # exit 0: it is on file
