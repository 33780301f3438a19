"""What each event does to a case: the states it may apply in (ALLOWED) and its effect (APPLY)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from svccli.core.cases import Case, Extension, Pause, effective_day
from svccli.core.corrections import apply_amend
from svccli.core.events import Event

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


def opened(event: Event, where: tuple[str, int]) -> Case:
    if not isinstance(event.get("applicant", {}), dict) or not isinstance(event["service"], str):
        raise TypeError("applicant 应为对象，service 应为文本")
    received = {m["code"]: int(m.get("copies", 1)) for m in event.get("received", [])}
    return Case(
        id=event["case"],
        service=event["service"],
        opened=effective_day(event).isoformat() + event["ts"][10:],  # the business date, the real time of day
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
    case.accepted_on = effective_day(event)
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
            "done_on": effective_day(event),
            "opinion": event.get("opinion", ""),
            "by": event["by"],
        },
    }


def _forward(case: Case, event: Event) -> None:
    if case.forward and not case.forward.get("result"):
        raise ValueError(f"案件已报送 {case.forward['to']}，尚未答复")
    case.forward = {"to": event["to"], "on": effective_day(event), "result": "", "answered_on": None, "note": ""}


def _answer(case: Case, event: Event) -> None:
    if not case.forward or case.forward.get("result"):
        raise ValueError("案件没有待答复的报送")
    case.forward = {
        **case.forward,
        "result": event["result"],
        "answered_on": effective_day(event),
        "note": event.get("note", ""),
    }


def _send_back(case: Case, event: Event) -> None:
    case.sendbacks += (event,)
    if not event.get("wrong"):
        case.status, case.closed_on, case.closing = "returned", effective_day(event), event


def _closed(status: str) -> Callable[[Case, Event], None]:
    def apply(case: Case, event: Event) -> None:
        case.status, case.closed_on, case.closing = status, effective_day(event), event

    return apply


def _conclude(case: Case, event: Event) -> None:
    case.status, case.result, case.concluded_on, case.decision = (
        "concluded",
        event["result"],
        effective_day(event),
        event,
    )


def _deliver(case: Case, event: Event) -> None:
    served = dt.date.fromisoformat(event["served_on"]) if event.get("served_on") else effective_day(event)
    case.status, case.delivered_on, case.closed_on, case.delivery = "delivered", served, served, event


def _notify(case: Case, event: Event) -> None:
    case.notified_on = case.notified_on or effective_day(event)


def _suspend(case: Case, event: Event) -> None:
    case.status = "suspended"
    case.pauses += (Pause(event["reason"], effective_day(event), None, event.get("note", "")),)
    case.suspension = event


def _resume(case: Case, event: Event) -> None:
    last = replace(case.pauses[-1], end=effective_day(event))
    case.status, case.pauses = "accepted", case.pauses[:-1] + (last,)


def _extend(case: Case, event: Event) -> None:
    case.extensions += (
        Extension(
            int(event["days"]),
            event["reason"],
            event.get("basis", ""),
            effective_day(event),
            event.get("approved_by", ""),
            bool(event.get("late")),
            event.get("opinion", ""),
            event.get("old_due", ""),
        ),
    )


def _overdue(case: Case, event: Event) -> None:
    case.overdue_days = case.overdue_days | {effective_day(event)}


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
    "amend": apply_amend,  # any status: a typo is corrected on a closed case too
    # "void" has no effect of its own: the fold skips the step it names (core/corrections.py)
}
