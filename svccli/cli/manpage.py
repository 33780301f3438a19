"""The manual page svc(1), written as roff from click's command tree (issue 17).

`python -m svccli.cli.manpage > docs/svc.1` regenerates the committed page after a help text
changes; tests/test_manpage.py fails while docs/svc.1 differs from what this prints. Commands load
lazily (SvcGroup), so the tree is walked through click as `svc --help` walks it. No dependency:
the page is plain man(7) macros, UTF-8 (man runs preconv on it).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator

import click

from svccli import __version__
from svccli.cli.main import GROUPS, OTHER, cli
from svccli.errors import EXIT_CODES

FILES = (
    (
        "catalog/office.yaml",
        "办公室代码、电话、办公时间和本办公室的规则选择；svc 向上查找含此文件的目录作为办公室目录。",
    ),
    ("catalog/services/*.yaml", "每个部门一个文件：该部门的事项（办事指南要素）。"),
    ("catalog/roster.yaml", "人员、科室、窗口、A/B 岗。"),
    ("catalog/calendar/YYYY.yaml", "国务院办公厅当年的节假日安排（放假日和调休上班日）。"),
    ("catalog/scoring.yaml", "季度百分制考核方案。"),
    ("templates/", "打印文书的 jinja2 模板（办公室可修改）。"),
    ("records/CLONE/YYYY-MM/DATE.jsonl", "案件记录：JSON 行，只追加；每个工作副本只写自己的文件。"),
    (".svc/", "派生状态、记录锁和本工作副本的编号；不纳入 git。"),
)
ENVIRONMENT = (
    ("SVC_HOME", "办公室目录（同 --home）。"),
    ("SVC_STAFF", "操作人员编号（同 --as）。"),
    ("SVC_TODAY", "查询命令按该日回答；记录命令的业务日期（同 --today）。"),
    ("SVC_AS_OF", "只读命令按该日结束时已有的记录回答（同 --as-of）。"),
    ("SVC_CLOCK", "YYYY-MM-DD[THH:MM]：设定时钟本身（测试和演示用）；没有命令行选项能改变记录时间。"),
    ("SVC_LOCK_TIMEOUT", "等待记录锁的秒数（默认 10）；超时退出 4，未写入任何内容。"),
    ("SVC_CLONE", "本工作副本的编号（默认：首次记录时生成并保存在 .svc/clone）。"),
    ("_SVC_COMPLETE", "bash_source、zsh_source 或 fish_source：输出该 shell 的补全脚本（见 COMPLETION）。"),
)
SEE_ALSO = (
    "README.md、docs/catalog-format.md（目录文件格式）、docs/rules.md（规则及其出处）、docs/trust.md；",
    "crontab(5)、git(1)",
)


# Chinese characters and full-width punctuation: groff 1.22 breaks lines only at spaces, so a
# zero-width break point (\:) follows each one; a long Chinese sentence then wraps like click's help.
# (never before closing punctuation; `.TH`'s title is written without them).
CJK = re.compile("([\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])")
BREAK = re.compile("([\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])(?![，。、；：）！？」』》])")


def escape(text: str) -> str:
    """Text for a roff line: backslashes and hyphens escaped, a leading control character guarded."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = BREAK.sub("\\1\\\\:", text).replace("|", "|\\:")  # and a long list of choices breaks after |
    return "\\&" + text if text.startswith((".", "'")) else text


def paragraphs(help_text: str | None) -> Iterator[tuple[bool, list[str]]]:
    """(verbatim, lines) per paragraph of a click help text: `\\b` keeps its lines, `\\f` ends the text."""
    text = inspect.cleandoc(help_text or "").split("\f")[0]
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines and lines[0].strip() == "\b":
            yield True, [line.strip() for line in lines[1:]]
        elif lines:
            yield False, [line.strip() for line in lines]


def body(help_text: str | None, first: str = ".PP") -> list[str]:
    out: list[str] = []
    for i, (verbatim, lines) in enumerate(paragraphs(help_text)):
        out.append(first if i == 0 else ".IP" if first == ".IP" else ".PP")
        out += [".nf", *map(escape, lines), ".fi"] if verbatim else [escape(join(lines))]
    return out


def join(lines: list[str]) -> str:
    """A paragraph's lines as one: no space where Chinese meets Chinese (a space would show in it)."""
    text = lines[0]
    for line in lines[1:]:
        text += line if CJK.fullmatch(text[-1]) and CJK.fullmatch(line[0]) else " " + line
    return text


def option_list(command: click.Command, ctx: click.Context) -> list[str]:
    out: list[str] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
        if record is None:  # arguments (named in the synopsis) and hidden options
            continue
        names, help_text = record
        out += [".TP", f".B {escape(names)}", escape(help_text) if help_text else "\\&"]
    return out


def usage(command: click.Command, ctx: click.Context) -> str:
    return escape(" ".join(command.collect_usage_pieces(ctx)))


def tree(command: click.Command, ctx: click.Context) -> Iterator[tuple[click.Command, click.Context]]:
    """The command and, for a group, each visible subcommand under it, with their contexts."""
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from tree(sub, click.Context(sub, info_name=name, parent=ctx))


def command_entry(command: click.Command, ctx: click.Context) -> list[str]:
    out = [".TP", f"\\fB{escape(ctx.command_path)}\\fR {usage(command, ctx)}"]
    out += body(command.help, first=".IP") or ["\\&"]
    options = option_list(command, ctx)
    if options:
        out += [".RS", *options, ".RE"]
    return out


def render() -> str:
    ctx = click.Context(cli, info_name="svc")
    summary = next(paragraphs(cli.help))[1][0]
    out = [
        f".\\\" Generated by `python -m svccli.cli.manpage` from svc's help texts ({__version__}); do not edit.",
        f'.TH SVC 1 "" "svccli {escape(__version__)}" "政务服务窗口命令行工具"',
        ".nh",  # no hyphenation: it would split option names
        ".ad l",  # ragged right: justifying Chinese and option names spreads them apart
        ".SH NAME",
        f"svc \\- {escape(summary.rstrip('。'))}",
        ".SH SYNOPSIS",
        f".B svc\n{usage(cli, ctx)}",
        ".SH DESCRIPTION",
        *body(cli.help.partition("\n\n")[2] if cli.help else None),
        ".PP",
        "不带 --home 时，svc 像 git 查找 .git 一样向上查找含 catalog/office.yaml 的目录作为办公室目录。",
        ".SH OPTIONS",
        *option_list(cli, ctx),
        ".SH COMMANDS",
    ]
    shown: dict[str, click.Command] = {}
    for name in cli.list_commands(ctx):
        sub = cli.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            shown[name] = sub
    named = {name for _, names in GROUPS for name in names}
    for heading, names in [*GROUPS, (OTHER, tuple(sorted(set(shown) - named)))]:
        present = [name for name in names if name in shown]
        if not present:
            continue
        out.append(f".SS {escape(heading)}")
        for name in present:
            for command, sub_ctx in tree(shown[name], click.Context(shown[name], info_name=name, parent=ctx)):
                out += command_entry(command, sub_ctx)
    out.append(".SH EXIT STATUS")
    for code, meaning in EXIT_CODES.items():
        out += [".TP", f".B {code}", escape(meaning)]
    out.append(".SH FILES")
    out.append("办公室目录（--home、SVC_HOME，或向上查找）中：")
    for path, meaning in FILES:
        out += [".TP", f".I {escape(path)}", escape(meaning)]
    out.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        out += [".TP", f".B {escape(name)}", escape(meaning)]
    out += [
        ".SH COMPLETION",
        "在 shell 的启动文件中加一行（svc 须在 PATH 中）：",
        ".PP",
        ".nf",
        escape('bash (~/.bashrc):  eval "$(_SVC_COMPLETE=bash_source svc)"'),
        escape('zsh (~/.zshrc):    eval "$(_SVC_COMPLETE=zsh_source svc)"'),
        escape("fish (~/.config/fish/completions/svc.fish):  _SVC_COMPLETE=fish_source svc | source"),
        ".fi",
        ".SH SEE ALSO",
        *(escape(line) for line in SEE_ALSO),
    ]
    return "\n".join(out) + "\n"


def main() -> None:
    sys.stdout.buffer.write(render().encode("utf-8"))


if __name__ == "__main__":
    main()
