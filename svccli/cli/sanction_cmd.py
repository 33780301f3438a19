"""Sanctions (问责): `svc sanction` (an inspector's decision without a complaint) and `svc sanctions`
(every sanction with its ladder step and source; prints the 效能告诫书 and the 通报批评 notice).

The rules are in core/sanctions.py; the complaints they come from in cli/complaint_cmd.py.
"""

from __future__ import annotations

import click

from svccli.cli.complaint_cmd import complaints_of
from svccli.cli.context import App, pass_app, report
from svccli.cli.params import STAFF, TEXT, Named
from svccli.cli.recording import html_option, next_number, record, render_document, show_document
from svccli.core.complaints import ABOUT
from svccli.core.sanctions import DIRECT, KINDS, LADDERS, Sanction, SanctionRules, sanctions
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options
from svccli.render.views import office_view

PREFIX = "WZ"  # 问责: sanction numbers WZ-<clone>-YYMMDD-NNN
TRIGGERS = {
    "unexcused_absence": "无故旷工",
    "quarrel_with_applicant": "与办事群众发生争吵",
    "taking_advantage": "吃拿卡要",
    "unauthorised_fees": "擅自收费",
    "other_bad_effect": "其他违规违纪行为造成不良影响",
}
# The printed documents: the efficiency warning letter and the circulated-criticism notice.
DOCS = {
    "efficiency_warning": ("sanction_warning", "效能告诫书"),
    "circulated_criticism": ("sanction_circulated", "通报批评"),
}


def all_sanctions(app: App) -> list[Sanction]:
    """Every sanction as the records and the office's rules make them."""
    from svccli.store.office_events import office_events

    home = app.checked_home()
    complaints = complaints_of(app)
    events, problems = office_events(home, ("sanction",))
    report(problems)
    if app.as_of:
        events = [e for e in events if (e.get("on") or e["ts"])[:10] <= app.as_of.isoformat()]
    return sanctions(events, complaints, rules_of(app))


def rules_of(app: App) -> SanctionRules:
    home = app.home
    return SanctionRules.of(home.catalog.office.rules, home.scoring.ladders if home.scoring is not None else None)


@click.command()
@click.argument("staff", type=STAFF)
@click.option(
    "--kind",
    required=True,
    type=Named({k: KINDS[v] for k, v in DIRECT.items()}),
    help="处理方式：circulated 通报批评；warning 效能告诫；admonition 诫勉谈话；suspension 待岗；returned 退回派出单位。",
)
@click.option("--reason", required=True, type=TEXT, help="事由（查实的事实）。")
@click.option("--basis", required=True, type=TEXT, help="处理依据（制度条款）。")
@click.option("--trigger", type=Named(TRIGGERS), help="通报批评的情形（无故旷工、争吵、吃拿卡要、擅自收费、其他）。")
@html_option
@pass_app
def sanction(app: App, staff, kind, reason, basis, trigger, html) -> None:
    """督查人员直接作出处理（不经投诉），如无故旷工、与群众争吵、吃拿卡要、擅自收费的通报批评；
    效能告诫和通报批评打印效能告诫书、通报批评文书。"""
    home = app.checked_home()
    actor = app.actor()
    if not home.roster.staff[actor].has_role("inspector"):
        raise DataError("处理只能由督查人员作出（名册中角色为 inspector 的人员）")
    if staff not in home.roster.staff:
        raise UsageError(f"STAFF：人员编号 “{staff}” 不在名册中")
    if staff == actor:
        raise DataError("不能对自己作出处理")

    def made(_case_id: str) -> list[dict]:  # numbered under the record lock from the day's file
        number = next_number(app, PREFIX, "sanction")
        return [
            {
                "type": "sanction",
                "sanction": number,
                "staff": staff,
                "kind": DIRECT[kind],
                "reason": reason,
                "basis": basis,
                "trigger": trigger or "",
            }
        ]

    written = record(app, made)
    number = written[0]["sanction"]
    found = [s for s in sanctions(written, {}, rules_of(app)) if s.id == number]
    if found and found[0].kind in DOCS:
        print_sanction(app, found[0], html)
    else:
        if html is not None:
            raise UsageError(f"--html：{KINDS[DIRECT[kind]]}没有打印文书")
        click.echo(f"已记录处理 {number}：{home.roster.name(staff)} {KINDS[DIRECT[kind]]}", err=True)
    later = [s for s in all_sanctions_after(app, written) if s.source == "rule" and s.staff == staff]
    for s in later:
        if s.date == app.business_day:
            click.echo(f"注意：{home.roster.name(staff)} 一年内两次受到通报批评，应退回派出单位", err=True)


def all_sanctions_after(app: App, written: list[dict]) -> list[Sanction]:
    """Every sanction including the one just recorded (held until the command ends)."""
    from svccli.store.office_events import office_events

    events, _ = office_events(app.home, ("sanction",))
    known = {e.get("sanction") for e in events}
    return sanctions(events + [e for e in written if e.get("sanction") not in known], complaints_of(app), rules_of(app))


def print_sanction(app: App, s: Sanction, html) -> None:
    template, name = DOCS[s.kind]
    text, page = render_document(app, s.id, template, sanction_view(app, s), html)
    show_document(app, name, text, page, html)


def sanction_view(app: App, s: Sanction) -> dict:
    home = app.home
    person = home.roster.staff.get(s.staff)
    complaint = complaints_of(app).get(s.source) if s.source not in ("direct", "rule") else None
    return {
        "office": office_view(home.catalog),
        "today": s.date.isoformat(),
        "case": {"id": s.id},
        "sanction": {
            **row(app, s),
            "unit": person.unit if person else "",
            "basis": s.basis or _basis(s),
            "facts": _sentence(complaint.finding if complaint else s.reason),
            "complaint_about": ABOUT[complaint.about].name if complaint and complaint.about in ABOUT else "",
        },
    }


def _sentence(text: str) -> str:
    """A fact as a sentence of the document: ended by a full stop."""
    return text if text.endswith(("。", "！", "；")) else text + "。"


def _basis(s: Sanction) -> str:
    """The rule a derived sanction follows, as the documents cite it."""
    if s.ladder == "notice_breach":
        return "《一次性告知制度》：告知不全面、不彻底引起投诉经查实的，第一次口头警告，第二次诫勉谈话，第三次发效能告诫书并通报批评"
    if s.ladder == "first_contact":
        return "《首问责任制》：违反规定经查证属实的，第一次批评教育，第二次通报批评，第三次待岗处理"
    if s.source == "rule":
        return "《目标管理考核办法》：一年内被两次通报批评的，由中心退回派出单位"
    return "《目标管理考核办法》奖惩措施：有吃、拿、卡、要或擅自收费等行为的，给予通报批评"


COLUMNS = [
    ("id", "编号"),
    ("date", "日期"),
    ("staff_name", "人员"),
    ("kind_name", "处理"),
    ("ladder_text", "阶梯"),
    ("source_text", "来源"),
    ("reason", "事由"),
    ("effects_text", "后果"),
]


def row(app: App, s: Sanction) -> dict:
    """One sanction as listed; these JSON field names are a contract (README "投诉与问责")."""
    effects = [
        text
        for on, text in (
            (s.award_barred, f"取消{'当季' if rules_of(app).award_bar == 'quarter' else '当年'}评先评优资格"),
            (s.unfit, "年度考核不称职"),
            (s.returned, "退回派出单位"),
        )
        if on
    ]
    return {
        "id": s.id,
        "date": s.date.isoformat(),
        "staff": s.staff,
        "staff_name": app.home.roster.name(s.staff),
        "kind": s.kind,
        "kind_name": s.kind_name,
        "ladder": s.ladder,
        "step": s.step,
        "ladder_text": f"{LADDERS.get(s.ladder, s.ladder)} 第 {s.step} 步" if s.ladder else "",
        "source": s.source,
        "source_text": {"direct": "直接处理", "rule": "按规定（两次通报批评）"}.get(s.source, f"投诉 {s.source}"),
        "reason": s.reason,
        "basis": s.basis,
        "trigger": s.trigger,
        "award_barred": s.award_barred,
        "unfit": s.unfit,
        "returned": s.returned,
        "effects_text": "；".join(effects),
    }


@click.command("sanctions")
@click.option("--year", type=click.IntRange(2000, 2100), help="只列出该年的处理。")
@click.option("--staff", type=STAFF, help="只列出该人员的处理。")
@click.option("--print", "print_id", metavar="ID", help="打印该编号的效能告诫书或通报批评（编号见列表）。")
@html_option
@output_options
@pass_app
def sanctions_cmd(app: App, year, staff, print_id, html, fmt, encoding) -> None:
    """列出处理（问责）：每条的处理方式、阶梯步骤、来源（投诉编号或直接处理）和后果。"""
    if staff and staff not in app.checked_home().roster.staff:
        raise UsageError(f"--staff：人员编号 “{staff}” 不在名册中")
    found = all_sanctions(app)
    if print_id:
        chosen = next((s for s in found if s.id == print_id.strip().upper()), None)
        if chosen is None:
            raise UsageError(f"--print：没有编号为 “{print_id}” 的处理")
        if chosen.kind not in DOCS:
            raise DataError(f"{chosen.kind_name}没有打印文书（效能告诫、通报批评有）")
        print_sanction(app, chosen, html)
        return
    if html is not None:
        raise UsageError("--html 须与 --print 同用")
    rows = [row(app, s) for s in found if (not year or s.date.year == year) and (not staff or s.staff == staff)]
    emit(rows, COLUMNS, fmt, encoding, empty="没有符合条件的处理")


COMMANDS = [sanction, sanctions_cmd]
