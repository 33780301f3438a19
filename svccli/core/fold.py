"""Folding the event log into cases: one pure function from ordered events to case states
(the events' effects on a case are in core/transitions.py, their one-line texts in core/describe.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from svccli.core.cases import Case, Folded, Step
from svccli.core.corrections import NOT_STEPS, voided_of
from svccli.core.describe import describe
from svccli.core.events import EVENT_TYPES, Event, label, sort_key
from svccli.core.problems import Problem
from svccli.core.transitions import ALLOWED, APPLY, opened

# The steps a void may undo: every event with an effect on the case but the daily check's mark and
# an amend (not the intake: the case itself; not a void: undoing it again is refused).
VOIDABLE = frozenset(APPLY) - NOT_STEPS
BOOKKEEPING = frozenset({"v", "id", "prev"})  # the record log's own fields, not the case's
KEPT = frozenset(
    {
        "notice",
        "send-back",
        "refuse",
        "refer",
        "withdraw",
        "close",
        "conclude",
        "deliver",
        "handover",
        "return",
        "receive",
        "review",
        "approve",
        "suspend",
        "amend",
    }
)  # events a case keeps (a year of open cases is large)


class Fold:
    """The fold as a state machine: events are applied in order, one at a time, so a cache can
    keep the state and apply only what was appended since."""

    def __init__(self, timeline: bool = True, voided: set[tuple[str, str]] | None = None):
        self.timeline = timeline
        # (event id, case id) of the steps a void undoes, found before folding: a streaming fold
        # cannot take back what it applied (the incremental state rebuilds on a void instead)
        self.voided = voided or set()
        self.skipped: set[str] = set()
        self.cases: dict[str, Case] = {}
        self.inquiries: list[Event] = []
        self.reveals: list[Event] = []
        self.problems: list[Problem] = []

    def apply(self, event: Event, path: str, line: int) -> None:
        kind = event.get("type")
        if not isinstance(kind, str) or (info := EVENT_TYPES.get(kind)) is None:
            self.problems.append(Problem(path, line, f"未知的记录类型 “{kind}”（较新版本写入？）", soft=True))
        elif kind == "inquiry":
            self.inquiries.append(event)
        elif kind == "reveal":
            self.reveals.append(event)
        elif info[2]:
            if kind in VOIDABLE and self.undoes(event):
                self._skip(kind, event, (path, line))
                return
            if kind == "void" and event.get("voids") not in self.skipped:
                self.problems.append(
                    Problem(path, line, "撤销记录所指的步骤不存在、不属于本案或不能撤销，未予采用", soft=True)
                )
                return
            if not self.timeline and kind in KEPT:  # kept on the case: without the log's own fields
                event = {k: v for k, v in event.items() if k not in BOOKKEEPING}
            message = _apply(self.cases, kind, event.get("case"), event, (path, line), self.timeline)
            if message:
                self.problems.append(Problem(path, line, message, soft=True))

    def undoes(self, event: Event) -> bool:
        """Whether a later void names this event (it is then never applied)."""
        return bool(self.voided) and (event.get("id"), event.get("case")) in self.voided

    def _skip(self, kind: str, event: Event, where: tuple[str, int]) -> None:
        """A step undone: not applied, and struck through in the timeline (nothing leaves the log)."""
        self.skipped.add(event["id"])
        case = self.cases.get(event["case"])
        if self.timeline and case is not None:
            text = "〔已撤销〕" + describe(event)
            case.steps += (Step(event["ts"], event["by"], kind, text, where, event.get("on") or ""),)

    def take_problems(self) -> list[Problem]:
        taken, self.problems = self.problems, []
        return taken

    def result(self) -> Folded:
        return Folded(self.cases, self.inquiries, self.problems, self.reveals)


class Located(Protocol):
    """An event with the place it was read from (the record reader's Line)."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def event(self) -> Event: ...


def fold(lines: Iterable[Located], timeline: bool = True) -> Folded:
    """lines: objects with .path, .line and .event (the record reader's Line), in any order."""
    ordered = sorted(lines, key=lambda ln: sort_key(ln.event, ln.path, ln.line))
    state = Fold(timeline, voided_of(ln.event for ln in ordered))
    for ln in ordered:
        state.apply(ln.event, ln.path, ln.line)
    return state.result()


def _apply(
    cases: dict[str, Case], kind: str, case_id: object, event: Event, where: tuple[str, int], timeline: bool
) -> str:
    if not isinstance(case_id, str) or not case_id:
        return "记录缺少案件编号（case）"
    if kind == "intake":
        if case_id in cases:
            return f"案件编号 {case_id} 重复收件登记（两个副本使用了同一编号？）"
        try:
            cases[case_id] = opened(event, where)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            return f"收件登记记录字段有误：{_field_error(e)}"
        if timeline:
            cases[case_id].steps = (
                Step(event["ts"], event["by"], "intake", describe(event), where, event.get("on") or ""),
            )
        return ""
    case = cases.get(case_id)
    if case is None:
        return f"记录引用了不存在的案件 {case_id}"
    allowed = ALLOWED.get(kind)
    if allowed and case.status not in allowed:
        return f"{label(kind)}记录与案件 {case_id} 当时的状态“{case.status_name}”不符，未予采用"
    handler = APPLY.get(kind)
    try:
        if handler:
            handler(case, event)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        return f"{label(kind)}记录字段有误：{_field_error(e)}"
    case.last_ts = event["ts"]
    if timeline:
        case.steps += (Step(event["ts"], event["by"], kind, describe(event), where, event.get("on") or ""),)
    return ""


def _field_error(e: Exception) -> str:
    return f"缺少字段 {e}" if isinstance(e, KeyError) else str(e)


# The statuses in which each event makes sense; others are reported and not applied.
