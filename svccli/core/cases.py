"""Folding the event log into cases: one pure function from ordered events to case states.

The first-contact person (首问) and the first handler (首办, who accepted the case) are set once
and never change; the holder can change. Materials outstanding are what the one-time notice
listed and no supplement has cleared since.

Custody (issue 5): a handover (项目收件交接单, seed 003 工作流程 四) or a return to the window
(工作流程 八) puts the case "in transit"; the holder changes only when the receiver records the
receipt. Review and check (一审一核), the parts of a joint item (联办件) and the sending up of a
forwarded item (报批件) are kept on the case for the guards of `svc conclude`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from svccli.core.events import EVENT_TYPES, Event, label, sort_key
from svccli.core.problems import Problem

OPEN = ("pending", "accepted", "suspended", "concluded")
# The events that close a case for good ("delivered", "refused", "referred", "withdrawn", "lapsed"):
# the daily check's derived state keeps no more than the ids of cases with one (store/state.py).
CLOSING = frozenset({"deliver", "refuse", "refer", "withdraw", "close"})
STATUS = {
    "pending": "待补正",
    "accepted": "已受理",
    "suspended": "暂停计时",
    "concluded": "已决定待送达",
    "delivered": "已办结送达",
    "refused": "不予受理",
    "referred": "已告知非本机关事项",
    "withdrawn": "已撤回",
    "lapsed": "逾期未补正终止",
    "returned": "已退件",
}
RESULTS = {"approved": "准予许可/办理", "denied": "不予许可/办理", "replied": "答复"}


@dataclass(frozen=True)
class Step:
    """One line of a case's timeline."""

    ts: str
    by: str
    kind: str
    text: str
    where: tuple[str, int] = ("", 0)


@dataclass(frozen=True)
class Pause:
    reason: str
    start: dt.date
    end: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class Extension:
    days: int
    reason: str
    basis: str
    on: dt.date
    approved_by: str = ""
    late: bool = False
    opinion: str = ""
    old_due: str = ""


@dataclass(slots=True)
class Case:
    """One case as folded from its events. The fold mutates it in place (a million-case year
    would not afford a copy per event); everything outside the fold only reads it."""

    id: str
    service: str
    opened: str  # timestamp of intake
    applicant: dict[str, Any]
    first_contact: str
    status: str = "pending"
    first_handler: str = ""
    holder: str = ""
    received: dict[str, int] = field(default_factory=dict)  # material code -> copies
    # code -> {"problem": missing|defect, "reason": ...}
    outstanding: dict[str, dict[str, Any]] = field(default_factory=dict)
    # provisional acceptance (容缺受理): code -> {"name", "by"}
    owed: dict[str, dict[str, Any]] = field(default_factory=dict)
    sendbacks: tuple[Event, ...] = ()  # 退件 events, with "wrong" set when an inspector marked one wrong
    notices: tuple[Event, ...] = ()
    breaches: tuple[str, ...] = ()  # material codes a later notice re-listed (一次性告知 breach)
    supplied_after_notice: frozenset[str] = frozenset()
    accepted_on: dt.date | None = None
    clock_from: dt.date | None = None  # the day counting starts from (this day itself not counted)
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()
    concluded_on: dt.date | None = None
    result: str = ""
    decision: Event = field(default_factory=dict)  # the conclude event
    delivered_on: dt.date | None = None  # the service date (送达之日即为办结日期)
    delivery: Event = field(default_factory=dict)
    notified_on: dt.date | None = None  # applicant told the result is ready to collect
    closed_on: dt.date | None = None
    closing: Event = field(default_factory=dict)
    overdue_days: frozenset[dt.date] = frozenset()  # days an overdue event was recorded
    handovers: tuple[Event, ...] = ()  # handover / return events; a received one carries "received" (the receive event)
    reviews: tuple[Event, ...] = ()  # 审查 (一审) events
    approval: Event = field(default_factory=dict)  # 复核 (一核) of the latest review; a new review clears it
    # joint item: department -> {"limit", "opened", "done_on", ...}
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # forwarded item: {"to", "on", "result", "answered_on", "note"}
    forward: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    last_ts: str = ""  # the latest event applied (an incremental fold must not go back in time)
    where: tuple[str, int] = ("", 0)  # file and line of the intake

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def status_name(self) -> str:
        return STATUS.get(self.status, self.status)

    @property
    def in_transit(self) -> Event | None:
        """The handover not yet received, if any (the case is "in transit")."""
        if self.handovers and "received" not in self.handovers[-1]:
            return self.handovers[-1]
        return None

    @property
    def open_parts(self) -> list[str]:
        return [d for d, p in self.parts.items() if not p.get("done_on")]


def day_of(ts: str) -> dt.date:
    return dt.date.fromisoformat(ts[:10])


@dataclass
class Folded:
    cases: dict[str, Case]
    inquiries: list[Event]
    problems: list[Problem]
    reveals: list[Event] = field(default_factory=list)


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
    }
)  # events a case keeps (a year of open cases is large)


class Fold:
    """The fold as a state machine: events are applied in order, one at a time, so a cache can
    keep the state and apply only what was appended since."""

    def __init__(self, timeline: bool = True):
        self.timeline = timeline
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
            if not self.timeline and kind in KEPT:  # kept on the case: without the log's own fields
                event = {k: v for k, v in event.items() if k not in BOOKKEEPING}
            message = _apply(self.cases, kind, event.get("case"), event, (path, line), self.timeline)
            if message:
                self.problems.append(Problem(path, line, message, soft=True))

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
    state = Fold(timeline)
    for ln in sorted(lines, key=lambda ln: sort_key(ln.event, ln.path, ln.line)):
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
            cases[case_id] = _opened(event, where)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            return f"收件登记记录字段有误：{_field_error(e)}"
        if timeline:
            cases[case_id].steps = (Step(event["ts"], event["by"], "intake", describe(event), where),)
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
        case.steps += (Step(event["ts"], event["by"], kind, describe(event), where),)
    return ""


def _field_error(e: Exception) -> str:
    return f"缺少字段 {e}" if isinstance(e, KeyError) else str(e)


# The statuses in which each event makes sense; others are reported and not applied.
ALLOWED = {
    "notice": ("pending",),
    "supplement": ("pending", "accepted", "suspended"),
    "accept": ("pending",),
    "refuse": ("pending",),
    "refer": ("pending",),
    "withdraw": ("pending", "accepted", "suspended"),
    "send-back": ("accepted", "suspended", "returned"),
    "close": ("pending",),
    "suspend": ("accepted",),
    "resume": ("suspended",),
    "extend": ("accepted", "suspended"),
    "conclude": ("accepted",),
    "notify": ("concluded",),
    "deliver": ("concluded",),
    "handover": ("accepted", "suspended", "concluded"),
    "return": ("accepted", "suspended", "concluded"),
    "receive": ("accepted", "suspended", "concluded"),
    "review": ("accepted", "suspended"),
    "approve": ("accepted", "suspended"),
    "part": ("accepted", "suspended"),
    "forward": ("accepted", "suspended"),
    "answer": ("accepted", "suspended"),
}


def _opened(event: Event, where: tuple[str, int]) -> Case:
    if not isinstance(event.get("applicant", {}), dict) or not isinstance(event["service"], str):
        raise TypeError("applicant 应为对象，service 应为文本")
    received = {m["code"]: int(m.get("copies", 1)) for m in event.get("received", [])}
    return Case(
        id=event["case"],
        service=event["service"],
        opened=event["ts"],
        applicant=dict(event.get("applicant", {})),
        first_contact=event.get("first_contact") or event["by"],
        holder=event["by"],
        received=received,
        last_ts=event["ts"],
        where=where,
    )


def _notice(case: Case, event: Event) -> None:
    items = {i["code"]: {"problem": i.get("problem", "missing"), "reason": i.get("reason", "")} for i in event["items"]}
    case.outstanding = {**case.outstanding, **items}
    case.notices += (event,)
    case.breaches += tuple(event.get("breach", ()))


def _supplement(case: Case, event: Event) -> None:
    received = dict(case.received)
    cleared = set()
    for m in event["materials"]:
        received[m["code"]] = received.get(m["code"], 0) + int(m.get("copies", 1))
        cleared.add(m["code"])
    case.received = received
    case.outstanding = {k: v for k, v in case.outstanding.items() if k not in cleared}
    case.owed = {k: v for k, v in case.owed.items() if k not in cleared}
    if case.notices:
        case.supplied_after_notice = case.supplied_after_notice | cleared


def _accept(case: Case, event: Event) -> None:
    owed = {o["code"]: {"name": o.get("name", o["code"]), "by": event["owed_by"]} for o in event.get("owed", [])}
    case.outstanding = {k: v for k, v in case.outstanding.items() if k not in owed}
    case.owed = owed
    case.status = "accepted"
    case.first_handler = case.first_handler or event["by"]
    case.holder = event["by"]
    case.accepted_on = day_of(event["ts"])
    case.clock_from = dt.date.fromisoformat(event["clock_from"])
    case.parts = {
        p["department"]: {
            "limit": int(p["limit"]),
            "name": p.get("name", p["department"]),
            "done_on": None,
            "opinion": "",
            "by": "",
        }
        for p in event.get("parts", ())
    }


def _handover(case: Case, event: Event) -> None:
    if case.in_transit:
        raise ValueError(f"案件已于 {case.in_transit['ts'][:16]} 移交 {case.in_transit.get('to_name', '')}，尚未接收")
    case.handovers += (dict(event),)


def _receive(case: Case, event: Event) -> None:
    moving = case.in_transit
    if moving is None:
        raise ValueError("案件不在移交途中，无可接收")
    case.handovers = case.handovers[:-1] + ({**moving, "received": dict(event)},)
    case.holder = event["by"]


def _review(case: Case, event: Event) -> None:
    case.reviews += (dict(event),)
    case.approval = {}


def _approve(case: Case, event: Event) -> None:
    if not case.reviews:
        raise ValueError("尚无审查意见，不能复核")
    if case.reviews[-1]["by"] == event["by"]:
        raise ValueError("复核人与审查人是同一人（一审一核须由两人分别进行）")
    case.approval = dict(event)


def _part(case: Case, event: Event) -> None:
    dept = event["department"]
    if dept not in case.parts:
        raise ValueError(f"本案没有协办部门 {dept}")
    if case.parts[dept].get("done_on"):
        raise ValueError(f"协办部门 {dept} 的协办已完成")
    case.parts = {
        **case.parts,
        dept: {
            **case.parts[dept],
            "done_on": day_of(event["ts"]),
            "opinion": event.get("opinion", ""),
            "by": event["by"],
        },
    }


def _forward(case: Case, event: Event) -> None:
    if case.forward and not case.forward.get("result"):
        raise ValueError(f"案件已报送 {case.forward['to']}，尚未答复")
    case.forward = {"to": event["to"], "on": day_of(event["ts"]), "result": "", "answered_on": None, "note": ""}


def _answer(case: Case, event: Event) -> None:
    if not case.forward or case.forward.get("result"):
        raise ValueError("案件没有待答复的报送")
    case.forward = {
        **case.forward,
        "result": event["result"],
        "answered_on": day_of(event["ts"]),
        "note": event.get("note", ""),
    }


def _send_back(case: Case, event: Event) -> None:
    case.sendbacks += (event,)
    if not event.get("wrong"):
        case.status, case.closed_on, case.closing = "returned", day_of(event["ts"]), event


def _closed(status: str) -> Callable[[Case, Event], None]:
    def apply(case: Case, event: Event) -> None:
        case.status, case.closed_on, case.closing = status, day_of(event["ts"]), event

    return apply


def _conclude(case: Case, event: Event) -> None:
    case.status, case.result, case.concluded_on, case.decision = (
        "concluded",
        event["result"],
        day_of(event["ts"]),
        event,
    )


def _deliver(case: Case, event: Event) -> None:
    served = dt.date.fromisoformat(event["served_on"]) if event.get("served_on") else day_of(event["ts"])
    case.status, case.delivered_on, case.closed_on, case.delivery = "delivered", served, served, event


def _notify(case: Case, event: Event) -> None:
    case.notified_on = case.notified_on or day_of(event["ts"])


def _suspend(case: Case, event: Event) -> None:
    case.status = "suspended"
    case.pauses += (Pause(event["reason"], day_of(event["ts"]), None, event.get("note", "")),)


def _resume(case: Case, event: Event) -> None:
    last = replace(case.pauses[-1], end=day_of(event["ts"]))
    case.status, case.pauses = "accepted", case.pauses[:-1] + (last,)


def _extend(case: Case, event: Event) -> None:
    case.extensions += (
        Extension(
            int(event["days"]),
            event["reason"],
            event.get("basis", ""),
            day_of(event["ts"]),
            event.get("approved_by", ""),
            bool(event.get("late")),
            event.get("opinion", ""),
            event.get("old_due", ""),
        ),
    )


def _overdue(case: Case, event: Event) -> None:
    case.overdue_days = case.overdue_days | {day_of(event["ts"])}


APPLY = {
    "notice": _notice,
    "supplement": _supplement,
    "accept": _accept,
    "refuse": _closed("refused"),
    "refer": _closed("referred"),
    "withdraw": _closed("withdrawn"),
    "close": _closed("lapsed"),
    "send-back": _send_back,
    "conclude": _conclude,
    "deliver": _deliver,
    "notify": _notify,
    "suspend": _suspend,
    "resume": _resume,
    "extend": _extend,
    "overdue": _overdue,
    "handover": _handover,
    "return": _handover,
    "receive": _receive,
    "review": _review,
    "approve": _approve,
    "part": _part,
    "forward": _forward,
    "answer": _answer,
}


def _materials(materials: Iterable[dict[str, Any]]) -> str:
    listed = [f"{m['code']}×{m.get('copies', 1)}" for m in materials]
    total = sum(int(m.get("copies", 1)) for m in materials)
    return ("、".join(listed) + f"，共 {len(listed)} 项 {total} 份") if listed else "无材料"


def result_name(result: object) -> str:
    """The Chinese name of a decision's result (RESULTS); any other value as it is."""
    return RESULTS.get(result, str(result)) if isinstance(result, str) else str(result)


def describe(event: Event) -> str:
    """A one-line Chinese account of an event for timelines."""
    kind = event["type"]
    if kind == "intake":
        got = "、".join(f"{m['code']}×{m.get('copies', 1)}" for m in event.get("received", [])) or "无"
        return f"收件登记（事项 {event['service']}；收到材料：{got}）"
    if kind == "notice":
        listed = "、".join(
            f"{i['code']}（{'缺' if i.get('problem') == 'missing' else '有误'}{'：' + i['reason'] if i.get('reason') else ''}）"
            for i in event["items"]
        )
        text = f"一次性告知第 {event.get('seq', 1)} 次：{listed}；补正期限 {event.get('supplement_by', '')}"
        if event.get("breach"):
            text += f"；违反一次性告知（首次告知时即应告知：{'、'.join(event['breach'])}）"
        return text
    if kind == "supplement":
        return "补正材料：" + "、".join(f"{m['code']}×{m.get('copies', 1)}" for m in event["materials"])
    if kind == "accept":
        text = f"受理，{event['clock_from']} 的次日起计算办理时限"
        if event.get("parts"):
            text += "；联办，协办部门：" + "、".join(
                f"{p.get('name', p['department'])}（{p['limit']} 日）" for p in event["parts"]
            )
        return text
    if kind in ("handover", "return"):
        verb = "移交" if kind == "handover" else "回交窗口"
        text = f"{verb}：{event.get('from_name') or event['by']} → {event.get('to_name') or event.get('to', '')}"
        if event.get("routed"):
            text += f"（{event['routed']}）"
        text += f"；项目收件交接单：{_materials(event.get('materials', []))}"
        return text + (f"；{event['note']}" if event.get("note") else "")
    if kind == "receive":
        text = f"接收交接（移交人：{event.get('from_name') or event.get('from', '')}）"
        if event.get("for"):
            text += f"；{event.get('for_name') or event['for']}不在岗，首问责任人代为接收、转交并跟踪办理"
        return text
    if kind == "review":
        return f"审查（一审）意见：{event.get('opinion', '')}"
    if kind == "approve":
        return f"复核（一核）同意（审查人：{event.get('reviewer_name') or event.get('reviewer', '')}）" + (
            f"：{event['opinion']}" if event.get("opinion") else ""
        )
    if kind == "part":
        return (
            f"协办完成：{event.get('name') or event['department']}"
            + (f"（意见：{event['opinion']}）" if event.get("opinion") else "")
            + (f"，超过协办时限 {event['days_late']} 日" if event.get("days_late") else "")
        )
    if kind == "forward":
        return f"报送 {event.get('to', '')}，待上级机关答复"
    if kind == "answer":
        return f"上级机关答复：{result_name(event.get('result'))}" + (
            f"（{event['note']}）" if event.get("note") else ""
        )
    if kind == "refuse":
        return f"不予受理：{event.get('reason', '')}"
    if kind == "refer":
        return f"非本机关事项，告知向 {event.get('to', '')}（{event.get('contact', '')}）申请"
    if kind == "withdraw":
        return "申请人撤回申请" + (f"：{event['reason']}" if event.get("reason") else "")
    if kind == "send-back":
        if event.get("wrong"):
            return "督查认定错误退件" + (f"：{event['note']}" if event.get("note") else "")
        return f"退件：{event.get('reason', '')}（复审意见：{event.get('opinion', '')}）"
    if kind == "close":
        return f"逾期未补正，终止办理：{event.get('reason', '')}"
    if kind == "conclude":
        return f"作出决定：{result_name(event.get('result'))}" + (f"（{event['note']}）" if event.get("note") else "")
    if kind == "deliver":
        who = event.get("to") or "申请人"
        return f"送达/领取：{who}" + (
            "（代领，授权：" + event.get("authorisation", "") + "）" if event.get("proxy") else ""
        )
    return label(kind) + (f"：{event['reason']}" if event.get("reason") else "")
