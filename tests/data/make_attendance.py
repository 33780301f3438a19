"""Writes the sample office's attendance for November 2026 (tests/data/attendance/):

- 2026-11_attlog.dat: a ZKTeco SSR machine's USB download for the window staff S001-S009 (PINs
  101-109 in catalog/roster.yaml), with the serial number first and a checksum last.
- 2026-11_dingtalk.xlsx: a DingTalk 每日统计 export for S010-S018 (工号 110-118).

Everyone signs in and out on time on each working day, except (the tests rely on these):
- S001 张伟: late 11-03 am (08:25), 11-10 am (08:20, the worked number), 11-17 pm (14:52);
  11-05 am at 08:19 is not late.
- S002 李娜: early 11-12 am (11:39); 11-13 am at 11:40 is not early.
- S004 刘芳: absent 11-18 (no punch all day).
- S005 陈静: no punch on 11-19 (a leave day, once the leave is recorded).
- S007 赵磊: late five times (11-02, 11-04, 11-06, 11-09, 11-11 am, 08:30).
- S012 孙丽 (DingTalk): late 11-16 am (08:40, 迟到).
- S015 胡斌 (DingTalk): early 11-20 pm (17:00, 早退); no sign-out 11-24 am (缺卡).

Run `python tests/data/make_attendance.py` from the repository's root after changing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent / "attendance"
NAMES = {
    "S010": "吴晓燕",
    "S011": "徐志刚",
    "S012": "孙丽",
    "S013": "马俊",
    "S014": "朱永平",
    "S015": "胡斌",
    "S016": "郭志强",
    "S017": "林小红",
    "S018": "何军",
}
UNITS = {
    "S010": "县文化广电旅游体育局",
    "S011": "县文化广电旅游体育局",
    "S012": "县林业局",
    "S013": "县林业局",
    "S014": "县林业局",
    "S015": "县消防救援大队",
    "S016": "县消防救援大队",
    "S017": "县市场监督管理局",
    "S018": "县市场监督管理局",
}
# (staff, day, slot) -> time, or None for no punch; slots: 0 am in, 1 am out, 2 pm in, 3 pm out
SPECIAL: dict[tuple[str, str, int], str | None] = {
    ("S001", "11-03", 0): "08:25:10",
    ("S001", "11-10", 0): "08:20:00",
    ("S001", "11-17", 2): "14:52:33",
    ("S001", "11-05", 0): "08:19:59",
    ("S002", "11-12", 1): "11:39:05",
    ("S002", "11-13", 1): "11:40:00",
    **{("S007", d, 0): "08:30:00" for d in ("11-02", "11-04", "11-06", "11-09", "11-11")},
    ("S012", "11-16", 0): "08:40:00",
    ("S015", "11-20", 3): "17:00:00",
    ("S015", "11-24", 1): None,
}
ABSENT_DAYS = {("S004", "11-18"), ("S005", "11-19")}


def working_days() -> list[dt.date]:
    day, days = dt.date(2026, 11, 1), []
    while day.month == 11:
        if day.weekday() < 5:  # November 2026 has no holiday and no 调休 working Saturday
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def day_punches(rng: random.Random, staff: str, day: dt.date) -> list[str | None]:
    """The four punches of a working day as HH:MM:SS (None: no punch)."""
    key = f"{day:%m-%d}"
    if (staff, key) in ABSENT_DAYS:
        return [None] * 4
    normal = [
        f"07:{rng.randint(40, 59):02d}:{rng.randint(0, 59):02d}",
        f"12:{rng.randint(0, 12):02d}:{rng.randint(0, 59):02d}",
        f"14:{rng.randint(10, 29):02d}:{rng.randint(0, 59):02d}",
        f"17:{rng.randint(30, 45):02d}:{rng.randint(0, 59):02d}",
    ]
    return [SPECIAL.get((staff, key, i), t) if (staff, key, i) in SPECIAL else t for i, t in enumerate(normal)]


def zkteco() -> str:
    rng = random.Random(2026)
    lines = []
    for day in working_days():
        for n in range(1, 10):
            staff = f"S{n:03d}"
            for t in day_punches(rng, staff, day):
                if t:
                    lines.append(f"{100 + n:>9}\t{day} {t}\t1\t0\t1\t0")
    lines.sort(key=lambda ln: ln.split("\t")[1])
    body = "\r\n".join(lines)
    return f"AEYU184460032\r\n{body}\r\n{hashlib.md5(body.encode()).hexdigest().upper()}\r\n"


def dingtalk(path: Path) -> None:
    import openpyxl

    rng = random.Random(2027)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "每日统计"
    sheet.append(["每日统计 统计日期：2026-11-01 至 2026-11-30"])
    sheet.append(["报表生成时间：2026-12-01 08:30"])
    heads = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次"]
    slots = ["上班1", "下班1", "上班2", "下班2"]
    sheet.append(heads + [f"{s}打卡{k}" for s in slots for k in ("时间", "结果")])
    week = "一二三四五六日"
    for n in range(10, 19):
        staff = f"S{n:03d}"
        for day in working_days():
            times = day_punches(rng, staff, day)
            row = [NAMES[staff], "窗口考勤组", UNITS[staff], str(100 + n), "窗口工作人员", f"0{n}2233445566"]
            row += [f"{day:%y-%m-%d} 星期{week[day.weekday()]}", "上午 08:00-12:00;下午 14:30-17:30"]
            for i, t in enumerate(times):
                row += [t[:5] if t else "", _result(i, t)]
            sheet.append(row)
    book.save(path)


def _result(slot: int, t: str | None) -> str:
    if t is None:
        return "缺卡"
    if slot in (0, 2):
        start = "08:00" if slot == 0 else "14:30"
        return "迟到" if t[:5] > start else "正常"
    end = "12:00" if slot == 1 else "17:30"
    return "早退" if t[:5] < end else "正常"


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "2026-11_attlog.dat").write_bytes(zkteco().encode("ascii"))
    dingtalk(HERE / "2026-11_dingtalk.xlsx")


if __name__ == "__main__":
    main()
