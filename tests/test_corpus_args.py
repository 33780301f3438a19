"""Malformed command arguments (issue 10, bad input): each gives one clear line naming the option
or value, the documented exit code, no traceback, and writes nothing."""

from __future__ import annotations

import pytest

APPLICANT = ["--applicant", "张三", "--phone", "13812345678"]
HUGE = "长" * 5000

CASES = [
    (["--today", "2026-13-01", "cases"], 2, "--today"),
    (["--today", "昨天", "overdue"], 2, "--today"),
    (["--as-of", "2026-02-30", "cases"], 2, "--as-of"),
    (["cases", "--since", "2026-02-30"], 2, "--since"),
    (["calendar", "due", "2026-11-31", "3"], 2, "2026-11-31"),
    (["calendar", "due", "2026-11-20", "-1"], 2, "N"),
    (["calendar", "due", "2026-11-20", "99999"], 2, "N"),
    (["calendar", "workdays", "x", "2026-12-01"], 2, "FROM"),
    (["intake", "NOPE-9", *APPLICANT], 2, "没有事项代码"),
    (["intake", "ZG-001", *APPLICANT, "--material", "M99"], 2, "没有材料"),
    (["intake", "ZG-001", *APPLICANT, "--material", "M01:0"], 2, "份数"),
    (["intake", "ZG-001", *APPLICANT, "--material", "M01:abc"], 2, "份数"),
    (["intake", "ZG-001", *APPLICANT, "--defect", "M01"], 2, "原因"),
    (["intake", "ZG-001", "--applicant", HUGE, "--phone", "13812345678"], 2, "太长"),
    (["intake", "ZG-001", "--applicant", "张\x1b[31m三", "--phone", "13812345678"], 2, "控制字符"),
    (["intake", "ZG-001", "--applicant", "张\u2028三", "--phone", "13812345678"], 2, "控制字符"),
    (["intake", "ZG-001", "--applicant", "张三", "--phone", "1381234567x"], 2, "电话"),
    (["intake", "ZG-001", *APPLICANT, "--id-number", "11010519491231002"], 2, "18 位"),
    (["intake", "ZG-001", *APPLICANT, "--id-number", "110105194902301234"], 2, "出生日期"),
    (["intake", "ZG-001", *APPLICANT, "--first-contact", "S999"], 2, "--first-contact"),
    (["--as", "S999", "intake", "ZG-001", *APPLICANT], 2, "--as"),
    (["show", "TX-T01-000000-000"], 2, "没有案件"),
    (["overdue", "--department", "ZZ"], 2, "--department"),
    (["overdue", "--warn", "-3"], 2, "--warn"),
    (["cases", "--status", "lost"], 2, "--status"),
    (["cases", "--format", "xml"], 2, "--format"),
    (["catalog", "show", "ZG-999"], 2, "ZG-999"),
    (["inquiry", "--person", "王五", "--matter", "咨询", "--outcome", "led"], 2, "--handler"),
    (["suspend", "TX-T01-000000-000", "--reason", "coffee"], 2, "--reason"),
    (["extend", "TX-T01-000000-000", "--days", "0", "--reason", "x", "--basis", "x"], 2, "--days"),
]


@pytest.mark.parametrize("args, code, fragment", CASES, ids=[" ".join(a)[:40] for a, _, _ in CASES])
def test_bad_argument_is_named(office, args, code, fragment):
    result = office.run(*args)
    assert result.exit_code == code, result.output
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert office.records() == []
