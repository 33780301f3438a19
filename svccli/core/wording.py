"""Wording on paper that depends on the case: the result as one phrase, the reconsideration body."""

from __future__ import annotations

import re

# A decision prints as one result (no "准予许可/办理"): 许可 for a licensing item, 办理 otherwise.
RESULT_WORDS = {
    "approved": ("准予许可", "准予办理"),
    "denied": ("不予许可", "不予办理"),
    "replied": ("答复", "答复"),
}


def result_text(result: str, licensing: bool) -> str:
    """The result of a decision as a document prints it; '' when there is none."""
    words = RESULT_WORDS.get(result)
    if words is None:
        return result or ""
    return words[0] if licensing else words[1]


def reconsideration_body(office_name: str) -> str:
    """The 复议机关 of a county department's decision: the people's government at the same level
    (行政复议法 第二十四条), named from the office (桐乡县政务服务中心 -> 桐乡县人民政府)."""
    found = re.match(r"^(.*[县区市旗])(?:人民政府)?(?:政务|行政|便民|公共|市民)", office_name or "")
    return f"{found.group(1)}人民政府" if found else "本级人民政府"
