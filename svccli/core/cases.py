"""A case as folded from its events (core/fold.py), and the names of its states.

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
from dataclasses import dataclass, field
from typing import Any

from svccli.core.events import Event
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
# A decision's result in listings and timelines, one word each; paper says 准予许可 or 准予办理 as the
# item is a licence or not (core/wording.result_text).
RESULTS = {"approved": "准予", "denied": "不予", "replied": "答复"}


@dataclass(frozen=True)
class Step:
    """One line of a case's timeline."""

    ts: str
    by: str
    kind: str
    text: str
    where: tuple[str, int] = ("", 0)
    on: str = ""  # the business date when the step was recorded later (补录); ts is the real time


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
    # the latest suspend event: the cause and the time the step takes, told to the applicant (000 第四篇 二.10)
    suspension: Event = field(default_factory=dict)
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
    amends: tuple[Event, ...] = ()  # corrections of the applicant's data or of copies received, in order
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


def effective_day(event: Event) -> dt.date:
    """The business date of an event: `on` when it was recorded later (补录), else the day of its real
    recording time `ts` (which is always kept, issue 16)."""
    on = event.get("on")
    return dt.date.fromisoformat(on) if isinstance(on, str) and on else day_of(event["ts"])


@dataclass
class Folded:
    cases: dict[str, Case]
    inquiries: list[Event]
    problems: list[Problem]
    reveals: list[Event] = field(default_factory=list)
