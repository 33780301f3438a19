"""Load `catalog/` (office, services, roster, calendars) into the core's immutable values."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from svccli.core.calendar import Calendar, CalendarYear, Holiday
from svccli.core.catalog import (
    FORMS,
    KINDS,
    QUICK_LIMITS,
    RULE_CHOICE_NAMES,
    RULE_CHOICES,
    RULE_FLAGS,
    RULE_NUMBERS,
    Department,
    JointPart,
    Material,
    Office,
    Rules,
    ServiceItem,
)
from svccli.core.problems import Problem
from svccli.core.roster import ROLES, Post, Roster, Section, Staff, Window
from svccli.store.yamlfile import Node, load_yaml

ITEM_KEYS = (
    "code",
    "name",
    "kind",
    "licensing",
    "legal_basis",
    "body",
    "conditions",
    "materials",
    "procedure",
    "statutory_limit",
    "committed_limit",
    "limit_unit",
    "fee",
    "fee_basis",
    "post",
    "location",
    "phones",
    "supplement_days",
    "deemed_approval",
    "joint",
    "forward_to",
)


def _root(path: Path, home: Path, problems: list[Problem], what: str) -> Node | None:
    shown = path.relative_to(home).as_posix()
    data = load_yaml(path, shown, problems)
    if data is None and not any(p.path == shown for p in problems):
        problems.append(Problem(shown, 0, "文件为空"))
    return Node(data, shown, problems, 1, what) if data is not None else None


def _folder(folder: Path) -> bool:
    """A real folder, not a link to one (`svc check` names a link; nothing is read through it)."""
    return folder.is_dir() and not folder.is_symlink()


def load_office(home: Path, problems: list[Problem]) -> Office:
    path = home / "catalog" / "office.yaml"
    if not os.path.lexists(path):  # a link there is named by the loader, never followed
        problems.append(Problem("catalog/office.yaml", 0, "缺少办公室配置文件"))
        return Office(code="XX", name="（未配置）")
    n = _root(path, home, problems, "office.yaml ")
    if n is None:
        return Office(code="XX", name="（未配置）")
    n.only("code", "name", "timezone", "address", "region", "phones", "hours", "rules")
    phones = n.mapping("phones")
    hours = n.mapping("hours")
    return Office(
        code=n.code("code") or "XX",
        name=n.text("name", required=True),
        timezone=_timezone(n),
        address=n.text("address"),
        region=n.text("region"),
        phones=tuple((k, phones.text(k)) for k in phones.data),
        hours=tuple((k, hours.texts(k)) for k in hours.data),
        rules=_rules(n.mapping("rules")),
        src=n.src,
        lines=(
            *((k, n.key_line(k)) for k in ("name", "address") if k in n.data),
            *((f"phones.{k}", phones.key_line(k)) for k in phones.data),
        ),
    )


def _timezone(n: Node) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = n.text("timezone", default="Asia/Shanghai")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        n.problem(n.key_line("timezone"), f"未知时区 “{name}”（例如 Asia/Shanghai）")
        return "Asia/Shanghai"
    return name


def _rules(n: Node) -> Rules:
    n.only(*RULE_CHOICES, *RULE_FLAGS, *RULE_NUMBERS, "quick_limits")
    # Any: the keyword names come from the RULE_* tables, so mypy cannot pair a value with its Rules
    # field; each table's values do have that field's type (text, bool, int), and quick_limits its tuple.
    values: dict[str, Any] = {
        k: n.choice(k, choices, default=choices[0], names=RULE_CHOICE_NAMES[k]) for k, choices in RULE_CHOICES.items()
    }
    values.update({k: n.flag(k, default=d) for k, d in RULE_FLAGS.items()})
    values.update({k: n.integer(k, default=d) for k, d in RULE_NUMBERS.items()})
    quick = n.mapping("quick_limits")
    quick.only(*QUICK_LIMITS)
    values["quick_limits"] = tuple((k, quick.integer(k, default=d, minimum=1)) for k, d in QUICK_LIMITS.items())
    return Rules(**values)


def load_services(home: Path, problems: list[Problem], unread: set[str] | None = None) -> tuple[dict, dict]:
    """The departments and items of services/*.yaml; `unread` gets the department code (the file's
    name) of each file that could not be parsed."""
    departments: dict[str, Department] = {}
    items: dict[str, ServiceItem] = {}
    folder = home / "catalog" / "services"
    files = sorted(folder.glob("*.yaml")) if _folder(folder) else []
    if not files:
        problems.append(Problem("catalog/services", 0, "没有任何服务事项文件（services/*.yaml）"))
    for path in files:
        n = _root(path, home, problems, "服务事项文件")
        if n is None:
            if unread is not None:
                unread.add(path.stem.upper())
            continue
        n.only("department", "items")
        dept = _department(n.mapping("department", required=True, what="department "))
        if dept.code in departments:
            n.problem(dept.src[1], f"部门代码 “{dept.code}” 重复（已见于 {departments[dept.code].src[0]}）")
        departments.setdefault(dept.code, dept)
        for item_node in n.items("items", required=True, what="服务事项"):
            item = _item(item_node, dept.code)
            if item is None:
                continue
            if item.code in items:
                first = items[item.code].src
                item_node.problem(item_node.line, f"事项代码 “{item.code}” 重复（已见于 {first[0]}:{first[1]}）")
                continue
            items[item.code] = item
    return departments, items


def _department(n: Node) -> Department:
    n.only("code", "name", "phone")
    return Department(code=n.code("code"), name=n.text("name", required=True), phone=n.text("phone"), src=n.src)


def _item(n: Node, department: str) -> ServiceItem | None:
    if not n.ok:
        return None
    n.only(*ITEM_KEYS)
    code = n.code("code")
    if not code:
        return None
    n.what = f"事项 {code} "
    phones = n.mapping("phones")
    joint = n.mapping("joint")
    joint.only("lead", "parts")
    return ServiceItem(
        code=code,
        name=n.text("name", required=True),
        department=department,
        kind=n.choice("kind", KINDS, required=True, default="committed", names=KINDS),
        licensing=bool(n.flag("licensing")),
        legal_basis=n.text("legal_basis", required=True),
        body=n.text("body"),
        materials=tuple(_material(m) for m in n.items("materials", what="材料") if m.ok),
        statutory_limit=n.integer("statutory_limit", required=True, default=0),
        committed_limit=n.integer("committed_limit", required=True, default=0),
        conditions=n.texts("conditions"),
        procedure=n.texts("procedure"),
        limit_unit=n.choice("limit_unit", RULE_CHOICES["limit_unit"], names=RULE_CHOICE_NAMES["limit_unit"]),
        fee=n.text("fee"),
        fee_basis=n.text("fee_basis"),
        post=n.code("post", required=False),
        location=n.text("location"),
        phones=tuple((k, phones.text(k)) for k in phones.data),
        supplement_days=n.integer("supplement_days"),
        deemed_approval=n.flag("deemed_approval", default=None),
        joint_lead=joint.code("lead", required=False),
        joint_parts=tuple(_part(p) for p in joint.items("parts", what="协办部门") if p.ok),
        forward_to=n.text("forward_to"),
        src=n.src,
        lines=tuple((k, n.key_line(k)) for k in ITEM_KEYS if k in n.data or k in n.guessed),
    )


def _material(n: Node) -> Material:
    n.only("code", "name", "copies", "form", "required", "condition", "sample", "may_owe")
    return Material(
        code=n.code("code"),
        name=n.text("name", required=True),
        copies=n.integer("copies", default=1, minimum=1),
        form=n.choice("form", FORMS, default="original", names=FORMS),
        required=bool(n.flag("required", default=True)),
        condition=n.text("condition"),
        sample=n.text("sample"),
        may_owe=bool(n.flag("may_owe")),
        src=n.src,
    )


def _part(n: Node) -> JointPart:
    n.only("department", "limit")
    return JointPart(department=n.code("department"), limit=n.integer("limit", required=True, default=0), src=n.src)


def load_roster(home: Path, problems: list[Problem]) -> Roster:
    path = home / "catalog" / "roster.yaml"
    empty = Roster({}, {}, {}, {})
    if not os.path.lexists(path):  # a link there is named by the loader, never followed
        problems.append(Problem("catalog/roster.yaml", 0, "缺少人员名册文件"))
        return empty
    n = _root(path, home, problems, "roster.yaml ")
    if n is None:
        return empty
    n.only("staff", "sections", "windows", "posts")
    return Roster(
        staff=_keyed(n.items("staff", required=True, what="人员"), _staff, "人员编号"),
        sections=_keyed(n.items("sections", what="科室"), _section, "科室代码"),
        windows=_keyed(n.items("windows", what="窗口"), _window, "窗口代码"),
        posts=_keyed(n.items("posts", what="岗位"), _post, "岗位代码"),
    )


_Entry = TypeVar("_Entry", Staff, Section, Window, Post)


def _keyed(nodes: list[Node], make: Callable[[Node], _Entry], what: str) -> dict[str, _Entry]:
    out: dict[str, _Entry] = {}
    for n in nodes:
        if not n.ok:
            continue
        value = make(n)
        key = value.id if isinstance(value, Staff) else value.code  # staff are keyed by id, the rest by code
        if not key:
            continue
        if key in out:
            n.problem(n.line, f"{what} “{key}” 重复（第 {out[key].src[1]} 行已定义）")
            continue
        out[key] = value
    return out


def _staff(n: Node) -> Staff:
    n.only("id", "name", "phone", "unit", "roles", "section", "login", "attendance_id")
    roles = n.texts("roles") or ("clerk",)
    for role in roles:
        if role not in ROLES:
            n.problem(n.key_line("roles"), f"未知角色 “{role}”（可选：{', '.join(ROLES)}）")
    return Staff(
        id=n.code("id"),
        name=n.text("name", required=True),
        phone=n.text("phone"),
        unit=n.text("unit"),
        roles=tuple(r for r in roles if r in ROLES),
        section=n.code("section", required=False),
        login=n.text("login"),
        attendance_id=n.text("attendance_id"),
        src=n.src,
    )


def _section(n: Node) -> Section:
    n.only("code", "name", "department", "chief")
    return Section(
        code=n.code("code"),
        name=n.text("name", required=True),
        department=n.code("department"),
        chief=n.code("chief", required=False),
        src=n.src,
    )


def _window(n: Node) -> Window:
    n.only("code", "name", "department", "head")
    return Window(
        code=n.code("code"),
        name=n.text("name", required=True),
        department=n.code("department"),
        head=n.code("head", required=False),
        src=n.src,
    )


def _post(n: Node) -> Post:
    n.only("code", "name", "window", "a", "b")
    a = n.code("a", required=False)
    if not a:
        n.problem(n.line, "岗位没有 A 岗人员（a）")
    return Post(
        code=n.code("code"),
        name=n.text("name"),
        window=n.code("window"),
        a=a,
        b=n.texts("b"),
        src=(n.path, n.key_line("b") if "b" in n.data else n.line),
    )


def load_calendar(home: Path, problems: list[Problem]) -> Calendar:
    years = {}
    folder = home / "catalog" / "calendar"
    for path in sorted(folder.glob("*.yaml")) if _folder(folder) else []:
        n = _root(path, home, problems, "日历文件")
        if n is None:
            continue
        year = _calendar_year(n, path.stem)
        if year is not None:
            years[year.year] = year
    if not years:
        problems.append(Problem("catalog/calendar", 0, "没有任何节假日日历文件（calendar/<年>.yaml）"))
    return Calendar(years)


def _calendar_year(n: Node, stem: str) -> CalendarYear | None:
    n.only("year", "notice", "published", "holidays", "workdays")
    year = n.integer("year", required=True)
    if year is None:
        return None
    if stem != str(year):
        n.problem(n.key_line("year"), f"文件名 {stem}.yaml 与年份 {year} 不符")
    holidays: list[Holiday] = []
    listed: dict[dt.date, int] = {}  # every holiday date -> the line of the first holiday with it
    for h in n.items("holidays", what="假日"):
        h.only("name", "from", "to")
        first, last = h.date("from", required=True), h.date("to", required=True)
        if first and last:
            holidays.append(Holiday(h.text("name", required=True), first, last))
            _check_span(h, year, first, last)
            _check_twice(h, first, last, listed)
    workdays: list[tuple[dt.date, str]] = []
    lines: dict[dt.date, int] = {}
    for w in n.items("workdays", what="调休工作日"):
        w.only("date", "for")
        day = w.date("date", required=True)
        if day and day in lines:
            w.problem(w.line, f"调休工作日 {day} 列了两次（第 {lines[day]} 行已列出）")
        elif day:
            workdays.append((day, w.text("for")))
            lines[day] = w.line
            _check_workday(w, year, day)
    cal = CalendarYear(year, n.text("notice", required=True), n.date("published"), tuple(holidays), tuple(workdays))
    off = cal.days_off
    for day, line in lines.items():
        if day in off:
            n.problem(line, f"{day} 既列为假日（{off[day]}）又列为调休工作日")
    return cal


def _check_span(h: Node, year: int, first, last) -> None:
    if last < first:
        h.problem(h.line, f"假日结束日 {last} 早于开始日 {first}")
    if not (year - 1 <= first.year <= year and year <= last.year + 1 and last.year <= year + 1):
        h.problem(h.line, f"假日 {first}～{last} 不在 {year} 年前后（跨年的假日如元旦可以延到相邻年份）")


def _check_twice(h: Node, first, last, listed: dict) -> None:
    """A date in two holidays of one file is listed twice: named once per holiday, at its line."""
    if (last - first).days > 366:  # _check_span names a span this long
        return
    day, twice = first, None
    while day <= last:
        if twice is None and day in listed:
            twice = day
        listed.setdefault(day, h.line)
        day += dt.timedelta(days=1)
    if twice is not None:
        h.problem(h.line, f"假日日期 {twice} 列了两次（第 {listed[twice]} 行的假日已含该日）")


def _check_workday(w: Node, year: int, day) -> None:
    if abs(day.year - year) > 1:
        w.problem(w.line, f"调休工作日 {day} 不在 {year} 年前后")
    if day.weekday() < 5:
        w.problem(w.line, f"调休工作日 {day} 本来就是工作日（周{'一二三四五'[day.weekday()]}）")


def load_scoring(home: Path, problems: list[Problem]):
    from svccli.store.scoring_file import scheme_from

    path = home / "catalog" / "scoring.yaml"
    if not os.path.lexists(path):  # a link there is named by the loader, never followed
        problems.append(Problem("catalog/scoring.yaml", 0, "缺少考核方案文件"))
        return None
    n = _root(path, home, problems, "scoring.yaml ")
    return scheme_from(n) if n is not None else None
