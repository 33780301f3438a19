"""`svc awards QUARTER`: the quarter's red-flag window, service model and advanced individuals, who is
excluded and why; `--vote` records the result of the secret ballot (无记名投票) that decides them.
`svc report quarter QUARTER --html FILE`: the assessment table and the awards as an A4 page for posting."""

from __future__ import annotations

from pathlib import Path

import click

from svccli.cli.context import App, pass_app
from svccli.cli.recording import html_option, record, write_page
from svccli.cli.score_cmd import load, overseer, quarter_code
from svccli.core.assessment_records import VOTE
from svccli.errors import DataError, UsageError
from svccli.render import assessment_view as view
from svccli.render.output import emit, output_options


@click.command()
@click.argument("quarter")
@click.option(
    "--vote",
    "votes",
    multiple=True,
    metavar="AWARD=T1[,T2…]",
    help="记录无记名投票结果（评优的最后一步）：奖项代码=当选的窗口或人员编号，如 red_flag_window=W02；可重复。",
)
@click.option("--ballots", type=click.IntRange(1, 999), help="与 --vote 一起：收回的有效票数。")
@output_options
@pass_app
def awards(app: App, quarter: str, votes: tuple[str, ...], ballots: int | None, fmt: str, encoding: str) -> None:
    """季度评优：综合得分 90 分以上、且无取消评优情形者，按得分排序提名；无记名投票确定。列出被取消者及原因。"""
    code = quarter_code(quarter)
    overseer(app, "查看和确定季度评优")
    got = load(app, code)
    if votes:
        _vote(app, got, votes, ballots)
        got = load(app, code)
    if fmt != "table":
        rows = view.award_rows(got.awards)
        composite = {s.target.code: s.composite for s in got.scores}
        out = [{**r, "excluded": False, "reasons": []} for r in rows] + [
            {"award": "", "target": t, "name": got.targets[t].name, "composite": composite.get(t), "prize": None}
            | {"decided": "", "excluded": True, "reasons": why}
            for t, why in got.awards.excluded.items()
        ]
        emit(out, [*view.AWARD_COLUMNS, ("reasons", "取消原因")], fmt, encoding)
        return
    emit(view.award_rows(got.awards), view.AWARD_COLUMNS, fmt, encoding, f"{code} 没有符合条件的评优对象")
    for t, why in got.awards.excluded.items():
        click.echo(f"不得评优：{t} {got.targets[t].name}——{'；'.join(why)}")


def _vote(app: App, got, votes: tuple[str, ...], ballots: int | None) -> None:
    """Each voted winner must be eligible (90 or more, no disqualifier) and of the award's kind."""
    known = {aw.code: aw for aw in got.scheme.awards}
    eligible = {s.target.code: s for s in got.scores if s.composite is not None}
    winners: dict[str, list[str]] = {}
    for v in votes:
        award, _, names = v.partition("=")
        if award not in known or not names:
            raise UsageError(f"--vote：“{v}” 应写作 奖项代码=编号[,编号]；奖项代码：{'、'.join(known)}")
        picked = [n.strip().upper() for n in names.split(",") if n.strip()]
        spec = known[award]
        if len(picked) > spec.count:
            raise DataError(f"{spec.name} 名额为 {spec.count}，投票结果列了 {len(picked)} 个")
        for t in picked:
            s = eligible.get(t)
            kind = "window" if spec.target == "window" else "staff"
            if t in got.awards.excluded:
                raise DataError(f"{t} 不得评优：{'；'.join(got.awards.excluded[t])}")
            if s is None or s.target.kind != kind or (s.composite or 0) < spec.min_score:
                raise DataError(
                    f"{t} 不能当选{spec.name}（须为综合得分 {spec.min_score:g} 分以上的{'窗口' if kind == 'window' else '人员'}）"
                )
        winners[award] = picked
    event = {"type": VOTE, "quarter": got.code, "winners": winners}
    if ballots:
        event["ballots"] = ballots
    record(app, [event])
    click.echo(f"已记录 {got.code} 评优投票结果", err=True)


@click.command("quarter")  # `svc report quarter`: report_cmd adds it to the report group
@click.argument("quarter")
@html_option
@pass_app
def report_quarter(app: App, quarter: str, html: Path | None) -> None:
    """季度考核结果公示：窗口和工作人员的得分、等次与评优名单（A4，张贴用）。"""
    from svccli.render.documents import render
    from svccli.render.views import office_view

    code = quarter_code(quarter)
    overseer(app, "打印季度考核结果")
    if html is None:
        raise UsageError("请用 --html 或 --pdf 指明写入的文件")
    got = load(app, code)
    home = app.checked_home()
    page = render("assessment_quarter.html.j2", view.quarter_page(got, office_view(home.catalog), app.today), home.path)
    write_page(app, html, page, "季度考核结果")  # says on stderr where it was written


COMMANDS = [awards]
