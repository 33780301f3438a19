"""Parameter types: a bad value is refused by click naming the option (exit 2), nothing written."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import click

MAX_TEXT = 500


class Text(click.ParamType):
    """Free text: no control characters, bounded length, surrounding space trimmed."""

    name = "TEXT"

    def __init__(self, max_len: int = MAX_TEXT):
        self.max_len = max_len

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not text:
            self.fail("不能为空", param, ctx)
        if len(text) > self.max_len:
            self.fail(f"太长（{len(text)} 字，最多 {self.max_len} 字）", param, ctx)
        if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in text):
            self.fail("含有控制字符或不可见字符", param, ctx)
        return text


class Phone(click.ParamType):
    name = "PHONE"
    PATTERN = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{3,8})$")

    def convert(self, value, param, ctx):
        text = re.sub(r"\s", "", str(value))
        if not self.PATTERN.match(text):
            self.fail(f"“{value}” 不是有效电话号码（手机 11 位，或 区号-号码）", param, ctx)
        return text


class CodeCount(click.ParamType):
    """CODE or CODE:COPIES (a material received)."""

    name = "CODE[:COPIES]"

    def convert(self, value, param, ctx):
        code, _, copies = str(value).partition(":")
        code = code.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", code):
            self.fail(f"“{value}” 不是有效的材料代码", param, ctx)
        if not copies:
            return code, 1
        if not copies.isdigit() or not 1 <= int(copies) <= 999:
            self.fail(f"“{value}” 的份数应为 1～999 的整数", param, ctx)
        return code, int(copies)


class CodeReason(click.ParamType):
    """CODE:REASON (a defect in a material); the reason may be left out where optional."""

    name = "CODE:REASON"

    def __init__(self, reason_required: bool = True):
        self.reason_required = reason_required

    def convert(self, value, param, ctx):
        code, _, reason = str(value).partition(":")
        code, reason = code.strip(), reason.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", code):
            self.fail(f"“{value}” 不是有效的材料代码", param, ctx)
        if self.reason_required and not reason:
            self.fail(f"“{value}” 缺少原因（格式 CODE:原因）", param, ctx)
        return code, Text(200).convert(reason, param, ctx) if reason else ""


class Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"“{value}” 不是有效日期（YYYY-MM-DD）", param, ctx)


class Month(click.ParamType):
    """A calendar month, YYYY-MM (as a string: it sorts and compares as the months do)."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            self.fail(f"“{value}” 不是有效月份（YYYY-MM，例如 2026-11）", param, ctx)
        return text


MONTH = Month()


class Named(click.ParamType):
    """One of a fixed set of codes, given by its code or by its Chinese name."""

    name = "CHOICE"

    def __init__(self, names: dict[str, str]):
        self.names = names

    def get_metavar(self, param, *args, **kwargs) -> str:  # click 8.2 passes ctx by keyword
        return "[" + "|".join(self.names) + "]"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if text in self.names:
            return text
        for code, name in self.names.items():
            if text == name:
                return code
        self.fail(f"“{value}” 不是可选值（{'、'.join(f'{c} {n}' for c, n in self.names.items())}）", param, ctx)


TEXT, PHONE, MATERIAL, DEFECT, DAY = Text(), Phone(), CodeCount(), CodeReason(), Day()
STAFF = Text(40)
