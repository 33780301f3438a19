"""Deadlines: the daily overdue check for cron, pauses, extensions, notification (`svc due`: due_cmd.py)."""

from __future__ import annotations

from typing import NamedTuple

import click

from svccli.cli.context import App, pass_app, report
from svccli.cli.params import TEXT, Text
from svccli.cli.recording import find_case, html_option, print_document, record, require, service_of
from svccli.core.calendar import CalendarError
from svccli.core.deadlines import PAUSE_REASONS, Due, days_between, due, unit_of
from svccli.core.describe import lateness
from svccli.core.overdue import KINDS, LATE, Finding, listing_order, recordable
from svccli.core.privacy import mask_name, mask_phone
from svccli.errors import DataError, Found, UsageError
from svccli.render.output import emit, output_options

OVERDUE_COLUMNS = [
    ("kind_name", "类别"),
    ("case", "案件编号"),
    ("service", "事项"),
    ("department", "部门"),
    ("applicant", "申请人"),
    ("phone", "电话"),
    ("holder_name", "持有人"),
    ("first_handler_name", "首办责任人"),
    ("accepted", "受理日期"),
    ("date", "期限"),
    ("late_text", "逾期情况"),
]


@click.command()
@click.option(
    "--warn",
    "warn_days",
    type=click.IntRange(0, 60),
    help="同时列出 DAYS 个工作日内到期的案件（默认：office.yaml 的 warning_days）。",
)
@click.option("--department", type=Text(40), help="只检查该部门（代码）的案件。")
@click.option("--holder", type=Text(40), help="只检查该人员持有的案件。")
@click.option("--record", "record_it", is_flag=True, help="为每件超期案件记录一条超期记录（每件每天至多一条）。")
@output_options
@pass_app
def overdue(app: App, warn_days, department, holder, record_it, fmt, encoding) -> None:
    """每日超期检查（供 cron 使用）：无超期时不输出、退出 0；有超期时列出并退出 3。

    无法计算期限的案件列为“问题记录”（附文件和行号），其余案件照常检查；
    没有超期但有问题记录时退出 1。
    """
    if record_it and app.as_of_option:
        raise UsageError("--record 记录超期，不能与 --as-of 同用")
    home = app.checked_home()
    if record_it:  # who records is asked before the listing, whether or not anything is overdue today
        app.actor()
    if department and department not in home.catalog.departments:
        raise UsageError(f"--department：没有部门 “{department}”（可选：{', '.join(home.catalog.departments)}）")
    if holder and holder not in home.roster.staff:
        raise UsageError(f"--holder：人员编号 “{holder}” 不在名册中")
    if warn_days is None:  # the office's default; --warn overrides it
        warn_days = home.catalog.office.rules.warning_days
    try:
        entries = [Entry(tuple(e[0]), *e[1:]) for e in _checked(app, warn_days)]
    except CalendarError as e:
        raise DataError(str(e)) from None
    app.calendar_warnings()  # cron mails the missing next-year calendar; the exit code stays
    from svccli.cli.complaint_overdue import overdue_entries  # complaints past their answer date (kind complaint)

    entries += [Entry(*e) for e in overdue_entries(app)]
    entries = sorted(
        (e for e in entries if (not holder or e.holder == holder) and (not department or e.department == department)),
        key=lambda e: e.order,
    )
    if not holder and not department:  # a post nobody holds today (A/B posts): an alarm like a late case
        from svccli.cli.duty_cmd import unattended_rows

        entries = [Entry((0, 0, r["post"]), "", "", True, r) for r in unattended_rows(app)] + entries
    emit([e.row for e in entries], OVERDUE_COLUMNS, fmt, encoding)
    late = [e for e in entries if e.row["kind"] in LATE]
    if record_it:
        new = [
            {
                "type": "overdue",
                "case": e.row["case"],
                "due": e.row["due"],
                "days_late": e.row["days_late"],
                "unit": e.row["unit"],
            }
            for e in late
            if e.row["due"] and e.row["kind"] in ("overdue", "deemed") and not e.recorded
        ]
        if new:
            record(app, new)
    if late:
        raise Found()
    problems = [e for e in entries if e.row["kind"] == "problem"]
    if problems:  # listed above with file and line; the rest of the office was checked
        raise DataError(f"{len(problems)} 件案件无法计算期限（问题记录，见上表）；svc check 列出全部问题")


class Entry(NamedTuple):
    """One finding of the daily check as listed (and as kept in the state as the day's answer)."""

    order: tuple  # overdue.listing_order
    department: str  # the item's department code, for --department
    holder: str
    recorded: bool  # an overdue record was made for the case today
    row: dict


def _checked(app: App, warn_days) -> list:
    """The findings of the daily check as JSON data (the store keeps the day's answers)."""
    from svccli.store import daily

    home = app.checked_home()
    make = lambda f: list(_entry(app, f))  # noqa: E731  (JSON: kept as the day's answer)
    if app.as_of:  # what it said at the end of that day: every case folded afresh
        cases = app.records("open").cases.values()
        return daily.answers_of(cases, home, app.today, warn_days, make)
    entries, problems = daily.daily(home, app.today, warn_days, make)
    report(problems)
    return entries


def _entry(app: App, f: Finding) -> Entry:
    department = f.item.department if f.item else ""
    recorded = app.today in f.case.overdue_days or not recordable(f)  # told after its due date: recorded no more
    return Entry(listing_order(f), department, f.case.holder, recorded, _row(app, f))


def _row(app: App, f: Finding) -> dict:
    roster, cat = app.home.roster, app.home.catalog
    a = f.case.applicant
    return {
        "kind": f.kind,
        "kind_name": KINDS[f.kind],
        "case": f.case.id,
        "service": f.case.service,
        "service_name": f.item.name if f.item else "（目录中没有该事项）",
        "department": cat.department_name(f.item.department) if f.item else "",
        "applicant": mask_name(a.get("name", "")),
        "phone": mask_phone(a.get("phone", "")),
        "holder": f.case.holder,
        "holder_name": roster.name(f.case.holder),
        "first_handler": f.case.first_handler,
        "first_handler_name": roster.name(f.case.first_handler),
        "accepted": f.case.accepted_on.isoformat() if f.case.accepted_on else "",
        "due": f.due.due.isoformat() if f.due else "",
        "date": f.date.isoformat() if f.date else "",
        "provisional": bool(f.due and f.due.provisional),
        "days_late": f.days_late,
        "unit": _unit(app, f),
        "late_text": _late_text(f, _unit(app, f)),
        "detail": f.detail,
    }


def _unit(app: App, f: Finding) -> str:
    """The unit a finding's days are counted in: the case's and a part's limit in the item's unit; a handover,
    a supplement date and owed materials in working days (core/overdue.py)."""
    if f.due is not None and f.kind in ("overdue", "deemed", "warning"):
        return f.due.unit
    if f.kind == "part" and f.item is not None:
        return unit_of(f.item, app.home.catalog.office.rules)
    return "working_days"


def _late_text(f: Finding, unit: str) -> str:
    """逾期 3 个工作日 / 今日到期 / 还剩 2 个工作日 — the one phrase of `lateness`, as `svc show` says it."""
    if f.kind == "problem":
        return f"无法计算：{f.detail}"
    return (
        lateness(f.days_late, unit)
        + ("（临时）" if f.due and f.due.provisional else "")
        + (f"（{f.detail}）" if f.detail else "")
    )


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--reason",
    required=True,
    type=click.Choice(list(PAUSE_REASONS)),
    help="不计入办理时限的程序：听证、招标、拍卖、检验、检测、勘测、检疫、鉴定、专家评审。",
)
@click.option(
    "--expected",
    required=True,
    type=Text(80),
    help="告知申请人该程序所需时间（如“约 10 个工作日”），写入暂停计时告知书。",
)
@click.option("--note", type=TEXT, help="备注（写入告知书的暂停原因）。")
@html_option
@pass_app
# Rule (docs/rules.md): the applicant is told the cause and the time the step takes, 000 第四篇 二.10.
def suspend(app: App, case_id: str, reason: str, expected: str, note: str | None, html) -> None:
    """暂停计时（听证、检验、勘测等不计入时限的程序），并打印告知原因和所需时间的暂停计时告知书。"""
    _, case = find_case(app, case_id)
    require(case, ("accepted",), "暂停计时")
    d = case_due(app, case)
    if app.today >= d.due:  # the due day is counted in full: a pause from it would move nothing
        raise DataError(
            f"案件 {case.id} 的办结期限是 {d.due}，到期当日及以后不能再暂停计时；需要更多时间请办理延期（svc extend）"
        )
    record(
        app,
        [{"type": "suspend", "case": case.id, "reason": reason, "expected": expected, "note": note or ""}],
    )
    click.echo(f"案件 {case.id} 已暂停计时（{PAUSE_REASONS[reason]}）；恢复时运行 svc resume {case.id}", err=True)
    _, case = find_case(app, case.id)
    print_document(app, case, "pause", html)  # the written pause notice: cause and time the step takes


@click.command()
@click.argument("case_id", metavar="CASE")
@pass_app
def resume(app: App, case_id: str) -> None:
    """恢复计时；暂停期间的工作日不计入时限，办结期限相应顺延。"""
    _, case = find_case(app, case_id)
    require(case, ("suspended",), "恢复计时（未暂停）")
    if app.today < case.pauses[-1].start:
        raise DataError(f"恢复日期 {app.today} 早于暂停日期 {case.pauses[-1].start}")
    record(app, [{"type": "resume", "case": case.id}])
    _, case = find_case(app, case.id)
    d = case_due(app, case)
    click.echo(f"案件 {case.id} 已恢复计时；办结期限 {d.due.isoformat()}", err=True)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--days", required=True, type=click.IntRange(1, 60), help="延长的天数（与事项时限单位相同）。")
@click.option("--reason", required=True, type=TEXT, help="延期理由。")
@click.option(
    "--basis",
    required=True,
    type=TEXT,
    help="延期的依据（必填，如批准延期的法律条款或本中心制度条款；写入延期办理告知书）。",
)
@click.option("--opinion", type=TEXT, help="处理意见。")
@click.option("--approved-by", "approved_by", type=Text(40), help="批准超过延期上限的主任（人员编号）。")
@html_option
@pass_app
def extend(app: App, case_id: str, days: int, reason: str, basis, opinion, approved_by, html) -> None:
    """延期：记录并打印延期告知书；须在到期日前若干工作日告知，迟于此的记为“延期告知迟延”。"""
    _, case = find_case(app, case_id)
    require(case, ("accepted", "suspended"), "延期")
    home = app.home
    rules = home.catalog.office.rules
    d = case_due(app, case)
    total = d.extended + days
    if total > rules.max_extension_days:
        approver = home.roster.staff.get(approved_by or "")
        if approver is None or not approver.has_role("director"):
            raise DataError(
                f"延期合计 {total} 天超过上限 {rules.max_extension_days} 天，须用 --approved-by 指明批准的主任"
            )
    if app.today > d.due:
        raise DataError(f"案件 {case.id} 已于 {d.due} 到期，不能再延期")
    left = days_between(home.calendar, app.today, d.due, "working_days")
    late = rules.extension_notice == "before_due" and left < rules.extension_notice_days
    record(
        app,
        [
            {
                "type": "extend",
                "case": case.id,
                "days": days,
                "reason": reason,
                "basis": basis,
                "opinion": opinion or "",
                "approved_by": approved_by or "",
                "late": late,
                "old_due": d.due.isoformat(),
            }
        ],
    )
    if late:
        click.echo(
            f"注意：距到期日仅 {left} 个工作日，少于规定的 {rules.extension_notice_days} 个工作日，已记为延期告知迟延",
            err=True,
        )
    _, case = find_case(app, case.id)
    print_document(app, case, "extension", html)


@click.command()
@click.argument("case_id", metavar="CASE")
@pass_app
def notify(app: App, case_id: str) -> None:
    """记录已通知申请人领取结果（此后申请人不来领取的，不计超期）。"""
    _, case = find_case(app, case_id)
    require(case, ("concluded",), "通知领取（尚未作出决定或已送达）")
    record(app, [{"type": "notify", "case": case.id}])
    click.echo(f"已记录通知 {case.id} 的申请人领取结果", err=True)


COMMANDS = [overdue, suspend, resume, extend, notify]


def case_due(app: App, case) -> Due:
    """The due date of a case the command has required to be accepted (so it has one)."""
    d = due(case, service_of(app, case), app.home.catalog.office.rules, app.home.calendar, app.today)
    if d is None:
        raise DataError(f"案件 {case.id} 尚未受理（{case.status_name}），没有办结期限")
    return d
