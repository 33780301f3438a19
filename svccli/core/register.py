"""The register of documents (issue 16 section 5): every document handed out gets a number, and the
record that issues it keeps what is needed to print it again exactly as it was issued.

A number reads like a 文号: `TX〔2026〕受字第T01-0007号` — the office code, the year of issue, the
kind's character, the clone that issued it and its sequence in that clone, kind and year. Each clone
numbers only from its own records (taken under its record lock), so two clones merged by git can
never hand out the same number, and the clone part tells where to look for the original.

Events (JSON field names are the contract):
  document  case, kind, number, view (the dict the templates were given), templates ({name: sha256}
            of every template source used: the document's own and what it extends or includes),
            rendered ({"text"|"html": sha256} of what was printed), replaces, correction (why a reissue)
  template  sha256, name, source: a template source, stored once per clone the first time it is used
  print     case, kind, number ("" for a reconstruction of a document issued before the register)
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

# kind -> the character of its number (字)
MARKS = {
    "notice": "告",
    "receipt": "收",
    "acceptance": "受",
    "refusal": "不受",
    "referral": "移",
    "conclusion": "结",
    "extension": "延",
    "owed": "补",
    "sendback": "退",
    "handover": "交",
    "pause": "停",
    "deemed": "默",
}
RECONSTRUCTED = "（据记录重新生成，非原件）"


def prefix(office: str, kind: str, year: int, clone: str) -> str:
    """Everything of a number before its sequence: what a clone scans its records for."""
    return f"{office}〔{year}〕{MARKS[kind]}字第{clone}-"


def number(office: str, kind: str, year: int, clone: str, seq: int) -> str:
    return f"{prefix(office, kind, year, clone)}{seq:04d}号"


SHORT = re.compile(r"([0-9A-Z]+-\d+)号$")


def short(num: str) -> str:
    """The clone-sequence part (`T01-0007`), what a clerk types after --number."""
    m = SHORT.search(num)
    return m.group(1) if m else num


def matches(num: str, asked: str) -> bool:
    """`--number` may be the whole number or its clone-sequence part, with or without leading zeros."""
    asked = asked.strip().upper()
    if asked == num:
        return True
    clone, _, seq = short(num).partition("-")
    a_clone, _, a_seq = asked.partition("-")
    return a_clone == clone and a_seq.isdigit() and int(a_seq) == int(seq)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def latest(entries: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    """The last document of a kind issued for a case; `entries` in record order (by time, and in the
    order written within the same second)."""
    found = [e for e in entries if e.get("kind") == kind]
    return found[-1] if found else None


def doc_view(num: str, kind: str, name: str, issued: str, replaces: str = "", reason: str = "") -> dict[str, Any]:
    """What the templates see of the document itself (`document`)."""
    return {
        "number": num,
        "kind": kind,
        "name": name,
        "issued": issued,
        "replaces": replaces,
        "reason": reason,
        "reconstructed": "",
    }


def reconstruction(kind: str, name: str, today: str) -> dict[str, Any]:
    """The `document` of a page rendered from the case as it stands, for a document issued before
    the register existed: no number, and the page says it is not the original."""
    return {**doc_view("", kind, name, today), "reconstructed": RECONSTRUCTED}
