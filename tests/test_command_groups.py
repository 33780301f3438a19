"""`svc --help` lists the commands by who uses them (issue 17): 窗口, 科室, 督查, 管理. Every command is in
exactly one group, so a new command without a group fails here (add it to GROUPS in svccli/cli/main.py)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import click
from click.testing import CliRunner

from svccli.cli.main import GROUPS, OTHER, cli

ENV = {"SVC_HOME": "", "SVC_STAFF": "", "SVC_TODAY": "2026-05-11T09:00", "SVC_CLOCK": "2026-05-11T09:00"}


def top_commands() -> list[str]:
    return cli.list_commands(click.Context(cli, info_name="svc"))


def test_every_command_is_in_exactly_one_group():
    counts = Counter(name for _, names in GROUPS for name in names)
    twice = sorted(name for name, n in counts.items() if n > 1)
    assert not twice, f"in more than one group: {twice}"
    commands = set(top_commands())
    assert not commands - set(counts), f"commands with no group in GROUPS: {sorted(commands - set(counts))}"
    assert not set(counts) - commands, f"GROUPS names commands that do not exist: {sorted(set(counts) - commands)}"


def test_groups_are_the_four_users():
    assert [heading for heading, _ in GROUPS] == ["窗口命令", "科室命令", "督查命令", "管理命令"]
    assert {
        name: heading for heading, names in GROUPS for name in names if name in ("intake", "receive", "audit", "check")
    } == {
        "intake": "窗口命令",
        "receive": "科室命令",
        "audit": "督查命令",
        "check": "管理命令",
    }


def sections(text: str) -> dict[str, list[str]]:
    """The command names under each heading of `svc --help`."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            current = line[:-1]
            found[current] = []
        elif current is not None and line.startswith("  ") and not line.startswith("   "):
            found[current].append(line.split()[0])
    return found


def test_svc_help_shows_one_section_per_group():
    result = CliRunner().invoke(cli, ["--help"], env=ENV)
    assert result.exit_code == 0, result.output
    listed = sections(result.output)
    assert OTHER not in listed and "Commands" not in listed
    for heading, names in GROUPS:
        assert listed[heading] == list(names), heading
    # the short help of each command is there, as before
    assert "收件登记：登记申请和收到的材料" in result.output
    # the sections line up: every command's short help starts in the same column
    names = {name for _, group in GROUPS for name in group}
    rows = [line for line in result.output.splitlines() if line.startswith("  ") and line.split()[0] in names]
    assert len(rows) == len(names)
    assert len({line.index(line.split()[1]) for line in rows}) == 1


def test_version_does_not_load_the_commands():
    code = (
        "import sys\n"
        "from svccli.cli.main import cli\n"
        "try:\n"
        "    cli.main(['--version'], prog_name='svc')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.endswith('_cmd')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_command_without_a_group_is_still_listed(monkeypatch):
    import svccli.cli.main as main

    monkeypatch.setattr(main, "GROUPS", tuple((h, tuple(n for n in names if n != "sql")) for h, names in main.GROUPS))
    listed = sections(CliRunner().invoke(cli, ["--help"], env=ENV).output)
    assert listed[OTHER] == ["sql"] and "sql" not in listed["督查命令"]
