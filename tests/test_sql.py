"""`svc sql` (issue 15): read-only SQL over documented views, on the sample office.

The views' columns are a contract; the cases view agrees with `svc cases`, `svc show` and
`svc overdue`; personal data is masked unless revealed (and the reveal is audited); nothing can be
written; the tables kept in the state answer as a fresh build does after appends and rewrites;
and the README's five example questions give the answers worked out here from other commands.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO
from svccli.cli.inquiry_cmd import OUTCOMES

TODAY = "2026-11-20T09:00"
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")

CONTRACT = {
    "cases": [
        "case_id",
        "service",
        "service_name",
        "department",
        "department_name",
        "status",
        "status_name",
        "is_open",
        "in_transit",
        "applicant",
        "phone",
        "id_number",
        "holder",
        "holder_name",
        "first_contact",
        "first_contact_name",
        "first_handler",
        "first_handler_name",
        "opened",
        "held_since",
        "accepted",
        "due",
        "provisional",
        "limit_unit",
        "concluded",
        "result",
        "notified",
        "delivered",
        "served",
        "closed",
        "on_time",
        "days_late",
        "window_code",
        "window_name",
        "acceptance",
        "noticed",
        "working_days",
        "deemed",
        "wrong_returns",
        "undone_decisions",
    ],
    "events": [
        "file",
        "line",
        "event_id",
        "ts",
        "day",
        "staff",
        "staff_name",
        "type",
        "type_name",
        "case_id",
        "detail",
    ],
    "inquiries": [
        "inquiry_id",
        "ts",
        "day",
        "staff",
        "staff_name",
        "channel",
        "person",
        "unit",
        "address",
        "phone",
        "matter",
        "outcome",
        "handler",
        "handler_name",
        "authority",
        "contact",
        "first_contact",
        "first_contact_name",
    ],
    "record_files": ["path", "lines", "size", "head"],
}

# The README's example questions (README "Reporting with SQL"), as a supervisor types them.
ON_TIME_BY_DEPARTMENT = """
SELECT department_name, count(*) AS served, sum(on_time) AS on_time,
       round(100.0 * sum(on_time) / count(*), 1) AS on_time_pct
FROM cases
WHERE strftime('%Y-%m', served) = strftime('%Y-%m', today())
GROUP BY department ORDER BY on_time_pct, department"""
HELD_LONGEST = """
SELECT holder_name, case_id, service_name, held_since,
       CAST(julianday(today()) - julianday(held_since) AS INTEGER) AS days_held
FROM (SELECT *, row_number() OVER (PARTITION BY holder ORDER BY held_since, case_id) AS n
      FROM cases WHERE is_open)
WHERE n = 1 ORDER BY days_held DESC, holder"""
OVERDUE_BY_HOLDER = """
SELECT holder, holder_name, count(*) AS open_cases, count(*) FILTER (WHERE days_late > 0) AS overdue,
       max(days_late) AS most_days_late
FROM cases WHERE is_open
GROUP BY holder ORDER BY overdue DESC, most_days_late DESC"""
PAUSES_BY_DEPARTMENT = """
SELECT c.department_name, e.type_name, count(*) AS times
FROM events e JOIN cases c USING (case_id)
WHERE e.type IN ('suspend', 'extend')
GROUP BY c.department, e.type ORDER BY times DESC, c.department"""
INQUIRIES_BY_STAFF = """
SELECT first_contact_name, outcome, count(*) AS inquiries
FROM inquiries WHERE strftime('%Y-%m', day) = strftime('%Y-%m', today())
GROUP BY first_contact, outcome ORDER BY first_contact, outcome"""
QUESTIONS = [ON_TIME_BY_DEPARTMENT, HELD_LONGEST, OVERDUE_BY_HOLDER, PAUSES_BY_DEPARTMENT, INQUIRIES_BY_STAFF]
WHOLE = [
    "SELECT * FROM cases ORDER BY case_id",
    "SELECT * FROM events ORDER BY file, line",
    "SELECT * FROM inquiries ORDER BY ts",
    "SELECT * FROM record_files ORDER BY path",
]


def sql(office, query, *args, today=TODAY, code=0):
    r = office.run("sql", query, "--format", "json", *args, today=today)
    assert r.exit_code == code, (query, r.stdout, r.stderr)
    return json.loads(r.stdout) if code == 0 else r


def listing(office, *args, today=TODAY):
    r = office.run(*args, "--format", "json", today=today)
    assert r.exit_code in (0, 3), r.stderr
    return json.loads(r.stdout)


def answers(office, today=TODAY):
    return [sql(office, q, today=today) for q in WHOLE + QUESTIONS]


def drop_state(office):
    shutil.rmtree(office.path / ".svc", ignore_errors=True)


def assert_fresh(office, today=TODAY):
    kept = answers(office, today)
    drop_state(office)
    assert kept == answers(office, today)
    return kept


def records(office) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in office.records()}


# -- the contract ---------------------------------------------------------------------------------


@pytest.mark.parametrize("view", CONTRACT)
def test_view_columns_are_the_contract(sample, view):
    assert [c["name"] for c in sql(sample, f"PRAGMA table_info({view})")] == CONTRACT[view]
    r = sample.run("sql", f"SELECT * FROM {view} LIMIT 0", "--format", "csv", today=TODAY)
    assert r.stdout_bytes.decode("utf-8-sig").split("\r\n")[0] == ",".join(CONTRACT[view])


def test_cases_are_those_svc_cases_lists(sample):
    every = {c["id"]: c for c in listing(sample, "cases")}
    open_ids = {c["id"] for c in listing(sample, "cases", "--status", "open")}
    rows = sql(sample, "SELECT case_id, status, is_open, holder, first_handler, accepted, due, provisional FROM cases")
    assert {r["case_id"] for r in rows} == set(every) and len(rows) == len(every) >= 10
    assert {r["case_id"] for r in rows if r["is_open"]} == open_ids and 0 < len(open_ids) < len(every)
    for r in rows:
        c = every[r["case_id"]]
        assert (r["status"], r["holder"], r["first_handler"], r["accepted"] or "") == (
            c["status"],
            c["holder"],
            c["first_handler"],
            c["accepted"],
        )
        assert (r["due"] or "") + ("（临时）" if r["provisional"] else "") == c["due"]
    count = sql(sample, "SELECT count(*) AS n, sum(is_open) AS open FROM cases")[0]
    assert (count["n"], count["open"]) == (len(every), len(open_ids))
    assert sql(sample, "SELECT count(*) AS n FROM events")[0]["n"] == sum(
        len(p.read_bytes().splitlines()) for p in sample.records()
    )


def test_on_time_and_days_late_are_those_of_show_and_overdue(sample):
    rows = {r["case_id"]: r for r in sql(sample, "SELECT * FROM cases")}
    served = 0
    for case_id, r in rows.items():
        shown = json.loads(sample.run("show", case_id, "--format", "json", today=TODAY).stdout)
        assert r["served"] == (
            min(d for d in (shown["service_date"], shown["notified_date"]) if d)
            if shown["on_time"] is not None
            else None
        )
        if shown["on_time"] is not None:
            served += 1
            assert (r["on_time"], r["days_late"]) == (int(shown["on_time"]), shown["days_late"])
    late = {f["case"]: f["days_late"] for f in listing(sample, "overdue") if f["kind"] in ("overdue", "deemed")}
    assert late and served >= 2
    assert {i: r["days_late"] for i, r in rows.items() if r["is_open"] and r["days_late"]} == late


def test_record_files_are_the_verified_heads(sample):
    heads = listing(sample, "verify", "--heads")
    assert sql(sample, "SELECT path, lines, head FROM record_files ORDER BY path") == [
        {k: h[k] for k in ("path", "lines", "head")} for h in heads
    ]


# -- personal data ----------------------------------------------------------------------------------


def unmasked(text: str) -> list[str]:
    return MOBILE.findall(text) + RESIDENT_ID.findall(text)


def test_the_sample_records_hold_numbers_to_hide(sample):
    raw = b"".join(records(sample).values()).decode()
    assert len(set(MOBILE.findall(raw))) >= 3 and len(set(RESIDENT_ID.findall(raw))) >= 2


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("view", CONTRACT)
def test_masked_by_default(sample, view, fmt):
    sample.run(
        "inquiry",
        "--person",
        "钱七",
        "--phone",
        "15800001111",
        "--matter",
        "回电 13912345678",
        "--outcome",
        "answered",
        today=TODAY,
    )
    r = sample.run("sql", f"SELECT * FROM {view}", "--format", fmt, today=TODAY)
    assert r.exit_code == 0, r.stderr
    text = r.stdout_bytes.decode("utf-8-sig")
    assert text.strip() and unmasked(text) == []


def test_reveal_shows_full_values_and_is_audited(sample):
    query = "SELECT case_id, applicant, phone, id_number FROM cases WHERE id_number != ''"
    before = records(sample)
    assert sample.run("sql", query, "--reveal", today=TODAY).exit_code == 2  # a reason is required
    assert records(sample) == before
    masked = sql(sample, query)
    full = sql(sample, query, "--reveal", "--reason", "核实身份")
    assert [r["case_id"] for r in full] == [r["case_id"] for r in masked] and full
    assert all(RESIDENT_ID.fullmatch(r["id_number"]) and MOBILE.fullmatch(r["phone"]) for r in full)
    assert all(not RESIDENT_ID.fullmatch(r["id_number"]) and "*" in r["applicant"] for r in masked)
    audit = listing(sample, "audit", "reveals")
    assert [(a["by"], a["what"], a["reason"]) for a in audit] == [("S001", f"sql: {query}", "核实身份")]
    revealed = sql(sample, "SELECT detail FROM events WHERE type = 'intake'", "--reveal", "--reason", "核实")
    assert any(RESIDENT_ID.search(r["detail"]) for r in revealed)


# -- read only ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO cases (case_id) VALUES ('X')",
        "UPDATE cases SET status = 'delivered'",
        "DELETE FROM cases",
        "DROP VIEW cases",
        "DROP TABLE report_case",
        "CREATE TABLE t(a)",
        "CREATE TEMP VIEW v AS SELECT 1",
        "ATTACH DATABASE 'other.db' AS other",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "VACUUM INTO 'copy.db'",
        "REINDEX",
        "WITH x AS (SELECT 1) DELETE FROM report_case",
        "SELECT * FROM report_case",
        "SELECT count(*) FROM report_event",
        "SELECT * FROM sqlite_master",
        "WITH cases AS (SELECT * FROM report_case) SELECT phone FROM cases",
        "SELECT phone FROM cases WHERE case_id IN (SELECT case_id FROM report_case)",
    ],
)
def test_writes_and_reads_around_the_views_are_refused(sample, query, monkeypatch):
    monkeypatch.chdir(sample.path)
    before = records(sample), answers(sample)
    r = sample.run("sql", query, today=TODAY)
    assert r.exit_code == 1, (r.stdout, r.stderr)
    assert "svc sql" in r.stderr and r.stdout == ""
    assert (records(sample), answers(sample)) == before
    assert not (sample.path / "copy.db").exists() and not (sample.path / "other.db").exists()


@pytest.mark.parametrize(
    "query",
    [
        "SELEC * FROM cases",
        "SELECT nosuch FROM cases",
        "SELECT * FROM nosuch",
        "SELECT 1; SELECT 2",
        "",
        "SELECT case_id FROM cases WHERE",
    ],
)
def test_a_bad_query_is_a_usage_error(sample, query):
    r = sample.run("sql", query, today=TODAY)
    assert r.exit_code == 2 and "SQL 查询有误" in r.stderr, r.stderr


# -- derived state never changes an answer -----------------------------------------------------------------


def test_after_an_intake_the_new_case_is_there_as_fresh(sample):
    assert_fresh(sample)
    r = sample.run(
        "intake", "ZG-001", "--applicant", "赵六", "--phone", "13912345678", "--material", "M01", "-q", today=TODAY
    )
    assert r.exit_code == 0, r.stderr
    new = r.stdout.strip()
    kept = assert_fresh(sample)
    assert new in {c["case_id"] for c in kept[0]}
    sample.run("notice", new, "--add", "M02:未盖章", today=TODAY)  # an event for a case already stored
    assert_fresh(sample)


def test_after_a_file_is_rewritten_or_removed_the_answer_is_as_fresh(sample):
    assert_fresh(sample)
    path = max(sample.records(), key=lambda p: len(p.read_bytes().splitlines()))
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))  # its last line removed
    cut = assert_fresh(sample)
    assert sum(c["lines"] for c in cut[3]) == sum(len(p.read_bytes().splitlines()) for p in sample.records())
    sample.records()[0].unlink()
    assert_fresh(sample)


def test_another_day_or_catalogue_is_as_fresh(sample):
    first = answers(sample)
    later = assert_fresh(sample, today="2026-12-01T09:00")
    assert later[0] != first[0]  # days late grow
    office = sample.path / "catalog" / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert_fresh(sample)


def test_without_the_state_the_answer_is_the_same(sample):
    kept = answers(sample)
    (sample.path / ".svc" / "state.sqlite").chmod(0o666)  # not trusted: never opened
    r = sample.run("sql", WHOLE[0], "--format", "json", today=TODAY)
    assert r.exit_code == 0 and json.loads(r.stdout) == kept[0]
    assert r.stderr.count("警告") == 1 and "派生状态" in r.stderr


def test_as_of_answers_from_the_records_of_that_day(sample):
    then = {c["id"] for c in listing(sample, "--as-of", "2026-11-05", "cases")}
    rows = listing(sample, "--as-of", "2026-11-05", "sql", "SELECT case_id FROM cases")
    assert {r["case_id"] for r in rows} == then and 0 < len(then) < len(listing(sample, "cases"))


def test_a_torn_last_line_is_warned_of_and_a_bad_line_stops(sample):
    path = sample.records()[-1]
    path.write_bytes(path.read_bytes() + b'{"v":1,"id":"x')
    r = sample.run("sql", "SELECT count(*) AS n FROM cases", today=TODAY)
    assert r.exit_code == 0 and "最后一行不完整" in r.stderr
    path.write_bytes(b"not json\n" + path.read_bytes())
    r = sample.run("sql", "SELECT count(*) AS n FROM cases", today=TODAY)
    assert r.exit_code == 1 and "不是有效的 JSON" in r.stderr


# -- the README's questions --------------------------------------------------------------------------------


def normal(sql: str) -> str:
    """The statement without its comment lines and with single spaces."""
    return " ".join(" ".join(ln for ln in sql.splitlines() if not ln.strip().startswith("--")).split())


def test_the_readme_shows_these_questions():
    """The SQL blocks of README's "Reporting with SQL" are the questions checked below."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
    assert blocks, "README.md shows no SQL examples"
    assert sorted(map(normal, blocks)) == sorted(map(normal, QUESTIONS))


def department_of(office) -> dict[str, str]:
    return {i["code"]: i["department"] for i in listing(office, "catalog", "list")}


def test_on_time_rate_by_department_this_month(sample):
    departments, expected = department_of(sample), {}
    for c in listing(sample, "cases"):
        shown = json.loads(sample.run("show", c["id"], "--format", "json", today=TODAY).stdout)
        served = min((d for d in (shown["service_date"], shown["notified_date"]) if d), default="")
        if served.startswith("2026-11") and shown["on_time"] is not None:
            got = expected.setdefault(departments[c["service"]], [0, 0])
            got[0] += 1
            got[1] += shown["on_time"]
    rows = sql(sample, ON_TIME_BY_DEPARTMENT)
    assert rows and {r["department_name"]: [r["served"], r["on_time"]] for r in rows} == expected
    assert all(r["on_time_pct"] == round(100 * r["on_time"] / r["served"], 1) for r in rows)


def test_cases_held_longest_by_each_person(sample):
    open_cases = listing(sample, "cases", "--status", "open")
    rows = sql(sample, HELD_LONGEST)
    assert {r["holder_name"] for r in rows} == {c["holder_name"] for c in open_cases}
    for r in rows:
        mine = [c for c in open_cases if c["holder_name"] == r["holder_name"]]
        held = {}
        for c in mine:  # the day the holder took it: the last intake, acceptance or receipt of a handover
            custody = json.loads(sample.run("show", c["id"], "--format", "json", today=TODAY).stdout)["custody"]
            held[c["id"]] = [s["ts"][:10] for s in custody if s["kind"] in ("intake", "accept", "receive")][-1]
        assert r["held_since"] == min(held.values()) and held[r["case_id"]] == r["held_since"]
        assert r["days_held"] == (dt.date.fromisoformat(TODAY[:10]) - dt.date.fromisoformat(r["held_since"])).days
    assert [r["days_held"] for r in rows] == sorted((r["days_held"] for r in rows), reverse=True)


def test_overdue_open_cases_by_holder(sample):
    late = Counter(f["holder"] for f in listing(sample, "overdue") if f["kind"] in ("overdue", "deemed"))
    held = Counter(c["holder"] for c in listing(sample, "cases", "--status", "open"))
    rows = sql(sample, OVERDUE_BY_HOLDER)
    assert {r["holder"]: (r["open_cases"], r["overdue"]) for r in rows} == {h: (n, late[h]) for h, n in held.items()}
    assert rows[0]["overdue"] == max(late.values()) > 0


def test_pauses_and_extensions_by_department(sample):
    departments = department_of(sample)
    service = {c["id"]: c["service"] for c in listing(sample, "cases")}
    names = {"suspend": "暂停计时", "extend": "延期"}
    expected = Counter()
    for p in sample.records():
        for raw in p.read_bytes().splitlines():
            e = json.loads(raw)
            if e["type"] in names:
                expected[(departments[service[e["case"]]], names[e["type"]])] += 1
    rows = sql(sample, PAUSES_BY_DEPARTMENT)
    assert expected and {(r["department_name"], r["type_name"]): r["times"] for r in rows} == dict(expected)


def test_inquiries_this_month_by_staff_and_outcome(sample):
    names = {v: k for k, v in OUTCOMES.items()}
    expected = Counter(
        (i["first_contact"], names[i["outcome"]])
        for i in listing(sample, "inquiries")
        if i["date"].startswith("2026-11")
    )
    rows = sql(sample, INQUIRIES_BY_STAFF)
    assert expected and {(r["first_contact_name"], r["outcome"]): r["inquiries"] for r in rows} == dict(expected)
