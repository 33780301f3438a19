"""Reading hand-edited YAML with line numbers, turning every fault into a Problem.

ruamel.yaml's round-trip loader keeps positions (`.lc`, 0-based) so each message can name
`file:line`. `Node` wraps one mapping and reads typed fields from it, recording a problem
instead of raising, in the manner of yamllint: user data never raises.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import overload

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from svccli.core.problems import Problem
from svccli.store import fastyaml
from svccli.store.durable import lstat_kind, read_regular, reason, special_message

# The Chinese names a hand-edited value may be written with instead of the English one (issue 17).
BOOLEAN_NAMES = {"是": True, "否": False}

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that never raises an unmarked error on user data.

    ruamel builds `2026-02-30` as a date and `!!int abc` as an int and lets the ValueError escape
    without a position; here an impossible date stays text (so `Node.date` reports it at its line)
    and any other value that cannot be built becomes a marked error.
    """

    def construct_non_recursive_object(self, node, tag=None):
        try:
            return super().construct_non_recursive_object(node, tag)
        except (ValueError, KeyError, TypeError, OverflowError) as e:
            raise ConstructorError(
                None, None, f"无法解读的值 “{getattr(node, 'value', '')}”（{e}）", node.start_mark
            ) from None

    def construct_mapping(self, node, maptyp, deep=False):
        try:
            return super().construct_mapping(node, maptyp, deep)
        except TypeError as e:  # a complex key (`? ...`) holding a list or mapping: unhashable
            raise ConstructorError(None, None, f"无法作为键使用（{e}）", node.start_mark) from None


def _timestamp(constructor, node, values=None):
    try:
        return RoundTripConstructor.construct_yaml_timestamp(constructor, node, values)
    except ValueError:
        return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def yaml_rt() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.allow_duplicate_keys = False
    return y


# "fast" while a home is first read with libyaml (store/fastyaml.py); "rt" to read it with lines
PARSER: contextvars.ContextVar[str] = contextvars.ContextVar("parser", default="rt")


def load_yaml(path: Path, shown: str, problems: list[Problem]):
    """Parse one file; on a syntax error record it and return None."""
    try:
        raw = read_regular(path)  # a FIFO named *.yaml would block for ever; a link may lead anywhere
    except OSError as e:
        kind = lstat_kind(path)
        problems.append(Problem(shown, 0, special_message(kind) if kind else f"无法读取（{reason(e)}）"))
        return None
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text did
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        problems.append(Problem(shown, line, f"不是 UTF-8 编码的文本（第 {e.start} 字节；请用 UTF-8 保存）"))
        return None
    if PARSER.get() == "fast":
        try:
            return fastyaml.load(text)
        except fastyaml.Unsure:
            problems.append(Problem(shown, 0, "（libyaml 未能解析，改用逐行解析）"))
            return None
    try:
        return yaml_rt().load(text)
    except RecursionError:  # a nesting bomb (`[[[[…`): the parser recurses once per level
        problems.append(Problem(shown, _deepest_line(text), "YAML 嵌套层数过多（括号或缩进嵌套太深），无法解析"))
    except MarkedYAMLError as e:
        line, what = _explain(e, text)
        problems.append(Problem(shown, line, f"YAML 语法错误：{what}"))
    except YAMLError as e:
        problems.append(Problem(shown, 0, f"YAML 错误：{e}"))
    return None


def _explain(e: MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line and a Chinese message saying what to fix, for the mistakes a person makes by hand."""
    mark = e.problem_mark or e.context_mark
    line = mark.line + 1 if mark else 0
    opened = e.context_mark.line + 1 if e.context_mark else line
    what = (e.problem or e.context or "").strip()
    context = (e.context or "").strip()
    if isinstance(e, DuplicateKeyError):  # ruamel quotes both values in full (a whole staff list)
        key = what.split(" with value ")[0].removeprefix("found duplicate key").strip().strip('"')
        return line, f"键 “{key}” 在同一层重复出现：每个键只能写一次，请删去或合并重复的那一项"
    if "cannot start any token" in what and "\\t" in what:
        return line, "含制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格"
    if "could not find expected ':'" in what:
        # ruamel notices only at the next line; the key without its colon is where the scan began
        lines = text.split("\n")
        own = lines[opened - 1] if 0 < opened <= len(lines) else ""
        if "：" in own:
            return opened, "键后用了全角冒号“：”：请改为半角冒号“:”，冒号后空一格"
        return opened, "缺少冒号：应写成 “键: 值”（半角冒号，冒号后空一格）"
    if "end of stream" in what.replace("stream end", "end of stream") and e.context_mark:
        # unclosed: name the line that opened it, not the line after the file
        if "quoted scalar" in context:
            return opened, "引号没有闭合：请在值的末尾补上对应的引号"
        return opened, "括号没有闭合：请补上对应的 “]” 或 “}”"
    if "flow sequence" in context or "flow mapping" in context:
        pair = "[]" if "sequence" in context else "{}"
        return (
            opened,
            f"括号没有闭合：第 {opened} 行的 “{pair[0]}” 到第 {line} 行仍未见 “{pair[1]}”（或项之间缺少逗号）",
        )
    if what.startswith("expected <block end>") or "expected <block mapping end>" in what:
        unclosed = _odd_quote_line(text, opened, line)
        if unclosed:  # `name: "张伟` closes at the next line's first quote; the fault is the line above
            return unclosed, "引号没有闭合：请在值的末尾补上对应的引号"
        return line, "缩进不对：同一层的键须缩进相同数目的空格，子项须比上一层多缩进"
    return line, what or "YAML 语法错误"


def _odd_quote_line(text: str, first: int, last: int) -> int:
    """The nearest line before `last` (not before `first`) with an odd number of double quotes; 0 if none."""
    lines = text.split("\n")
    for n in range(min(last - 1, len(lines)), max(first, 1) - 1, -1):
        content = lines[n - 1].split(" #")[0].replace('\\"', "")
        if content.count('"') % 2:
            return n
    return 0


def _deepest_line(text: str) -> int:
    """Where a nesting bomb is: the line of the deepest collection, from the scanner's tokens (the
    scanner does not recurse); 1 when it cannot tell."""
    from ruamel.yaml import tokens

    opening = (
        tokens.FlowSequenceStartToken,
        tokens.FlowMappingStartToken,
        tokens.BlockSequenceStartToken,
        tokens.BlockMappingStartToken,
    )
    closing = (tokens.FlowSequenceEndToken, tokens.FlowMappingEndToken, tokens.BlockEndToken)
    depth = deepest = 0
    at = 1
    try:
        for token in YAML(typ="rt").scan(text):
            if isinstance(token, opening):
                depth += 1
                if depth > deepest:
                    deepest, at = depth, token.start_mark.line + 1
            elif isinstance(token, closing):
                depth -= 1
    except (YAMLError, RecursionError):
        pass
    return at


class Node:
    """One YAML mapping, read field by field with problems recorded at their lines."""

    def __init__(self, data, path: str, problems: list[Problem], line: int = 0, what: str = ""):
        self.path, self.problems, self.what = path, problems, what
        self.line = _line_of(data, line)
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        self.guessed: dict[str, str] = {}  # a known key -> the misspelt key (`only`) its value is read from
        if not self.ok:
            self.problem(self.line, f"{what or '此处'}应为键值映射（key: value），实为 {_kind(data)}")

    @property
    def src(self) -> tuple[str, int]:
        return (self.path, self.line)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def key_line(self, key: str) -> int:
        if key not in self.data:
            key = self.guessed.get(key, key)
        if not isinstance(self.data, CommentedBase):  # a plain dict (libyaml, or `{}`) keeps no positions
            return self.line
        try:  # the key's own line: for a block value, lc.value() is the line below it
            return self.data.lc.key(key)[0] + 1
        except (AttributeError, KeyError, TypeError):
            return self.line

    def only(self, *allowed: str) -> None:
        """Unknown keys are errors: a misspelt `commited_limit` must not pass silently. A key close to one
        allowed key that is not there is named once, with that key, and its value is read as that key's."""
        for key in self.data:
            if key in allowed:
                continue
            guess = difflib.get_close_matches(key, allowed, n=1) if isinstance(key, str) else []
            if guess and guess[0] not in self.data and guess[0] not in self.guessed:
                self.guessed[guess[0]] = key
                self.problem(self.key_line(key), f"未知字段 “{key}”：是否应为 {guess[0]}？")
            else:
                self.problem(self.key_line(key), f"未知字段 “{key}”（可用：{', '.join(allowed)}）")

    def _get(self, key, required, default):
        if key not in self.data:
            key = self.guessed.get(key, key)
        if key not in self.data or self.data[key] is None:
            if required:
                self.problem(self.line, f"{self.what}缺少必填字段 “{key}”")
            return None, default
        return self.data[key], None

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value, fallback = self._get(key, required, default)
        if value is None:
            return fallback
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.problem(self.key_line(key), f"“{key}” 应为文本，实为 {_kind(value)}")
            return default
        return value.strip()

    def code(self, key: str, required: bool = True) -> str:
        value = self.text(key, required)
        if required and not value and key in self.data and self.data[key] is not None:
            self.problem(self.key_line(key), f"{self.what}“{key}” 不能为空")
        if value and not set(value) <= CODE_CHARS:
            self.problem(self.key_line(key), f"“{key}” 的代码 “{value}” 只能含字母、数字、- 和 _")
        return value

    # With a default given, a missing or faulty value yields that default, never None.
    @overload
    def integer(self, key: str, required: bool = ..., default: None = ..., minimum: int = ...) -> int | None: ...
    @overload
    def integer(self, key: str, required: bool = ..., default: int = ..., minimum: int = ...) -> int: ...
    def integer(self, key: str, required: bool = False, default: int | None = None, minimum: int = 0) -> int | None:
        value, fallback = self._get(key, required, default)
        if value is None:
            return fallback
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(self.key_line(key), f"“{key}” 应为整数，实为 {_kind(value)}")
            return default
        if value < minimum:
            self.problem(self.key_line(key), f"“{key}” 不能小于 {minimum}（实为 {value}）")
            return default
        return int(value)

    @overload
    def number(self, key: str, required: bool = ..., default: None = ...) -> float | None: ...
    @overload
    def number(self, key: str, required: bool = ..., default: float = ...) -> float: ...
    def number(self, key: str, required: bool = False, default: float | None = None) -> float | None:
        value, fallback = self._get(key, required, default)
        if value is None:
            return fallback
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(self.key_line(key), f"“{key}” 应为数字，实为 {_kind(value)}")
            return default
        return float(value)

    @overload
    def flag(self, key: str, default: bool = ...) -> bool: ...
    @overload
    def flag(self, key: str, default: None) -> bool | None: ...
    def flag(self, key: str, default: bool | None = False) -> bool | None:
        value, fallback = self._get(key, False, default)
        if value is None:
            return fallback
        if isinstance(value, str) and value.strip() in BOOLEAN_NAMES:
            return BOOLEAN_NAMES[value.strip()]
        if not isinstance(value, bool):
            self.problem(self.key_line(key), f"“{key}” 应为 true 或 false（是 或 否），实为 {_kind(value)}")
            return default
        return value

    def choice(
        self, key: str, choices, required: bool = False, default: str = "", names: Mapping[str, str] | None = None
    ) -> str:
        """One of `choices`; `names` maps a choice to its Chinese name, which is read as the choice."""
        value = self.text(key, required, default)
        names = names or {}
        if value in choices:
            return value
        chinese = {name: choice for choice, name in names.items() if choice in choices}
        if value in chinese:
            return chinese[value]
        if value:
            shown = ", ".join(f"{c}（{names[c]}）" if c in names else c for c in choices)
            self.problem(self.key_line(key), f"“{key}” 的值 “{value}” 无效（可选：{shown}）")
            return default
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value, _ = self._get(key, required, None)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(self.key_line(key), f"“{key}” 的日期 “{value}” 无效（格式 YYYY-MM-DD，且须是真实日期）")
            return None

    def items(self, key: str, required: bool = False, what: str = "") -> list[Node]:
        """A list of mappings, each wrapped as a Node at its own line."""
        seq = self.seq(key, required)
        return [
            Node(v, self.path, self.problems, _item_line(seq, i, self.key_line(key)), what) for i, v in enumerate(seq)
        ]

    def seq(self, key: str, required: bool = False) -> list:
        value, _ = self._get(key, required, None)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(self.key_line(key), f"“{key}” 应为列表，实为 {_kind(value)}")
            return []
        return value

    def texts(self, key: str, required: bool = False) -> tuple[str, ...]:
        seq = self.seq(key, required)
        out = []
        for i, v in enumerate(seq):
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                out.append(str(v).strip())
            else:
                self.problem(
                    _item_line(seq, i, self.key_line(key)), f"“{key}” 的第 {i + 1} 项应为文本，实为 {_kind(v)}"
                )
        return tuple(out)

    def mapping(self, key: str, required: bool = False, what: str = "") -> Node:
        value, _ = self._get(key, required, None)
        return Node(
            value if value is not None else {}, self.path, self.problems, self.key_line(key), what or f"“{key}”"
        )


def _line_of(data, fallback: int) -> int:
    try:
        return data.lc.line + 1
    except (AttributeError, TypeError):  # no position; a bare `=` (a TaggedScalar) has lc.line None
        return fallback


def _item_line(seq, i: int, fallback: int) -> int:
    try:
        return seq.lc.item(i)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return fallback


def _kind(value) -> str:
    names = {dict: "映射", list: "列表", str: "文本", int: "整数", float: "小数", bool: "布尔值"}
    for t, name in names.items():
        if isinstance(value, t) and not (t is int and isinstance(value, bool)):
            return f"{name} “{value}”" if t in (str, int, float, bool) else name
    if value is None:
        return "空值"
    return type(value).__name__
