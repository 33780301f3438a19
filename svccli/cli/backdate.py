"""Back-dating a record (补录): the real time of recording is always kept (`ts`); a business date
earlier than today (`--today`) is carried as `on`, with the reason, within the office's limit of
working days (`backdate_limit`), and beyond it only with a section chief's or an inspector's approval.
A paper intake typed in the next morning is the legitimate case; a delivery moved back to escape an
overdue mark is what the limits and `svc audit backdated` are for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svccli.core.calendar import CalendarError
from svccli.errors import DataError, UsageError

if TYPE_CHECKING:
    from svccli.cli.context import App

APPROVERS = ("section_chief", "inspector")


def backdating(app: App) -> dict:
    """{} when the record's business day is the day it is recorded, else the back-dating fields."""
    recorded, on = app.now.date(), app.business_day
    if on == recorded:
        return {}
    if on > recorded:
        raise UsageError(f"--today：{on} 晚于今天（{recorded}），不能记录尚未发生的业务")
    calendar = app.home.calendar
    try:
        behind = calendar.workdays_between(on, recorded)
    except CalendarError as e:
        raise UsageError(f"--today：{e}") from None
    if not app.backdate_reason:
        raise UsageError(f"--today：业务日期 {on} 早于今天（{recorded}），补录须用 --reason 说明理由（放在命令名之前）")
    fields = {"on": on.isoformat(), "backdate_reason": app.backdate_reason}
    limit = app.home.catalog.office.rules.backdate_limit
    if behind > limit:
        fields["approved_by"] = _approver(app, on, behind, limit)
    return fields


def _approver(app: App, on, behind: int, limit: int) -> str:
    roster = app.home.roster
    approver = roster.staff.get(app.backdate_approver or "")
    if approver is None or not any(approver.has_role(r) for r in APPROVERS):
        named = f"（{app.backdate_approver} 不是科室负责人或督查人员）" if app.backdate_approver else ""
        raise DataError(
            f"业务日期 {on} 早于今天 {behind} 个工作日，超过办公室规定的 {limit} 个工作日；"
            f"须用 --approved-by 指明批准补录的科室负责人或督查人员{named}"
        )
    if approver.id == app.actor():
        raise DataError("补录的批准人不能是记录人本人")
    return approver.id
