"""Shell completion (issue 17): click's `_SVC_COMPLETE` protocol through svc's lazily loading group.

Run as bash runs it: `COMP_WORDS` is the command line so far, `COMP_CWORD` the index of the word
being completed, and svc answers one `type,value` line per candidate.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def complete(line: str, shell: str = "bash") -> list[str]:
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("SVC_")}
    env.update({"COMP_WORDS": line, "COMP_CWORD": str(cword), "_SVC_COMPLETE": f"{shell}_complete", "LC_ALL": "C"})
    done = subprocess.run(
        [sys.executable, "-m", "svccli"], env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


def values(line: str) -> list[str]:
    out = complete(line)
    assert all(row.startswith("plain,") for row in out), out
    return [row.split(",", 1)[1] for row in out]


def test_completion__command_names():
    assert values("svc ov") == ["overdue"]
    assert "inquiries" in values("svc inq") and "inquiry" in values("svc inq")


def test_completion__after_global_options():
    assert values("svc --home /nowhere --as S001 ov") == ["overdue"]


@pytest.mark.parametrize(
    "group, subcommands",
    [
        ("audit", ["backdated", "corrections", "reveals"]),
        ("calendar", ["due", "impact", "show", "workdays"]),
        ("catalog", ["list", "show"]),
    ],
)
def test_completion__subcommands_of_groups(group, subcommands):
    assert values(f"svc {group} ") == subcommands


def test_completion__option_names():
    assert values("svc overdue --fo") == ["--format"]
    assert values("svc --h") == ["--home", "--help"]


def test_completion__option_choices():
    assert values("svc overdue --format ") == ["table", "json", "csv"]


def test_completion__home_offers_directories():
    """`svc --home <TAB>`: the shell completes directory names (bash: `compopt -o dirnames`)."""
    assert complete("svc --home /sr") == ["dir,/sr"]


def test_completion__zsh_gets_the_chinese_help():
    """zsh and fish show each candidate's short help: Chinese, UTF-8 even under LC_ALL=C."""
    out = complete("svc au", shell="zsh")
    assert out[:2] == ["plain", "audit"] and "审计" in out[2]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion__source_scripts(shell):
    """The lines README gives: `eval "$(_SVC_COMPLETE=bash_source svc)"` and the like."""
    env = {**os.environ, "_SVC_COMPLETE": f"{shell}_source"}
    done = subprocess.run([sys.executable, "-m", "svccli"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "_svc_completion" in done.stdout
