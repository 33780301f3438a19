"""Event types of the record log: what each means and where it sorts among same-time events.

An event is a plain dict as stored (JSON field names are the contract):
  v, id, ts (ISO time with offset), by (staff id), type, [case], ...fields, prev (hash chain).
"""

from __future__ import annotations

from typing import Any, TypeAlias

# One event as stored: its JSON field names and JSON values (the field names are the contract).
Event: TypeAlias = dict[str, Any]

# type -> (Chinese label, rank among events with the same timestamp, needs a case id)
EVENT_TYPES: dict[str, tuple[str, int, bool]] = {
    "inquiry": ("首问登记", 0, False),
    "intake": ("收件登记", 1, True),
    "notice": ("一次性告知", 2, True),
    "supplement": ("补正材料", 3, True),
    "accept": ("受理", 4, True),
    "refuse": ("不予受理", 5, True),
    "refer": ("告知非本机关事项", 5, True),
    "withdraw": ("撤回申请", 5, True),
    "close": ("逾期未补正终止", 5, True),
    "send-back": ("退件", 7, True),
    "suspend": ("暂停计时", 6, True),
    "resume": ("恢复计时", 6, True),
    "extend": ("延期", 6, True),
    # Custody, review and joint/forwarded steps share rank 7 with the decision: at one timestamp they
    # keep the order in which they were recorded (a handover, its receipt, a review, the decision).
    "handover": ("项目交接", 7, True),
    "return": ("回交窗口", 7, True),
    "receive": ("接收交接", 7, True),
    "review": ("审查", 7, True),
    "approve": ("复核", 7, True),
    "part": ("协办完成", 7, True),
    "forward": ("报送上级", 7, True),
    "answer": ("上级答复", 7, True),
    "conclude": ("办结决定", 7, True),
    "notify": ("通知领取", 8, True),
    "deliver": ("送达", 9, True),
    "overdue": ("超期记录", 10, True),
    # Corrections (issue 16 §6) sort after the steps they correct at one timestamp (a fixed test clock).
    "amend": ("更正记录", 10, True),
    "void": ("撤销上一步", 10, True),
    "reveal": ("查看完整个人信息", 11, False),
    # The register of documents (core/register.py): named for a case, but no step of it.
    "document": ("出具文书", 12, False),
    "template": ("文书模板存档", 12, False),
    "print": ("打印文书", 12, False),
    # Leave and cover (core/leave.py, core/cover.py): office events, named by their own ids.
    "leave": ("请假", 13, False),
    "leave-approve": ("批准请假", 13, False),
    "leave-reject": ("不批准请假", 13, False),
    "leave-return": ("销假", 13, False),
    "cover": ("临时顶岗备案", 13, False),
    "cover-end": ("注销顶岗备案", 13, False),
    # Attendance (core/attendance.py, store/attendance.py): office events with no case.
    "punches": ("导入考勤打卡", 13, False),
    "attendance-proxy": ("查处代签到", 13, False),
    "attendance-post": ("考勤公示", 13, False),
    "attendance-objection": ("考勤异议", 13, False),
    "absence": ("外出告知", 13, False),
    "patrol": ("巡查空岗", 13, False),
    # Complaints and sanctions (core/complaints.py, core/sanctions.py): office events with no case.
    "complaint": ("投诉登记", 13, False),
    "complaint-resolve": ("投诉处理", 13, False),
    "complaint-follow-up": ("投诉回访", 13, False),
    "sanction": ("问责处理", 13, False),
    # Assessment (core/assessment*.py, core/awards.py): office events with no case.
    "score-entry": ("考核录入", 13, False),
    "score-cancel": ("撤销考核录入", 13, False),
    "rating": ("评议", 13, False),
    "award-vote": ("评优投票", 13, False),
}

# The office's own events (no case): leave, cover, attendance, complaints, sanctions, scores. The state
# keeps them in a table of their own (store/office_events.py) so that `svc duty` reads no case records.
# A new type of these is added both to EVENT_TYPES and here.
OFFICE: frozenset[str] = frozenset(
    {"leave", "leave-approve", "leave-reject", "leave-return", "cover", "cover-end"}
    | {"punches", "attendance-proxy", "attendance-post", "attendance-objection", "absence", "patrol"}
    | {"complaint", "complaint-resolve", "complaint-follow-up", "sanction"}
    | {"score-entry", "score-cancel", "rating", "award-vote"}
)


def label(kind: str) -> str:
    return EVENT_TYPES.get(kind, (kind, 0, False))[0]


def sort_key(event: Event, path: str = "", line: int = 0) -> tuple[str, int, str, int]:
    """Deterministic order: time, then kind rank, then place (beancount's entry_sortkey)."""
    return (event.get("ts", ""), EVENT_TYPES.get(event.get("type", ""), ("", 99, False))[1], path, line)
