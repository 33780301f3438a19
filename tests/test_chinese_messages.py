"""Issue 17: Chinese on every line a user sees — click's own messages and the YAML parser's.

Every command (the click tree walked from `cli`, groups' subcommands included) is run with a wrong
option, a wrong value for one of its options (a Choice, an IntRange or a date) and `--help`, under
LANG=C; no English word of click's may appear once option names and METAVARS are taken out.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest

from svccli.cli import zh
from svccli.cli.main import cli
from svccli.cli.params import Day

REPO = Path(__file__).resolve().parent.parent
ROSTER = "catalog/roster.yaml"
LANG_C = {"LANG": "C", "LC_ALL": "C"}

ENGLISH = re.compile(
    r"Usage|Error|Try|help|Options|Commands|Show this message|No such|is not one of|is not in the range|"
    r"Missing|Invalid value|argument|option|required|default|Aborted|Did you mean"
)


def english(output: str) -> list[str]:
    """click's English words left in output, after option names (`--help`, `-h`) and METAVARS go."""
    text = re.sub(r"--?[a-z][a-z0-9-]*", " ", output)
    text = re.sub(r"\b[A-Z][A-Z0-9_:]*\b", " ", text)
    return ENGLISH.findall(text)


def walk(command: click.Command, path: tuple[str, ...] = ()):
    if path:
        yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1] if path else "svc")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, (*path, name))


COMMANDS = list(walk(cli))
IDS = [" ".join(path) for path, _ in COMMANDS]


def wrong_value(command: click.Command) -> list[str] | None:
    """A wrong value for one option that takes a value: a Choice, an IntRange or a date."""
    for param in command.params:
        if not isinstance(param, click.Option) or param.is_flag or param.count:
            continue
        name = param.opts[0]
        if isinstance(param.type, click.Choice):
            return [name, "已受理"]
        if isinstance(param.type, click.IntRange):
            below = param.type.min if param.type.min is not None else None
            above = param.type.max if param.type.max is not None else None
            return [name, str(above + 1 if above is not None else int(below) - 1)]  # type: ignore[arg-type]
        if isinstance(param.type, (Day, click.DateTime)):
            return [name, "2026-13-45"]
    return None


def _check(result, code: int) -> None:
    output = result.stdout + result.stderr
    assert result.exit_code == code, (result.exit_code, output)
    assert not english(output), (english(output), output)


def test_the_walk_finds_commands_and_wrong_values():
    assert len(COMMANDS) > 20
    assert sum(wrong_value(command) is not None for _, command in COMMANDS) > 5


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_wrong_option_is_chinese(office, path, command):
    result = office.run(*path, "--no-such-option", env=LANG_C)
    _check(result, 2)
    assert "--no-such-option" in result.stderr


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_wrong_value_is_chinese(office, path, command):
    args = wrong_value(command)
    if args is None:
        pytest.skip("no Choice, IntRange or date option")
    result = office.run(*path, *args, env=LANG_C)
    _check(result, 2)
    assert args[0] in result.stderr


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_is_chinese(office, path, command):
    result = office.run(*path, "--help", env=LANG_C)
    _check(result, 0)
    assert "用法：" in result.stdout


def test_top_level_help_and_unknown_command_are_chinese(office):
    _check(office.run("--help", env=LANG_C), 0)
    result = office.run("no-such-command", env=LANG_C)
    _check(result, 2)
    assert "没有命令" in result.stderr


def test_range_and_choice_messages(office):
    """The two messages the issue quotes, in Chinese."""
    for path, command in COMMANDS:
        args = wrong_value(command)
        if args and args[1] == "已受理":
            result = office.run(*path, *args, env=LANG_C)
            assert "“已受理” 无效" in result.stderr or "“已受理” 无效，应为" in result.stderr, result.stderr
            break
    else:
        pytest.fail("no command with a Choice option")
    for path, command in COMMANDS:
        args = wrong_value(command)
        if args and args[1].lstrip("-").isdigit():
            result = office.run(*path, *args, env=LANG_C)
            assert "不在允许范围内" in result.stderr, result.stderr
            break


def test_python_m_svccli_under_lang_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "SVC_"))}
    env.update(LANG_C, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "svccli", "overdue", "--no-such-option"],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    output = (done.stdout + done.stderr).decode("utf-8")
    assert done.returncode == 2, output
    assert "没有选项" in output and "用法：" in output
    assert not english(output), output


def test_translations_keep_placeholders():
    """A translation may drop a placeholder of click's msgid, never add one (format would fail)."""

    def fields(text: str) -> set[str]:
        return {name.split("!")[0] for _, name, _, _ in string.Formatter().parse(text) if name}

    for msgid, chinese in zh.MESSAGES.items():
        assert fields(chinese) <= fields(msgid), msgid
    for msgid, (one, many) in zh.PLURALS.items():
        assert fields(one) <= fields(msgid) | {"nargs", "len", "possibilities", "choices", "formats"}, msgid
        assert fields(many) <= fields(msgid) | {"nargs", "len", "possibilities", "choices", "formats"}, msgid


# ---------------------------------------------------------------- YAML a person edits by hand

STAFF = 'staff:\n  - id: S001\n    name: 张伟\n    phone: "13812345678"\n'


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('staff:\n  - id: S001\n\t  name: 张伟\n    phone: "13812345678"\n', 3, "制表符"),
        ('staff:\n  - id: S001\n    name 张伟\n    phone: "13812345678"\n', 3, "缺少冒号"),
        ('staff:\n  - id: S001\n    name： 张伟\n    phone: "13812345678"\n', 3, "全角冒号"),
        ('staff:\n  - id: S001\n    name: 张伟\n   phone: "13812345678"\n', 4, "缩进不对"),
        ("staff:\n  - {id: S001, name: 张伟, roles: [clerk\n  - {id: S002}\n", 2, "括号没有闭合"),
        ('staff:\n  - id: S001\n    name: "张伟\n    phone: "13812345678"\n', 3, "引号没有闭合"),
        ("staff:\n  - id: S001\n    name: 张伟\n    name: 李娜\n", 4, "键 “name” 在同一层重复出现"),
    ],
    ids=["tab", "colon", "full-width-colon", "indentation", "bracket", "quote", "duplicate-key"],
)
def test_yaml_mistakes_in_chinese(office, text, line, fragment):
    office.write(ROSTER, text)
    result = office.run("check")
    assert result.exit_code == 1, result.stdout
    lines = [x for x in result.stdout.splitlines() if x.startswith(f"{ROSTER}:{line}: ")]
    assert lines, result.stdout
    assert any(fragment in x for x in lines), lines
    assert not re.search(r"found|expected|could not|while (scanning|parsing)", result.stdout), result.stdout
