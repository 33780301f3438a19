"""Write a complete office home with a realistic year of N cases, for benchmarks.

    python bench/generate.py --cases 1000000 --seed 1 --out /tmp/office1m

The sample catalogue is grown to 2,000 service items (copies of the sample items under new
department codes), twelve windows' clones write their own day files, and every case runs a
realistic course through the same events, field names and hash chains the commands write:
notices, supplements, provisional acceptances, handovers to the department's section and the
result's return to the window (each received), pauses, extensions, refusals, closes of lapsed
supplements, conclusions, notifications and deliveries. A few percent are still open at the year's
last working day, some of them overdue. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from svccli.core.roster import Target  # noqa: E402
from svccli.store.home import load_home  # noqa: E402

YEAR = 2025
CLONES = [f"W{i:02d}" for i in range(1, 13)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
UNITS = ["建设有限公司", "置业有限公司", "餐饮店", "文化传媒有限公司", "印务有限公司", "股份经济合作社", "娱乐有限公司"]
PAUSES = ["hearing", "inspection", "testing", "survey", "expert-review", "appraisal"]
ITEMS_WANTED = 2000
HANDED = 0.60  # share of committed and joint cases the window hands over to the department's section


def grow_catalog(out: Path, wanted: int = ITEMS_WANTED) -> None:
    """Copy the sample office and add departments until the catalogue holds `wanted` items."""
    for name in ("catalog", "templates"):
        shutil.copytree(ROOT / name, out / name)
    (out / "records").mkdir(mode=0o700)
    services = sorted((ROOT / "catalog" / "services").glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in services]
    codes = [p.stem.upper() for p in services]
    have = sum(t.count("\n  - code: ") for t in texts)
    n = 0
    while have < wanted:
        for code, text in zip(codes, texts):
            n += 1
            new = f"{code}{n:02d}"
            copy = text.replace(f"code: {code}, name: ", f"code: {new}, name: 第{n}分局").replace(
                f"- code: {code}-", f"- code: {new}-"
            )
            copy = copy.replace("department: " + code + ",", "department: " + new + ",")
            copy = copy.replace("lead: " + code + "\n", "lead: " + new + "\n")
            (out / "catalog" / "services" / f"{new.lower()}.yaml").write_text(copy, encoding="utf-8")
            have += text.count("\n  - code: ")
            if have >= wanted:
                break


def name_office(path: Path, code: str | None, region: str | None) -> None:
    """Give the copied office its own code and region (many offices for a roll-up)."""
    text = path.read_text(encoding="utf-8")
    if code:
        text = re.sub(r"(?m)^code: .*$", f"code: {code}", text)
        text = re.sub(r"(?m)^name: .*$", f"name: {code} 政务服务中心", text)
    if region:
        text = re.sub(r"(?m)^region: .*$", f"region: {region}", text)
    path.write_text(text, encoding="utf-8")


def workdays(calendar, year: int) -> list[dt.date]:
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if calendar.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


class Writer:
    """Events bucketed by (clone, day); a day's files are written once no later case can reach it."""

    def __init__(self, root: Path):
        self.root, self.buckets = root, defaultdict(list)

    def add(self, clone: str, day: dt.date, ts: str, event: dict) -> None:
        self.buckets[(clone, day)].append((ts, event))

    def flush_before(self, day: dt.date | None) -> None:
        for key in sorted(k for k in self.buckets if day is None or k[1] < day):
            clone, d = key
            events = sorted(self.buckets.pop(key), key=lambda te: te[0])
            folder = self.root / clone / f"{d:%Y-%m}"
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            prev, chunks = "", []
            for _ts, event in events:
                raw = orjson.dumps({**event, "prev": prev})
                chunks.append(raw + b"\n")
                prev = hashlib.sha256(raw).hexdigest()[:32]
            path = folder / f"{d.isoformat()}.jsonl"
            path.write_bytes(b"".join(chunks))
            os.chmod(path, 0o600)


class Year:
    def __init__(self, home, seed: int, out: Path):
        self.rng = random.Random(seed)
        self.cat, self.cal, self.roster = home.catalog, home.calendar, home.roster
        self.items = sorted(self.cat.items.values(), key=lambda i: i.code)
        self.days = workdays(self.cal, YEAR)
        self.staff = sorted(self.roster.staff)
        self.writer = Writer(out / "records")
        self.seq = defaultdict(int)
        self.ids = 0
        self.last, self.closed = (None, 0), False
        self.routes: dict[str, tuple | None] = {}
        self.iso = {d: d.isoformat() for d in self.days}

    def route(self, item) -> tuple | None:
        """Where the window hands an item's cases: the roster's section of the item's department (a grown
        copy such as ZG12 goes to the section of ZG, the department it was copied from), the members who
        may receive for it, and the window the result goes back to with the clerk on duty there (what
        `svc handover --to SECTION` and `svc return` write). None when the roster offers no such route."""
        if item.code in self.routes:
            return self.routes[item.code]
        roster = self.roster
        by_dept = {s.department: s for s in sorted(roster.sections.values(), key=lambda s: s.code)}
        post = roster.posts.get(item.post)
        window = roster.windows.get(post.window) if post else None
        section = (
            by_dept.get(item.department)
            or by_dept.get(re.sub(r"\d+$", "", item.department))
            or (by_dept.get(window.department) if window else None)
        )
        found = None
        if section and window:
            on_duty = roster.window_on_duty(window.code)
            members = [s for s in self.staff if roster.may_receive("section", section.code, s)]
            if on_duty and members:
                found = (
                    Target("section", section.code, section.name, ""),
                    section.chief,
                    members,
                    roster.target(window.code),
                    on_duty,
                )
        self.routes[item.code] = found
        return found

    def ts(self, day: dt.date) -> str:
        """A time in office hours, later than the case's previous event (a case's events are in order)."""
        last_day, last_minute = self.last
        low = last_minute + 1 if day == last_day else 8 * 60
        draw = self.rng.random  # random() rather than randrange(): this runs for every event
        minute = min(low + int(draw() * (max(low + 1, 16 * 60) - low)), 23 * 60)
        self.last = (day, minute)
        iso = self.iso.get(day) or day.isoformat()
        return f"{iso}T{minute // 60:02d}:{minute % 60:02d}:{int(draw() * 60):02d}+08:00"

    def event(self, clone, day, by, kind, case, **fields) -> str:
        """Record an event on `day` (or the case's last day, if later); returns its ts ("" once the year ended)."""
        if day < self.last[0]:  # a case's events never go back in time
            day = self.last[0]
        if day.year > YEAR:  # the year ends: what would come later has not happened yet
            self.closed = True
        if self.closed:
            return ""
        self.ids += 1
        ev = {
            "v": 1,
            "id": hashlib.blake2b(f"{self.ids}".encode(), digest_size=8).hexdigest(),
            "ts": self.ts(day),
            "by": by,
            "type": kind,
            "case": case,
            **fields,
        }
        self.writer.add(clone, day, ev["ts"], ev)
        return ev["ts"]

    def move(self, clone, day, by, kind, case, target, held: dict, receiver: str) -> None:
        """A handover slip (or a return to the window) and its receipt the same working day, now and then
        the next one (the fields `svc handover`/`svc return` and `svc receive` write)."""
        name = self.roster.name
        fields = {
            "to": target.code,
            "to_kind": target.kind,
            "to_name": target.name,
            "receiver": target.receiver,
            "from_name": name(by),
            "materials": [{"code": c, "copies": n} for c, n in held.items()],
            "note": "",
        }
        if target.kind in ("post", "window"):
            fields["routed"] = f"当日在岗：{name(target.receiver)}"
        handed = self.event(clone, day, by, kind, case, **fields)
        if handed:
            got = self.last[0] if self.rng.random() < 0.99 else self.later(self.last[0], 1)
            self.event(
                clone, got, receiver, "receive", case, **{"from": by, "from_name": name(by), "handover_ts": handed}
            )

    def later(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_workdays(day, n)

    def case(self, day: dt.date) -> None:
        self.last, self.closed = (day, 8 * 60 + self.rng.randrange(0, 6 * 60)), False
        rng, item = self.rng, self.rng.choice(self.items)
        clone = rng.choice(CLONES)
        clerk, chief = rng.choice(self.staff), rng.choice(self.staff)
        self.seq[(clone, day)] += 1
        case = f"{self.cat.office.code}-{clone}-{day:%y%m%d}-{self.seq[(clone, day)]:03d}"
        needed = [m for m in item.materials if m.required]
        missing = [m for m in needed if rng.random() < 0.08]
        received = [{"code": m.code, "copies": m.copies} for m in needed if m not in missing]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        unit = (rng.choice(["桐乡市", "嘉兴市", "濮院镇"]) + name[:2] + rng.choice(UNITS)) if rng.random() < 0.5 else ""
        applicant = {
            "name": unit or name,
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "id_number": "",
            "id_type": "resident",
            "unit": unit,
            "address": "",
            "agent": "",
        }
        self.event(
            clone,
            day,
            clerk,
            "intake",
            case,
            service=item.code,
            applicant=applicant,
            received=received,
            applicable=[],
            first_contact=clerk,
        )
        accepted, clock = day, day
        owed = [m for m in missing if m.may_owe]
        blocking = [m for m in missing if not m.may_owe]
        if blocking:
            by = self.later(day, 10).isoformat()
            items = [{"code": m.code, "name": m.name, "problem": "missing", "reason": "未提交"} for m in missing]
            self.event(
                clone,
                day,
                clerk,
                "notice",
                case,
                seq=1,
                items=items,
                supplement_by=by,
                written=item.licensing,
                breach=[],
            )
            if rng.random() < 0.04:
                if rng.random() < 0.5:
                    self.event(clone, self.later(day, 1), clerk, "refuse", case, reason="申请人不具备申请主体资格")
                elif rng.random() < 0.95:  # the daily check lists the lapse; the window closes it within days
                    self.event(
                        clone,
                        self.later(self.later(day, 10), rng.randrange(1, 6)),
                        clerk,
                        "close",
                        case,
                        reason=f"申请人逾期（{by}）未补正材料",
                    )
                return  # the rest stay pending, listed as lapsed
            accepted = clock = self.later(day, rng.randrange(1, 8))
            self.event(
                clone,
                accepted,
                clerk,
                "supplement",
                case,
                materials=[{"code": m.code, "copies": m.copies} for m in missing],
            )
            owed = []
        self.event(
            clone,
            accepted,
            clerk,
            "accept",
            case,
            clock_from=clock.isoformat(),
            owed=[{"code": m.code, "name": m.name, "problem": "missing", "reason": "未提交"} for m in owed],
            owed_by=self.later(accepted, 10).isoformat() if owed else "",
        )
        held = {m["code"]: m["copies"] for m in received}
        if missing and not owed:
            held.update((m.code, m.copies) for m in missing)
        holder = ""
        route = self.route(item) if item.kind in ("committed", "joint") and rng.random() < HANDED else None
        if route:  # the window hands the case to the section the same working day (now and then the next)
            section, head, members, window, on_duty = route
            # the section's member who receives, decides and returns the result: not the clerk who hands
            # it over, nor the window's clerk on duty the result goes back to (nobody hands to himself)
            holders = [s for s in members if s != clerk and s != on_duty]
            if holders:
                holder = rng.choice(holders)
                chief = head or holder  # pauses and extensions are the section chief's
                self.move(
                    clone,
                    accepted if rng.random() < 0.85 else self.later(accepted, 1),
                    clerk,
                    "handover",
                    case,
                    section,
                    held,
                    holder,
                )
            else:
                route = None
        if owed:
            self.event(
                clone,
                self.later(accepted, rng.randrange(1, 6)),
                clerk,
                "supplement",
                case,
                materials=[{"code": m.code, "copies": m.copies} for m in owed],
            )
        limit = item.committed_limit
        span = max(0, limit - rng.choice([0, 0, 0, 1, 2])) if rng.random() < 0.97 else limit + rng.randrange(1, 6)
        decided = self.later(clock, span) if limit else accepted
        if owed:
            held.update((m.code, m.copies) for m in owed)
        if limit and rng.random() < 0.06:
            start = self.later(clock, max(0, min(span, 1)))
            self.event(
                clone, start, chief, "suspend", case, reason=rng.choice(PAUSES), expected="约 5 个工作日", note=""
            )
            back = self.later(start, rng.randrange(1, 8))
            self.event(clone, back, chief, "resume", case)
            decided = self.later(decided, self.cal.workdays_between(start, back))
        if limit and rng.random() < 0.02:
            self.event(
                clone,
                self.later(clock, 1),
                chief,
                "extend",
                case,
                days=5,
                reason="情况复杂需进一步核查",
                basis="《行政许可法》第四十二条",
                opinion="",
                approved_by="",
                late=False,
                old_due="",
            )
        if decided > self.days[-1]:
            return  # still open at the year's end
        if rng.random() < 0.01:
            self.event(clone, decided, clerk, "withdraw", case, reason="申请人撤回")
            return
        result = "approved" if rng.random() < 0.95 else "denied"
        if not self.event(
            clone,
            decided,
            holder if route else chief,
            "conclude",
            case,
            result=result,
            reasons="不符合法定条件" if result == "denied" else "",
            note="",
        ):
            return
        decided = self.last[0]
        if route:  # the section returns the result to the window; the clerk on duty there receives and serves it
            self.move(clone, decided, holder, "return", case, window, held, on_duty)
            clerk = on_duty
        served = self.later(decided, rng.choice([0, 0, 1, 2]))
        if self.last[0] > served:
            served = self.last[0]
        if served.year > YEAR or self.closed:
            return
        if served > decided and rng.random() < 0.5:
            self.event(clone, decided, clerk, "notify", case)
        self.event(
            clone,
            served,
            clerk,
            "deliver",
            case,
            to=applicant["name"],
            proxy=False,
            authorisation="",
            how="in_person",
            tracking="",
            served_on=served.isoformat(),
        )

    def run(self, n: int) -> None:
        per_day, extra = divmod(n, len(self.days))
        for i, day in enumerate(self.days):
            self.writer.flush_before(day - dt.timedelta(days=0))
            for _ in range(per_day + (1 if i < extra else 0)):
                self.case(day)
        self.writer.flush_before(None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--office", help="the office's code in office.yaml (case ids start with it)")
    parser.add_argument("--region", help="the office's region in office.yaml (svc rollup totals by it)")
    parser.add_argument("--items", type=int, default=ITEMS_WANTED, help="service items to grow the catalogue to")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        raise SystemExit(f"{args.out} is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    grow_catalog(args.out, args.items)
    name_office(args.out / "catalog" / "office.yaml", args.office, args.region)
    home = load_home(args.out)
    if home.errors:
        raise SystemExit("grown catalogue has errors:\n" + "\n".join(map(str, home.errors[:5])))
    Year(home, args.seed, args.out).run(args.cases)
    print(f"{args.cases} cases written under {args.out}")


if __name__ == "__main__":
    main()
