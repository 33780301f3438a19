"""The clocking systems' files (考勤机、钉钉、企业微信 exports, plain CSV) read into punches.

Formats (`detect` chooses one when the user gives none):
- zkteco: a ZKTeco machine's USB download `*_attlog.dat`: one punch a line, tab-separated: PIN
  (right-aligned, space-padded), `YYYY-MM-DD HH:MM:SS`, device number, status, verify mode, work
  code. SSR models add the machine's serial number as a first line and a checksum as a last line
  (lines without a tab there are skipped). Status 2 / 3 (外出 / 外出返回) mark a stretch away; 0 and
  1 are left unmarked, as most machines write them regardless of the key pressed.
- dingtalk, wecom: the Excel exports of DingTalk (钉钉 考勤打卡 → 每日统计 / 原始记录) and WeCom
  (企业微信 打卡 → 日报 / 打卡记录). Title lines come first; the header row is the first with a
  姓名 cell and a punch-time column. Punch times are in `上班N打卡时间` / `下班N打卡时间` columns
  (marked sign-in / sign-out) with their `…打卡结果` columns, or in one `打卡时间` column with an
  optional `打卡类型` (上班 / 下班). A time may be `08:01`, a full date and time, or `次日 01:00`;
  the day comes from the `日期` column (`26-11-02 星期一`, `2026/11/02`, a date cell). An empty
  time whose result is 缺卡 / 未打卡 is no punch.
- csv: staff id, attendance id or name, then the date and time (one column or two), then an
  optional 上班 / 下班; UTF-8 or GB18030, with or without BOM; a header row is skipped.

People are matched by staff id, then by the roster's `attendance_id` (the machine's PIN), its
login (a WeCom 账号), then by name (unique in the roster); in an Excel export the id column (工号,
账号, UserId) first, then 姓名. Every bad line is a Problem naming file:line (Excel: its row).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from svccli.core.attendance import BREAK_IN, BREAK_OUT
from svccli.core.problems import Problem
from svccli.core.roster import Roster

FORMATS = ("zkteco", "dingtalk", "wecom", "csv")
FORMAT_NAMES = {"zkteco": "考勤机（ZKTeco）", "dingtalk": "钉钉导出", "wecom": "企业微信导出", "csv": "CSV"}
ZK_LINE = re.compile(r"^\s*([^\t]+?)\s*\t\s*(\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(?::\d{2})?)\s*((?:\t\s*\d*\s*)*)$")
ZK_MARKS = {"2": BREAK_OUT, "3": BREAK_IN}
DATE = re.compile(r"(\d{2,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
TIME = re.compile(r"(次日)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?")
SHIFT_COL = re.compile(r"^(上班|下班)(\d*)打卡时间$")
MISSING = ("缺卡", "未打卡", "旷工")
ID_HEADERS = ("工号", "考勤号", "人员编号", "账号", "UserId", "userid", "用户ID")
DATE_HEADERS = ("日期", "考勤日期", "打卡日期", "时间")
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Read:
    """What a file gave: (staff, at, mark) punches, and its bad lines."""

    fmt: str
    punches: list[tuple[str, dt.datetime, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def detect(path: Path, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":  # an xlsx (zip) file
        return "wecom" if "企业微信" in _xlsx_head(path) else "dingtalk"
    text = _decode(data)
    lines = [ln for ln in text.splitlines() if ln.strip()][:5]
    if path.name.lower().endswith(".dat") or any(ZK_LINE.match(ln) for ln in lines):
        return "zkteco"
    return "csv"


def read(path: Path, roster: Roster, fmt: str | None = None) -> Read:
    """The punches of a file in one of FORMATS (detected when None)."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        return Read(fmt or "csv", problems=[Problem(path.name, 0, "文件太大（超过 50 MB），请按月分开导出")])
    fmt = fmt or detect(path, data)
    who = _Matcher(roster)
    out = Read(fmt)
    if fmt in ("dingtalk", "wecom"):
        rows = _xlsx_rows(path, out)
    elif fmt == "zkteco":
        rows = _zk_rows(_decode(data), out, path.name)
    else:
        rows = _csv_rows(_decode(data), out, path.name)
    for line, keys, at, mark in rows:
        staff = next((s for s in map(who.match, keys) if s), None)
        if staff is None:
            out.problems.append(Problem(path.name, line, who.why(next((k for k in keys if k.strip()), ""))))
        else:
            out.punches.append((staff, at, mark))
    return out


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(b"\x84\x31\x95\x33"):  # the GB18030 byte order mark
        return data[4:].decode("gb18030", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


class _Matcher:
    def __init__(self, roster: Roster):
        self.ids = set(roster.staff)
        pins: dict[str, list[str]] = {}
        for s in roster.staff.values():
            if s.attendance_id.strip():
                pins.setdefault(s.attendance_id.strip(), []).append(s.id)
        self.shared = {p: ids for p, ids in pins.items() if len(ids) > 1}  # never guessed between
        self.pins = {p: ids[0] for p, ids in pins.items() if len(ids) == 1}
        self.numeric = {p.lstrip("0"): s for p, s in self.pins.items() if p.isdigit()}
        self.logins = {s.login: s.id for s in roster.staff.values() if s.login}
        names: dict[str, list[str]] = {}
        for s in roster.staff.values():
            names.setdefault(s.name, []).append(s.id)
        self.names = names

    def match(self, key: str) -> str | None:
        key = key.strip()
        if key in self.ids:
            return key
        if key in self.pins:
            return self.pins[key]
        if key.isdigit() and key.lstrip("0") in self.numeric:
            return self.numeric[key.lstrip("0")]
        if key in self.logins:  # a WeCom 账号 is often the login name
            return self.logins[key]
        found = self.names.get(key, [])
        return found[0] if len(found) == 1 else None

    def why(self, key: str) -> str:
        if key.strip() in self.shared:
            return f"考勤号“{key.strip()}”在名册中填给了 {'、'.join(self.shared[key.strip()])}，请在 roster.yaml 中改正"
        if len(self.names.get(key.strip(), [])) > 1:
            return f"姓名“{key}”在名册中有 {len(self.names[key.strip()])} 人，请改用人员编号或考勤号"
        if not key.strip():
            return "缺少人员（工号、人员编号或姓名）"
        return f"未知的考勤号或人员“{key}”：名册中没有（请在 roster.yaml 为该人员填写 attendance_id）"


def _zk_rows(text: str, out: Read, name: str) -> Iterator[tuple[int, tuple[str, ...], dt.datetime, str]]:
    lines = text.splitlines()
    last = max((i for i, ln in enumerate(lines) if ln.strip()), default=-1)
    for i, ln in enumerate(lines):
        if not ln.strip():
            continue
        if "\t" not in ln and (i == 0 or i == last) and re.fullmatch(r"[\w=+/-]{1,64}", ln.strip()):
            continue  # an SSR model's serial number (first line) or checksum (last line)
        m = ZK_LINE.match(ln)
        if not m:
            out.problems.append(
                Problem(
                    name,
                    i + 1,
                    "不是考勤机记录格式（应为：工号、日期时间、设备号、状态、验证方式、工作码，以制表符分隔）",
                )
            )
            continue
        at = _moment(m.group(2))
        if at is None:
            out.problems.append(Problem(name, i + 1, f"日期时间“{m.group(2)}”无效"))
            continue
        rest = [x.strip() for x in m.group(3).split("\t")[1:]]
        status = rest[1] if len(rest) > 1 else ""
        yield i + 1, (m.group(1),), at, ZK_MARKS.get(status, "")


def _moment(text: str) -> dt.datetime | None:
    m = DATE.search(text)
    t = TIME.search(text[m.end() :] if m else "")
    if not m or not t:
        return None
    try:
        year = int(m.group(1)) + (2000 if len(m.group(1)) == 2 else 0)
        day = dt.date(year, int(m.group(2)), int(m.group(3)))
        return dt.datetime.combine(day, dt.time(int(t.group(2)), int(t.group(3)), int(t.group(4) or 0)))
    except ValueError:
        return None


def _mark(text: str) -> str:
    text = text.strip().lower()
    if text.startswith("上班") or text in ("in", "签到"):
        return "in"
    if text.startswith("下班") or text in ("out", "签退"):
        return "out"
    return ""


def _csv_rows(text: str, out: Read, name: str) -> Iterator[tuple[int, tuple[str, ...], dt.datetime, str]]:
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        at = _moment(cells[1]) if len(cells) > 1 else None
        rest = cells[2:]
        if at is None and len(cells) > 2:
            at, rest = _moment(f"{cells[1]} {cells[2]}"), cells[3:]
        if at is None:
            if n == 1 and not DATE.search(",".join(cells)):
                continue  # a header row
            out.problems.append(Problem(name, n, "缺少有效的打卡日期时间（应为：人员、日期时间，如 2026-11-02 08:01）"))
            continue
        yield n, (cells[0],), at, _mark(rest[0]) if rest else ""


def _xlsx_head(path: Path) -> str:
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        head = " ".join(str(c) for row in sheet.iter_rows(max_row=6, values_only=True) for c in row if c is not None)
        book.close()
        return head
    except Exception:  # noqa: BLE001 - an unreadable file is reported when it is read
        return ""


def _xlsx_rows(path: Path, out: Read) -> Iterator[tuple[int, tuple[str, ...], dt.datetime, str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        out.problems.append(Problem(path.name, 0, f"无法读取 Excel 文件（{type(e).__name__}）：请确认是 .xlsx 格式"))
        return
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        layout = None
        for n, row in enumerate(rows, start=1):
            cells = ["" if c is None else c for c in row]
            if layout is None:
                layout = _layout([str(c).strip() for c in cells])
                if layout is None and n >= 20:
                    break
                continue
            if any(str(c).strip() for c in cells):
                yield from _xlsx_row(n, cells, layout, out, path.name)
        if layout is None:
            out.problems.append(Problem(path.name, 0, "找不到表头行（应有“姓名”列和“上班1打卡时间”或“打卡时间”列）"))
    finally:
        book.close()


@dataclass
class _Layout:
    key: int  # the column naming the person: an id column, else 姓名
    name: int
    day: int | None
    times: list[tuple[int, int | None, str]]  # (time column, its result column, mark)
    kind: int | None  # 打卡类型


def _layout(heads: list[str]) -> _Layout | None:
    if "姓名" not in heads:
        return None
    times: list[tuple[int, int | None, str]] = []
    for i, h in enumerate(heads):
        m = SHIFT_COL.match(h)
        if m:
            said = f"{m.group(1)}{m.group(2)}打卡结果"
            times.append((i, heads.index(said) if said in heads else None, "in" if m.group(1) == "上班" else "out"))
    if not times and "打卡时间" in heads:
        i = heads.index("打卡时间")
        result = next((heads.index(h) for h in ("打卡结果", "打卡状态") if h in heads), None)
        times.append((i, result, ""))
    if not times:
        return None
    name = heads.index("姓名")
    key = next((heads.index(h) for h in ID_HEADERS if h in heads), name)
    day = next((heads.index(h) for h in DATE_HEADERS if h in heads), None)
    kind = heads.index("打卡类型") if "打卡类型" in heads else None
    return _Layout(key, name, day, times, kind)


def _xlsx_row(
    n: int, cells: list, lay: _Layout, out: Read, name: str
) -> Iterator[tuple[int, tuple[str, ...], dt.datetime, str]]:
    def cell(i: int | None):
        return cells[i] if i is not None and i < len(cells) else ""

    keys = (str(cell(lay.key)).strip(), str(cell(lay.name)).strip())  # the id column, else the name
    day = _day(cell(lay.day))
    mark_of_row = _mark(str(cell(lay.kind))) if lay.kind is not None else ""
    for col, result, mark in lay.times:
        value, said = cell(col), str(cell(result)).strip()
        if value in ("", None) or str(value).strip() in ("--", "-", "未打卡", "缺卡"):
            continue  # no punch (缺卡): the rules find it missing
        at = _cell_moment(value, day)
        if at is None:
            why = "没有有效的日期（“日期”列）" if day is None and not isinstance(value, dt.datetime) else "时间无效"
            out.problems.append(Problem(name, n, f"第 {col + 1} 列“{value}”：{why}"))
            continue
        if said and any(said.startswith(x) for x in MISSING) and not str(value).strip():
            continue
        yield n, keys, at, mark or mark_of_row


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = DATE.search(str(value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)) + (2000 if len(m.group(1)) == 2 else 0), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _cell_moment(value, day: dt.date | None) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.time):
        return dt.datetime.combine(day, value.replace(microsecond=0)) if day else None
    text = str(value).strip()
    if DATE.search(text):
        return _moment(text)
    t = TIME.fullmatch(text)
    if not t or day is None:
        return None
    try:
        at = dt.datetime.combine(day, dt.time(int(t.group(2)), int(t.group(3)), int(t.group(4) or 0)))
    except ValueError:
        return None
    return at + dt.timedelta(days=1) if t.group(1) else at
