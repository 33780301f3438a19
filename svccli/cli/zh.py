"""click's own messages in Chinese (issue 17): "Usage:", "No such option", "is not one of", "--help".

click passes every message a user sees through gettext (`from gettext import gettext as _` and
`ngettext` in its modules). `install()` puts a small dict-based translation in the names those modules
bound, once, before click renders anything; the msgids are click's exact English (8.1 to 8.5), with
the same `{placeholders}`. Only the standard library is imported: `svc --version` stays fast.
"""

from __future__ import annotations

import gettext
import sys

# click's msgid -> Chinese. A translation may drop a placeholder, never add one.
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Confirm the action without prompting.": "不经询问直接确认。",
    "Do you want to continue?": "是否继续？",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "No such option {name!r}.": "没有选项 “{name}”。",
    "No such command {name!r}.": "没有命令 “{name}”。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件 “{filename}”：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中止。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提示：命令 “{name}” 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "提示：“{name}” 已弃用。{extra_message}",
    "Value must be an iterable.": "值应为多个。",
    "Invalid start character for option ({option})": "选项开头的字符无效（{option}）",
    "Option {name!r} does not take a value.": "选项 “{name}” 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 “{name}” 需要 {nargs} 个值。",
    "{value} is not in the range {range}.": "{value} 不在允许范围内（{range}）。",
    "{value!r} is not a valid {number_type}.": "“{value}” 不是有效的数字。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}” 不是有效的是/否值（可用：{states}）",
    "{value!r} is not a valid UUID.": "“{value}” 不是有效的 UUID。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} “{filename}” 不存在。",
    "{name} {filename!r} is a file.": "{name} “{filename}” 是文件。",
    "{name} {filename!r} is a directory.": "{name} “{filename}” 是目录。",
    "{name} {filename!r} is not readable.": "{name} “{filename}” 不可读。",
    "{name} {filename!r} is not writable.": "{name} “{filename}” 不可写。",
    "{name} {filename!r} is not executable.": "{name} “{filename}” 不可执行。",
    "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
}

# ngettext: click's singular msgid -> (Chinese singular, Chinese plural)
PLURALS: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": ("多余的参数（{args}）", "多余的参数（{args}）"),
    "Takes {nargs} values but 1 was given.": ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
    "Did you mean {possibility}?": ("是否想用 {possibility}？", "（是否想用其中之一：{possibilities}？）"),
    "Option {name!r} requires an argument.": ("选项 “{name}” 需要一个值。", "选项 “{name}” 需要 {nargs} 个值。"),
    "{value!r} is not {choice}.": ("“{value}” 无效，应为 {choice}。", "“{value}” 无效，可选：{choices}。"),
    "{value!r} does not match the format {format}.": (
        "“{value}” 不符合格式 {format}。",
        "“{value}” 不符合以下任一格式：{formats}。",
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，给了 {len_value} 个。",
        "需要 {len_type} 个值，给了 {len_value} 个。",
    ),
}

# the click modules that bound `_` (and `ngettext`) at import
MODULES = (
    "click.core",
    "click.exceptions",
    "click.types",
    "click.parser",
    "click.formatting",
    "click.decorators",
    "click.termui",
)


class Chinese(gettext.NullTranslations):
    """click's English msgids to Chinese; an unknown msgid is left as it is."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        if msgid1 in PLURALS:
            one, many = PLURALS[msgid1]
            return one if n == 1 else many
        return msgid1 if n == 1 else msgid2


CHINESE = Chinese()
_installed = False


def install() -> None:
    """Put the translation into click's modules; once, and harmless again."""
    global _installed
    if _installed:
        return
    import click  # noqa: F401  (imports the modules below)

    for name in MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        names = vars(module)
        if "_" in names:
            names["_"] = CHINESE.gettext
        if "ngettext" in names:
            names["ngettext"] = CHINESE.ngettext
    _installed = True
