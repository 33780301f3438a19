"""`svc show` in words: what moved or ended a case's clock, and the timeline's columns.

Every count of days says its unit and lateness reads as the daily check reads it (core/describe.py
`lateness`: 逾期 3 个工作日, 今日到期, 还剩 2 个工作日), so no listing says a bare 天 where another says 工作日.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from svccli.core.calendar import Calendar
from svccli.core.cases import Case
from svccli.core.catalog import Catalog, ServiceItem
from svccli.core.deadlines import Due, days_between, due, served_late, unit_of
from svccli.core.describe import UNIT_NAMES, days_text, lateness
from svccli.render.views import delivery_view, extensions_view, pauses_view


def times(case: Case, item: ServiceItem, catalog: Catalog, calendar: Calendar, today: dt.date) -> dict:
    """What moved or ended the clock, as `svc show` gives it (JSON keys): every pause and extension with the
    days it added in the item's unit, the delivery, and the case against its due date (`late_text`)."""
    unit = unit_of(item, catalog.office.rules)
    return {
        "unit": unit,
        "unit_name": UNIT_NAMES[unit],
        "late_text": standing(case, due(case, item, catalog.office.rules, calendar, today), calendar, today),
        "pauses": pauses_view(case, item, catalog, calendar, today),
        "extensions": extensions_view(case, item, catalog, calendar),
        "delivery": delivery_view(case),
    }


def standing(case: Case, d: Due | None, calendar: Calendar, today: dt.date) -> str:
    """Where a case stands against its due date, in the daily check's words: 还剩 2 个工作日, 今日到期,
    逾期 3 个工作日; once served (or told to collect), 按时办结 or 逾期 2 个工作日办结."""
    if d is None:
        return ""
    late = served_late(case, d, calendar)
    if late is not None:
        return "按时办结" if late == 0 else lateness(late, d.unit) + "办结"
    if case.status == "suspended":
        return "暂停计时，期限顺延"
    if not case.is_open:
        return ""
    if today > d.due:
        return lateness(days_between(calendar, d.due, today, d.unit), d.unit)
    return lateness(-days_between(calendar, today, d.due, d.unit), d.unit)


def clock_lines(t: dict) -> list[str]:
    """The text lines of `times`: each pause, each extension, the delivery."""
    lines = [_pause_line(p) for p in t["pauses"]] + [_extension_line(e) for e in t["extensions"]]
    return lines + ([_delivery_line(t["delivery"])] if t["delivery"] else [])


def _pause_line(p: dict) -> str:
    return (
        f"暂停计时：{p['reason_name']}"
        + (f"（{p['note']}）" if p["note"] else "")
        + (f"，告知所需时间：{p['expected']}" if p["expected"] else "")
        + f"；{p['since']} 起"
        + (
            f"，{p['resumed']} 恢复计时，办结期限顺延 {p['days_text']}"
            if p["resumed"]
            else f"，仍在暂停（至今顺延 {p['days_text']}）"
        )
        + f"（{p['due_before']} → {p['due_after']}）"
    )


def _extension_line(e: dict) -> str:
    return (
        f"延期：{e['days_text']}（{e['date']} 办理），办结期限 {e['old_due']} → {e['new_due']}；理由：{e['reason']}"
        + (f"；依据：{e['basis']}" if e["basis"] else "")
        + (f"；{e['late_text']}" if e["late"] else "；按时告知")
    )


def _delivery_line(d: dict) -> str:
    who = {"proxy": "代领人", "post": "收件人"}.get(d["method"], "领取人")
    return (
        f"送达方式：{d['method_name']}　{who}：{d['to'] or '申请人'}"
        + (f"　授权委托书：{d['authorisation']}" if d["authorisation"] else "")
        + (f"　快递单号：{d['tracking']}" if d["tracking"] else "")
        + f"　送达日期：{d['served_on']}"
    )


def worded(timeline: list[dict], t: dict, parts: Sequence[dict] = ()) -> None:
    """Extension, resumption and acceptance steps of the timeline with their days in the item's unit and the
    due dates they moved (an event alone does not know the unit). The steps applied to the case match its
    extensions and pauses in order; an undone step (〔已撤销〕) matches none. `parts`: a joint case's parts
    as `svc show` gives them (name, limit, unit)."""
    extensions, resumed = iter(t["extensions"]), iter(p for p in t["pauses"] if p["resumed"])
    for step in timeline:
        if step["text"].startswith("〔已撤销〕"):
            continue
        if step["kind"] == "accept":  # describe() writes a part's limit as "（5 日）"
            for part in parts:
                name, limit = part["name"], days_text(part["limit"], part["unit"])
                step["text"] = step["text"].replace(f"{name}（{part['limit']} 日）", f"{name}（{limit}）")
        elif step["kind"] == "extend" and (e := next(extensions, None)):
            late = f"；{e['late_text']}" if e["late"] else ""
            step["text"] = f"延期 {e['days_text']}：{e['reason']}，办结期限 {e['old_due']} → {e['new_due']}{late}"
        elif step["kind"] == "resume" and (p := next(resumed, None)):
            step["text"] += f"（{p['reason_name']}，顺延 {p['days_text']}，办结期限 {p['due_after']}）"


def name_width(timeline: list[dict]) -> int:
    """The display width of the timeline's name column: names of 2 to 4 Chinese characters (8 columns), or
    a longer one's, so the texts after them line up."""
    return max([8, *(display_width(t["by_name"]) for t in timeline)])


def step_line(t: dict, width: int = 8) -> str:
    """A timeline line at its real recording time; a step recorded after its business date says so."""
    late = f"〔补录：业务日期 {t['on']}〕" if t["on"] else ""
    return f"  {t['ts'][:16].replace('T', ' ')}  {pad(t['by_name'], width)}  {t['text']}{late}"


def display_width(text: str) -> int:
    """Columns a terminal gives the text (a Chinese character takes two)."""
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth  # lazy, as in render/output.py

    return max(wcswidth(text), len(text))


def pad(text: str, width: int) -> str:
    """The text padded with spaces to `width` display columns."""
    return text + " " * max(0, width - display_width(text))
