"""Corrections are events, never edits (issue 16 §6): `svc amend` corrects the applicant's data or
the copies of a material received, `svc void` undoes a case's last step. Both append a record; no
line is ever changed or removed (the fold applies them: core/corrections.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from svccli.cli.backdate import APPROVERS
from svccli.cli.context import App, pass_app
from svccli.cli.params import PHONE, STAFF, Text
from svccli.cli.recording import find_case, record, service_of
from svccli.core.calendar import CalendarError
from svccli.core.cases import Case
from svccli.core.catalog import ServiceItem
from svccli.core.corrections import APPLICANT_FIELDS, MAX_COPIES, change_text, current, field_name, last_step, shown
from svccli.core.events import Event, label, sort_key
from svccli.core.fold import VOIDABLE
from svccli.core.privacy import ID_TYPES, resident_id_problem
from svccli.errors import DataError, UsageError

PATHS = [f"applicant.{k}" for k in APPLICANT_FIELDS] + ["received.<材料代码>"]
REQUIRED = ("name", "phone")  # an applicant always has these; the others may be cleared with an empty value
LENGTHS = {"name": 80, "unit": 80, "address": 120, "agent": 40, "id_number": 40}


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--set",
    "sets",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    help=f"更正的字段和正确的值，可重复。字段：{'、'.join(PATHS)}（份数 0～{MAX_COPIES}，0 为未收到）。",
)
@click.option("--reason", required=True, type=Text(200), help="更正的理由（必填，审计时列出）。")
@pass_app
def amend(app: App, case_id: str, sets: tuple[str, ...], reason: str) -> None:
    """更正记录：改正申请人信息或收到材料的份数的录入错误。原记录不变，另记一条更正记录；
    此后打印的文书使用更正后的值，svc show 列出每个字段的更正经过。"""
    app.checked_home()
    _, case = find_case(app, case_id)
    changes = _changes(case, service_of(app, case), sets)
    record(app, [{"type": "amend", "case": case.id, "changes": changes, "reason": reason}])
    for c in changes:
        click.echo(f"已更正 {case.id}：{change_text(c)}")


def _changes(case: Case, item: ServiceItem, sets: tuple[str, ...]) -> list[dict]:
    """The changes asked for, validated (a usage error naming --set), with the values they replace."""
    changes: list[dict] = []
    for text in sets:
        path, sep, raw = text.partition("=")
        path = path.strip()
        if not sep:
            raise UsageError(f"--set：“{text}” 应为 字段=值（如 applicant.name=李四）")
        if any(c["field"] == path for c in changes):
            raise UsageError(f"--set：字段 {path} 给了两次")
        new = _value(item, path, raw.strip())
        old = current(case, path)
        if new == old:
            raise UsageError(f"--set：{field_name(path)}已是 “{shown(path, old)}”，无需更正")
        changes.append({"field": path, "old": old, "new": new})
    _check_id(case, changes)
    return changes


def _value(item: ServiceItem, path: str, raw: str) -> Any:
    group, _, key = path.partition(".")
    if group == "received" and item.material(key) is not None:
        if not raw.isdigit() or int(raw) > MAX_COPIES:
            raise UsageError(f"--set：{path} 的份数应为 0～{MAX_COPIES} 的整数，而不是 “{raw}”")
        return int(raw)
    if group == "received":
        valid = "、".join(m.code for m in item.materials)
        raise UsageError(f"--set：事项 {item.code} 没有材料 “{key}”（可选：{valid}）")
    if group != "applicant" or key not in APPLICANT_FIELDS:
        raise UsageError(f"--set：不能更正 “{path}”（可更正：{'、'.join(PATHS)}）")
    if not raw and key not in REQUIRED:
        return ""
    try:
        if key == "phone":
            return PHONE.convert(raw, None, None)
        if key == "id_type":
            return click.Choice(list(ID_TYPES)).convert(raw, None, None)
        value = Text(LENGTHS[key]).convert(raw, None, None)
    except click.BadParameter as e:
        raise UsageError(f"--set：{path} 的值有误：{e.message}") from None
    return value.upper() if key == "id_number" else value


def _check_id(case: Case, changes: list[dict]) -> None:
    """A resident ID number is checked as at intake, against the ID type it will have."""
    fields = {c["field"]: c["new"] for c in changes}
    if not {"applicant.id_number", "applicant.id_type"} & fields.keys():
        return
    number = fields.get("applicant.id_number", case.applicant.get("id_number", ""))
    kind = fields.get("applicant.id_type", case.applicant.get("id_type", "resident"))
    problem = resident_id_problem(number) if number and kind == "resident" else ""
    if problem:
        raise UsageError(f"--set：applicant.id_number：{problem}")


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--reason", required=True, type=Text(200), help="撤销的理由（必填，审计时列出）。")
@click.option(
    "--approved-by",
    "approver",
    type=STAFF,
    help="批准撤销的科室负责人或督查人员（人员编号）：记录人本人在记录的同一工作日内撤销时不需要。",
)
@pass_app
def void(app: App, case_id: str, reason: str, approver: str | None) -> None:
    """撤销案件的最后一步（如误录的送达）：另记一条撤销记录，原记录不变。

    记录人本人可在同一工作日内撤销；此后须科室负责人或督查人员（本人操作或 --approved-by 批准）。
    撤销办结类步骤（送达、不予受理等）使案件重新打开。撤销记录不能再撤销。"""
    app.checked_home()
    _, case = find_case(app, case_id)
    step = _last_step(app, case.id)
    approved = _authority(app, step, approver)
    event = {"type": "void", "case": case.id, "voids": step["id"], "step": step["type"]}
    event |= {"step_ts": step["ts"], "step_by": step["by"], "reason": reason}
    record(app, [event | ({"approved_by": approved} if approved else {})])
    _, after = find_case(app, case.id)
    click.echo(f"已撤销案件 {case.id} 的最后一步：{_step_text(app, step)}；案件状态：{after.status_name}")


def _last_step(app: App, case_id: str) -> Event:
    from svccli.store import where  # the files that can hold the case's events, as App.case reads them

    home = app.home
    lines, _ = home.log.case_lines(case_id, where.files_of(home.state, home.log, case_id))
    lines.sort(key=lambda ln: sort_key(ln.event, ln.path, ln.line))
    step = last_step([ln.event for ln in lines], VOIDABLE)
    if step is None or step["type"] == "intake":
        raise DataError(f"案件 {case_id} 除收件登记外没有可撤销的步骤（收件登记不能撤销：更正用 svc amend）")
    if step["type"] == "void":
        raise DataError(
            f"案件 {case_id} 的最后一步已是撤销（{_step_text(app, step)}）；撤销不能再撤销，"
            "也不连续撤销更早的步骤：撤销错了的，重新办理那一步"
        )
    return step


def _authority(app: App, step: Event, approver: str | None) -> str:
    """Who allows the void: "" for its recorder on the same working day; else a section chief or an
    inspector, acting or named by --approved-by (exit 1 without one)."""
    roster, actor = app.home.roster, app.actor()
    if approver is not None:
        chief = roster.staff.get(approver)
        if chief is None:
            raise UsageError(f"--approved-by：人员编号 “{approver}” 不在名册中")
        if not any(chief.has_role(r) for r in APPROVERS):
            raise DataError(f"--approved-by：{approver}（{chief.name}）不是科室负责人或督查人员，不能批准撤销")
        return approver
    if step["by"] == actor and _same_working_day(app, step["ts"]):
        return ""
    me = roster.staff.get(actor)
    if me is not None and any(me.has_role(r) for r in APPROVERS):
        return actor
    who = "记录人本人" if step["by"] == actor else f"记录人（{roster.name(step['by'])}）"
    raise DataError(
        f"这一步（{_step_text(app, step)}）只有{who}可在记录的同一工作日内撤销；"
        "此后或由他人撤销，须科室负责人或督查人员批准：用 --approved-by 指明批准人"
    )


def _same_working_day(app: App, ts: str) -> bool:
    """Recorded and voided on the same working day of the office calendar (a step recorded on a day
    off belongs to the next working day); the plain date when the calendar cannot count it."""
    recorded, now = dt.date.fromisoformat(ts[:10]), app.now.date()
    try:
        return app.home.calendar.next_workday(recorded) == app.home.calendar.next_workday(now)
    except (CalendarError, ValueError):
        return recorded == now


def _step_text(app: App, step: Event) -> str:
    if step["type"] == "void":
        return f"撤销{label(str(step.get('step', '')))}，{step['ts'][:16].replace('T', ' ')} {app.home.roster.name(step['by'])}"
    return f"{label(step['type'])}，{step['ts'][:16].replace('T', ' ')} {app.home.roster.name(step['by'])} 记录"


# -- what `svc show` and `svc audit corrections` list ---------------------------------------------------------


def field_history(case: Case, app: App, reveal: bool = False) -> list[dict]:
    """Each corrected field: its value at intake, every change (when, who, why) and its value now."""
    fields: dict[str, dict] = {}
    for amend_event in case.amends:
        for c in amend_event.get("changes", ()):
            path = str(c.get("field", ""))
            entry = fields.setdefault(
                path, {"field": path, "field_name": field_name(path), "original": shown(path, c.get("old"), reveal)}
            )
            entry.setdefault("changes", []).append(
                {
                    "ts": amend_event.get("ts", ""),
                    "by": amend_event.get("by", ""),
                    "by_name": app.home.roster.name(amend_event.get("by", "")),
                    "old": shown(path, c.get("old"), reveal),
                    "new": shown(path, c.get("new"), reveal),
                    "reason": amend_event.get("reason", ""),
                }
            )
    for path, entry in fields.items():
        entry["current"] = shown(path, current(case, path), reveal)
    return list(fields.values())


def history_lines(history: list[dict]) -> list[str]:
    lines = ["更正记录："] if history else []
    for f in history:
        lines.append(f"  {f['field_name']}：登记为 {f['original']}，现为 {f['current']}")
        lines += [
            f"    {c['ts'][:16].replace('T', ' ')}  {c['by_name']}  {c['old']} → {c['new']}（理由：{c['reason']}）"
            for c in f["changes"]
        ]
    return lines


def correction_row(app: App, event: Event, where: str) -> dict:
    """One line of `svc audit corrections`: an amend (what changed) or a void (which step)."""
    roster = app.home.roster
    if event["type"] == "amend":
        what = "；".join(change_text(c) for c in event.get("changes", ()))
    else:
        step_ts = str(event.get("step_ts", ""))[:16].replace("T", " ")
        what = (
            f"撤销：{label(str(event.get('step', '')))}（{step_ts} {roster.name(str(event.get('step_by', '')))} 记录）"
        )
    approver = str(event.get("approved_by", ""))
    return {
        "id": event["id"],
        "ts": event["ts"],
        "when": event["ts"][:16].replace("T", " "),
        "by": event["by"],
        "name": roster.name(event["by"]),
        "type": event["type"],
        "type_name": label(event["type"]),
        "case": str(event.get("case", "")),
        "what": what,
        "voids": str(event.get("voids", "")),
        "reason": str(event.get("reason", "")),
        "approved_by": approver,
        "approved_by_name": roster.name(approver) if approver else "",
        "where": where,
    }


COMMANDS = [amend, void]
