"""Leave of window staff (请假、销假): `svc leave request|approve|reject|return|list|slip`.

The length is counted in working time (office hours, summer hours, the official calendar); the
length names the approval (core/leave.py). The slip (窗口工作人员请假单) is printed on request and
again with the opinions once approved. An approval records the A→B handover for the leave's start.
"""

from __future__ import annotations

import datetime as dt

import click

from svccli.cli.context import App, parse_moment, pass_app, warn
from svccli.cli.duty_cmd import hours_of, leaves_of
from svccli.cli.params import PHONE, STAFF, TEXT, Text
from svccli.cli.recording import html_option, next_number, record, show_document
from svccli.core import leave as lv
from svccli.core.calendar import CalendarError
from svccli.core.workhours import working_length
from svccli.errors import DataError, UsageError
from svccli.render.views import office_view

KIND_HELP = "、".join(f"{k} {v}" for k, v in lv.KINDS.items())


@click.group()
def leave() -> None:
    """窗口工作人员请假、审批和销假，打印请假单。"""


def _moment(app: App, text: str, option: str, end: bool) -> dt.datetime:
    """A datetime as given; a date alone means the start (or, for --to, the end) of that day's office hours."""
    moment = parse_moment(text, option)
    if isinstance(moment, dt.datetime):
        return moment.replace(tzinfo=None, second=0, microsecond=0)
    start, finish = hours_of(app).span(moment)
    return finish if end else start


def _substitute(app: App, given: str | None, phone: str | None, staff: str) -> tuple[str, str, str]:
    """(id or name, name, phone) of the substitute; a roster member's phone comes from the roster."""
    if not given:
        return "", "", ""
    roster = app.home.roster
    member = roster.staff.get(given) or next((s for s in roster.staff.values() if s.name == given), None)
    if member is not None:
        if member.id == staff:
            raise DataError("顶岗人员不能是请假人本人")
        return member.id, member.name, phone or member.phone
    if not phone:
        raise UsageError(f"--substitute-phone：顶岗人员“{given}”不在名册中，请写明其联系电话")
    return given, given, phone


def _handovers(app: App, leave: lv.Leave) -> list[dict]:
    """The A→B handovers at the leave's start: each post the person holds as A goes to the first B
    holder present then (none when the office hands over only for one day or more and this is shorter)."""
    if not lv.needs_handover(leave.days, app.home.catalog.office.rules.handover_before):
        return []
    roster, start = app.home.roster, leave.start
    gone = set(lv.away(leaves_of(app).values(), start, start + dt.timedelta(minutes=1))) | {leave.staff}
    found = []
    for post in roster.posts.values():
        if post.a == leave.staff:
            to = roster.on_duty(post.code, frozenset(gone)) or ""
            found.append({"post": post.code, "to": to})
    return found


def _slip(app: App, leave: lv.Leave, html) -> None:
    from svccli.render.documents import render

    view, home = _view(app, leave), app.home.path
    text = render("leave_slip.txt.j2", view, home)
    page = render("leave_slip.html.j2", view, home) if html is not None else ""
    show_document(app, "请假单", text, page, html)


def _view(app: App, leave: lv.Leave) -> dict:
    roster = app.home.roster
    person = roster.staff.get(leave.staff)
    approver = roster.staff.get(leave.approved_by)
    return {
        "office": office_view(app.home.catalog),
        "leave": {
            "id": leave.id,
            "staff": leave.staff,
            "name": roster.name(leave.staff),
            "unit": person.unit if person else "",
            "kind_name": lv.KINDS.get(leave.kind, leave.kind),
            "reason": leave.reason,
            "days": f"{leave.days:g}",
            "hours": f"{leave.hours:g}",
            "from_date": leave.start.date().isoformat(),
            "from_time": f"{leave.start:%H:%M}",
            "to_date": leave.end.date().isoformat(),
            "to_time": f"{leave.end:%H:%M}",
            "substitute": leave.substitute_name,
            "substitute_phone": leave.substitute_phone,
            "certificate": leave.certificate,
            "level_name": lv.LEVELS[leave.approver_level],
            "oral": leave.approver_level == "oral",
            "status_name": lv.STATUS[leave.status],
            "unit_opinion": leave.unit_opinion,
            "approved_by": approver.name if approver and leave.status != "requested" else "",
            "approved_on": leave.approved_at[:10],
            "requested_on": leave.requested_at[:10],
            "rejected_reason": leave.rejected_reason,
        },
        "copies": ["监督投诉室存档", "请假人自存"],
    }


def _row(app: App, leave: lv.Leave) -> dict:
    roster = app.home.roster
    return {
        "id": leave.id,
        "staff": leave.staff,
        "staff_name": roster.name(leave.staff),
        "kind": leave.kind,
        "kind_name": lv.KINDS.get(leave.kind, leave.kind),
        "from": lv.local_text(leave.start),
        "to": lv.local_text(leave.end),
        "returned": lv.local_text(leave.returned) if leave.returned else "",
        "hours": leave.hours,
        "days": leave.days,
        "approver_level": leave.approver_level,
        "level_name": lv.LEVELS[leave.approver_level],
        "needs_substitute": leave.needs_substitute,
        "substitute": leave.substitute,
        "substitute_name": leave.substitute_name,
        "status": leave.status,
        "status_name": lv.STATUS[leave.status],
        "approved_by": leave.approved_by,
        "approved_by_name": roster.name(leave.approved_by) if leave.approved_by else "",
        "handovers": [{"post": p, "to": t} for p, t in leave.handovers],
        "handover_text": "、".join(f"{p}→{roster.name(t) if t else '无人'}" for p, t in leave.handovers),
    }


@leave.command("request")
@click.argument("staff", type=STAFF)
@click.option(
    "--from", "start", required=True, type=Text(20), help="开始时间 YYYY-MM-DDTHH:MM（只写日期：当日上班时）。"
)
@click.option("--to", "end", required=True, type=Text(20), help="结束时间 YYYY-MM-DDTHH:MM（只写日期：当日下班时）。")
@click.option("--kind", required=True, type=Text(20), help=f"请假类别：{KIND_HELP}（中英文均可）。")
@click.option("--reason", required=True, type=TEXT, help="请假事由。")
@click.option("--substitute", type=Text(40), help="派出单位安排的顶岗人员：人员编号或姓名。")
@click.option("--substitute-phone", "substitute_phone", type=PHONE, help="顶岗人员联系电话（名册外人员必填）。")
@click.option("--certificate", type=Text(80), help="病假的县级以上医院证明（编号或说明）。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出：text 请假单；json 请假记录。",
)
@html_option
@pass_app
# Rule (docs/rules.md): leave approvals by length; substitute from half a day; sick leave certificate.
def request(app: App, staff, start, end, kind, reason, substitute, substitute_phone, certificate, fmt, html) -> None:
    """登记请假并打印请假单：按工作时间计算时长，确定审批层级。

    1 小时以内口头告知（登记即准）；1 小时至 1 天业务科审批；1 天以上至 3 天派出单位签署意见后由中心副主任审批；
    3 天以上派出单位主要领导签署意见后由中心主任审批。病假须附县级以上医院证明。
    请假半天以上（含半天）须派出单位先安排顶岗人员，否则不予登记。
    """
    app.writing = True
    roster = app.checked_home().roster
    if staff not in roster.staff:
        raise UsageError(f"STAFF：人员编号 “{staff}” 不在名册中")
    code = lv.kind_code(kind)
    if code is None:
        raise UsageError(f"--kind：没有请假类别 “{kind}”（可选：{KIND_HELP}）")
    first, last = _moment(app, start, "--from", False), _moment(app, end, "--to", True)
    if last <= first:
        raise UsageError("--to：结束时间须晚于开始时间")
    try:
        length = working_length(first, last, hours_of(app), app.home.calendar)
    except CalendarError as e:
        raise DataError(str(e)) from None
    if length.minutes <= 0:
        raise DataError("所请时段不在工作时间内（非工作日或下班时间），无需请假")
    level = lv.approver_level(length.minutes, length.days)
    needs = lv.needs_substitute(length.days, app.home.catalog.office.rules.substitute_from)
    if code == "sick" and not certificate:
        raise DataError("病假须附县级以上医院证明（--certificate），未予登记")
    if needs and not substitute:
        raise DataError(
            f"请假 {length.days:g} 天，须由派出单位先安排顶岗人员（--substitute、--substitute-phone）方可离岗，"
            "否则按旷工论处；未予登记"
        )
    sub, sub_name, sub_phone = _substitute(app, substitute, substitute_phone, staff)
    for other in leaves_of(app).values():
        if (
            other.staff == staff
            and other.status in ("requested", "approved")
            and other.start < last
            and first < other.until
        ):
            raise DataError(f"{roster.name(staff)}在该时段已有请假 {other.id}（{lv.STATUS[other.status]}）")
    event = {
        "type": "leave",
        "staff": staff,
        "from": lv.local_text(first),
        "to": lv.local_text(last),
        "kind": code,
        "reason": reason,
        "hours": length.hours,
        "days": length.days,
        "approver_level": level,
        "needs_substitute": needs,
        "substitute": sub,
        "substitute_name": sub_name,
        "substitute_phone": sub_phone,
        "certificate": certificate or "",
    }
    if level == "oral":  # granted as recorded: the handover is recorded with it
        probe = lv.fold_leaves([{**event, "leave": "?"}])["?"]
        event["handovers"] = _handovers(app, probe)
    written = record(app, lambda _case: [{**event, "leave": next_number(app, "QJ", "leave")}])
    made = lv.fold_leaves(written)[written[0]["leave"]]
    if fmt == "json":
        import json

        keys = ("id", "staff", "hours", "days", "approver_level", "needs_substitute", "status")
        click.echo(json.dumps({k: _row(app, made)[k] for k in keys}, ensure_ascii=False, indent=2))
        if html is not None:
            _slip(app, made, html)
    else:
        _slip(app, made, html)
    click.echo(f"已登记请假 {made.id}：{length.days:g} 天（{length.hours:g} 小时），{lv.LEVELS[level]}", err=True)


def _find(app: App, leave_id: str) -> lv.Leave:
    found = leaves_of(app).get(leave_id.strip())
    if found is None:
        raise DataError(f"没有请假记录 {leave_id}（svc leave list 列出全部）")
    return found


def _may_decide(app: App, leave: lv.Leave) -> str:
    """The actor, when they hold the role the leave's level needs (a section's own chief or chief
    representative for the business section) and are not the applicant."""
    roster = app.home.roster
    actor = app.actor()
    if actor == leave.staff:
        raise DataError("请假人不能审批自己的请假")
    if leave.status != "requested":
        raise DataError(f"请假 {leave.id} {lv.STATUS[leave.status]}，不能再审批")
    who, applicant = roster.staff[actor], roster.staff.get(leave.staff)
    allowed = lv.may_approve(leave.approver_level, who.roles)
    if allowed and not who.has_role("deputy_director") and not who.has_role("director"):
        allowed = applicant is not None and who.section == applicant.section
    if not allowed:
        need = "、".join(lv_role(r) for r in lv.APPROVER_ROLES[leave.approver_level])
        raise DataError(f"{who.name}无权审批该请假（{lv.LEVELS[leave.approver_level]}，须由{need}审批）")
    return actor


def lv_role(role: str) -> str:
    from svccli.core.roster import ROLES

    return {"section_chief": "本科室负责人", "chief_representative": "本部门首席代表"}.get(role, ROLES.get(role, role))


@leave.command("approve")
@click.argument("leave_id", metavar="ID")
@click.option(
    "--unit-opinion", "unit_opinion", type=TEXT, help="派出单位（主要）领导的意见（已盖章）；1 天以上的请假必填。"
)
@html_option
@pass_app
def approve(app: App, leave_id: str, unit_opinion, html) -> None:
    """批准请假（须持有相应审批权限，且不是请假人本人）；同时记录 A 岗向 B 岗的交接。"""
    app.writing = True
    found = _find(app, leave_id)
    _may_decide(app, found)
    if found.approver_level in lv.NEEDS_UNIT_OPINION and not unit_opinion:
        raise DataError(
            f"请假 {found.days:g} 天须先由派出单位"
            + ("主要领导" if found.approver_level == "director" else "")
            + "签署意见并盖章（--unit-opinion），未予批准"
        )
    event = {
        "type": "leave-approve",
        "leave": found.id,
        "unit_opinion": unit_opinion or "",
        "handovers": _handovers(app, found),
    }
    written = record(app, [event])
    done = lv.fold_leaves([_request_event(found), *written])[found.id]
    _slip(app, done, html)
    roster = app.home.roster
    moved = "；".join(f"{p} 交由 {roster.name(t)} 顶岗" if t else f"{p} 无人可顶岗" for p, t in done.handovers)
    click.echo(f"已批准请假 {found.id}" + (f"（{moved}）" if moved else ""), err=True)
    for text in _unattended(app, done):
        warn(text)


def _unattended(app: App, leave: lv.Leave) -> list[str]:
    """The posts the person holds that nobody would hold in a half day of the leave (say so: the
    sending unit or the centre must arrange a temporary cover). The first 40 half days are looked at."""
    from svccli.cli.duty_cmd import covers_of
    from svccli.core.duty import duty_of
    from svccli.core.workhours import working_periods

    roster = app.home.roster
    leaves = {**leaves_of(app), leave.id: leave}.values()
    covers = covers_of(app).values()
    posts = [p for p in roster.posts.values() if leave.staff in p.holders]
    found = []
    try:
        periods = list(working_periods(leave.start, leave.end, hours_of(app), app.home.calendar))[:40]
    except CalendarError:
        return []
    for start, end, _, _ in periods:
        for post in posts:
            if duty_of(roster, post, start, end, leaves, covers).unattended:
                found.append(
                    f"{start:%Y-%m-%d %H:%M} 起的半天{post.name}（{post.code}）将无人在岗，请安排临时顶岗（svc cover add）"
                )
    return found


def _request_event(leave: lv.Leave) -> dict:
    """The request as an event again, so that the approval can be folded onto it for the slip."""
    return {
        "type": "leave",
        "leave": leave.id,
        "staff": leave.staff,
        "from": lv.local_text(leave.start),
        "to": lv.local_text(leave.end),
        "kind": leave.kind,
        "reason": leave.reason,
        "hours": leave.hours,
        "days": leave.days,
        "approver_level": leave.approver_level,
        "needs_substitute": leave.needs_substitute,
        "substitute": leave.substitute,
        "substitute_name": leave.substitute_name,
        "substitute_phone": leave.substitute_phone,
        "certificate": leave.certificate,
        "by": leave.requested_by,
        "ts": leave.requested_at,
    }


@leave.command("reject")
@click.argument("leave_id", metavar="ID")
@click.option("--reason", required=True, type=TEXT, help="不予批准的理由。")
@pass_app
def reject(app: App, leave_id: str, reason: str) -> None:
    """不批准请假（须持有相应审批权限，且不是请假人本人）。"""
    app.writing = True
    found = _find(app, leave_id)
    _may_decide(app, found)
    record(app, [{"type": "leave-reject", "leave": found.id, "reason": reason}])
    click.echo(f"请假 {found.id} 未予批准：{reason}", err=True)


from svccli.cli.leave_return import leave_list, return_cmd, slip  # noqa: E402  (they build on the above)

leave.add_command(return_cmd)
leave.add_command(leave_list)
leave.add_command(slip)
COMMANDS = [leave]
