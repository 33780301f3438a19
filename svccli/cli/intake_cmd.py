"""The window's intake: registering a case, one-time notices, supplements (the ledger: inquiry_cmd.py)."""

from __future__ import annotations

import click

from svccli.cli.context import App, pass_app
from svccli.cli.params import DEFECT, MATERIAL, PHONE, STAFF, CodeReason, Text
from svccli.cli.recording import find_case, html_option, print_document, record, require, say, service_of
from svccli.core.cases import Case
from svccli.core.catalog import Material, ServiceItem
from svccli.core.deadlines import clock_start
from svccli.core.identity import credit_code_problem, id_type_code
from svccli.core.intake import Gap, gaps, is_breach
from svccli.core.privacy import ID_TYPES, resident_id_problem
from svccli.errors import DataError, UsageError


def _material(item: ServiceItem, code: str, option: str) -> Material:
    """The item's material `code`; a usage error naming `option` when the item has none."""
    material = item.material(code)
    if material is None:
        valid = "、".join(f"{m.code} {m.name}" for m in item.materials)
        raise UsageError(f"{option}：事项 {item.code} 没有材料 “{code}”（可选：{valid}）")
    return material


def _known_material(item: ServiceItem, code: str, option: str) -> str:
    return _material(item, code, option).code


def _service(app: App, code: str) -> ServiceItem:
    cat = app.home.catalog
    item = cat.item(code.strip().upper()) or cat.item(code.strip())
    if item is None:
        near = [c for c in cat.items if c.startswith(code.upper().split("-")[0])] or list(cat.items)
        raise UsageError(f"没有事项代码 “{code}”（可选：{', '.join(near[:30])}{' ……' if len(near) > 30 else ''}）")
    return item


def _supplement_by(app: App, item: ServiceItem) -> str:
    """The date by which to bring what a notice lists: office default, per-item override."""
    rules = app.home.catalog.office.rules
    days = item.supplement_days if item.supplement_days is not None else rules.supplement_days
    return app.home.calendar.add_workdays(app.today, days).isoformat()


def written_notice(rule: str, item: ServiceItem, requested: bool) -> bool:
    """Whether the one-time notice is given in writing (office rule `written_notice`, DOMAIN.md "Office
    choices"): `licensing` for licensing items (000 第五篇), `always` (000 第二篇), `on_request` only when
    the applicant asks (000 一次性告知制度 六: oral, in writing on request). An applicant who asks gets it
    in writing under every rule."""
    return requested or rule == "always" or (rule == "licensing" and item.licensing)


def _notice_event(app: App, item: ServiceItem, found: list[Gap], seq: int, breach=(), requested=False) -> dict:
    rules = app.home.catalog.office.rules
    by = _supplement_by(app, item)
    return {
        "type": "notice",
        "seq": seq,
        "items": [g.as_event() for g in found],
        "supplement_by": by,
        "written": written_notice(rules.written_notice, item, requested),
        "requested": requested,
        "breach": list(breach),
    }


class IdType(click.ParamType):
    """An ID type by its code (passport) or its Chinese name (护照)."""

    name = "ID_TYPE"

    def convert(self, value, param, ctx):
        code = id_type_code(str(value))
        if code is None:
            choices = "、".join(f"{name}（{code}）" for code, name in ID_TYPES.items())
            self.fail(f"“{value}” 不是可用的证件类型（可选：{choices}）", param, ctx)
        return code


def _identity(id_number, id_type, credit_code, legal_rep) -> dict:
    """The applicant's identity fields: a company's credit code (and legal representative), or a
    person's ID type and number; a wrong number or code is a usage error naming its option."""
    if credit_code:
        if id_number or id_type != "resident":
            option = "--id-number" if id_number else "--id-type"
            raise UsageError(f"--credit-code 与 {option} 只能用其一：单位填统一社会信用代码，个人填证件类型和号码")
        problem = credit_code_problem(credit_code)
        if problem:
            raise UsageError(f"--credit-code：{problem}")
        return {
            "id_type": "",
            "id_number": "",
            "credit_code": credit_code.strip().upper(),
            "legal_rep": legal_rep or "",
        }
    if legal_rep:
        raise UsageError("--legal-rep：法定代表人只适用于单位申请人，请同时用 --credit-code 写明统一社会信用代码")
    if id_number and id_type == "resident":
        problem = resident_id_problem(id_number)
        if problem:
            raise UsageError(f"--id-number：{problem}")
    return {"id_type": id_type, "id_number": (id_number or "").upper()}


def written_option(f):
    return click.option(
        "--written",
        "requested",
        is_flag=True,
        help="申请人要求书面告知：记录其要求并打印一次性告知书（office.yaml written_notice: on_request 时，"
        "不加此项为口头告知）。",
    )(f)


@click.command()
@click.argument("service_code", metavar="SERVICE_CODE")
@click.option("--applicant", required=True, type=Text(80), help="申请人（单位或个人）名称。")
@click.option("--phone", required=True, type=PHONE, help="申请人联系电话。")
@click.option("--id-number", type=Text(40), help="个人申请人的证件号码（居民身份证会校验校验位）。")
@click.option(
    "--id-type",
    type=IdType(),
    default="resident",
    help="个人申请人的证件类型（默认居民身份证），中文名或代码均可：居民身份证 resident、护照 passport、港澳居民来往内地通行证 hk_macau、"
    "台湾居民来往大陆通行证 taiwan、外国人永久居留身份证 foreign、其他证件 other。",
)
@click.option(
    "--credit-code",
    "credit_code",
    type=Text(40),
    help="单位（企业、社会组织等）申请人的 18 位统一社会信用代码（会校验校验位）；单位申请人不填证件号码。",
)
@click.option("--legal-rep", "legal_rep", type=Text(40), help="单位申请人的法定代表人（或负责人）姓名。")
@click.option("--unit", type=Text(80), help="申请人单位。")
@click.option("--address", type=Text(120), help="申请人地址（登记台账项目）。")
@click.option("--agent", type=Text(40), help="代办人姓名（委托办理时）。")
@click.option("--material", "materials", multiple=True, type=MATERIAL, help="收到的材料 CODE[:份数]，可重复。")
@click.option("--defect", "defects", multiple=True, type=DEFECT, help="材料有误 CODE:原因，可重复。")
@click.option(
    "--require",
    "applicable",
    multiple=True,
    type=Text(40),
    help="该申请人适用的条件性材料代码（如委托办理须交委托书），可重复。",
)
@click.option(
    "--owe",
    "owe",
    multiple=True,
    type=Text(40),
    help="容缺受理：该材料可后补（目录中标为 may_owe 的材料），可重复。只缺这类材料时自动容缺受理。",
)
@click.option("--first-contact", "first_contact", type=STAFF, help="首问责任人（默认：操作人员）。")
@click.option("--done", is_flag=True, help="即办件材料齐全时当场办结并送达。")
@written_option
@click.option("-q", "--quiet", is_flag=True, help="只输出案件编号，不显示文书。")
@html_option
@pass_app
def intake(
    app: App,
    service_code,
    applicant,
    phone,
    id_number,
    id_type,
    credit_code,
    legal_rep,
    unit,
    address,
    agent,
    materials,
    defects,
    applicable,
    owe,
    first_contact,
    done,
    requested,
    quiet,
    html,
) -> None:
    """收件登记：登记申请和收到的材料，输出案件编号。

    材料齐全的当场受理；缺少或有误的，同一步记录并打印一次性告知书，列出全部缺漏。
    """
    home = app.checked_home()
    item = _service(app, service_code)
    received: dict[str, int] = {}
    for code, copies in materials:
        received[_known_material(item, code, "--material")] = received.get(code, 0) + copies
    defect_map = {_known_material(item, code, "--defect"): reason for code, reason in defects}
    for code in applicable:
        _known_material(item, code, "--require")
    identity = _identity(id_number, id_type, credit_code, legal_rep)
    if first_contact and first_contact not in home.roster.staff:
        raise UsageError(f"--first-contact：人员编号 “{first_contact}” 不在名册中")
    found = gaps(item, received, defect_map, set(applicable))
    owed = provisional(item, found, owe)
    if owed:
        found = []
    if done and (item.kind != "immediate" or found or owed):
        raise DataError("--done 只适用于材料齐全的即办件")
    actor = app.actor()
    applicant_data = {
        "name": applicant,
        "phone": phone,
        **identity,
        "unit": unit or "",
        "address": address or "",
        "agent": agent or "",
    }

    def events(case_id: str) -> list[dict]:
        made = [
            {
                "type": "intake",
                "case": case_id,
                "service": item.code,
                "applicant": applicant_data,
                "received": [{"code": c, "copies": n} for c, n in received.items()],
                "applicable": list(applicable),
                "first_contact": first_contact or actor,
            }
        ]
        if found:
            made.append({**_notice_event(app, item, found, 1, requested=requested), "case": case_id})
        else:
            made.append(
                {
                    "type": "accept",
                    "case": case_id,
                    "clock_from": app.today.isoformat(),
                    "owed": [g.as_event() for g in owed],
                    "owed_by": _supplement_by(app, item) if owed else "",
                    **joint_parts(app, item),
                }
            )
        if done:
            made.append({"type": "conclude", "case": case_id, "result": "approved", "note": "即办件当场办结"})
            made.append({"type": "deliver", "case": case_id, "to": applicant, "how": "in_person"})
        return made

    case_id = record(app, events)[0]["case"]
    say(app, case_id)  # once the case is on file
    if quiet and html is None:
        return
    _, case = find_case(app, case_id)
    shown = len(app.output)
    # every document of the step goes to the --html file, each on its own page (recording.show_document)
    print_document(app, case, "receipt", html)
    main_doc = "notice" if found else ("conclusion" if done else "acceptance")
    print_document(app, case, main_doc, html)
    if owed:  # the notice of owed materials is printed in the same step (003 吉安 办理制度 二(二)2)
        print_document(app, case, "owed", html)
    if quiet:  # the case id alone on the screen; the pages still go to --html / --pdf
        del app.output[shown:]


def joint_parts(app: App, item: ServiceItem) -> dict:
    """On accepting a joint item (联办件) one part opens per co-handling department in the catalogue,
    each with its own limit counted from acceptance (000 第四篇 二.6 《项目并联办理流程时限表》)."""
    if item.kind != "joint" or not item.joint_parts:
        return {}
    return {
        "parts": [
            {"department": p.department, "name": app.home.catalog.department_name(p.department), "limit": p.limit}
            for p in item.joint_parts
        ]
    }


def provisional(item: ServiceItem, found: list[Gap], owe) -> list[Gap]:
    """The gaps owed under provisional acceptance (容缺受理), or [] when the case cannot be accepted.

    A material that blocks review can never be owed. When every gap is a missing material that
    may be owed, the case is accepted at once with those materials owed.
    """
    for code in owe:
        material = _material(item, code, "--owe")
        if not material.may_owe:
            raise DataError(f"材料 {code}（{material.name}）影响审查，不能容缺受理")
        if not any(g.code == code and g.problem == "missing" for g in found):
            raise UsageError(f"--owe：材料 {code} 并不缺少")
    if found and all(g.problem == "missing" and (m := item.material(g.code)) is not None and m.may_owe for g in found):
        return found
    if owe:
        click.echo("仍有影响审查的材料缺少或有误，不能容缺受理；已出具一次性告知书", err=True)
    return []


# -- one-time notice and supplement -----------------------------------------------------------------


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--add",
    "added",
    multiple=True,
    type=CodeReason(reason_required=False),
    help="补充告知 CODE[:原因]，可重复。首次告知时已缺或已有误的材料记为违反一次性告知。",
)
@written_option
@html_option
@pass_app
def notice(app: App, case_id: str, added, requested: bool, html) -> None:
    """重新打印一次性告知书，或用 --add 记录补充告知（口头或书面，按 office.yaml 的 written_notice）。"""
    folded, case = find_case(app, case_id)
    item = service_of(app, case)
    if requested and not added:
        raise UsageError("--written 在告知时记录申请人要求书面告知：请与 --add 同用，或在收件登记时使用")
    if not added:
        if not case.notices:
            raise DataError(f"案件 {case.id} 没有一次性告知（材料齐全，已受理）")
        print_document(app, case, "notice", html)
        return
    require(case, ("pending",), "补充告知（案件已受理或已结束）")
    new = []
    for code, reason in added:
        m = _material(item, code, "--add")
        if code in case.outstanding:
            raise DataError(f"材料 {code} 已在告知书中列为待补正，无需再次告知")
        problem = "defect" if case.received.get(code) else "missing"
        new.append(Gap(code, m.name, problem, reason or ("未提交" if problem == "missing" else "材料有误")))
    breach = [g.code for g in new if is_breach(case, g.code)]
    record(app, [{**_notice_event(app, item, new, len(case.notices) + 1, breach, requested), "case": case.id}])
    if breach:
        click.echo(f"注意：{'、'.join(breach)} 在首次告知时即应告知，已记为违反一次性告知制度", err=True)
    _, case = find_case(app, case.id)
    print_document(app, case, "notice", html)


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option(
    "--material", "materials", multiple=True, required=True, type=MATERIAL, help="补交的材料 CODE[:份数]，可重复。"
)
@html_option
@pass_app
def supplement(app: App, case_id: str, materials, html) -> None:
    """记录补正材料；材料补齐的当日受理（次日起计算时限）。"""
    _, case = find_case(app, case_id)
    item = service_of(app, case)
    if case.status in ("accepted", "suspended") and case.owed:
        return _bring_owed(app, case, item, materials)
    require(case, ("pending",), "补正材料")
    got = [{"code": _known_material(item, code, "--material"), "copies": n} for code, n in materials]
    left = {k for k in case.outstanding if k not in {m["code"] for m in got}}
    made = [{"type": "supplement", "case": case.id, "materials": got}]
    if not left:
        start = clock_start(app.today, True, app.home.catalog.office.rules)
        made.append({"type": "accept", "case": case.id, "clock_from": start.isoformat(), **joint_parts(app, item)})
    record(app, made)
    _, case = find_case(app, case.id)
    if left:
        click.echo(f"已记录补正；仍待补正：{'、'.join(sorted(left))}", err=True)
        return
    print_document(app, case, "acceptance", html)


def _bring_owed(app: App, case: Case, item: ServiceItem, materials) -> None:
    """Materials owed under provisional acceptance, brought later; the clock is not touched."""
    got = []
    for code, n in materials:
        if code not in case.owed:
            raise DataError(f"案件 {case.id} 已受理，只能补交容缺材料（{'、'.join(case.owed)}），{code} 不在其中")
        got.append({"code": code, "copies": n})
    record(app, [{"type": "supplement", "case": case.id, "materials": got}])
    left = [c for c in case.owed if c not in {m["code"] for m in got}]
    click.echo(f"已补交容缺材料；{'仍欠：' + '、'.join(left) if left else '容缺材料已全部补齐，可以办结'}", err=True)


COMMANDS = [intake, notice, supplement]
