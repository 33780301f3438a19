"""What a user would pick instead of svc for the daily check (issue 15): the same listing as
`svc overdue --format json`, computed without svc, for bench/run.py to time side by side.

    python bench/peers.py duckdb       --home DIR --today YYYY-MM-DD [--warn N] [--timing]
    python bench/peers.py sqlite-build --home DIR [--db PATH]
    python bench/peers.py sqlite       --home DIR --today YYYY-MM-DD [--warn N] [--db PATH]

duckdb: one SQL query over the record files (read_json), with small tables made from the catalogue
  YAML (items, names, the working-day table). No hash chain is checked. --timing prints the
  query's own seconds on stderr.
sqlite: an indexed `cases` table kept up to date from the records (bench/tracker.py: built once,
  then from appended lines), and one query over it, as case trackers do it. The query process
  reads no YAML and no record.

Both print every field of svc's listing, in its order (kind, then the latest first, then case);
without --warn, warnings within the office's warning_days (rules), as svc does. Not listed: svc's
"problem" rows (an open case whose item is not in the catalogue, or whose dates the calendar cannot
count, with its file and line): a data problem, which a generated office does not have.
They share no code with svc: each rule below is written again from core/overdue.py and
core/deadlines.py, so a test holding them equal (tests/test_peers.py) checks both sides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

FIELDS = (
    "kind kind_name case service service_name department applicant phone holder holder_name first_handler "
    "first_handler_name accepted due date provisional days_late unit late_text detail"
).split()
KINDS = {"handover": "交接未接收", "part": "协办超期", "overdue": "超期", "deemed": "超时默许"}
KINDS |= {"lapsed": "补正逾期", "owed": "容缺材料逾期", "warning": "即将到期"}
# Rank among events with the same time (core/events.py), for the events the check looks at.
RANK = {"intake": 1, "notice": 2, "supplement": 3, "accept": 4, "notify": 8, "deliver": 9}
RANK |= dict.fromkeys(("refuse", "refer", "withdraw", "close"), 5) | dict.fromkeys(("suspend", "resume", "extend"), 6)
RANK |= dict.fromkeys(("send-back", "handover", "return", "receive", "part", "conclude"), 7)
CLOSING = ("deliver", "refuse", "refer", "withdraw", "close")  # and a send-back not marked wrong


# ---- the catalogue, as a user reads it: YAML into plain values -------------------------------------------------


def load_office(home: Path) -> dict:
    """Items (code, name, department name, unit, committed limit, deemed approval), staff names and the calendar."""
    import yaml

    def load(path: Path):
        return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}

    rules = load(home / "catalog" / "office.yaml").get("rules") or {}
    unit_rule, deemed_rule = rules.get("limit_unit", "working_days"), rules.get("deemed_approval", "committed")
    departments, items = {}, {}
    for path in sorted((home / "catalog" / "services").glob("*.yaml")):
        doc = load(path)
        dept = doc["department"]
        departments.setdefault(dept["code"], dept["name"])
        for it in doc.get("items") or ():
            deemed = it.get("deemed_approval")  # the item's switch, else the office rule (core/overdue.deemed_applies)
            if deemed is None:
                deemed = deemed_rule == "all" or (deemed_rule == "committed" and it.get("kind") == "committed")
            unit = it.get("limit_unit") or unit_rule
            item = [it["code"], it["name"], dept["code"], unit, int(it.get("committed_limit") or 0), bool(deemed)]
            items.setdefault(it["code"], item)
    for it in items.values():
        it[2] = departments.get(it[2], it[2])
    staff = {s["id"]: s["name"] for s in load(home / "catalog" / "roster.yaml").get("staff") or ()}
    off, on, years = set(), set(), set()
    for path in sorted((home / "catalog" / "calendar").glob("*.yaml")):
        doc = load(path)
        years.add(int(doc["year"]))
        for h in doc.get("holidays") or ():
            off.update(h["from"] + dt.timedelta(days=i) for i in range((h["to"] - h["from"]).days + 1))
        on.update(w["date"] for w in doc.get("workdays") or ())
    warning_days = int(rules.get("warning_days", 2))
    return {
        "items": list(items.values()),
        "staff": staff,
        "years": sorted(years),
        "off": off,
        "on": on,
        "warning_days": warning_days,
    }


# ---- DuckDB: one query over the record files ---------------------------------------------------------------------

# Day arithmetic on ranks: a working day's rank is how many working days there are up to it, a
# calendar day's is its number; adding n days to d is the day of rank rank(d) + n (d itself for n = 0).
DUCK_MACROS = """
CREATE MACRO wrank(kal, d) AS kal.cw[d - kal.c0 + 1];
CREATE MACRO isw(kal, d) AS wrank(kal, d) > wrank(kal, d - 1);
CREATE MACRO rk(kal, u, d) AS CASE WHEN u = 'working_days' THEN wrank(kal, d) ELSE d - DATE '1970-01-01' END;
CREATE MACRO at_rank(kal, u, r) AS CASE WHEN u = 'working_days' THEN kal.wl[r::BIGINT]
                                        ELSE DATE '1970-01-01' + r::INTEGER END;
CREATE MACRO addd(kal, u, d, n) AS CASE WHEN n = 0 THEN d ELSE at_rank(kal, u, rk(kal, u, d) + n) END;
CREATE MACRO btw(kal, u, a, b) AS rk(kal, u, b) - rk(kal, u, a);
CREATE MACRO tday() AS getvariable('today');
CREATE MACRO prov(d) AS NOT list_contains(getvariable('years'), year(d));
CREATE MACRO mask_name(n) AS CASE WHEN length(n) <= 1 THEN n ELSE left(n, CASE WHEN length(n) > 6 THEN 4 ELSE 1 END)
    || repeat('*', least(length(n) - CASE WHEN length(n) > 6 THEN 4 ELSE 1 END, 2)) END;
CREATE MACRO mask_digits(g) AS CASE WHEN length(g) <= 4 THEN repeat('*', length(g))
    WHEN length(g) = 11 AND regexp_full_match(g, '[0-9]+') THEN left(g, 3) || '****' || right(g, 4)
    ELSE left(g, CASE WHEN contains(g, '-') THEN strpos(g, '-') ELSE 3 END)
      || repeat('*', greatest(0, length(g) - CASE WHEN contains(g, '-') THEN strpos(g, '-') ELSE 3 END - 4))
      || right(g, 4) END;
"""

DUCK_QUERY = """
WITH ev AS (
  SELECT "case" AS cid, "type" AS t, "by" AS who, coalesce(nullif("on", ''), left(ts, 10)) AS day,  -- on: 补录
         {'ts': ts, 'r': CASE "type" RANKS END, 'f': filename, 'n': ordinality} AS k, *
  FROM read_json(getvariable('files'), format = 'newline_delimited', columns = {
      'ts': 'VARCHAR', 'by': 'VARCHAR', 'type': 'VARCHAR', 'case': 'VARCHAR', 'service': 'VARCHAR',
      'applicant': 'STRUCT(name VARCHAR, phone VARCHAR)', 'clock_from': 'VARCHAR', 'owed': 'STRUCT(code VARCHAR)[]',
      'owed_by': 'VARCHAR', 'supplement_by': 'VARCHAR', 'materials': 'STRUCT(code VARCHAR)[]', 'days': 'INTEGER',
      'to': 'VARCHAR', 'to_name': 'VARCHAR', 'department': 'VARCHAR', 'wrong': 'BOOLEAN', 'on': 'VARCHAR',
      'parts': 'STRUCT(department VARCHAR, name VARCHAR, "limit" INTEGER)[]'},
                 filename = true) WITH ORDINALITY  -- in file order: the line, after time and rank
  WHERE "type" IN (TYPES)
), c AS MATERIALIZED (  -- one row per case still open: its state as the fold (core/cases.py) leaves it
  SELECT cid,
    any_value(service) FILTER (t = 'intake') AS service,
    any_value(applicant) FILTER (t = 'intake') AS applicant,
    arg_max(t, k) FILTER (t IN ('accept', 'suspend', 'resume', 'conclude')) AS st,
    arg_max(who, k) FILTER (t IN ('intake', 'accept', 'receive')) AS holder,
    any_value(who) FILTER (t = 'accept') AS first_handler,
    any_value(day) FILTER (t = 'accept') AS accepted,
    any_value(clock_from) FILTER (t = 'accept') AS clock_from,
    any_value(k) FILTER (t = 'accept') AS accept_k,
    any_value(owed) FILTER (t = 'accept') AS owed,
    any_value(owed_by) FILTER (t = 'accept') AS owed_by,
    any_value(parts) FILTER (t = 'accept') AS parts,
    list({'k': k, 'm': materials}) FILTER (t = 'supplement') AS supplied,
    CAST(sum(days) FILTER (t = 'extend') AS INTEGER) AS ext,
    list(day) FILTER (t = 'suspend') AS susp,
    list(day) FILTER (t = 'resume') AS res,
    min(day) FILTER (t = 'notify') AS notified,
    arg_max(coalesce(supplement_by, ''), k) FILTER (t = 'notice') AS supp_by,
    arg_max({'t': t, 'day': day, 'to': coalesce(nullif(to_name, ''), "to", '')}, k)
      FILTER (t IN ('handover', 'return', 'receive')) AS mv,
    list(department) FILTER (t = 'part') AS done
  FROM ev GROUP BY cid
  HAVING NOT bool_or(t IN (CLOSING) OR (t = 'send-back' AND NOT coalesce(wrong, false)))
), o AS (
  SELECT c.*, i.name AS service_name, i.department, i.unit AS u, i.deemed,
    CASE st WHEN 'accept' THEN 'accepted' WHEN 'resume' THEN 'accepted' WHEN 'suspend' THEN 'suspended'
            WHEN 'conclude' THEN 'concluded' ELSE 'pending' END AS status,
    clock_from::DATE AS cf, i.lim + coalesce(ext, 0) AS base,
    -- pauses in order: the suspension day and the resumption day (none while paused)
    [{'s': list_sort(susp)[j]::DATE, 'e': list_sort(res)[j]::DATE} FOR j IN range(1, len(susp) + 1)] AS pz
  FROM c JOIN items i ON i.code = c.service
), d AS (  -- the due date: each pause begun before the count was complete adds its days (to today while open)
  SELECT * EXCLUDE (kal, ns), addd(kal, u, cf, base + coalesce(list_sum([ns[j] FOR j IN range(1, len(ns) + 1)
              IF pz[j].s < addd(kal, u, cf, base + coalesce(list_sum(ns[1:j - 1]), 0))]), 0)) AS due
  FROM (SELECT *, [greatest(0, btw(kal, u, p.s, coalesce(p.e, greatest(getvariable('today'), p.s)))) FOR p IN pz] AS ns
        FROM o CROSS JOIN kal)  -- kal: the working days, for the macros; joined where used, kept in no table
), owed AS (  -- the owed materials no supplement after acceptance has brought
  SELECT *, [x.code FOR x IN owed IF NOT list_contains(flatten(
      [[m.code FOR m IN s.m] FOR s IN coalesce(supplied, []) IF s.k > accept_k]), x.code)] AS still
  FROM d WHERE status IN ('accepted', 'suspended') AND owed_by <> '' AND len(owed) > 0
), found AS (
  SELECT 'handover' AS kind, cid, NULL::DATE AS due, rb AS date, greatest(1, btw(kal, 'working_days', rb, tday())) AS late,
         mv.to AS detail, 0 AS seq
  FROM (SELECT *, CASE WHEN isw(kal, mv.day::DATE) THEN mv.day::DATE ELSE addd(kal, 'working_days', mv.day::DATE, 1) END AS rb
        FROM d CROSS JOIN kal WHERE mv.t IN ('handover', 'return'))  -- received by the end of its working day
  WHERE tday() > rb
  UNION ALL
  SELECT 'part', cid, NULL, pd, greatest(1, btw(kal, u, pd, tday())), coalesce(p.name, p.department), j
  FROM (SELECT *, addd(kal, u, cf, p."limit") AS pd
        FROM (SELECT *, unnest(parts) AS p, generate_subscripts(parts, 1) AS j
              FROM d CROSS JOIN kal WHERE status IN ('accepted', 'suspended') AND len(parts) > 0))
  WHERE NOT list_contains(coalesce(done, []), p.department) AND tday() > pd
  UNION ALL
  SELECT 'lapsed', cid, NULL, supp_by::DATE, greatest(1, btw(kal, 'working_days', supp_by::DATE, tday())), '', 0
  FROM d CROSS JOIN kal WHERE status = 'pending' AND supp_by <> '' AND tday() > supp_by::DATE
  UNION ALL
  SELECT 'owed', cid, due, owed_by::DATE, greatest(1, btw(kal, 'working_days', owed_by::DATE, tday())), '', 0
  FROM owed CROSS JOIN kal WHERE len(still) > 0 AND tday() > owed_by::DATE
  UNION ALL  -- late: told to collect by the due date is on time; told later, the count stops that day
  SELECT CASE WHEN tday() <= due THEN 'warning' WHEN status = 'accepted' AND deemed THEN 'deemed' ELSE 'overdue' END,
         cid, due, due, CASE WHEN tday() > due THEN greatest(1, btw(kal, u, due, least(tday(), coalesce(notified::DATE, tday()))))
                             ELSE -btw(kal, u, tday(), due) END,
         CASE WHEN notified::DATE <= tday() THEN notified || ' 已通知领取，逾期天数不再增加' ELSE '' END, 0
  FROM d CROSS JOIN kal WHERE status IN ('accepted', 'concluded') AND due IS NOT NULL AND NOT coalesce(notified::DATE <= due, false)
    AND (tday() > due OR (status = 'accepted' AND btw(kal, u, tday(), due) <= getvariable('warn')))
)
SELECT f.kind, f.cid AS "case", d.service, d.service_name, d.department,
  mask_name(coalesce(d.applicant.name, '')) AS applicant,
  mask_digits(regexp_replace(coalesce(d.applicant.phone, ''), '\\s', '', 'g')) AS phone,
  d.holder, coalesce(h.name, d.holder) AS holder_name, coalesce(d.first_handler, '') AS first_handler,
  coalesce(fh.name, d.first_handler, '') AS first_handler_name, coalesce(d.accepted, '') AS accepted,
  coalesce(f.due::VARCHAR, '') AS due, f.date::VARCHAR AS date,
  coalesce(prov(d.cf) OR prov(f.due), false) AS provisional, f.late AS days_late,
  CASE WHEN f.kind IN ('overdue', 'deemed', 'warning', 'part') THEN d.u ELSE 'working_days' END AS unit,
  CASE WHEN f.late = 0 THEN '今日到期'
       ELSE CASE WHEN f.late > 0 THEN '逾期 ' || f.late ELSE '还剩 ' || -f.late END || ' 个'
            || CASE WHEN f.kind IN ('overdue', 'deemed', 'warning', 'part') AND d.u = 'calendar_days' THEN '自然日'
                    ELSE '工作日' END END
    || CASE WHEN coalesce(prov(d.cf) OR prov(f.due), false) THEN '（临时）' ELSE '' END
    || CASE WHEN f.detail <> '' THEN '（' || f.detail || '）' ELSE '' END AS late_text,
  f.detail
FROM found f JOIN d USING (cid) LEFT JOIN staff h ON h.id = d.holder LEFT JOIN staff fh ON fh.id = d.first_handler
ORDER BY list_position(KIND_ORDER, f.kind), -f.late, f.cid, f.seq
"""


def duck_sql() -> str:
    def quoted(names):
        return ", ".join(f"'{n}'" for n in names)

    ranks = " ".join(f"WHEN '{t}' THEN {r}" for t, r in RANK.items())
    return (
        DUCK_QUERY.replace("RANKS", ranks)
        .replace("TYPES", quoted(RANK))
        .replace("CLOSING", quoted(CLOSING))
        .replace("KIND_ORDER", f"[{quoted(KINDS)}]")
    )


def duckdb_listing(home: Path, today: dt.date, warn: int | None, timing: bool = False) -> list[dict]:
    import duckdb

    if not any((home / "records").glob("*/*/*.jsonl")):
        return []
    office = load_office(home)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE TABLE items AS SELECT unnest(?) AS code, unnest(?) AS name, unnest(?) AS department, "
        "unnest(?) AS unit, unnest(?::INTEGER[]) AS lim, unnest(?::BOOLEAN[]) AS deemed",
        [list(col) for col in zip(*office["items"])],
    )
    con.execute(
        "CREATE TABLE staff AS SELECT unnest(?) AS id, unnest(?) AS name",
        [list(office["staff"]), list(office["staff"].values())],
    )
    first = dt.date(office["years"][0], 1, 1)  # the working-day table: holidays off, 调休 weekend days on
    con.execute(
        "CREATE TABLE cal AS SELECT range::DATE AS day, list_contains(?::DATE[], range::DATE) "
        "OR (isodow(range) < 6 AND NOT list_contains(?::DATE[], range::DATE)) AS work FROM range(?::DATE, ?::DATE, "
        "INTERVAL 1 DAY)",
        [sorted(office["on"]), sorted(office["off"]), first, dt.date(max(office["years"][-1], today.year) + 4, 1, 1)],
    )
    con.execute(
        "CREATE TABLE kal AS SELECT {'cw': [0] || list(w ORDER BY day), 'wl': list(day ORDER BY day) FILTER (work), "
        "'c0': min(day) - 1} AS kal FROM (SELECT day, work, sum(work::INTEGER) OVER (ORDER BY day) AS w FROM cal)"
    )
    con.execute("SET VARIABLE years = ?::INTEGER[]", [office["years"]])
    con.execute("SET VARIABLE today = ?::DATE", [today])
    con.execute("SET VARIABLE warn = ?::INTEGER", [office["warning_days"] if warn is None else warn])
    con.execute("SET VARIABLE files = ?", [str(home / "records" / "*" / "*" / "*.jsonl")])
    con.execute(DUCK_MACROS)
    start = time.perf_counter()
    cur = con.execute(duck_sql())
    names = [c[0] for c in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if timing:
        print(f"query {time.perf_counter() - start:.3f} s", file=sys.stderr)
    return [_listed(r) for r in rows]


def _listed(row: dict) -> dict:
    row["kind_name"] = KINDS[row["kind"]]
    row["provisional"] = bool(row["provisional"])
    return {k: row[k] for k in FIELDS}


# ---- SQLite: an indexed table of cases kept up to date (bench/tracker.py), and one query ------------------------

SQLITE_QUERY = """
WITH t AS (SELECT :today AS today, (SELECT w FROM days WHERE day = :today) AS tw,
                  max((SELECT day FROM wd WHERE w = (SELECT w FROM days WHERE day = :today) + :warn + 1),
                      date(:today, '+' || (:warn + 1) || ' days')) AS horizon),
found AS (
  SELECT 'handover' AS kind, c.id, NULL AS due, c.transit_by AS date, max(1, t.tw - b.w) AS late,
         c.transit_to AS detail, 0 AS seq
  FROM t, cases c JOIN days b ON b.day = c.transit_by WHERE c.transit_by < t.today
  UNION ALL
  SELECT 'part', c.id, NULL, p.due, max(1, CASE WHEN c.unit = 'working_days' THEN t.tw - b.w
                                              ELSE julianday(t.today) - julianday(p.due) END), p.name, p.seq
  FROM t, parts p CROSS JOIN cases c ON c.id = p.case_id JOIN days b ON b.day = p.due  -- parts_due first
  WHERE p.done = 0 AND p.due < t.today AND c.status IN ('accepted', 'suspended')
  UNION ALL
  SELECT 'lapsed', c.id, NULL, c.supp_by, max(1, t.tw - b.w), '', 0
  FROM t, cases c JOIN days b ON b.day = c.supp_by WHERE c.status = 'pending' AND c.supp_by < t.today
  UNION ALL  -- an open pause begun before the due date moves it on to today
  SELECT 'owed', c.id, CASE WHEN c.pause_from IS NULL THEN c.due WHEN c.unit = 'working_days'
      THEN (SELECT day FROM wd WHERE w = (SELECT w FROM days WHERE day = c.due)
            + (SELECT w FROM days WHERE day = max(t.today, c.pause_from)) - (SELECT w FROM days WHERE day = c.pause_from))
      ELSE date(c.due, '+' || (julianday(max(t.today, c.pause_from)) - julianday(c.pause_from)) || ' days') END,
    c.owed_by, max(1, t.tw - b.w), '', 0
  FROM t, cases c JOIN days b ON b.day = c.owed_by
  WHERE c.owed_by < t.today AND +c.status IN ('accepted', 'suspended')  -- by cases_owed
  UNION ALL  -- late: told to collect by the due date is on time; told later, the count stops that day
  SELECT CASE WHEN c.status = 'accepted' AND i.deemed THEN 'deemed' ELSE 'overdue' END, c.id, c.due, c.due,
    max(1, CASE WHEN c.unit = 'working_days' THEN e.w - b.w ELSE julianday(e.day) - julianday(c.due) END),
    CASE WHEN c.notified <= t.today THEN c.notified || ' 已通知领取，逾期天数不再增加' ELSE '' END, 0
  FROM t, cases c JOIN days b ON b.day = c.due JOIN items i ON i.code = c.service
    JOIN days e ON e.day = min(t.today, coalesce(c.notified, t.today))
  WHERE c.status IN ('accepted', 'concluded') AND c.due < t.today AND NOT coalesce(c.notified <= c.due, 0)
  UNION ALL
  SELECT * FROM (
    SELECT 'warning', c.id, c.due, c.due, -CASE WHEN c.unit = 'working_days' THEN b.w - t.tw
                                            ELSE julianday(c.due) - julianday(t.today) END AS late, '', 0
    FROM t, cases c JOIN days b ON b.day = c.due
    WHERE c.status = 'accepted' AND c.due >= t.today AND c.due < t.horizon  -- cases_due, then the count
      AND NOT coalesce(c.notified <= c.due, 0))
  WHERE -late <= :warn
)
SELECT f.kind, f.id AS "case", c.service, i.name AS service_name, i.department, c.name AS applicant_name,
  c.phone AS applicant_phone, c.holder, coalesce(h.name, c.holder) AS holder_name, c.first_handler,
  coalesce(fh.name, c.first_handler) AS first_handler_name, c.accepted, coalesce(f.due, '') AS due, f.date,
  f.due IS NOT NULL AND ((SELECT prov FROM days WHERE day = c.clock_from) OR (SELECT prov FROM days WHERE day = f.due))
    AS provisional, CAST(f.late AS INTEGER) AS days_late,
    CASE WHEN f.kind IN ('overdue', 'deemed', 'warning', 'part') THEN c.unit ELSE 'working_days' END AS unit, f.detail
FROM found f JOIN cases c ON c.id = f.id JOIN items i ON i.code = c.service
  LEFT JOIN staff h ON h.id = c.holder LEFT JOIN staff fh ON fh.id = c.first_handler
ORDER BY instr('handover part overdue deemed lapsed owed warning', f.kind), -f.late, f.id, f.seq
"""


def sqlite_listing(db: Path, today: dt.date, warn: int | None) -> list[dict]:
    import sqlite3

    if not db.exists():
        raise SystemExit(f"{db}: no database; run `python bench/peers.py sqlite-build` first")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    if warn is None:
        warn = int(con.execute("SELECT value FROM meta WHERE key = 'warning_days'").fetchone()[0])
    cur = con.execute(SQLITE_QUERY, {"today": today.isoformat(), "warn": warn})
    names = [c[0] for c in cur.description]
    return [_presented(dict(zip(names, r))) for r in cur]


def _presented(row: dict) -> dict:
    """The listing's words and masks (render-side in svc too: core/privacy.py, cli/deadline_cmd._row)."""
    row["applicant"] = mask_name(row.pop("applicant_name") or "")
    row["phone"] = mask_phone(row.pop("applicant_phone") or "")
    late, prov = row["days_late"], bool(row["provisional"])
    row["late_text"] = (
        (f"逾期 {late} 个" if late > 0 else f"还剩 {-late} 个" if late < 0 else "今日到期")
        + ("" if late == 0 else "自然日" if row["unit"] == "calendar_days" else "工作日")
        + ("（临时）" if prov else "")
        + (f"（{row['detail']}）" if row["detail"] else "")
    )
    return _listed(row)


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    keep = 4 if len(name) > 6 else 1
    return name[:keep] + "*" * min(len(name) - keep, 2)


def mask_phone(phone: str) -> str:
    digits = "".join(phone.split())
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    keep = digits.find("-") + 1 if "-" in digits else 3
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def default_db(home: Path) -> Path:
    """Outside the home (never .svc/): one database per home in the temp folder."""
    tag = hashlib.sha1(str(home.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "svc-peers" / f"{tag}.sqlite"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=("duckdb", "sqlite-build", "sqlite"))
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--today", type=dt.date.fromisoformat)
    parser.add_argument("--warn", type=int)
    parser.add_argument("--db", type=Path, help="the SQLite peer's database (default: in the temp folder)")
    parser.add_argument("--timing", action="store_true", help="duckdb: print the query's seconds on stderr")
    args = parser.parse_args()
    db = args.db or default_db(args.home)
    if args.peer == "sqlite-build":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from tracker import update

        print(update(args.home, db), file=sys.stderr)
        return
    if args.today is None:
        parser.error("--today is required")
    if args.peer == "duckdb":
        rows = duckdb_listing(args.home, args.today, args.warn, args.timing)
    else:
        rows = sqlite_listing(db, args.today, args.warn)
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
