"""Cross-reference checks on the loaded catalogue and roster: small pure functions returning problems."""

from __future__ import annotations

from collections.abc import Iterator

from svccli.core.catalog import Catalog, ServiceItem
from svccli.core.problems import Problem
from svccli.core.roster import Roster


def _at(src: tuple[str, int], message: str) -> Problem:
    return Problem(src[0], src[1], message)


def item_limits(item: ServiceItem, catalog: Catalog, roster: Roster) -> Iterator[Problem]:
    if item.committed_limit > item.statutory_limit:
        yield _at(
            item.at("committed_limit"),
            f"事项 {item.code} 的承诺时限 {item.committed_limit} 超过法定时限 {item.statutory_limit}",
        )
    if item.kind not in ("immediate", "filing") and item.committed_limit == 0:
        yield _at(
            item.at("committed_limit"), f"事项 {item.code} 不是即办件或备案，却没有承诺时限（committed_limit 为 0）"
        )


def item_materials(item: ServiceItem, catalog: Catalog, roster: Roster) -> Iterator[Problem]:
    seen = set()
    for m in item.materials:
        if m.code in seen:
            yield _at(m.src, f"事项 {item.code} 的材料代码 {m.code} 重复")
        seen.add(m.code)
        if not m.required and not m.condition:
            yield _at(m.src, f"材料 {m.code} 不是必交材料，须写明 condition（在什么情况下提交）")


def item_references(item: ServiceItem, catalog: Catalog, roster: Roster) -> Iterator[Problem]:
    if item.post and roster.posts and item.post not in roster.posts:
        yield _at(item.src, f"事项 {item.code} 的责任岗位 {item.post} 不在名册 posts 中")
    if item.kind == "joint":
        if not item.joint_parts:
            yield _at(item.src, f"联办件 {item.code} 须列出协办部门（joint.parts）")
        if item.joint_lead and item.joint_lead != item.department:
            yield _at(item.src, f"联办件 {item.code} 的主办部门 {item.joint_lead} 应为本文件的部门 {item.department}")
    elif item.joint_parts:
        yield _at(item.src, f"事项 {item.code} 不是联办件（kind: joint），却列了协办部门")
    for part in item.joint_parts:
        if part.department not in catalog.departments:
            yield _at(part.src, f"协办部门 {part.department} 不在服务事项目录的部门中")
        if part.limit > item.committed_limit:
            yield _at(
                part.src, f"协办部门 {part.department} 的时限 {part.limit} 超过整件承诺时限 {item.committed_limit}"
            )
    if item.kind == "forwarded" and not item.forward_to:
        yield _at(item.src, f"报批件 {item.code} 须写明上报机关（forward_to）")


def roster_references(catalog: Catalog, roster: Roster) -> Iterator[Problem]:
    staff = roster.staff
    depts = {*catalog.departments, *catalog.unread}  # an unread file's problem is named, not its roster's
    for s in staff.values():
        if s.section and s.section not in roster.sections:
            yield _at(s.src, f"人员 {s.id} 的科室 {s.section} 不在名册 sections 中")
    for sec in roster.sections.values():
        if sec.department not in depts:
            yield _at(sec.src, f"科室 {sec.code} 的部门 {sec.department} 不在服务事项目录中")
        if sec.chief and sec.chief not in staff:
            yield _at(sec.src, f"科室 {sec.code} 的负责人 {sec.chief} 不在名册 staff 中")
    for w in roster.windows.values():
        if w.department not in depts:
            yield _at(w.src, f"窗口 {w.code} 的部门 {w.department} 不在服务事项目录中")
        if w.head and w.head not in staff:
            yield _at(w.src, f"窗口 {w.code} 的负责人 {w.head} 不在名册 staff 中")
    yield from posts(roster)


def posts(roster: Roster) -> Iterator[Problem]:
    for p in roster.posts.values():
        if p.window not in roster.windows:
            yield _at(p.src, f"岗位 {p.code} 的窗口 {p.window} 不在名册 windows 中")
        for holder in p.holders:
            if holder and holder not in roster.staff:
                role = "A 岗" if holder == p.a else "B 岗"
                yield _at(p.src, f"岗位 {p.code} 的{role}人员 {holder} 不在名册 staff 中")
        if p.a in p.b:
            yield _at(p.src, f"岗位 {p.code} 的 A 岗人员 {p.a} 又列为 B 岗")
        if len(set(p.b)) != len(p.b):
            yield _at(p.src, f"岗位 {p.code} 的 B 岗人员有重复")


# Placeholders `svc init` writes: a phone whose number starts with four zeros (no Chinese area code
# does) and any text with 某某. Notices print the office's phones and names, so these are errors
# until replaced: `svc check` lists them and no command that prints a document runs.
PLACEHOLDER_TEXT = "某某"
PHONE_NAMES = {"consultation": "咨询电话", "supervision": "监督电话", "complaint": "投诉电话"}


def placeholder_phone(phone: str) -> bool:
    return "".join(c for c in phone if c.isdigit()).startswith("0000")


def _text(src: tuple[str, int], what: str, value: str) -> Iterator[Problem]:
    if PLACEHOLDER_TEXT in value:
        yield _at(src, f"{what} “{value}” 是占位文字（含“{PLACEHOLDER_TEXT}”），请改为实际内容")


def _phone(src: tuple[str, int], what: str, kind: str, phone: str) -> Iterator[Problem]:
    if placeholder_phone(phone):
        yield _at(src, f"{what}{PHONE_NAMES.get(kind, kind)} “{phone}” 是占位号码，请改为实际电话")


def placeholders(catalog: Catalog, roster: Roster) -> Iterator[Problem]:
    office = catalog.office
    yield from _text(office.at("name"), "办公室名称", office.name)
    yield from _text(office.at("address"), "办公室地址", office.address)
    for kind, phone in office.phones:
        yield from _phone(office.at(f"phones.{kind}"), "办公室", kind, phone)
    for d in catalog.departments.values():
        yield from _text(d.src, f"部门 {d.code} 的名称", d.name)
        yield from _phone(d.src, f"部门 {d.code} 的", "电话", d.phone)
    item_fields = {"name": "名称", "body": "实施机关", "location": "办理地点", "legal_basis": "设定依据"}
    for item in catalog.items.values():
        for key, label in item_fields.items():
            yield from _text(item.at(key), f"事项 {item.code} 的{label}", getattr(item, key))
        for kind, phone in item.phones:
            yield from _phone(item.at("phones"), f"事项 {item.code} 的", kind, phone)
    for s in roster.staff.values():
        yield from _text(s.src, f"人员 {s.id} 的姓名", s.name)
        yield from _text(s.src, f"人员 {s.id} 的单位", s.unit)
        yield from _phone(s.src, f"人员 {s.id} 的", "手机号", s.phone)
    for what, entries in (("科室", roster.sections), ("窗口", roster.windows), ("岗位", roster.posts)):
        for code, entry in entries.items():
            yield from _text(entry.src, f"{what} {code} 的名称", entry.name)


ITEM_CHECKS = (item_limits, item_materials, item_references)


def check_catalog(catalog: Catalog, roster: Roster) -> list[Problem]:
    found = [p for item in catalog.items.values() for check in ITEM_CHECKS for p in check(item, catalog, roster)]
    found.extend(roster_references(catalog, roster))
    found.extend(placeholders(catalog, roster))
    return found
