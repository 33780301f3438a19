"""Tables: svccli.render.output lays out "simple" tables by hand for speed; tabulate (still a
dependency) is the oracle, byte for byte, with display widths from wcwidth so Chinese aligns."""

from __future__ import annotations

import os
import string
import subprocess
import sys

import tabulate
from hypothesis import given, settings
from hypothesis import strategies as st

from svccli.render.output import render, to_table

HEAVY = os.environ.get("HYPOTHESIS_PROFILE") == "heavy"
PROPERTY = settings(max_examples=1000 if HEAVY else 150, deadline=None)

CJK = "张三李四部门超期案件编号（）：，、"
PIECE = st.one_of(
    st.text(alphabet=CJK, max_size=6),
    st.text(alphabet=string.ascii_letters + string.digits + " -*", max_size=10),
    st.sampled_from(["", " ", "\u3000", "\t", "138****5678", "True", "-1.5", "e\u0301", "😀", "❤\ufe0f", "a\u200d"]),
    # anything single-line: controls (wcswidth -1), combining marks, emoji; not the cases left to tabulate
    st.text(alphabet=st.characters(blacklist_characters="\n\r\x1b\x01"), max_size=4),
)
CELL = st.lists(PIECE, max_size=3).map("".join)  # mixed ASCII and Chinese within a cell


def oracle(body: list[list[str]], headers: list[str]) -> str:
    tabulate.WIDE_CHARS_MODE = True  # as output.py sets it when it falls back to tabulate
    return tabulate.tabulate(body, headers=headers, tablefmt="simple", disable_numparse=True)


def table(body: list[list[str]], headers: list[str]) -> str:
    columns = [(f"k{i}", h) for i, h in enumerate(headers)]
    return to_table([{k: cell for (k, _), cell in zip(columns, row)} for row in body], columns)


@st.composite
def tables(draw):
    n = draw(st.integers(1, 6))
    headers = draw(st.lists(CELL, min_size=n, max_size=n))
    body = draw(st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=20))
    return body, headers


@PROPERTY
@given(tables())
def test_table_matches_tabulate(case):
    body, headers = case
    assert table(body, headers) == oracle(body, headers)


def test_masked_phone_and_chinese():
    body = [["张*", "138****5678", "市场监管局"], ["欧阳*", "", "人社局"]]
    headers = ["申请人", "电话", "部门"]
    expected = (
        "申请人    电话         部门\n"
        "--------  -----------  ----------\n"
        "张*       138****5678  市场监管局\n"
        "欧阳*                  人社局"
    )
    assert table(body, headers) == expected == oracle(body, headers)


def test_empty_table():
    assert table([], ["姓名", "电话"]) == "姓名    电话\n------  ------" == oracle([], ["姓名", "电话"])
    assert render([], [("name", "姓名")], "table") == b""  # emit prints nothing for no rows
    assert to_table([], []) == "" == oracle([], [])


def test_heading_wider_than_cells_and_cells_wider_than_heading():
    narrow = [["1", "张三"]], ["首办责任人", "超期"]
    wide = [["某某科技有限公司（分部）", "x"], ["", " 李四 "]], ["部门", "逾期情况"]
    for body, headers in (narrow, wide):
        assert table(body, headers) == oracle(body, headers)
    assert table(*narrow).splitlines()[2] == "1             张三"


def test_multiline_and_ansi_cells_fall_back_to_tabulate():
    for body in ([["第一行\n第二行", "x"]], [["a\r\nb", ""]], [["\x1b[31m红\x1b[0m", "y"]], [["\x01", "z"]]):
        assert table(body, ["备注", "号"]) == oracle(body, ["备注", "号"])


def test_importing_output_does_not_import_tabulate():
    code = "import sys, svccli.render.output; assert 'tabulate' not in sys.modules and 'wcwidth' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=8),
            st.one_of(
                st.text(),
                st.integers(-(2**63), 2**63 - 1),
                st.booleans(),
                st.none(),
                st.lists(st.text(max_size=3), max_size=2),
            ),
            max_size=5,
        ),
        max_size=4,
    )
)
def test_json_listing_is_what_json_dumps_writes(rows):
    """The fast JSON writer (orjson) gives the bytes the documented json.dumps(..., indent=2) gives."""
    import json

    from svccli.render.output import to_json

    assert to_json(rows) == (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
