"""The clocking systems' files (store/clocking.py): ZKTeco USB downloads (SSR serial and checksum
lines), DingTalk and WeCom Excel exports, plain CSV in UTF-8 or GB18030 with or without BOM; every
bad line reported as file:line, an unknown PIN named, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from svccli.store import clocking
from svccli.store.catalog_cache import load_home_cached

DATA = Path(__file__).resolve().parent / "data" / "attendance"
ZK = DATA / "2026-11_attlog.dat"
DING = DATA / "2026-11_dingtalk.xlsx"


@pytest.fixture
def roster(office):
    return load_home_cached(office.path).roster


def test_zkteco_ssr_file_skips_serial_and_checksum(roster):
    got = clocking.read(ZK, roster)
    assert got.fmt == "zkteco" and got.problems == []
    lines = ZK.read_text(encoding="ascii").splitlines()
    assert "\t" not in lines[0] and "\t" not in lines[-1]  # the serial number and the checksum
    assert len(got.punches) == len(lines) - 2
    assert {s for s, _, _ in got.punches} == {f"S{n:03d}" for n in range(1, 10)}  # PINs 101-109
    assert ("S001", dt.datetime(2026, 11, 10, 8, 20), "") in got.punches


def test_zkteco_bad_lines_and_unknown_pin_named_by_line(roster, tmp_path):
    path = tmp_path / "1_attlog.dat"
    path.write_text(
        "      101\t2026-11-16 07:55:01\t1\t0\t1\t0\n"
        "      101\t2026-13-16 12:01:00\t1\t1\t1\t0\n"
        "garbage line without tabs\n"
        "      999\t2026-11-16 14:20:00\t1\t0\t1\t0\n"
        "      101\t2026-11-16 09:00:00\t1\t2\t1\t0\n"
        "      101\t2026-11-16 09:30:00\t1\t3\t1\t0\n"
        "      101\t2026-11-16 17:31:00\t1\t1\t1\t0\n",
        encoding="ascii",
    )
    got = clocking.read(path, roster)
    assert [str(p) for p in got.problems] == [
        "1_attlog.dat:2: 日期时间“2026-13-16 12:01:00”无效",
        "1_attlog.dat:3: 不是考勤机记录格式（应为：工号、日期时间、设备号、状态、验证方式、工作码，以制表符分隔）",
        "1_attlog.dat:4: 未知的考勤号或人员“999”：名册中没有（请在 roster.yaml 为该人员填写 attendance_id）",
    ]
    assert [m for _, _, m in got.punches] == ["", "break-out", "break-in", ""]  # status 2 / 3: out and back


def test_import_with_bad_lines_writes_nothing_unless_told(office, tmp_path):
    path = tmp_path / "2_attlog.dat"
    path.write_text("      101\t2026-11-16 07:55:01\t1\t0\t1\t0\n      777\t2026-11-16 12:01:00\t1\t0\t1\t0\n")
    r = office.run("attendance", "import", str(path), staff="S021")
    assert r.exit_code == 1 and "2_attlog.dat:2:" in r.stderr and "777" in r.stderr
    assert office.records() == []
    r = office.run("attendance", "import", str(path), "--skip-bad", staff="S021")
    assert r.exit_code == 0 and "1 条" in r.stdout and "2_attlog.dat:2:" in r.stderr


def test_dingtalk_export_header_below_the_title_rows(roster):
    got = clocking.read(DING, roster)
    assert got.fmt == "dingtalk" and got.problems == []
    assert {s for s, _, _ in got.punches} == {f"S{n:03d}" for n in range(10, 19)}
    assert ("S012", dt.datetime(2026, 11, 16, 8, 40), "in") in got.punches  # 上班1打卡时间, 迟到
    day = [p for p in got.punches if p[0] == "S015" and p[1].date() == dt.date(2026, 11, 24)]
    assert [m for _, _, m in sorted(day)] == ["in", "in", "out"]  # 下班1 缺卡: no punch


def test_sample_month_imports_and_reports(office):
    for path in (ZK, DING):
        r = office.run("attendance", "import", str(path), today="2026-11-30T18:00", staff="S021")
        assert r.exit_code == 0, r.output
    r = office.run("attendance", "report", "--month", "2026-11", "--format", "json", today="2026-11-30T18:00")
    rows = {row["staff"]: row for row in json.loads(r.stdout)}
    assert (rows["S001"]["late"], rows["S002"]["early"], rows["S004"]["absent_days"]) == (3, 1, 1.0)
    assert rows["S007"]["five_lates_days"] == 1 and rows["S012"]["late"] == 1 and rows["S015"]["early"] == 2


def wecom_file(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业微信打卡记录 2026-11-16 至 2026-11-16"])
    sheet.append(["时间", "姓名", "账号", "部门", "打卡类型", "打卡状态", "打卡时间", "打卡地点"])
    sheet.append(["2026/11/16 星期一", "张伟", "zhangwei", "自然资源", "上班打卡", "正常", "07:58", "大厅"])
    sheet.append(["2026/11/16 星期一", "张伟", "zhangwei", "自然资源", "下班打卡", "未打卡", "--", ""])
    sheet.append(["2026/11/16 星期一", "赵六", "zhaoliu", "自然资源", "上班打卡", "正常", "07:59", "大厅"])
    sheet.append(["2026/11/16 星期一", "张伟", "zhangwei", "自然资源", "下班打卡", "正常", "25:61", "大厅"])
    book.save(path)
    return path


def test_wecom_export_detected_and_read(roster, tmp_path):
    got = clocking.read(wecom_file(tmp_path / "wecom.xlsx"), roster)
    assert got.fmt == "wecom"
    # the 账号 column first (here the roster's login), else the 姓名
    assert [str(p) for p in got.problems] == [
        "wecom.xlsx:5: 未知的考勤号或人员“zhaoliu”：名册中没有（请在 roster.yaml 为该人员填写 attendance_id）",
        "wecom.xlsx:6: 第 7 列“25:61”：时间无效",
    ]
    assert got.punches == [("S001", dt.datetime(2026, 11, 16, 7, 58), "in")]  # 未打卡 "--": no punch


def test_wecom_matched_by_name_when_the_account_is_unknown(office, tmp_path):
    roster = office.path / "catalog" / "roster.yaml"
    roster.write_text(roster.read_text(encoding="utf-8").replace(", login: zhangwei", ""), encoding="utf-8")
    got = clocking.read(wecom_file(tmp_path / "wecom.xlsx"), load_home_cached(office.path).roster)
    assert ("S001", dt.datetime(2026, 11, 16, 7, 58), "in") in got.punches


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("gb18030", b""), ("gb18030", b"\x84\x31\x95\x33"), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")],
)
def test_csv_by_name_in_gb18030_or_utf8_with_or_without_bom(roster, tmp_path, encoding, bom):
    path = tmp_path / "manual.csv"
    text = "姓名,日期,时间,类型\n张伟,2026-11-16,07:58,上班\n李娜,2026/11/16,12:03:10,下班\n王建国,2026-11-16 14:20\n"
    path.write_bytes(bom + text.encode(encoding))
    got = clocking.read(path, roster)
    assert got.fmt == "csv" and got.problems == []
    assert got.punches == [
        ("S001", dt.datetime(2026, 11, 16, 7, 58), "in"),
        ("S002", dt.datetime(2026, 11, 16, 12, 3, 10), "out"),
        ("S003", dt.datetime(2026, 11, 16, 14, 20), ""),
    ]


def test_csv_bad_lines(roster, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("S001,2026-11-16 07:58\nS001,昨天早上\n,2026-11-16 12:00\n", encoding="utf-8")
    got = clocking.read(path, roster)
    assert [str(p) for p in got.problems] == [
        "bad.csv:2: 缺少有效的打卡日期时间（应为：人员、日期时间，如 2026-11-02 08:01）",
        "bad.csv:3: 缺少人员（工号、人员编号或姓名）",
    ]


def test_damaged_excel_is_a_problem_not_a_traceback(office, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04not really a zip")
    r = office.run("attendance", "import", str(path), staff="S021")
    assert r.exit_code == 1 and "broken.xlsx" in r.stderr and "Traceback" not in r.output


def test_a_pin_given_to_two_people_is_never_guessed(office, tmp_path):
    roster = office.path / "catalog" / "roster.yaml"
    roster.write_text(roster.read_text(encoding="utf-8").replace('"102"', '"101"'), encoding="utf-8")
    path = tmp_path / "3_attlog.dat"
    path.write_text("      101\t2026-11-16 07:55:01\t1\t0\t1\t0\n")
    got = clocking.read(path, load_home_cached(office.path).roster)
    assert got.punches == [] and "S001、S002" in str(got.problems[0]) and ":1:" in str(got.problems[0])


def test_an_empty_file_is_refused(office, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    r = office.run("attendance", "import", str(path), staff="S021")
    assert r.exit_code == 1 and "没有可导入的打卡记录" in r.stderr
