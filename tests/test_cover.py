"""Temporary cover from outside the roster (临时顶岗): at most one month; up to a working week manual
sign-in four times a day, longer fingerprints; the window is recorded for the assessment; the cover
holds the post while A is away; the registration is cancelled at the end."""

from __future__ import annotations

import datetime as dt
import json

from svccli.core.cover import one_month_after, sign_in, too_long


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def add(office, start: str, end: str, post="P-ZG-A", by="S021"):
    return office.run(
        "cover", "add", "钱七", "--post", post, "--from", start, "--to", end, "--unit", "县自然资源和规划局",
        "--approved-by", by,
    )  # fmt: skip


def covers(office) -> list[dict]:
    return json.loads(ok(office.run("cover", "list", "--format", "json")).stdout)


def events(office, kind):
    lines = [json.loads(x) for p in office.records() for x in p.read_text(encoding="utf-8").splitlines()]
    return [e for e in lines if e["type"] == kind]


def test_rules():
    assert sign_in(5) == "manual" and sign_in(6) == "fingerprint"
    assert one_month_after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert not too_long(dt.date(2026, 11, 23), dt.date(2026, 12, 23))
    assert too_long(dt.date(2026, 11, 23), dt.date(2026, 12, 24))


def test_five_working_days_manual_six_fingerprint(office):
    ok(add(office, "2026-11-23", "2026-11-27"))  # Monday to Friday
    ok(add(office, "2026-11-23", "2026-11-30", post="P-ZG-B"))  # six working days over a weekend
    rows = covers(office)
    assert [(r["working_days"], r["sign_in"]) for r in rows] == [(5, "manual"), (6, "fingerprint")]
    assert rows[0]["sign_in_name"] == "手工签到，每日4次" and rows[1]["sign_in_name"] == "指纹考勤"
    assert [e["window"] for e in events(office, "cover")] == ["W01", "W01"]  # violations charged to the window
    assert rows[0]["id"] == "DG-T01-261120-001"


def test_over_a_month_refused(office):
    r = add(office, "2026-11-23", "2026-12-24")
    assert r.exit_code == 1 and "一个月" in r.stderr
    assert events(office, "cover") == []


def test_approver_must_be_centre_leadership_or_inspector(office):
    assert add(office, "2026-11-23", "2026-11-27", by="S002").exit_code == 1
    assert add(office, "2026-11-23", "2026-11-27", by="S099").exit_code == 2


def test_cover_holds_the_post_while_a_is_away_and_ends(office):
    ok(add(office, "2026-11-23", "2026-11-27"))
    r = office.run(
        "leave", "request", "S001", "--from", "2026-11-23", "--to", "2026-11-24", "--kind", "事假", "--reason", "事",
        "--substitute", "钱七", "--substitute-phone", "13900000000",
    )  # fmt: skip
    ok(r)
    lid = json.loads(ok(office.run("leave", "list", "--format", "json")).stdout)[0]["id"]
    ok(office.run("leave", "approve", lid, "--unit-opinion", "同意", staff="S020"))
    d = json.loads(office.run("duty", "--date", "2026-11-23T09:00", "--post", "P-ZG-A", "--format", "json").stdout)
    assert (d[0]["role"], d[0]["on_duty"]) == ("temporary", "钱七")
    cid = covers(office)[0]["id"]
    ok(office.run("cover", "end", cid, "--at", "2026-11-24T08:00"))
    assert covers(office)[0]["status"] == "ended" and covers(office)[0]["ended"] == "2026-11-24T08:00"
    d = json.loads(office.run("duty", "--date", "2026-11-24T09:00", "--post", "P-ZG-A", "--format", "json").stdout)
    assert d[0]["role"] == "B1"  # registration cancelled: the B holder covers the rest of the leave
    assert office.run("cover", "end", cid).exit_code == 1
