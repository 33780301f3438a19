"""Finding cases: `svc cases` (the listing, with its filters) and `svc find TEXT` (store/search.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import click

from svccli.cli.context import App, pass_app, report
from svccli.cli.params import DAY, TEXT, Text
from svccli.core.cases import STATUS
from svccli.core.privacy import mask_id, mask_numbers, mask_phone
from svccli.errors import DataError, UsageError
from svccli.render.output import emit, output_options

OPEN_NAMES = ("open", "未办结")


class Status(click.ParamType):
    """A status by its code (accepted) or its Chinese name (已受理); open (未办结): every open case."""

    name = "STATUS"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if text in STATUS:
            return text
        if text in OPEN_NAMES:
            return "open"
        by_name = {name: code for code, name in STATUS.items()}
        if text in by_name:
            return by_name[text]
        shown = "、".join(f"{code}（{name}）" for code, name in STATUS.items())
        self.fail(f"“{value}” 不是案件状态；可用：{shown}，或 open（未办结）", param, ctx)


class PhoneOrTail(click.ParamType):
    name = "PHONE"

    def convert(self, value, param, ctx):
        number = re.sub(r"[\s-]", "", str(value))
        if not number.isdigit() or not (len(number) == 4 or 7 <= len(number) <= 14):
            self.fail(f"“{value}” 应为完整电话号码或其后四位数字", param, ctx)
        return number


class IdNumber(click.ParamType):
    name = "ID"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not re.fullmatch(r"[0-9A-Za-z]{8,18}", text):
            self.fail(f"“{value}” 不是完整的证件号码或统一社会信用代码", param, ctx)
        return text.upper()


CASE_COLUMNS = [  # as `svc cases` has always listed them (cases_cmd.case_row's fields)
    ("id", "案件编号"),
    ("service", "事项"),
    ("applicant", "申请人"),
    ("phone", "电话"),
    ("status_name", "状态"),
    ("holder_name", "当前持有人"),
    ("first_handler_name", "首办责任人"),
    ("opened", "收件日期"),
    ("accepted", "受理日期"),
    ("due", "办结期限"),
]
FIND_COLUMNS = [("kind_name", "类别"), ("id", "编号"), ("field", "匹配项"), ("summary", "摘要")]
KINDS = {"case": "案件", "inquiry": "咨询登记", "document": "文书"}


@click.command("cases")
@click.option("--applicant", type=Text(40), help="申请人（个人或单位）名称中含有该文字。")
@click.option("--phone", type=PhoneOrTail(), help="申请人电话：完整号码或后四位。")
@click.option("--id-number", "id_number", type=IdNumber(), help="申请人证件号码或统一社会信用代码（完整）。")
@click.option("--department", type=Text(40), help="只列出该科室（代码）的事项。")
@click.option("--service", type=Text(40), help="只列出该事项代码。")
@click.option("--holder", type=Text(40), help="只列出该人员（编号）持有的案件。")
@click.option("--status", type=Status(), help="只列出该状态（代码或中文名，如 accepted 或 已受理；open：所有未办结）。")
@click.option("--from", "since", type=DAY, help="只列出该日及以后收件的案件。")
@click.option("--since", "since_alias", type=DAY, hidden=True, help="同 --from（旧名）。")
@click.option("--until", type=DAY, help="只列出该日及以前收件的案件。")
@click.option(
    "--text", type=Text(100), help="案件任一文字内容（申请人、地址、单位、代办人、事项名称、理由、意见等）含有该文字。"
)
@click.option("--reveal", is_flag=True, help="显示完整电话和证件号码（须 --reason，并留下查看记录）。")
@click.option("--reason", type=TEXT, help="查看完整个人信息的理由。")
@output_options
@pass_app
def list_cases(
    app: App, since_alias: dt.date | None, reveal: bool, reason: str | None, fmt: str, encoding: str, **given
):
    """列出案件，可按申请人、电话（或后四位）、证件号码、科室、事项、持有人、状态、收件日期、任一文字查找。

    条件可组合（同时满足）。电话和证件号码已打码。"""
    from svccli.store.search import Query, find_cases

    if since_alias and given["since"]:
        raise UsageError("--from 与 --since 是同一条件，只能给一个")
    given["since"] = given["since"] or since_alias
    if given["since"] and given["until"] and given["until"] < given["since"]:
        raise UsageError(f"--until（{given['until']}）早于 --from（{given['since']}）")
    _known(app, given)
    if reveal and not reason:
        raise UsageError("--reveal 须同时用 --reason 说明查看完整个人信息的理由")
    query = Query(**given)
    found = _search(app, lambda conn: find_cases(conn, query))
    if reveal:
        from svccli.cli.cases_cmd import note_reveal  # a heavy import, only when revealing

        note_reveal(app, reveal, reason, "cases: " + _described(given))
    rows = [listing_row(app, r, reveal) for r in found]
    emit(rows, CASE_COLUMNS, fmt, encoding, empty="没有符合条件的案件")


def _known(app: App, given: dict[str, Any]) -> None:
    """A code that names nothing is a mistyped option, not an empty answer."""
    home = app.checked_home()
    if given["holder"] and given["holder"] not in home.roster.staff:
        raise UsageError(f"--holder：人员编号 “{given['holder']}” 不在名册中")
    if given["department"] and given["department"] not in home.catalog.departments:
        raise UsageError(f"--department：科室代码 “{given['department']}” 不在目录中")
    if given["service"] and given["service"] not in home.catalog.items:
        raise UsageError(f"--service：事项代码 “{given['service']}” 不在目录中")


def _described(given: dict[str, Any]) -> str:
    return " ".join(f"--{k.replace('_', '-')} {v}" for k, v in given.items() if v is not None) or "全部"


def _search(app: App, ask):
    """ask(conn) over the search tables, the record problems reported (errors stop the command)."""
    from svccli.core.calendar import CalendarError
    from svccli.store import reporting, search

    home = app.checked_home()
    try:
        answer, problems = search.run(home, app.today, ask, app.as_of.isoformat() if app.as_of else None)
    except reporting.Rejected as e:
        report(e.problems)  # raises: the records have errors, listed by file and line
        raise DataError("记录文件有错误（svc check 列出全部）") from None
    except CalendarError as e:
        raise DataError(str(e)) from None
    report(problems)
    return answer


def listing_row(app: App, r: dict[str, Any], reveal: bool = False) -> dict[str, Any]:
    """One case as `svc cases` lists it (cases_cmd.case_row's fields), from a report_case row."""
    name = app.home.roster.name
    return {
        "id": r["case_id"],
        "service": r["service"],
        "service_name": r["service_name"] or "",
        "department": r["department"] or "",
        "applicant": r["applicant"],
        "phone": r["phone"] if reveal else mask_phone(r["phone"]),
        "id_number": r["id_number"] if reveal else mask_id(r["id_number"]),
        "status": r["status"],
        "status_name": STATUS.get(r["status"], r["status"]) + ("（移交途中）" if r["in_transit"] else ""),
        "first_contact": r["first_contact"],
        "first_handler": r["first_handler"] or "",
        "holder": r["holder"],
        "holder_name": name(r["holder"]),
        "first_handler_name": name(r["first_handler"]) if r["first_handler"] else "",
        "opened": r["opened"],
        "accepted": r["accepted"] or "",
        "due": (r["due"] + ("（临时）" if r["provisional"] else "")) if r["due"] else "",
    }


@click.command("find")
@click.argument("text", type=Text(100), metavar="TEXT")
@click.option(
    "--limit", type=click.IntRange(0, 100000), default=200, show_default=True, help="最多列出几条（0：全部）。"
)
@output_options
@pass_app
def find(app: App, text: str, limit: int, fmt: str, encoding: str) -> None:
    """在所有案件、咨询登记和文书中查找，列出匹配的记录和匹配项（个人信息打码）。

    \b
    查找范围：案件编号、申请人、电话（完整号码或后四位）、证件号码或统一社会信用代码、
    咨询登记的来访人、单位和电话，文书编号（完整编号或 T01-0007）。"""
    from svccli.store.search import find_all

    hits = _search(app, lambda conn: find_all(conn, text))
    rows = [_hit_row(app, h) for h in hits]
    if limit and len(rows) > limit:
        click.echo(f"svc: 共 {len(rows)} 条，只列出前 {limit} 条（--limit 0 列出全部）", err=True)
        rows = rows[:limit]
    emit(rows, FIND_COLUMNS, fmt, encoding, empty=f"没有找到与 “{text}” 匹配的案件、咨询登记或文书")


def _hit_row(app: App, hit) -> dict[str, Any]:
    r = hit.row
    if hit.kind == "case":
        row = listing_row(app, r)
        summary = (
            f"{row['service_name'] or row['service']}　{row['applicant']}　{row['phone']}　"
            f"{row['status_name']}　收件 {row['opened']}"
        )
        case_id = r["case_id"]
    elif hit.kind == "inquiry":
        who = r["person"] + (f"（{r['unit']}）" if r["unit"] else "")
        summary = f"{who}　{mask_phone(r['phone'])}　{mask_numbers(r['matter'])[:30]}　登记 {r['ts'][:10]}"
        case_id = ""
    else:
        from svccli.render.views import DOCUMENTS

        kind = DOCUMENTS.get(r["kind"], (r["kind"],))[0]
        summary = f"{kind}　案件 {r['case_id']}　出具 {r['ts'][:10]}"
        case_id = r["case_id"] or ""
    return {
        "kind": hit.kind,
        "kind_name": KINDS[hit.kind],
        "id": hit.id,
        "case_id": case_id,
        "field": hit.field,
        "summary": summary,
    }


COMMANDS = [list_cases, find]
