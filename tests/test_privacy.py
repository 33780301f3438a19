"""Privacy (issue 10): no listing or export shows a mobile or resident ID number in full; revealing
needs a reason and leaves a record that `svc audit reveals` lists.

The scan runs every listing (cases, overdue, inquiries, show of each case) in table, JSON and CSV
(UTF-8 and GB18030) over the sample office, plus cases added here with a mobile number and a
resident ID, and looks for 1[3-9]\\d{9} and 18-digit IDs as whole tokens.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, Office
from svccli.store.log import RecordLog

MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
FORMATS = [("table",), ("json",), ("csv",), ("csv", "--encoding", "gb18030")]
PHONE, ID_NUMBER = "13912345678", "11010519491231002X"


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """The sample office, plus a case and an inquiry with a mobile number and a resident ID."""
    home = tmp_path_factory.mktemp("warm") / "sample"
    for name in ("catalog", "templates", "records"):
        shutil.copytree(REPO / name, home / name)
    office = Office(home)
    added = office.run(
        "intake",
        "ZG-001",
        "--applicant",
        "赵六",
        "--phone",
        PHONE,
        "--id-number",
        ID_NUMBER,
        "--material",
        "M01",
        "-q",
        today="2026-11-02T10:00",
    )
    assert added.exit_code == 0, added.stderr
    assert (
        office.run(
            "inquiry",
            "--person",
            "钱七",
            "--phone",
            "15800001111",
            "--matter",
            "咨询",
            "--outcome",
            "answered",
            today="2026-11-03T10:00",
        ).exit_code
        == 0
    )
    return home


@pytest.fixture
def sample(warm, tmp_path) -> Office:
    home = tmp_path / "sample"
    shutil.copytree(warm, home)
    return Office(home)


def text_of(result, fmt: tuple[str, ...]) -> str:
    encoding = "gb18030" if "gb18030" in fmt else "utf-8"
    return result.stdout_bytes.decode(encoding) + result.stderr


def unmasked(text: str) -> list[str]:
    return MOBILE.findall(text) + RESIDENT_ID.findall(text)


def records_bytes(office: Office) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in office.records()}


def test_the_records_hold_numbers_to_hide(sample: Office):
    """Otherwise the scan below would prove nothing."""
    raw = b"".join(records_bytes(sample).values()).decode("utf-8")
    assert len(set(MOBILE.findall(raw))) >= 3 and PHONE in raw
    assert len(set(RESIDENT_ID.findall(raw))) >= 2 and ID_NUMBER in raw


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: "-".join(f))
@pytest.mark.parametrize(
    "listing",
    [("cases",), ("cases", "--status", "open"), ("overdue", "--warn", "5"), ("inquiries",)],
    ids=lambda c: "-".join(c),
)
def test_no_listing_shows_a_full_number(sample: Office, listing, fmt):
    result = sample.run(*listing, "--format", *fmt)
    assert result.exit_code in (0, 3), result.stderr
    text = text_of(result, fmt)
    assert text.strip(), "the listing is empty: nothing was scanned"
    assert unmasked(text) == []


def test_no_case_page_shows_a_full_number(sample: Office):
    ids = [row["id"] for row in json.loads(sample.run("cases", "--format", "json").stdout)]
    assert len(ids) >= 10
    seen_masked = 0
    for case in ids:
        for fmt in ("table", "json"):
            result = sample.run("show", case, "--format", fmt)
            assert result.exit_code == 0, result.stderr
            assert unmasked(result.stdout + result.stderr) == [], (case, fmt)
            seen_masked += "****" in result.stdout
        due = sample.run("due", case)
        assert unmasked(due.stdout + due.stderr) == [], case
    assert seen_masked >= len(ids)


def test_reveal_without_reason_is_refused_and_records_nothing(sample: Office):
    case = json.loads(sample.run("cases", "--format", "json").stdout)[0]["id"]
    before = records_bytes(sample)
    for args in (("show", case, "--reveal"), ("inquiries", "--reveal")):
        result = sample.run(*args)
        assert result.exit_code == 2 and "--reason" in result.stderr, args
        assert unmasked(result.stdout) == []
    assert records_bytes(sample) == before
    empty = sample.run("audit", "reveals")
    assert empty.exit_code == 0 and empty.stdout == "" and "没有查看完整个人信息的记录" in empty.stderr


def test_reveal_with_reason_is_listed_by_audit(sample: Office):
    case = next(
        row["id"]
        for row in json.loads(sample.run("cases", "--format", "json").stdout)
        if row["applicant"].startswith("赵")
    )
    shown = sample.run(
        "show", case, "--reveal", "--reason", "申请人来电核实身份", staff="S003", today="2026-11-20T10:15"
    )
    assert shown.exit_code == 0 and PHONE in shown.stdout and ID_NUMBER in shown.stdout
    listed = sample.run("inquiries", "--reveal", "--reason", "回访", staff="S001", today="2026-11-21T08:05")
    assert listed.exit_code == 0 and "15800001111" in listed.stdout

    rows = json.loads(sample.run("audit", "reveals", "--format", "json").stdout)
    assert [(r["when"], r["by"], r["what"], r["reason"]) for r in rows] == [
        ("2026-11-20 10:15", "S003", f"case {case}", "申请人来电核实身份"),
        ("2026-11-21 08:05", "S001", "inquiries", "回访"),
    ]
    roster_name = rows[0]["name"]
    assert roster_name and roster_name != "S003"
    table = sample.run("audit", "reveals")
    assert table.exit_code == 0
    assert roster_name in table.stdout and "申请人来电核实身份" in table.stdout and "理由" in table.stdout
    csv = sample.run("audit", "reveals", "--format", "csv")
    assert csv.stdout_bytes.startswith(b"\xef\xbb\xbf") and csv.stdout_bytes.count(b"\r\n") == 3
    since = json.loads(sample.run("audit", "reveals", "--since", "2026-11-21", "--format", "json").stdout)
    assert [r["what"] for r in since] == ["inquiries"]
    as_of = json.loads(sample.run("--as-of", "2026-11-20", "audit", "reveals", "--format", "json").stdout)
    assert [r["what"] for r in as_of] == [f"case {case}"]
    # the reveal is a record like any other: chained, and the listings stay masked
    assert sample.run("check").exit_code == 0
    assert unmasked(sample.run("cases", "--format", "json").stdout) == []
    events = [ln.event for ln in RecordLog(sample.path).read()[0] if ln.event["type"] == "reveal"]
    assert [(e["by"], e["reason"]) for e in events] == [("S003", "申请人来电核实身份"), ("S001", "回访")]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(sample: Office):
    result = sample.run(
        "intake", "ZG-001", "--applicant", '=HYPERLINK("http://x")', "--phone", "13700001111", "--material", "M01", "-q"
    )
    assert result.exit_code == 0, result.stderr
    csv = sample.run("cases", "--format", "csv").stdout_bytes.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv


def test_benchmark_office_listings_show_no_unmasked_number(tmp_path):
    """The generated benchmark office (bench/generate.py, a small year) is scanned like the sample."""
    import subprocess
    import sys

    home = tmp_path / "bench"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "--cases", "150", "--seed", "3", "--out", str(home)],
        check=True,
        capture_output=True,
    )
    office = Office(home)
    seen = []
    for args in (("cases",), ("overdue", "--warn", "5"), ("holders",), ("inquiries",)):
        for fmt in ("table", "json", "csv"):
            result = office.run(*args, "--format", fmt, today="2025-12-31T17:00")
            assert result.exit_code in (0, 3), result.output
            seen.append(result.stdout)
    text = "\n".join(seen)
    assert "****" in text  # phones were there, masked
    assert unmasked(text) == []
