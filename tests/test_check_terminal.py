"""`svc check` says so when the office is clean, to someone at a terminal (issue 17 §4); run by cron
(stdout not a terminal) it stays quiet. The terminal is a pty, as a login shell's is."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from conftest import Office

CLEAN = "检查完毕：未发现问题"


def env(office: Office, today: str) -> dict:
    return {
        **os.environ,
        "SVC_HOME": str(office.path),
        "SVC_STAFF": "S001",
        "SVC_CLONE": "T01",
        "SVC_TODAY": today,
        "SVC_CLOCK": today,
    }


def on_a_terminal(office: Office, today: str = "2026-06-01T09:00") -> tuple[int, str, str]:
    """`svc check` with a pty as stdout: exit code, what the terminal showed, stderr."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "svccli", "check"], stdout=slave, stderr=subprocess.PIPE, env=env(office, today)
        )
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    return proc.returncode, b"".join(chunks).decode("utf-8"), err.decode("utf-8")


def piped(office: Office, today: str = "2026-06-01T09:00") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "svccli", "check"], capture_output=True, text=True, env=env(office, today), timeout=60
    )


def test_a_clean_office_on_a_terminal_is_told_so(office: Office):
    code, shown, err = on_a_terminal(office)
    assert code == 0, err
    assert shown.strip().splitlines() == [CLEAN]


def test_a_clean_office_under_cron_hears_nothing(office: Office):
    result = piped(office)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert office.run("check").stdout == ""  # CliRunner's stdout is no terminal either


def test_warnings_only__clean_and_the_warnings_counted(office: Office):
    code, shown, err = on_a_terminal(office, today="2026-11-20T09:00")  # no 2027 calendar: a warning from November
    assert code == 0 and "2027" in err
    assert shown.strip().splitlines() == [f"{CLEAN}（另有 1 条警告，见上）"]


@pytest.mark.parametrize("run", [on_a_terminal, piped], ids=["terminal", "cron"])
def test_problems__never_called_clean(office: Office, run):
    office.write("records/2026/11/T01-2026-11-20.jsonl", "not json\n")
    result = run(office)
    code, out = (result[0], result[1]) if isinstance(result, tuple) else (result.returncode, result.stdout)
    assert code == 1 and CLEAN not in out
