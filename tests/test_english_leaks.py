"""No English where a clerk reads (issue 17 §3): `svc audit reveals` lists what was seen in Chinese
(the records keep what they say: "case ID", "inquiries", "sql: QUERY"), and a pause's reason shows
by its Chinese name (core/deadlines.py PAUSE_REASONS) wherever `svc` shows it."""

from __future__ import annotations

import json
import re

from conftest import Office
from svccli.core.deadlines import PAUSE_REASONS
from svccli.store.log import RecordLog

ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
LATIN_CODE = re.compile(r"\b(?:" + "|".join(re.escape(code) for code in PAUSE_REASONS) + r")\b")


def test_audit_reveals_lists_what_was_seen_in_chinese(sample: Office):
    case = json.loads(sample.run("cases", "--format", "json").stdout)[0]["id"]
    assert sample.run("show", case, "--reveal", "--reason", "核实身份", today="2026-11-20T10:00").exit_code == 0
    assert sample.run("inquiries", "--reveal", "--reason", "回访", today="2026-11-20T11:00").exit_code == 0
    query = "SELECT count(*) FROM cases"
    assert sample.run("sql", "--reveal", "--reason", "统计", query, today="2026-11-20T12:00").exit_code == 0

    table = sample.run("audit", "reveals")
    assert table.exit_code == 0
    assert f"案件 {case}" in table.stdout and "首问登记台账" in table.stdout and f"SQL 查询：{query}" in table.stdout
    assert "case " not in table.stdout and "inquiries" not in table.stdout and "sql:" not in table.stdout
    csv = sample.run("audit", "reveals", "--format", "csv").stdout
    assert f"案件 {case}" in csv and "case " not in csv
    rows = json.loads(sample.run("audit", "reveals", "--format", "json").stdout)
    assert [(r["what"], r["what_name"]) for r in rows] == [
        (f"case {case}", f"案件 {case}"),
        ("inquiries", "首问登记台账"),
        (f"sql: {query}", f"SQL 查询：{query}"),
    ]
    # translated when listed: the records say what they said
    events = [ln.event for ln in RecordLog(sample.path).read()[0] if ln.event["type"] == "reveal"]
    assert [e["what"] for e in events] == [f"case {case}", "inquiries", f"sql: {query}"]


def test_a_pause_reason_shows_by_its_chinese_name(office: Office):
    intake = office.run("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", *ALL, "-q")
    case = intake.stdout.strip()
    paused = office.run("suspend", case, "--reason", "survey", "--expected", "约 5 个工作日", today="2026-11-24T09:00")
    assert paused.exit_code == 0, paused.output
    outputs = {
        "suspend": paused.output,
        "show": office.run("show", case, today="2026-11-26T09:00").stdout,
        "due": office.run("due", case, today="2026-11-26T09:00").stdout,
        "due --explain": office.run("due", case, "--explain", today="2026-11-26T09:00").stdout,
        "print pause": office.run("print", case, "pause", today="2026-11-26T09:00").stdout,
        "cases": office.run("cases", today="2026-11-26T09:00").stdout,
        "holders": office.run("holders", today="2026-11-26T09:00").stdout,
    }
    assert office.run("resume", case, today="2026-11-30T09:00").exit_code == 0
    outputs["show, resumed"] = office.run("show", case, today="2026-11-30T10:00").stdout
    outputs["due --explain, resumed"] = office.run("due", case, "--explain", today="2026-11-30T10:00").stdout
    for name, text in outputs.items():
        assert not LATIN_CODE.search(text), f"svc {name}: {LATIN_CODE.findall(text)}"
    for name in ("show", "show, resumed"):
        assert "暂停计时：勘测" in outputs[name], name
        assert "暂停计时：survey" not in outputs[name]
    assert "勘测" in outputs["due --explain"] and "勘测" in outputs["print pause"]
