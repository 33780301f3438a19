"""A corpus of broken catalogue files: `svc check` names each fault as `file:line: 说明` and exits 1.

Every case writes one broken file into a copy of the sample office (either a small inline file whose
line numbers can be read off the text, or the sample file with one edit, located by a marker that
occurs once), runs `svc check` and asserts:
  * exit code 1 (DOMAIN.md / EXAMPLES.md 2: problems are data, never a traceback);
  * one line of stdout starts with exactly `path:line: ` and carries a recognisable Chinese fragment;
  * no Python traceback text anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import REPO

_PARSED: dict = {}


@pytest.fixture(autouse=True)
def _parse_each_text_once(monkeypatch):
    """Parsing the whole sample costs ~0.3 s a command; load_yaml is a pure function of the file's
    bytes and the parser in use, so memoise it by those. Every broken text is still parsed for real."""
    from svccli.store import catalog_files, yamlfile

    real = yamlfile.load_yaml

    def load(path, shown, problems):
        key = (shown, path.read_bytes(), yamlfile.PARSER.get())
        if key not in _PARSED:
            found: list = []
            _PARSED[key] = (real(path, shown, found), found)
        data, found = _PARSED[key]
        problems.extend(found)
        return data

    monkeypatch.setattr(catalog_files, "load_yaml", load)


# -- building broken texts -----------------------------------------------------------------------


def sample(rel: str) -> str:
    return (REPO / rel).read_text(encoding="utf-8")


def edit(rel: str, old: str, new: str) -> str:
    """The sample file with exactly one occurrence of `old` replaced."""
    text = sample(rel)
    assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times in the sample"
    return text.replace(old, new)


def line_of(text: str, marker: str) -> int:
    """1-based line of the one line containing marker (the expected line, computed from our own text)."""
    found = [n for n, line in enumerate(text.split("\n"), 1) if marker in line]
    assert len(found) == 1, f"{marker!r} is on lines {found}"
    return found[0]


# A small department file of our own: line numbers are those printed on the left.
ZZ = (
    "department: {code: ZZ, name: 测试局}\n"  # 1
    "items:\n"  # 2
    "  - code: ZZ-001\n"  # 3
    "    name: 测试事项\n"  # 4
    "    kind: committed\n"  # 5
    "    legal_basis: 测试依据\n"  # 6
    "    statutory_limit: 20\n"  # 7
    "    committed_limit: 7\n"  # 8
    "    post: P-XF-A\n"  # 9
    "    materials:\n"  # 10
    "      - {code: M01, name: 申请表}\n"  # 11
    "      - {code: M02, name: 身份证}\n"  # 12
)
ZZ_JOINT = ZZ + (
    "  - code: ZZ-002\n"  # 13
    "    name: 联办测试事项\n"  # 14
    "    kind: joint\n"  # 15
    "    legal_basis: 测试依据\n"  # 16
    "    statutory_limit: 20\n"  # 17
    "    committed_limit: 10\n"  # 18
    "    joint:\n"  # 19
    "      lead: ZZ\n"  # 20
    "      parts:\n"  # 21
    "        - {department: XF, limit: 5}\n"  # 22
)
# A small calendar for a year the sample has no file for.
CAL27 = (
    "year: 2027\n"  # 1
    "notice: 测试通知\n"  # 2
    "published: 2026-11-10\n"  # 3
    "holidays:\n"  # 4
    "  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}\n"  # 5
    "  - {name: 春节, from: 2027-02-06, to: 2027-02-13}\n"  # 6
    "workdays:\n"  # 7
    "  - {date: 2027-02-20, for: 春节}\n"  # 8
)
SVC = "catalog/services/zz.yaml"
ROSTER = "catalog/roster.yaml"
OFFICE = "catalog/office.yaml"
SCORING = "catalog/scoring.yaml"
CAL26 = "catalog/calendar/2026.yaml"
C27 = "catalog/calendar/2027.yaml"


def zz(old: str, new: str, base: str = ZZ) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


def cal(old: str, new: str) -> str:
    assert CAL27.count(old) == 1, old
    return CAL27.replace(old, new)


@dataclass(frozen=True)
class Broken:
    id: str
    rel: str  # file written
    text: str | bytes
    where: str  # "path:line" expected at the start of a stdout line ("path" alone: the whole file)
    fragment: str  # Chinese fragment expected on that line


def at(rel: str, line: int) -> str:
    return f"{rel}:{line}"


def _sample_cases() -> list[Broken]:
    c: list[Broken] = []

    def add(id_, rel, text, where, fragment):
        c.append(Broken(id_, rel, text, where, fragment))

    # -- YAML syntax ------------------------------------------------------------------------------
    add(
        "yaml-bad-indentation",
        ROSTER,
        'staff:\n  - id: S001\n    name: 张伟\n   phone: "13812345678"\n',
        at(ROSTER, 4),
        "YAML 语法错误",
    )
    add(
        "yaml-unclosed-bracket",
        ROSTER,
        "staff:\n  - {id: S001, name: 张伟, roles: [clerk}\nsections: []\n",
        at(ROSTER, 2),
        "YAML 语法错误",
    )
    add(
        "yaml-unclosed-brace-at-end",
        OFFICE,
        'code: TX\nname: 中心\nphones: {consultation: "0573-88100000"\n',
        at(OFFICE, 3),
        "括号没有闭合",
    )
    add(
        "yaml-unclosed-quote",
        ROSTER,
        'staff:\n  - {id: S001, name: "张伟}\n  - {id: S002, name: 李娜}\n',
        at(ROSTER, 2),
        "YAML 语法错误",
    )
    add(
        "yaml-tab-indentation",
        SVC,
        "department: {code: ZZ, name: 测试局}\nitems:\n\t- code: ZZ-001\n",
        at(SVC, 3),
        "YAML 语法错误",
    )
    add("yaml-duplicate-key", C27, "year: 2027\nnotice: 通知\nyear: 2027\n", at(C27, 3), "YAML 语法错误")
    add("yaml-undefined-alias", ROSTER, "staff: *people\n", at(ROSTER, 1), "YAML 语法错误")
    add(
        "yaml-unhashable-complex-key",
        C27,
        "year: 2027\nholidays:\n  - ? {name: [元旦]}\n    : x\n",
        at(C27, 3),
        "YAML 语法错误",
    )
    add(
        "yaml-bad-tagged-value",
        OFFICE,
        "code: TX\nname: 中心\nrules:\n  warning_days: !!int two\n",
        at(OFFICE, 4),
        "YAML 语法错误",
    )

    # -- wrong types ------------------------------------------------------------------------------
    add(
        "type-limit-chinese-text",
        SVC,
        zz("statutory_limit: 20", "statutory_limit: 二十"),
        at(SVC, 7),
        "“statutory_limit” 应为整数",
    )
    add(
        "type-limit-quoted-number",
        SVC,
        zz("committed_limit: 7", 'committed_limit: "7"'),
        at(SVC, 8),
        "“committed_limit” 应为整数",
    )
    add(
        "type-list-for-mapping",
        SVC,
        zz("department: {code: ZZ, name: 测试局}", "department: [ZZ, 测试局]"),
        at(SVC, 1),
        "应为键值映射",
    )
    add("type-bool-as-code", SVC, zz("code: ZZ-001", "code: true"), at(SVC, 3), "“code” 应为文本，实为 布尔值")
    add(
        "type-materials-mapping",
        SVC,
        zz(
            "    materials:\n      - {code: M01, name: 申请表}\n      - {code: M02, name: 身份证}\n",
            "    materials: {M01: 申请表, M02: 身份证}\n",
        ),
        at(SVC, 10),
        "“materials” 应为列表",
    )
    add(
        "type-copies-zero",
        SVC,
        zz("{code: M02, name: 身份证}", "{code: M02, name: 身份证, copies: 0}"),
        at(SVC, 12),
        "“copies” 不能小于 1",
    )
    text = edit(ROSTER, "roles: [inspector]", "roles: inspector")
    add("type-roles-string", ROSTER, text, at(ROSTER, line_of(text, "roles: inspector")), "“roles” 应为列表")
    text = edit(OFFICE, "warning_days: 2 ", "warning_days: 两天")
    add("type-warning-days-text", OFFICE, text, at(OFFICE, line_of(text, "warning_days:")), "“warning_days” 应为整数")
    add("type-year-string", C27, cal("year: 2027", 'year: "2027"'), at(C27, 1), "“year” 应为整数")
    add("type-root-is-list", OFFICE, "- code: TX\n- name: 中心\n", at(OFFICE, 1), "应为键值映射")

    # -- unknown keys -----------------------------------------------------------------------------
    add(
        "key-misspelt-commited-limit",
        SVC,
        zz("committed_limit: 7", "commited_limit: 7"),
        at(SVC, 8),
        "未知字段 “commited_limit”",
    )
    add("key-holiday-singular", C27, cal("holidays:", "holiday:"), at(C27, 4), "未知字段 “holiday”")
    text = edit(OFFICE, "  warning_days: 2 ", "  warn_days: 2    ")
    add("key-unknown-rule", OFFICE, text, at(OFFICE, line_of(text, "warn_days")), "未知字段 “warn_days”")
    # a key whose value is a block below it is named at the key's own line, not the value's
    text = edit(OFFICE, "hours:", "hour:")
    add("key-unknown-with-block-value", OFFICE, text, at(OFFICE, line_of(text, "hour:")), "未知字段 “hour”")

    # -- missing required fields ------------------------------------------------------------------
    add("missing-legal-basis", SVC, zz("    legal_basis: 测试依据\n", ""), at(SVC, 3), "缺少必填字段 “legal_basis”")
    text = edit(OFFICE, "name: 桐乡县政务服务中心\n", "")
    add("missing-office-name", OFFICE, text, at(OFFICE, line_of(text, "code: TX")), "缺少必填字段 “name”")
    add("missing-calendar-notice", C27, cal("notice: 测试通知\n", ""), at(C27, 1), "缺少必填字段 “notice”")
    text = edit(ROSTER, "{id: S021, name: 梁文斌, ", "{id: S021, ")
    add("missing-staff-name", ROSTER, text, at(ROSTER, line_of(text, "id: S021")), "缺少必填字段 “name”")
    add("missing-holiday-to", C27, cal(", to: 2027-01-03}", "}"), at(C27, 5), "缺少必填字段 “to”")

    # -- unknown references -----------------------------------------------------------------------
    add("ref-post-not-in-roster", SVC, zz("post: P-XF-A", "post: P-NONE"), at(SVC, 3), "责任岗位 P-NONE 不在名册")
    text = edit(ROSTER, "a: S007, b: [S008]}", "a: S007, b: [S099]}")
    add("ref-b-holder-not-on-roster", ROSTER, text, at(ROSTER, line_of(text, "P-ZJ-A")), "B 岗人员 S099 不在名册")
    text = edit(ROSTER, "window: W03, a: S007,", "window: W03, a: S098,")
    add("ref-a-holder-not-on-roster", ROSTER, text, at(ROSTER, line_of(text, "P-ZJ-A")), "A 岗人员 S098 不在名册")
    add(
        "ref-co-handling-department",
        SVC,
        zz("{department: XF, limit: 5}", "{department: QQ, limit: 5}", ZZ_JOINT),
        at(SVC, 22),
        "协办部门 QQ 不在服务事项目录的部门中",
    )
    text = edit(ROSTER, "department: ZJ, chief: S008}", "department: QQ, chief: S008}")
    add(
        "ref-section-department",
        ROSTER,
        text,
        at(ROSTER, line_of(text, "department: QQ")),
        "科室 ZJ-SP 的部门 QQ 不在服务事项目录中",
    )
    text = edit(ROSTER, "department: XF, head: S015}", "department: XF, head: S099}")
    add("ref-window-head", ROSTER, text, at(ROSTER, line_of(text, "head: S099")), "负责人 S099 不在名册 staff 中")
    text = edit(ROSTER, "roles: [clerk], section: SC-SP}", "roles: [clerk], section: SC-XX}")
    add("ref-staff-section", ROSTER, text, at(ROSTER, line_of(text, "SC-XX")), "科室 SC-XX 不在名册 sections 中")

    # -- duplicates -------------------------------------------------------------------------------
    add(
        "dup-material-code",
        SVC,
        zz("{code: M02, name: 身份证}", "{code: M01, name: 身份证}"),
        at(SVC, 12),
        "材料代码 M01 重复",
    )
    add(
        "dup-item-code-across-files",
        SVC,
        zz("code: ZZ-001", "code: XF-001"),
        at(SVC, 3),
        "事项代码 “XF-001” 重复（已见于 catalog/services/xf.yaml:",
    )
    add(
        "dup-department-code",
        SVC,
        zz("{code: ZZ, name: 测试局}", "{code: XF, name: 测试局}"),
        at(SVC, 1),
        "部门代码 “XF” 重复",
    )
    text = edit(ROSTER, "{id: S005, name: 陈静,", "{id: S004, name: 陈静,")
    add("dup-staff-id", ROSTER, text, at(ROSTER, line_of(text, "陈静")), "人员编号 “S004” 重复")
    text = edit(SCORING, "{code: clutter,", "{code: eating,")
    add(
        "dup-scoring-item-code",
        SCORING,
        text,
        at(SCORING, line_of(text, "工作时间在窗口吃东西")),
        "考核项目代码 eating 重复",
    )

    # -- limits and posts -------------------------------------------------------------------------
    add(
        "limit-committed-above-statutory",
        SVC,
        zz("committed_limit: 7", "committed_limit: 25"),
        at(SVC, 8),  # the value's line, not the item's (issue 17)
        "承诺时限 25 超过法定时限 20",
    )
    add(
        "limit-joint-part-above-whole",
        SVC,
        zz("{department: XF, limit: 5}", "{department: XF, limit: 15}", ZZ_JOINT),
        at(SVC, 22),
        "协办部门 XF 的时限 15 超过整件承诺时限 10",
    )
    text = edit(ROSTER, "a: S007, b: [S008]}", "b: [S008]}")
    add("post-without-a-holder", ROSTER, text, at(ROSTER, line_of(text, "P-ZJ-A")), "没有 A 岗人员")
    text = edit(ROSTER, "a: S007, b: [S008]}", "a: S007, b: [S007]}")
    add("post-a-also-b", ROSTER, text, at(ROSTER, line_of(text, "P-ZJ-A")), "A 岗人员 S007 又列为 B 岗")

    # -- calendars --------------------------------------------------------------------------------
    add(
        "cal-holiday-also-workday",
        C27,
        cal("{date: 2027-02-20,", "{date: 2027-02-07,"),
        at(C27, 8),
        "2027-02-07 既列为假日（春节）又列为调休工作日",
    )
    text = edit(CAL26, "to: 2026-02-23}", "to: 2026-02-30}")
    add("cal-impossible-date", CAL26, text, at(CAL26, line_of(text, "2026-02-30")), "日期 “2026-02-30” 无效")
    add(
        "cal-workday-is-weekday",
        C27,
        cal("{date: 2027-02-20,", "{date: 2027-02-18,"),
        at(C27, 8),
        "调休工作日 2027-02-18 本来就是工作日（周四）",
    )
    add(
        "cal-file-name-disagrees",
        "catalog/calendar/2028.yaml",
        CAL27,
        at("catalog/calendar/2028.yaml", 1),
        "文件名 2028.yaml 与年份 2027 不符",
    )
    add(
        "cal-holiday-ends-before-start",
        C27,
        cal("from: 2027-01-01, to: 2027-01-03", "from: 2027-01-03, to: 2027-01-01"),
        at(C27, 5),
        "假日结束日 2027-01-01 早于开始日 2027-01-03",
    )
    add(
        "cal-workday-far-year",
        C27,
        cal("{date: 2027-02-20,", "{date: 2025-02-22,"),
        at(C27, 8),
        "调休工作日 2025-02-22 不在 2027 年前后",
    )
    add("cal-date-not-padded", C27, cal("{date: 2027-02-20,", "{date: 2027-2-20,"), at(C27, 8), "日期 “2027-2-20” 无效")

    # -- scoring ----------------------------------------------------------------------------------
    text = edit(
        SCORING,
        "    max: 10\n    items:\n      - {code: litter_dust",
        "    max: 12\n    items:\n      - {code: litter_dust",
    )
    add(
        "scoring-categories-not-100",
        SCORING,
        text,
        at(SCORING, line_of(text, "categories:")),
        "各类别满分之和 102 不等于总分 100",
    )
    text = edit(SCORING, "name: 群众评议, weight: 0.2}", "name: 群众评议, weight: 0.3}")
    add("scoring-weights-not-1", SCORING, text, at(SCORING, line_of(text, "composite:")), "综合得分权重之和应为 1")
    text = edit(SCORING, "{code: posters, name: 乱贴乱挂, points: -2,", "{code: posters, name: 乱贴乱挂, points: 2,")
    add("scoring-deduction-positive", SCORING, text, at(SCORING, line_of(text, "乱贴乱挂")), "扣分项目的分值应为负数")

    # -- office -----------------------------------------------------------------------------------
    text = edit(OFFICE, "timezone: Asia/Shanghai", "timezone: Asia/Beijing")
    add("office-unknown-timezone", OFFICE, text, at(OFFICE, line_of(text, "timezone:")), "未知时区 “Asia/Beijing”")
    text = edit(OFFICE, "limit_unit: working_days  ", "limit_unit: work_days     ")
    add(
        "office-bad-choice",
        OFFICE,
        text,
        at(OFFICE, line_of(text, "limit_unit:")),
        "“limit_unit” 的值 “work_days” 无效",
    )

    # -- bytes and emptiness ----------------------------------------------------------------------
    add(
        "encoding-gbk",
        ROSTER,
        "# 名册\nstaff:\n  - {id: S001, name: 张伟}\n".encode("gbk"),
        at(ROSTER, 1),
        "不是 UTF-8 编码",
    )
    add(
        "encoding-gbk-later-line",
        SVC,
        "department: {code: ZZ, name: 测试局}\nitems:\n  - {code: ZZ-001, name: ".encode()
        + "测试".encode("gbk")
        + b"}\n",
        at(SVC, 3),
        "不是 UTF-8 编码",
    )
    add("empty-file", ROSTER, "", ROSTER, "文件为空")
    add("comment-only-file", C27, "# 2027 年安排待发布\n", C27, "文件为空")
    return c


CASES = _sample_cases()


def _write(office, rel: str, text: str | bytes) -> None:
    if isinstance(text, bytes):
        target = office.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
    else:
        office.write(rel, text)


def _assert_names(result, where: str, fragment: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    prefix = f"{where}: "
    lines = [line for line in result.stdout.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starting with {prefix!r} in:\n{result.stdout}"
    assert any(fragment in line for line in lines), f"{fragment!r} not in {lines}"
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and 'File "' not in stream


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_names_file_line(office, case: Broken):
    _write(office, case.rel, case.text)
    result = office.run("check")
    _assert_names(result, case.where, case.fragment)


# -- the baselines the corpus edits ------------------------------------------------------------------


def test_sample_is_clean_before_november(office):
    """The untouched sample: nothing on stdout, exit 0, and no calendar warning before 1 November."""
    result = office.run("check", today="2026-10-31T09:00")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "2027" not in result.stderr


def test_sample_is_clean_and_warns_about_next_year_from_november(office):
    """From 1 November a missing next-year calendar is a warning on stderr only (cron mails it)."""
    result = office.run("check", today="2026-11-01T09:00")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "catalog/calendar/2027.yaml" in result.stderr and "临时" in result.stderr


def test_inline_department_file_is_clean(office):
    """The small files the corpus breaks are themselves valid, so each case shows only its own fault."""
    office.write(SVC, ZZ_JOINT)
    office.write(C27, CAL27)
    result = office.run("check")
    assert result.exit_code == 0, result.stdout


def test_duplicate_key_message_stays_short(office):
    """A duplicated top-level key names the key, not the whole list (no phone numbers in cron mail)."""
    text = sample(ROSTER) + "staff:\n  - {id: S099, name: 某某}\n"
    office.write(ROSTER, text)
    result = office.run("check")
    _assert_names(result, at(ROSTER, line_of(text, "S099") - 1), "键 “staff” 在同一层重复出现")
    assert "13812345678" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 200


def test_every_problem_of_a_file_is_listed(office):
    """Loading goes on after a problem: three faults in one file give three lines."""
    office.write(
        SVC,
        zz("committed_limit: 7", "commited_limit: 7")
        .replace("post: P-XF-A", "post: P-NONE")
        .replace("{code: M02,", "{code: M01,"),
    )
    result = office.run("check")
    assert result.exit_code == 1
    for where, fragment in (
        (at(SVC, 8), "未知字段 “commited_limit”"),
        (at(SVC, 3), "P-NONE"),
        (at(SVC, 12), "M01 重复"),
    ):
        assert any(line.startswith(where + ": ") and fragment in line for line in result.stdout.splitlines()), where


def test_empty_code_is_named_not_skipped(office):
    """An item whose code is an empty string is reported at its line, not silently left out."""
    path = office.path / "catalog" / "services" / "zg.yaml"
    text = path.read_text(encoding="utf-8").replace("  - code: ZG-001\n", '  - code: ""\n', 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('  - code: ""') + 1
    result = office.run("check")
    assert result.exit_code == 1
    assert f"catalog/services/zg.yaml:{line}: " in result.stdout and "不能为空" in result.stdout
