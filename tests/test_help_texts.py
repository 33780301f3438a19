"""Help texts a clerk can read (issue 17): no seed codes such as "（000 第四篇 二.8）" or "（003 工作流程 四）"
in any command's `--help`. The rules and the regulations they come from are listed in docs/rules.md."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from svccli.cli.main import cli

SEED_CODE = re.compile(r"\b00[0-3]\b|第[一二三四五六七八九十]+[篇条]|工作流程")
ENV = {"SVC_HOME": "", "SVC_STAFF": "", "SVC_TODAY": "2026-05-11T09:00", "SVC_CLOCK": "2026-05-11T09:00"}


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """The path of `svc` and of every command and subcommand under it, loaded as `svc --help` loads them."""
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1] if path else "svc")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"svc {' '.join(path + (name,))}: listed but cannot be loaded"
            yield from walk(sub, path + (name,))


PATHS = list(walk(cli))


def test_the_walk_reaches_subcommands():
    assert ("deliver",) in PATHS and ("audit", "reveals") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(("svc",) + p))
def test_help_carries_no_seed_code(path):
    result = CliRunner().invoke(cli, [*path, "--help"], env=ENV)
    assert result.exit_code == 0, result.output
    found = [line.strip() for line in result.output.splitlines() if SEED_CODE.search(line)]
    assert not found, f"svc {' '.join(path)} --help shows seed codes (move them to docs/rules.md): {found}"


def test_the_pattern_catches_seed_codes():
    for text in ("（000 第四篇 二.8）", "（003 工作流程 四）", "（001 十二.3）", "（000 首问负责制 第三条）"):
        assert SEED_CODE.search(text), text
    assert not SEED_CODE.search("受理：T01-0007，2026-11-20 起 3 个工作日")
