"""Rebuild the sample office's records/ through the real commands (run from the repository root).

    python bench/sample_records.py           # refuses if records/ already holds files
    python bench/sample_records.py --force   # starts records/ afresh

Cases in every state, written by two windows' clones (W01, W04) between October and late
November 2026, so `svc overdue` on the sample office always has something to report.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def svc(*args: str, today: str, staff: str = "S001", clone: str = "W01") -> str:
    cmd = [sys.executable, "-m", "svccli", "--home", str(ROOT), "--today", today, "--as", staff, *args]
    env = {"SVC_CLONE": clone, "PATH": "/usr/bin:/bin", "SVC_CLOCK": today}  # recorded as if on that day
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""


def intake(
    service: str, applicant: str, phone: str, *materials: str, today: str, staff="S001", clone="W01", extra=()
) -> str:
    args = ["intake", service, "--applicant", applicant, "--phone", phone, *extra]  # documents issued
    for m in materials:
        args += ["--material", m]
    return svc(*args, today=today, staff=staff, clone=clone)


def decide(
    case: str,
    section: str,
    chief: str,
    reviewer: str,
    approver: str,
    days: tuple[str, str, str],
    *,
    clerk: str = "S001",
    clone: str = "W01",
    result: str = "approved",
    note: str = "",
) -> None:
    """Window → section (received the same day) → review and check (一审一核) → decision."""
    handed, reviewed, decided = days
    svc("handover", case, "--to", section, today=handed, staff=clerk, clone=clone)
    svc("receive", case, today=handed.replace("T09", "T11").replace("T10", "T14"), staff=chief, clone=clone)
    svc("review", case, "--opinion", "材料齐全，符合法定条件，建议准予", today=reviewed, staff=reviewer, clone=clone)
    svc("approve", case, today=reviewed.replace("T09", "T15").replace("T10", "T16"), staff=approver, clone=clone)
    args = ["conclude", case, "--result", result] + (["--note", note] if note else [])
    svc(*args, today=decided, staff=chief, clone=clone)


def main() -> None:
    records = ROOT / "records"
    if any(records.glob("*/*/*.jsonl")):
        if "--force" not in sys.argv:
            raise SystemExit("records/ already holds records; use --force to start afresh")
        for child in records.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()

    # 规划（W01）: a complete committed case, concluded and delivered on time
    c = intake(
        "ZG-001",
        "桐乡市恒达置业有限公司",
        "13857301234",
        "M01",
        "M02",
        "M05:2",
        "M06",
        today="2026-10-12T09:10",
        extra=["--unit", "恒达置业", "--id-number", "330483198503150015"],
    )
    decide(
        c,
        "ZG-SP",
        "S003",
        "S003",
        "S020",
        ("2026-10-12T10:00", "2026-10-16T09:00", "2026-10-19T15:00"),
        note="地字第330483202600123号",
    )
    svc("return", c, "--to", "W01", today="2026-10-19T16:00", staff="S003")
    svc("receive", c, today="2026-10-19T16:30", staff="S001")
    svc("deliver", c, today="2026-10-20T10:00")

    # 规划: missing materials, one-time notice, supplement, accepted, now overdue (deemed approval)
    c = intake("ZG-002", "桐乡市城投建设有限公司", "13905731188", "M01", today="2026-10-26T10:20", staff="S002")
    svc(
        "supplement",
        c,
        "--material",
        "M02",
        "--material",
        "M03:3",
        "--material",
        "M04",
        "--material",
        "M05",
        "--material",
        "M06",
        today="2026-10-28T14:40",
        staff="S002",
    )

    # 规划: a later notice re-listing an old gap (breach), still pending
    c = intake("ZG-001", "桐乡市梧桐街道办事处", "0573-88012345", "M01", today="2026-11-16T09:30")
    svc("notice", c, "--add", "M07:委托他人办理须提交授权委托书", today="2026-11-18T11:00")

    # 不动产（W01 clone, BD post）: an immediate search concluded on the spot
    intake(
        "BD-001",
        "沈国强",
        "13705738899",
        "M01",
        "M02",
        today="2026-11-02T08:45",
        staff="S004",
        extra=["--done", "--id-number", "330483197001010018"],
    )

    # 不动产: committed case accepted, concluded, applicant told to collect (no-show is on time)
    c = intake(
        "BD-003", "钱美玲", "15857305566", *[f"M0{i}" for i in range(1, 8)], today="2026-11-09T09:00", staff="S005"
    )
    decide(
        c, "BD-SP", "S006", "S006", "S020", ("2026-11-09T10:00", "2026-11-12T09:00", "2026-11-13T16:00"), clerk="S005"
    )
    svc("notify", c, today="2026-11-13T16:30", staff="S005")

    # 文广（W04 clone）: an entertainment venue licence paused for inspection, still paused
    c = intake(
        "WG-002",
        "桐乡市星光娱乐有限公司",
        "13858306677",
        "M01",
        "M02",
        "M03",
        "M04",
        "M05",
        "M06",
        today="2026-11-04T10:00",
        staff="S009",
        clone="W04",
    )
    svc(
        "suspend",
        c,
        "--reason",
        "inspection",
        "--expected",
        "消防及噪声检测约 10 个工作日",
        today="2026-11-05T09:00",
        staff="S011",
        clone="W04",
    )

    # 文广: accepted, extended on time, still open
    c = intake(
        "WG-003",
        "桐乡市大地演艺有限公司",
        "13967301010",
        "M01",
        "M02",
        "M03",
        "M04",
        "M05",
        "M06",
        today="2026-11-10T14:00",
        staff="S010",
        clone="W04",
    )
    svc(
        "extend",
        c,
        "--days",
        "3",
        "--reason",
        "演出内容需专家审核",
        "--basis",
        "《营业性演出管理条例实施细则》",
        today="2026-11-12T09:00",
        staff="S011",
        clone="W04",
    )

    # 文广: refused and referred at the window
    c = intake(
        "WG-005", "桐乡市新华印务有限公司", "13819302020", "M01", today="2026-11-11T15:20", staff="S009", clone="W04"
    )
    svc(
        "refuse",
        c,
        "--reason",
        "申请人未取得营业执照，不具备申请主体资格",
        today="2026-11-11T15:30",
        staff="S009",
        clone="W04",
    )
    c = intake("WG-006", "濮院镇文化站", "0573-88345678", today="2026-11-12T10:00", staff="S010", clone="W04")
    svc(
        "refer",
        c,
        "--to",
        "桐乡市民政局",
        "--contact",
        "0573-88023456（行政服务中心二楼 12 号窗口）",
        today="2026-11-12T10:05",
        staff="S010",
        clone="W04",
    )

    # 林业（W01 clone, LY post）: overdue committed case (accepted in October, never concluded)
    intake(
        "LY-001",
        "石门镇东浜村股份经济合作社",
        "13605735252",
        "M01",
        "M02",
        "M03",
        "M04",
        "M05",
        today="2026-10-20T09:00",
        staff="S012",
        extra=["--require", "M05"],
    )

    # 规划: handed over this morning and not yet collected by the section
    c = intake(
        "ZG-003",
        "桐乡市高桥镇人民政府",
        "0573-88567890",
        "M01",
        "M02",
        "M03",
        "M04:2",
        "M05",
        today="2026-11-24T09:20",
        staff="S002",
    )
    svc("handover", c, "--to", "ZG-SP", today="2026-11-24T10:00", staff="S002")

    # 住建: accepted last week, due soon
    intake(
        "ZJ-001",
        "浙江桐乡建工集团有限公司",
        "13705731357",
        "M01",
        "M02",
        "M03",
        "M04",
        "M05",
        "M06",
        today="2026-11-23T10:00",
        staff="S007",
    )

    # 市场监管: withdrawn by the applicant
    c = intake("SC-001", "桐乡市百味餐饮店", "18757301122", "M01", "M02", today="2026-11-05T09:15", staff="S017")
    svc("withdraw", c, "--reason", "申请人决定暂缓开业", today="2026-11-06T10:00", staff="S017")

    # first-contact ledger
    svc(
        "inquiry",
        "--channel",
        "phone",
        "--person",
        "陆先生",
        "--phone",
        "13511112222",
        "--matter",
        "咨询林木采伐许可所需材料",
        "--outcome",
        "answered",
        today="2026-11-03T09:20",
        staff="S012",
    )
    svc(
        "inquiry",
        "--person",
        "周女士",
        "--matter",
        "咨询个体工商户注册",
        "--outcome",
        "referred",
        "--authority",
        "桐乡市市场监督管理局",
        "--contact",
        "0573-88100170",
        today="2026-11-17T14:50",
        staff="S001",
    )
    svc(
        "inquiry",
        "--person",
        "王先生",
        "--matter",
        "询问不动产抵押登记办理进度",
        "--outcome",
        "led",
        "--handler",
        "S005",
        today="2026-11-20T10:30",
        staff="S001",
    )
    leaves()
    print(f"sample records written under {records}")


def leaves() -> None:
    """Leave and cover (A、B岗): `svc duty` shows B holders and a temporary cover at work, and the
    daily check of 2026-11-25 an unattended post (the fire brigade's window, both holders away)."""
    sub = ["--substitute-phone", "13906830099"]
    # 2 days of personal leave for 张伟 (deputy director), taken back early; 李娜 (B1) covers meanwhile
    svc("leave", "request", "S001", "--from", "2026-11-24", "--to", "2026-11-25", "--kind", "事假",
        "--reason", "家中老人住院陪护", "--substitute", "S002", today="2026-11-20T16:00")  # fmt: skip
    svc("leave", "approve", "QJ-W01-261120-001", "--unit-opinion", "同意（县自然资源和规划局 已盖章）",
        today="2026-11-20T16:30", staff="S020")  # fmt: skip
    svc("leave", "return", "QJ-W01-261120-001", "--at", "2026-11-25T12:00", today="2026-11-25T12:00")
    # under one hour: told to the office, recorded as granted
    svc("leave", "request", "S002", "--from", "2026-11-20T08:00", "--to", "2026-11-20T08:40", "--kind", "事假",
        "--reason", "到银行办理业务", today="2026-11-20T08:00", staff="S002")  # fmt: skip
    # maternity leave for 吴晓燕 (director): a temporary cover for the first month, then 周敏 (B1)
    svc("leave", "request", "S010", "--from", "2026-11-16", "--to", "2027-03-12", "--kind", "产假",
        "--reason", "生育", "--substitute", "陶丽", *sub, today="2026-11-10T10:00", staff="S010", clone="W04")  # fmt: skip
    svc("leave", "approve", "QJ-W04-261110-001", "--unit-opinion", "同意（县文化广电旅游体育局主要领导签字、盖章）",
        today="2026-11-11T09:00", staff="S019", clone="W04")  # fmt: skip
    svc("cover", "add", "陶丽", "--post", "P-WG-B", "--from", "2026-11-16", "--to", "2026-12-15",
        "--unit", "县文化广电旅游体育局", "--approved-by", "S021", today="2026-11-11T10:00", staff="S021", clone="W04")  # fmt: skip
    # 消防: 胡斌 on sick leave and 郭志强 (the only B) at a meeting in the afternoon of 11-25
    svc("leave", "request", "S015", "--from", "2026-11-25", "--to", "2026-11-25", "--kind", "病假",
        "--reason", "急性肠胃炎", "--certificate", "县人民医院诊断证明 2026-1125-17", "--substitute", "S016",
        today="2026-11-24T17:00", staff="S015")  # fmt: skip
    svc("leave", "approve", "QJ-W01-261124-001", today="2026-11-24T17:10", staff="S016")
    svc("leave", "request", "S016", "--from", "2026-11-25T14:30", "--to", "2026-11-25T17:30", "--kind", "公假",
        "--reason", "参加全市消防审验业务会议", "--substitute", "陈卫东", *sub, today="2026-11-24T17:20", staff="S016")  # fmt: skip
    svc("leave", "approve", "QJ-W01-261124-002", today="2026-11-24T17:30", staff="S020")
    # awaiting the deputy director
    svc("leave", "request", "S012", "--from", "2026-12-03", "--to", "2026-12-04", "--kind", "年休假",
        "--reason", "年休假", "--substitute", "S013", today="2026-11-27T09:00", staff="S012")  # fmt: skip


if __name__ == "__main__":
    main()
