"""One line of text for each event, as a case's timeline shows it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svccli.core.cases import RESULTS
from svccli.core.corrections import change_text
from svccli.core.deadlines import PAUSE_REASONS
from svccli.core.events import Event, label

# The unit of a time limit (DOMAIN.md "Time limits": working days unless the item counts calendar days).
UNIT_NAMES = {"working_days": "工作日", "calendar_days": "自然日"}
# How a written result reaches the applicant (`svc deliver --by`); a record without "how" was in person or by proxy.
DELIVERY_METHODS = {"in_person": "当面领取", "proxy": "代领", "post": "邮寄送达"}


def days_text(days: int, unit: str = "working_days") -> str:
    """A number of days with its unit, the one form every listing uses: "3 个工作日", "3 个自然日"."""
    return f"{days} 个{UNIT_NAMES.get(unit, UNIT_NAMES['working_days'])}"


def lateness(days_late: int, unit: str = "working_days") -> str:
    """Lateness or time left in one phrase everywhere: "逾期 3 个工作日", "今日到期", "还剩 2 个工作日"
    (days_late negative: days left; 0: the due date is today)."""
    if days_late > 0:
        return "逾期 " + days_text(days_late, unit)
    if days_late == 0:
        return "今日到期"
    return "还剩 " + days_text(-days_late, unit)


def delivery_method(event: Event) -> str:
    """The delivery's method code; records made before `--by` existed say only whether it was by proxy."""
    how = event.get("how")
    return how if how in DELIVERY_METHODS else ("proxy" if event.get("proxy") else "in_person")


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
            + (
                f"，超过协办时限 {days_text(event['days_late'], event.get('unit', 'working_days'))}"
                if event.get("days_late")
                else ""
            )
        )
    if kind == "forward":
        return f"报送 {event.get('to', '')}，待上级机关答复"
    if kind == "answer":
        return f"上级机关答复：{result_name(event.get('result'))}" + (
            f"（{event['note']}）" if event.get("note") else ""
        )
    if kind == "suspend":  # the cause and the time the step takes, as told to the applicant (000 第四篇 二.10)
        reason = event.get("reason", "")
        return (
            f"暂停计时：{PAUSE_REASONS.get(reason, reason)}"
            + (f"（告知所需时间：{event['expected']}）" if event.get("expected") else "")
            + (f"；{event['note']}" if event.get("note") else "")
        )
    if kind == "extend":  # its days' unit is the item's: `svc show` words it with the catalogue at hand
        return (
            f"延期：{event.get('reason', '')}"
            + (f"（依据：{event['basis']}）" if event.get("basis") else "")
            + (f"；原办结期限 {event['old_due']}" if event.get("old_due") else "")
            + ("；延期告知迟延" if event.get("late") else "")
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
        return _delivered(event)
    if kind == "overdue":  # recorded by `svc overdue --record`; older records carry no unit (working days)
        days = event.get("days_late")
        late = f"，{lateness(days, event.get('unit', 'working_days'))}" if isinstance(days, int) and days > 0 else ""
        return f"超期记录：办结期限 {event.get('due', '')}{late}"
    if kind == "amend":  # phone and ID numbers masked: a timeline is shown without --reveal
        return (
            "更正："
            + "；".join(change_text(c) for c in event.get("changes", ()))
            + f"（理由：{event.get('reason', '')}）"
        )
    if kind == "void":
        return (
            f"撤销上一步：{label(str(event.get('step', '')))}（{str(event.get('step_ts', ''))[:16].replace('T', ' ')}"
            f" {event.get('step_by', '')} 记录）；理由：{event.get('reason', '')}"
            + (f"；批准人：{event['approved_by']}" if event.get("approved_by") else "")
        )
    return label(kind) + (f"：{event['reason']}" if event.get("reason") else "")


def _delivered(event: Event) -> str:
    """Service of the written result: the method, who took it, the proxy's authorisation, the tracking number."""
    how = delivery_method(event)
    text = f"送达（{DELIVERY_METHODS[how]}）：{event.get('to') or '申请人'}"
    if how == "proxy":
        text += "代领" + (f"，授权委托书：{event['authorisation']}" if event.get("authorisation") else "")
    if event.get("tracking"):
        text += f"，快递单号 {event['tracking']}"
    return text
