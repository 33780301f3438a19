"""Finding cases (issue 17): `svc cases` filters, alone and combined, and `svc find` across cases,
inquiries and document numbers; masked as every listing; the same answer without the derived state."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import Office, new_office

DAY3 = "2026-11-23T09:00"
CREDIT = "91330483MA2B3C4D5D"
ID_A = "11010519491231002X"


def _ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Three cases and an inquiry:
    A 张三, ZG-001, 13812345678, ID, 庆丰路, taken in on the 20th (accepted at once);
    B 桐乡市某某建材有限公司, BD-001, 0573-88887777, credit code, on the 21st (pending, documents issued);
    C 王五, ZG-001, 13900005678 (same last four as A), agent 赵代办, on the 22nd, by S002.
    """
    home = tmp_path_factory.mktemp("search") / "office"
    office = new_office(home)
    materials = ("--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06")
    _ok(
        office.run(
            "intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--id-number", ID_A,
            "--address", "桐乡市梧桐街道庆丰路8号", *materials, "-q", today="2026-11-20T09:00",
        )
    )  # fmt: skip
    _ok(
        office.run(
            "intake", "BD-001", "--applicant", "桐乡市某某建材有限公司", "--phone", "0573-88887777",
            "--credit-code", CREDIT, "--material", "M01", today="2026-11-21T10:00",
        )
    )  # fmt: skip
    _ok(
        office.run(
            "intake", "ZG-001", "--applicant", "王五", "--phone", "13900005678", "--agent", "赵代办",
            *materials, "-q", today="2026-11-22T09:30", staff="S002",
        )
    )  # fmt: skip
    _ok(
        office.run(
            "inquiry", "--person", "李四", "--phone", "13900001234", "--matter", "咨询不动产登记",
            "--outcome", "answered", today="2026-11-22T11:00",
        )
    )  # fmt: skip
    return home


@pytest.fixture
def office(built: Path, tmp_path: Path) -> Office:
    home = tmp_path / "office"
    shutil.copytree(built, home, ignore=shutil.ignore_patterns(".svc"))
    return Office(home)


A, B, C = "TX-T01-261120-001", "TX-T01-261121-001", "TX-T01-261122-001"


def ids(office: Office, *args: str) -> list[str]:
    rows = json.loads(_ok(office.run("cases", *args, "--format", "json", today=DAY3)).stdout)
    return [r["id"] for r in rows]


@pytest.mark.parametrize(
    "args, expected",
    [
        ((), [A, B, C]),
        (("--applicant", "某某"), [B]),
        (("--applicant", "王"), [C]),
        (("--phone", "5678"), [A, C]),
        (("--phone", "13812345678"), [A]),
        (("--phone", "138 1234 5678"), [A]),
        (("--phone", "0573-88887777"), [B]),
        (("--phone", "7777"), [B]),
        (("--phone", "1111"), []),
        (("--id-number", ID_A), [A]),
        (("--id-number", ID_A.lower()), [A]),
        (("--id-number", CREDIT), [B]),
        (("--department", "BD"), [B]),
        (("--department", "ZG"), [A, C]),
        (("--service", "ZG-001"), [A, C]),
        (("--holder", "S002"), [C]),
        (("--status", "accepted"), [A, C]),
        (("--status", "已受理"), [A, C]),
        (("--status", "待补正"), [B]),
        (("--status", "pending"), [B]),
        (("--status", "open"), [A, B, C]),
        (("--status", "已撤回"), []),
        (("--from", "2026-11-21"), [B, C]),
        (("--since", "2026-11-21"), [B, C]),
        (("--until", "2026-11-21"), [A, B]),
        (("--from", "2026-11-21", "--until", "2026-11-21"), [B]),
        (("--text", "庆丰路"), [A]),
        (("--text", "赵代办"), [C]),
        (("--text", "不动产登记资料查询"), [B]),  # the item's name
        (("--text", "查询人身份证明"), [B]),  # a material named in the one-time notice
        (("--text", "100%"), []),  # % taken literally
    ],
)
def test_each_filter(office: Office, args, expected):
    assert ids(office, *args) == expected


def test_filters_combine(office: Office):
    assert ids(office, "--phone", "5678", "--service", "ZG-001") == [A, C]
    assert ids(office, "--phone", "5678", "--from", "2026-11-22") == [C]
    assert ids(office, "--phone", "5678", "--holder", "S001") == [A]
    assert ids(office, "--phone", "5678", "--status", "已受理", "--text", "庆丰路", "--department", "ZG") == [A]
    assert ids(office, "--applicant", "张", "--phone", "5678", "--until", "2026-11-19") == []


def test_listing_is_masked(office: Office):
    for fmt in ("table", "json", "csv"):
        out = _ok(office.run("cases", "--phone", "5678", "--format", fmt, today=DAY3)).stdout
        assert "13812345678" not in out and "13900005678" not in out and ID_A not in out
        assert "138****5678" in out
    (row,) = json.loads(_ok(office.run("cases", "--id-number", CREDIT, "--format", "json", today=DAY3)).stdout)
    assert row["id_number"] == "913304********4D5D" and CREDIT not in json.dumps(row)
    assert row["phone"] == "0573-****7777"


def test_reveal_needs_a_reason_and_is_audited(office: Office):
    refused = office.run("cases", "--phone", "5678", "--reveal", today=DAY3)
    assert refused.exit_code == 2 and "--reason" in refused.stderr
    shown = _ok(office.run("cases", "--phone", "5678", "--reveal", "--reason", "申请人来电核实", today=DAY3))
    assert "13812345678" in shown.stdout
    audit = _ok(office.run("audit", "reveals", today=DAY3)).stdout
    assert "申请人来电核实" in audit


def find(office: Office, text: str) -> list[tuple[str, str, str]]:
    rows = json.loads(_ok(office.run("find", text, "--format", "json", today=DAY3)).stdout)
    return [(r["kind"], r["id"], r["field"]) for r in rows]


def test_find_a_phone_by_its_last_four(office: Office):
    assert find(office, "5678") == [("case", A, "电话后四位"), ("case", C, "电话后四位")]
    assert find(office, "1234") == [("inquiry", find_inquiry(office), "电话后四位")]
    out = _ok(office.run("find", "5678", today=DAY3)).stdout
    assert "138****5678" in out and "13812345678" not in out and "电话后四位" in out


def find_inquiry(office: Office) -> str:
    rows = json.loads(_ok(office.run("inquiries", "--format", "json", today=DAY3)).stdout)
    return rows[0]["id"]


def test_find_a_full_phone(office: Office):
    assert find(office, "13812345678") == [("case", A, "电话")]
    assert find(office, "0573-88887777") == [("case", B, "电话")]


def test_find_names_ids_and_numbers(office: Office):
    assert find(office, "张三") == [("case", A, "申请人")]
    assert find(office, "李四") == [("inquiry", find_inquiry(office), "来访人")]
    assert find(office, ID_A) == [("case", A, "证件号码")]
    assert find(office, CREDIT) == [("case", B, "证件号码")]
    assert find(office, C.lower()) == [("case", C, "案件编号")]


def test_find_document_numbers(office: Office):
    docs = json.loads(_ok(office.run("documents", "--format", "json", today=DAY3)).stdout)
    numbers = sorted(d["number"] for d in docs if d["case"] == B)
    assert len(numbers) >= 2
    assert sorted(i for k, i, f in find(office, "T01-1") if k == "document" and f == "文书编号") == numbers
    assert find(office, numbers[0]) == [("document", numbers[0], "文书编号")]
    rows = json.loads(_ok(office.run("find", numbers[0], "--format", "json", today=DAY3)).stdout)
    assert rows[0]["case_id"] == B and rows[0]["kind_name"] == "文书"


def test_find_nothing_says_so(office: Office):
    result = _ok(office.run("find", "不存在的人", today=DAY3))
    assert result.stdout == "" and "没有找到" in result.stderr


def test_find_formats(office: Office):
    csv = _ok(office.run("find", "5678", "--format", "csv", today=DAY3)).stdout_bytes.decode("utf-8-sig")
    assert csv.splitlines()[0] == "类别,编号,匹配项,摘要"
    assert _ok(office.run("find", "5678", "--limit", "1", today=DAY3)).stderr.count("只列出前 1 条") == 1


def test_a_new_case_is_found_at_once(office: Office):
    """The state is brought up to date from the appended lines before the search."""
    assert ids(office, "--phone", "5678") == [A, C]
    _ok(
        office.run(
            "intake", "ZG-001", "--applicant", "周八", "--phone", "13700005678", "--material", "M01", "-q",
            today="2026-11-23T10:00",
        )
    )  # fmt: skip
    assert ids(office, "--phone", "5678") == [A, C, "TX-T01-261123-001"]
    assert find(office, "周八") == [("case", "TX-T01-261123-001", "申请人")]


QUERIES = [
    ("cases", "--phone", "5678"),
    ("cases", "--status", "已受理", "--text", "庆丰路"),
    ("cases",),
    ("find", "5678"),
    ("find", "T01-1"),
]


@pytest.mark.parametrize("args", QUERIES)
def test_without_the_state_the_answer_is_the_same(office: Office, args):
    """A state another user could write is never used: the search is answered from the records."""
    warm = _ok(office.run(*args, "--format", "json", today=DAY3))
    folder = office.path / ".svc"
    assert (folder / "state.sqlite").exists()
    os.chmod(folder, 0o777)
    try:
        cold = _ok(office.run(*args, "--format", "json", today=DAY3))
    finally:
        os.chmod(folder, 0o700)
    assert "无法使用" in cold.stderr
    assert cold.stdout == warm.stdout and json.loads(cold.stdout)


def test_as_of_leaves_out_later_cases(office: Office):
    rows = json.loads(_ok(office.run("--as-of", "2026-11-21", "cases", "--phone", "5678", "--format", "json")).stdout)
    assert [r["id"] for r in rows] == [A]


@pytest.mark.parametrize(
    "args, option",
    [
        (("--status", "丢失"), "--status"),
        (("--phone", "12"), "--phone"),
        (("--phone", "abcd"), "--phone"),
        (("--id-number", "12-34"), "--id-number"),
        (("--department", "QQ"), "--department"),
        (("--service", "NO-999"), "--service"),
        (("--holder", "S999"), "--holder"),
        (("--from", "2026-02-30"), "--from"),
        (("--until", "2026-11-01", "--from", "2026-11-20"), "--until"),
        (("--from", "2026-11-20", "--since", "2026-11-20"), "--since"),
        (("--applicant", " "), "--applicant"),
    ],
)
def test_bad_values_name_the_option(office: Office, args, option):
    result = office.run("cases", *args, today=DAY3)
    assert result.exit_code == 2, result.stdout
    assert option in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_find_bad_values(office: Office):
    assert office.run("find", " ", today=DAY3).exit_code == 2
    result = office.run("find", "5678", "--limit", "-1", today=DAY3)
    assert result.exit_code == 2 and "--limit" in result.stderr


def test_a_new_day_updates_the_rows_as_a_fresh_build(office: Office):
    """A new command date refolds only the open cases it can change (running pauses, past due dates):
    every row, every column, is as a build from nothing on that date gives it."""
    _ok(office.run("suspend", C, "--reason", "survey", "--expected", "约10个工作日", today="2026-11-24T09:00"))
    query = ("sql", "SELECT * FROM cases ORDER BY case_id", "--format", "json")
    _ok(office.run(*query, today="2026-11-25T09:00"))  # the state as of the 25th
    for day in ("2026-12-10T09:00", "2026-11-26T09:00", "2027-01-05T09:00"):
        moved = json.loads(_ok(office.run(*query, today=day)).stdout)
        shutil.rmtree(office.path / ".svc")
        fresh = json.loads(_ok(office.run(*query, today=day)).stdout)
        assert moved == fresh, day
    late = {r["case_id"]: r for r in fresh}
    assert late[A]["days_late"] > 0 and late[C]["status"] == "suspended"
