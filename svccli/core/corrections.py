"""Corrections are events, never edits (issue 16 §6).

An amend sets fields of the applicant's data, or the copies of a material received, to corrected
values; it names the field by a path (`applicant.name`, `received.M01`) and keeps the old value
for the history. A void undoes a case's last step: the fold skips the event it names (found before
folding, `voided_of`), so the case is as if the step had never been taken, and the line stays in
the log, shown struck through in the timeline.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from svccli.core.cases import Case
from svccli.core.events import Event
from svccli.core.privacy import ID_TYPES, mask_id, mask_phone

APPLICANT_FIELDS = {
    "name": "申请人名称",
    "phone": "联系电话",
    "id_number": "证件号码",
    "id_type": "证件类型",
    "unit": "单位",
    "address": "地址",
    "agent": "代办人",
}
MAX_COPIES = 999
# Not steps a clerk takes on the case: a void never undoes them (a wrong amend is amended again).
NOT_STEPS = frozenset({"amend", "overdue"})


def field_name(path: str) -> str:
    group, _, key = path.partition(".")
    if group == "applicant" and key in APPLICANT_FIELDS:
        return APPLICANT_FIELDS[key]
    if group == "received":
        return f"材料 {key} 份数"
    return path


def shown(path: str, value: Any, reveal: bool = False) -> str:
    """A field's value as listings show it: phone and ID numbers masked unless revealed."""
    text = "" if value is None else str(value)
    if not text:
        return "（空）"
    if reveal:
        return text
    if path == "applicant.phone":
        return mask_phone(text)
    if path == "applicant.id_number":
        return mask_id(text)
    if path == "applicant.id_type":
        return ID_TYPES.get(text, text)
    return text


def change_text(change: dict[str, Any], reveal: bool = False) -> str:
    path = str(change.get("field", ""))
    return f"{field_name(path)} {shown(path, change.get('old'), reveal)} → {shown(path, change.get('new'), reveal)}"


def current(case: Case, path: str) -> Any:
    """The value an amend of `path` replaces."""
    group, _, key = path.partition(".")
    if group == "received":
        return case.received.get(key, 0)
    return case.applicant.get(key, "")


def set_field(case: Case, path: str, value: Any) -> None:
    """Apply one change; a path or value the fold cannot take is a ValueError (reported, not applied)."""
    group, _, key = path.partition(".")
    if group == "applicant" and key in APPLICANT_FIELDS and isinstance(value, str):
        case.applicant = {**case.applicant, key: value}  # a new dict: the intake event's stays as recorded
    elif group == "received" and key and type(value) is int and 0 <= value <= MAX_COPIES:
        received = {**case.received, key: value}
        case.received = {k: v for k, v in received.items() if v}  # 0 copies: not received after all
    else:
        raise ValueError(f"不能更正的字段或值：{path}={value!r}")


def apply_amend(case: Case, event: Event) -> None:
    for change in event["changes"]:
        set_field(case, change["field"], change["new"])
    case.amends += (event,)


def voided_of(events: Iterable[Event]) -> set[tuple[str, str]]:
    """(event id, case id) of every step a void names: skipped by the fold wherever it stands."""
    return {
        (e["voids"], e["case"])
        for e in events
        if e.get("type") == "void" and isinstance(e.get("voids"), str) and isinstance(e.get("case"), str)
    }


def last_step(events: list[Event], voidable: Collection[str]) -> Event | None:
    """The case's last step not undone (events in fold order; `voidable`: the steps a void may
    undo); the intake when there is none, a void when the last thing done was a void (a second
    `svc void` run by mistake must not undo one step more). Other records (a printed document, a
    reveal, the daily check's mark, an amend) are not steps."""
    voided = {v for v, _ in voided_of(events)}
    kinds = {*voidable, "intake", "void"}
    steps = [e for e in events if e.get("type") in kinds and e.get("id") not in voided]
    return steps[-1] if steps else None
