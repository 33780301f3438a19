"""Docs checked by tests: command help, README's command list and exit codes, `--version`, `svc init`.

Commands load lazily (SvcGroup.list_commands / get_command), so the tree is walked through click
as `svc --help` does, never by importing the command modules by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from svccli import __version__
from svccli import errors as errs
from svccli.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
ENV = {
    "SVC_HOME": "",
    "SVC_STAFF": "",
    "SVC_TODAY": "2026-05-11T09:00",
    "SVC_CLOCK": "2026-05-11T09:00",
    "SVC_CLONE": "T01",
}


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """(path, command) for `svc` and every command and subcommand under it."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1] if path else "svc")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"svc {' '.join(path + (name,))}: listed but cannot be loaded"
            yield from walk(sub, path + (name,))


COMMANDS = list(walk(cli))
TOP = [path[0] for path, _ in COMMANDS if len(path) == 1]


def options(command: click.Command):
    ctx = click.Context(command)
    return [p for p in command.get_params(ctx) if isinstance(p, click.Option)]  # with --help


def shown(path) -> str:
    return " ".join(("svc",) + path)


# Options whose help text is known to be missing. Each entry is xfail(strict): when the help is
# written, the test passes, strict turns that into a failure, and the entry must be removed here.
# (--help and --version are click's own and carry click's help text: no exceptions needed.)
HELP_MISSING: dict = {}
# Top-level commands that README.md does not mention yet (same strict xfail).
README_MISSING: dict = {}


def test_walk__finds_the_commands():
    assert {"check", "init", "intake", "overdue", "calendar", "catalog"} <= set(TOP)
    assert ("calendar", "due") in [path for path, _ in COMMANDS]


@pytest.mark.parametrize("path,command", COMMANDS, ids=[shown(p) for p, _ in COMMANDS])
def test_help__every_command_has_a_help_text(path, command):
    assert (command.help or "").strip(), f"`{shown(path)}` has no docstring/help"
    assert (command.get_short_help_str(limit=80) or "").strip(), f"`{shown(path)}` has no short help"


OPTION_CASES = [
    pytest.param(
        path,
        opt.opts[0],
        id=f"{shown(path)} {opt.opts[0]}",
        marks=[pytest.mark.xfail(strict=True, reason=HELP_MISSING[(" ".join(path), opt.opts[0])])]
        if (" ".join(path), opt.opts[0]) in HELP_MISSING
        else [],
    )
    for path, command in COMMANDS
    for opt in options(command)
]


@pytest.mark.parametrize("path,option", OPTION_CASES)
def test_help__every_option_has_a_help_text(path, option):
    command = dict(COMMANDS)[path]
    opt = next(o for o in options(command) if o.opts[0] == option)
    assert (opt.help or "").strip(), f"`{shown(path)} {option}` has no help="


def test_help__missing_list_names_real_options():
    """An entry left in HELP_MISSING after its option is renamed or removed is a stale entry."""
    known = {(" ".join(path), o.opts[0]) for path, command in COMMANDS for o in options(command)}
    assert set(HELP_MISSING) <= known
    assert set(README_MISSING) <= set(TOP)


def test_help__every_help_page_renders():
    runner = CliRunner()
    for path, _ in COMMANDS:
        result = runner.invoke(cli, [*path, "--help"], env=ENV)
        assert result.exit_code == 0, (shown(path), result.output)
        assert "用法：" in result.output


# ---------------------------------------------------------------- README


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=README_MISSING[n])] if n in README_MISSING else [])
        for n in TOP
    ],
)
def test_readme__names_every_command(name):
    """Each top-level command appears in README.md as `svc [global options] NAME`."""
    assert re.search(rf"\bsvc(?: --?[\w-]+(?:[ =](?!-)\S+)?)* {re.escape(name)}(?![\w-])", README), (
        f"README.md never shows `svc {name}`"
    )


def _table(text: str, heading: str) -> dict[int, str]:
    section = text.split(heading, 1)[1]
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*(.*?)\s*\|\s*$", section.split("\n## ", 1)[0], re.M)
    return {int(code): meaning for code, meaning in rows}


def _lead(meaning: str) -> list[str]:
    """The first words of a meaning: "data problem", "the record lock", ..."""
    return re.split(r"[:(;]", meaning)[0].split()[:3]


def test_readme__exit_code_table_matches_errors_py():
    readme = _table(README, "## Exit codes")
    source = _table(errs.__doc__, "| code | meaning |")
    constants = {name: getattr(errs, name) for name in ("OK", "DATA", "USAGE", "FOUND", "LOCKED")}
    assert sorted(readme) == sorted(source) == sorted(errs.EXIT_CODES) == sorted(constants.values()) == [0, 1, 2, 3, 4]
    for code, meaning in source.items():
        assert _lead(readme[code])[: len(_lead(meaning))] == _lead(meaning), (code, readme[code], meaning)
    assert "svccli/errors.py" in README


def test_exit_codes__error_classes_carry_them():
    assert (errs.DataError.exit_code, errs.UsageError.exit_code, errs.Found.exit_code, errs.Locked.exit_code) == (
        errs.DATA,
        errs.USAGE,
        errs.FOUND,
        errs.LOCKED,
    )


def test_exit_codes__svc_help_lists_them():
    result = CliRunner().invoke(cli, ["--help"], env=ENV)
    text = re.sub(r"\s+", "", result.output)
    assert "；".join(f"{code}{name}" for code, name in errs.EXIT_CODES.items()) in text


# ---------------------------------------------------------------- --version and init


def test_version__prints_the_package_version():
    result = CliRunner().invoke(cli, ["--version"], env=ENV)
    assert result.exit_code == 0
    assert result.output == f"svc {__version__}\n"


def test_version__python_m_svccli():
    out = subprocess.run(
        [sys.executable, "-m", "svccli", "--version"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        check=True,
    ).stdout
    assert out.strip() == f"svc {__version__}"


def test_init__creates_a_home_whose_only_problems_are_its_placeholders(tmp_path):
    home = tmp_path / "office"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(home)], env=ENV)
    assert result.exit_code == 0, result.output
    schemas = sorted(p.name for p in (home / "catalog" / "schema").glob("*.json"))
    assert schemas == sorted(p.name for p in (REPO / "catalog" / "schema").glob("*.json"))
    assert len(schemas) == 5
    for path in sorted((home / "catalog").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        m = re.match(r"# yaml-language-server: \$schema=(\S+)$", first)
        assert m and (path.parent / m.group(1)).is_file(), (path, first)
    result = runner.invoke(cli, ["--home", str(home), "check"], env=ENV)
    # a new office's files are valid; what `svc check` lists is the 某某 and 0000 still to replace
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and lines and all("占位" in line for line in lines), result.output
