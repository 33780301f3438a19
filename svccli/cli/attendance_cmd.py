"""`svc attendance`: importing the clocking machine's punches, the monthly report, the weekly posting
and its objections, the monthly notice to each sending unit, and a patrol's finding of proxy signing.

The rules are core/attendance.py's; the period's data comes from store/attendance.py. JSON fields
of `svc attendance report` (a contract): staff, name, unit, data (false: no punches imported for
the period, 无考勤数据 — the counts are then null), late, early, absent_half_days, absent_days
(absent half days ÷ 2 + days from the 5-to-1 rule), five_lates_days, deducted_lates (lates and
earlies that count −1 each in the assessment under the office's `five_lates` choice), leave_days,
empty_posts, details (each: date, half, half_name, kind, kind_name, why).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from svccli.cli.context import App, pass_app, report
from svccli.cli.params import DAY, MONTH, Text
from svccli.cli.recording import html_option, record, say, show_document
from svccli.core.attendance import HALVES, KINDS, Judged, punch_id, tally
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options

COMMANDS: list[click.Command] = []
OBJECTION_DAYS = 2  # objections to a posting within 2 days (working days, as the office's limits count)
REPORT_COLUMNS = [
    ("staff", "人员编号"),
    ("name", "姓名"),
    ("unit", "派出单位"),
    ("late_text", "迟到"),
    ("early_text", "早退"),
    ("absent_text", "旷工（天）"),
    ("leave_text", "请假（天）"),
    ("note", "说明"),
]
DETAIL_COLUMNS = [("date", "日期"), ("half_name", "时段"), ("kind_name", "情况"), ("why", "说明")]


@click.group("attendance")
def attendance() -> None:
    """考勤：导入打卡记录、月度统计、每周公示与异议、向派出单位通报。"""


COMMANDS.append(attendance)


def staff_of(app: App, text: str, what: str) -> str:
    """A staff member by id or (unique) name."""
    roster = app.home.roster
    if text in roster.staff:
        return text
    found = [s.id for s in roster.staff.values() if s.name == text]
    if len(found) == 1:
        return found[0]
    raise UsageError(f"{what}：名册中没有人员 “{text}”" + ("（重名，请用人员编号）" if found else ""))


def month_span(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a month that --month (params.MONTH) has checked."""
    from svccli.store.statistics_sql import bounds

    first, last = bounds(month)
    return dt.date.fromisoformat(first), dt.date.fromisoformat(last)


def week_span(text: str) -> tuple[dt.date, dt.date]:
    m = re.fullmatch(r"(\d{4})-W(\d{1,2})", text.strip(), flags=re.I)
    try:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1) if m else None
    except ValueError:
        monday = None
    if monday is None:
        raise UsageError(f"--week 的值 “{text}” 应为 YYYY-Www（如 2026-W47）")
    return monday, monday + dt.timedelta(days=6)


def objection_deadline(app: App, posted: dt.date) -> dt.date:
    """The last day an objection to a posting is valid: 2 working days after it (当日不计)."""
    from svccli.core.calendar import CalendarError

    try:
        return app.home.calendar.add_workdays(posted, OBJECTION_DAYS)
    except CalendarError as e:
        raise DataError(str(e)) from None


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@attendance.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["zkteco", "dingtalk", "wecom", "csv"]), help="文件格式（不填则自动识别）。"
)
@click.option("--skip-bad", is_flag=True, help="有错误的行不导入，其余照常导入（默认：有错误则整个文件不导入）。")
@pass_app
def import_cmd(app: App, file: Path, fmt: str | None, skip_bad: bool) -> None:
    """导入考勤机、钉钉、企业微信导出的打卡记录或 CSV 文件；已导入的打卡不重复导入。"""
    from svccli.store import attendance as store
    from svccli.store import clocking

    app.writing = True
    home = app.checked_home()
    got = clocking.read(file, home.roster, fmt)
    if got.problems and not skip_bad:
        shown = "\n".join(str(p) for p in got.problems[:20])
        more = f"\n……共 {len(got.problems)} 处" if len(got.problems) > 20 else ""
        raise DataError(f"文件有错误，未导入（修正后重新导入，或加 --skip-bad 只导入无误的行）：\n{shown}{more}")
    for p in got.problems:
        click.echo(f"svc: 警告：{p}（未导入）", err=True)
    if not got.punches:
        raise DataError(f"{file.name} 中没有可导入的打卡记录（格式：{clocking.FORMAT_NAMES[got.fmt]}）")
    m = store.material(home)
    report(m.problems)
    known = store.known_punches(m)
    new: dict[str, list] = {}
    for staff, at, mark in sorted(got.punches, key=lambda t: (t[1], t[0])):
        pid = punch_id(staff, at)
        if pid not in known and pid not in new:
            new[pid] = [staff, at.isoformat(timespec="seconds"), mark]
    if not new:
        say(app, f"没有新的打卡记录：文件中的 {len(got.punches)} 条均已导入过")
        return
    days = sorted(p[1][:10] for p in new.values())
    event = {
        "type": "punches",
        "source": file.name,
        "sha256": clocking.sha256_of(file),
        "format": got.fmt,
        "from": days[0],
        "to": days[-1],
        "punches": list(new.values()),
    }
    record(app, [event])
    people = len({p[0] for p in new.values()})
    skipped = len(got.punches) - len(new)
    name = clocking.FORMAT_NAMES[got.fmt]
    say(
        app,
        f"已导入{name} {len(new)} 条打卡记录（{people} 人，{days[0]}～{days[-1]}）"
        + (f"；{skipped} 条已导入过，跳过" if skipped else ""),
    )


def _rows(app: App, start: dt.date, end: dt.date, staff: str | None) -> tuple[list[dict], object]:
    from svccli.store import attendance as store

    home = app.checked_home()
    period = store.judge(home, start, end)
    report(period.problems)
    roster, choice = home.roster, home.catalog.office.rules.five_lates
    wanted = [staff] if staff else [s.id for s in roster.staff.values() if s.attendance_id or s.id in period.with_data]
    return [_person(roster.staff[s], period, choice) for s in wanted], period


def _person(s, period, choice: str) -> dict:
    row: dict = {"staff": s.id, "name": s.name, "unit": s.unit, "data": s.id in period.with_data}
    if not row["data"]:
        row.update(dict.fromkeys(("late", "early", "absent_half_days", "absent_days", "five_lates_days"), None))
        row.update(deducted_lates=None, leave_days=None, empty_posts=None, details=[])
        row.update(late_text="", early_text="", absent_text="", leave_text="", note="无考勤数据")
        return row
    judged: list[Judged] = period.judged[s.id]
    extra = period.extra.get(s.id, [])
    t = tally(judged, extra)
    deducted = t.late + t.early if choice == "also_deduct" else (t.late + t.early) % 5
    row.update(
        late=t.late,
        early=t.early,
        absent_half_days=t.absent_half_days,
        absent_days=t.absent_days,
        five_lates_days=t.five_lates_days,
        deducted_lates=deducted,
        leave_days=t.leave_days,
        empty_posts=t.empty_posts,
        details=_details(judged, extra, t.five_lates_days),
    )
    note = [f"空岗 {t.empty_posts} 次"] if t.empty_posts else []
    note += [f"累计迟到早退折旷工 {t.five_lates_days} 天"] if t.five_lates_days else []
    row.update(
        late_text=str(t.late),
        early_text=str(t.early),
        absent_text=_num(t.absent_days),
        leave_text=_num(t.leave_days),
        note="；".join(note),
    )
    return row


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def _details(judged: list[Judged], extra, five: int) -> list[dict]:
    out = []
    for j in judged:
        if j.leave:
            out.append(_detail(j.day, j.half, "leave", "请假", j.leave_why))
        for f in j.findings:
            out.append(_detail(f.day, f.half, f.kind, KINDS[f.kind], f.why))
    for f in extra:
        out.append(_detail(f.day, f.half, f.kind, KINDS[f.kind], f.why))
    out.sort(key=lambda d: (d["date"], d["half"]))
    if five:
        last = out[-1] if out else None
        out.append(
            _detail(
                dt.date.fromisoformat(last["date"]) if last else dt.date.min,
                last["half"] if last else "pm",
                "five_lates",
                "累计折算",
                f"累计迟到、早退 {five * 5} 次，记旷工 {five} 天",
            )
        )
    return out


def _detail(day: dt.date, half: str, kind: str, kind_name: str, why: str) -> dict:
    return {
        "date": day.isoformat(),
        "half": half,
        "half_name": HALVES[half],
        "kind": kind,
        "kind_name": kind_name,
        "why": why,
    }


@attendance.command("report")
@click.option("--month", required=True, type=MONTH, help="统计月份。")
@click.option("--staff", metavar="STAFF", help="只看一人（人员编号或姓名），并列出每半天的情况。")
@output_options
@pass_app
def report_cmd(app: App, month: str, staff: str | None, fmt: str, encoding: str) -> None:
    """月度考勤统计：按半天计迟到、早退、旷工、请假（累计迟到早退 5 次记旷工 1 天）。"""
    start, end = month_span(month)
    who = staff_of(app, staff, "--staff") if staff else None
    rows, _ = _rows(app, start, end, who)
    if fmt == "json":  # the table's display texts are no part of the JSON contract
        rows = [{k: v for k, v in r.items() if not k.endswith("_text")} for r in rows]
    emit(rows, REPORT_COLUMNS, fmt, encoding, empty="本月没有考勤数据（先用 svc attendance import 导入打卡记录）")
    if who and fmt == "table" and rows[0]["details"]:
        click.echo("")
        emit(rows[0]["details"], DETAIL_COLUMNS, "table")


def _view(app: App, rows: list[dict], title: str, **more) -> dict:
    office = app.home.catalog.office
    return {
        "office": {"name": office.name},
        "title": title,
        "rows": rows,
        "today": app.business_day.isoformat(),
        **more,
    }


@attendance.command("post")
@click.option("--week", required=True, metavar="YYYY-Www", help="公示的周（ISO 周，如 2026-W47）。")
@html_option
@pass_app
def post_cmd(app: App, week: str, html) -> None:
    """打印每周考勤公示，并记录公示日期（异议须在公示后 2 个工作日内提出）。"""
    from svccli.render.documents import render

    start, end = week_span(week)
    app.writing = True
    rows, period = _rows(app, start, end, None)
    rows = [r for r in rows if r["data"]]
    if not rows:
        raise DataError(f"{week}（{start}～{end}）没有考勤数据，无从公示（先用 svc attendance import 导入）")
    deadline = objection_deadline(app, app.business_day)
    record(app, [{"type": "attendance-post", "week": week.upper(), "from": start.isoformat(), "to": end.isoformat()}])
    title = f"考勤公示（{start.year}年第{start.isocalendar()[1]}周）"
    view = _view(app, rows, title, start=start.isoformat(), end=end.isoformat(), deadline=deadline.isoformat())
    home = app.home.path
    text = render("attendance_post.txt.j2", view, home)
    page = render("attendance_post.html.j2", view, home) if html is not None else ""
    show_document(app, "考勤公示", text, page, html)


@attendance.command("object")
@click.argument("staff")
@click.option("--date", "day", required=True, type=DAY, help="有异议的考勤日期。")
@click.option("--reason", required=True, type=Text(), help="异议理由。")
@pass_app
def object_cmd(app: App, staff: str, day: dt.date, reason: str) -> None:
    """对公示的考勤结果提出异议（公示后 2 个工作日内；逾期视为无效异议，不予登记）。"""
    from svccli.store import attendance as store

    app.writing = True
    who = staff_of(app, staff, "STAFF")
    m = store.material(app.checked_home())
    report(m.problems)
    week = week_of(day)
    post = store.latest_post(m, week)
    if post is None:
        raise DataError(f"{day} 所在的 {week} 周考勤尚未公示，无从提出异议")
    posted = dt.date.fromisoformat(post.get("on") or post["ts"][:10])
    deadline = objection_deadline(app, posted)
    if app.business_day > deadline:
        raise DataError(f"异议已逾期：{week} 周考勤于 {posted} 公示，应在 {deadline} 前提出；逾期视为无效异议")
    event = {"type": "attendance-objection", "staff": who, "day": day.isoformat(), "week": week, "post": post["id"]}
    record(app, [{**event, "reason": reason}])
    say(app, f"已登记 {app.home.roster.name(who)} 对 {day} 考勤的异议（{week} 周公示于 {posted}）")


@attendance.command("summary")
@click.option("--month", required=True, type=MONTH, help="通报的月份。")
@click.option("--unit", metavar="UNIT", help="派出单位（名称或其中的字）；不填则每个单位各一份。")
@html_option
@pass_app
def summary_cmd(app: App, month: str, unit: str | None, html) -> None:
    """打印向派出单位通报的月度考勤情况。"""
    from svccli.cli.recording import write_page
    from svccli.render.documents import render

    start, end = month_span(month)
    rows, _ = _rows(app, start, end, None)
    units = sorted({r["unit"] for r in rows if r["unit"]})
    if unit:
        units = [u for u in units if u == unit] or [u for u in units if unit in u]
        if not units:
            raise UsageError(f"--unit：没有派出单位 “{unit}” 的考勤人员")
    notices = [{"unit": u, "rows": [r for r in rows if r["unit"] == u]} for u in units]
    view = _view(app, rows, f"{start.year}年{start.month}月窗口工作人员考勤情况通报", notices=notices, month=month)
    home = app.home.path
    click.echo(render("attendance_summary.txt.j2", view, home))
    if html is not None:
        write_page(app, html, render("attendance_summary.html.j2", view, home), "考勤情况通报")


@attendance.command("proxy")
@click.argument("staff")
@click.option("--date", "day", required=True, type=DAY, help="发现代签的日期。")
@click.option("--half", required=True, type=click.Choice(["am", "pm"]), help="上午 am 或下午 pm。")
@click.option("--for", "other", metavar="STAFF", help="被代签的人员（STAFF 替他签到）。")
@click.option("--note", type=Text(), help="巡查情况说明。")
@pass_app
def proxy_cmd(app: App, staff: str, day: dt.date, half: str, other: str | None, note: str | None) -> None:
    """登记巡查发现的代签到：代签者和被代签者该半天均记旷工（督查人员、中心领导登记）。"""
    app.writing = True
    roster = app.home.roster
    signer = staff_of(app, staff, "STAFF")
    for_ = staff_of(app, other, "--for") if other else ""
    if for_ == signer:
        raise UsageError("--for：被代签的人员不能是代签者本人")
    actor = roster.staff[app.actor()]
    if not actor.oversees:
        raise DataError(f"{actor.name} 不是督查人员或中心领导，不能登记巡查发现的代签到")
    event = {"type": "attendance-proxy", "staff": signer, "staff_name": roster.name(signer), "day": day.isoformat()}
    event.update(half=half, **({"for": for_, "for_name": roster.name(for_)} if for_ else {}), note=note or "")
    record(app, [event])
    both = f"{roster.name(signer)}、{roster.name(for_)}" if for_ else roster.name(signer)
    say(app, f"已登记代签到：{day} {HALVES[half]}，{both} 记旷工")
