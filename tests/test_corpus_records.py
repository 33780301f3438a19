"""A corpus of broken record files: each fault is named `file:line`, never a traceback.

The valid events come from real commands (`svc intake` twice: intake + one-time notice each, four
lines), generated once per module; each case rewrites records/T01/2026-11/2026-11-20.jsonl from them,
recomputing the hash chain where the fault is not meant to be a chain fault. Then:
  * `svc check` exits 1 and prints `path:line: 说明`;
  * `svc cases` refuses with exit 1 and names the same `path:line` on stderr when the line cannot be
    read; a readable record that cannot be applied to its case (unknown case, duplicate intake, bad
    field) and a torn last line (a write cut short by a crash) are only warned about on stderr, with
    the same `path:line`, while the other cases are listed (EXAMPLES.md 2, DOMAIN.md).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from conftest import REPO, Office
from svccli.store.log import line_hash, read_file

REC = "records/T01/2026-11/2026-11-20.jsonl"
CASE1, CASE2 = "TX-T01-261120-001", "TX-T01-261120-002"

_PARSED: dict = {}


@pytest.fixture(autouse=True)
def _parse_each_text_once(monkeypatch):
    """load_yaml is a pure function of a file's bytes: parse the unchanged sample once per module."""
    from svccli.store import catalog_files, yamlfile

    real = yamlfile.load_yaml

    def load(path, shown, problems):
        key = (shown, path.read_bytes())
        if key not in _PARSED:
            found: list = []
            _PARSED[key] = (real(path, shown, found), found)
        data, found = _PARSED[key]
        problems.extend(found)
        return data

    monkeypatch.setattr(catalog_files, "load_yaml", load)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> bytes:
    """Four real lines: intake and notice of CASE1, then of CASE2 (2026-11-20 09:00, clone T01)."""
    home = tmp_path_factory.mktemp("gen") / "office"
    shutil.copytree(REPO / "catalog", home / "catalog")
    shutil.copytree(REPO / "templates", home / "templates")
    (home / "records").mkdir()
    office = Office(home)
    made = [
        office.run("intake", "ZG-001", "--applicant", name, "--phone", "13812345678", "--material", "M01", "-q")
        for name in ("张三", "李四")
    ]
    assert [r.stdout.strip() for r in made] == [CASE1, CASE2]
    raw = (home / REC).read_bytes()
    lines, problems = read_file(raw, REC)
    assert problems == [] and [ln.event["type"] for ln in lines] == ["intake", "notice", "intake", "notice"]
    return raw


def dumps(event: dict) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chained(events: list[dict]) -> list[bytes]:
    """Serialise events with a valid hash chain (each prev = hash of the line before)."""
    out, prev = [], ""
    for event in events:
        raw = dumps({**event, "prev": prev})
        out.append(raw)
        prev = line_hash(raw)
    return out


def joined(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


# -- the corpus: each builder gets the real lines and events and returns the file's bytes -------------


def _events(lines: list[bytes]) -> list[dict]:
    return [json.loads(raw) for raw in lines]


def rechain(change: Callable[[list[dict]], None]):
    """Edit the events, then write them with a valid chain (the fault is in the content, not the chain)."""

    def build(lines: list[bytes]) -> bytes:
        events = _events(lines)
        change(events)
        return joined(chained(events))

    return build


def raw_edit(change: Callable[[list[bytes]], None]):
    """Edit the raw lines and keep every other byte as written (chain faults, broken lines)."""

    def build(lines: list[bytes]) -> bytes:
        lines = list(lines)
        change(lines)
        return joined(lines)

    return build


def _set(i: int, key: str, value):
    def change(events):
        events[i][key] = value

    return change


def _pop(i: int, key: str):
    def change(events):
        del events[i][key]

    return change


def _replace_line(i: int, raw: bytes):
    def change(lines):
        lines[i] = raw

    return change


def _insert_line(i: int, raw: bytes):
    def change(lines):
        lines.insert(i, raw)

    return change


def _delete_line(i: int):
    def change(lines):
        del lines[i]

    return change


def _swap(i: int, j: int):
    def change(lines):
        lines[i], lines[j] = lines[j], lines[i]

    return change


def _edit_without_rechain(lines):
    """Someone changes the applicant's name on line 1 by hand; the chain still holds the old hash."""
    lines[0] = lines[0].replace("张三".encode(), "张叁".encode())


def _append_event(make: Callable[[list[dict]], dict]):
    def change(events):
        events.append(make(events))

    return change


def _forged_after_first(lines):
    """A line inserted after line 1 with a plausible prev: the old line 2 no longer links."""
    first = json.loads(lines[0])
    forged = {**first, "id": "f" * 16, "type": "withdraw", "reason": "伪造", "prev": line_hash(lines[0])}
    for key in ("service", "applicant", "received", "applicable", "first_contact"):
        forged.pop(key)
    lines.insert(1, dumps(forged))


@dataclass(frozen=True)
class Broken:
    id: str
    build: Callable[[list[bytes]], bytes]
    at: tuple[int, ...]  # lines named
    fragment: str
    soft: bool = False  # a readable record that cannot be applied: other commands warn and go on


CASES = [
    Broken("bad-json-middle", raw_edit(lambda ls: ls.__setitem__(1, ls[1][:40])), (2,), "不是有效的 JSON"),
    Broken("not-json-text", raw_edit(_replace_line(1, "这不是一条记录".encode())), (2,), "不是有效的 JSON"),
    Broken(
        "invalid-utf8-bytes",
        raw_edit(lambda ls: ls.__setitem__(1, ls[1].replace("建设".encode(), b"\xff\xfe"))),
        (2,),
        "不是有效的 JSON",
    ),
    Broken(
        "nul-byte-in-string",
        raw_edit(lambda ls: ls.__setitem__(1, ls[1].replace("建设".encode(), b"\x00"))),
        (2,),
        "不是有效的 JSON",
    ),
    Broken("json-array", raw_edit(_replace_line(1, b"[1, 2]")), (2,), "记录应为 JSON 对象"),
    Broken("json-scalar", raw_edit(_replace_line(1, b'"notice"')), (2,), "记录应为 JSON 对象"),
    Broken("blank-line-middle", raw_edit(_insert_line(2, b"")), (3,), "空行"),
    Broken("whitespace-line", raw_edit(_insert_line(2, b"   \t")), (3,), "空行"),
    Broken("blank-line-at-end", lambda ls: joined(ls) + b"\n", (5,), "空行"),
    Broken("unknown-event-type", rechain(_set(1, "type", "notise")), (2,), "未知的记录类型 “notise”", soft=True),
    Broken("missing-field-by", rechain(_pop(1, "by")), (2,), "缺少字段 “by”"),
    Broken("missing-field-ts", rechain(_pop(2, "ts")), (3,), "缺少字段 “ts”"),
    Broken("timestamp-not-a-time", rechain(_set(0, "ts", "昨天上午")), (1,), "时间 ts “昨天上午” 不是有效的时间"),
    Broken("timestamp-impossible-date", rechain(_set(2, "ts", "2026-11-31T09:00:00+08:00")), (3,), "不是有效的时间"),
    Broken("wrong-type-version", rechain(_set(1, "v", "1")), (2,), "缺少字段 “v” 或类型不对"),
    Broken("bool-version", rechain(_set(1, "v", True)), (2,), "缺少字段 “v” 或类型不对"),
    Broken("future-schema-version", rechain(_set(2, "v", 99)), (3,), "记录格式版本 99 比本程序支持的 1 新"),
    Broken(
        "unknown-case", rechain(_set(3, "case", "TX-T01-261120-099")), (4,), "不存在的案件 TX-T01-261120-099", soft=True
    ),
    Broken("missing-case-id", rechain(_pop(1, "case")), (2,), "记录缺少案件编号（case）", soft=True),
    Broken(
        "duplicate-intake",
        rechain(_append_event(lambda ev: {**ev[0], "id": "d" * 16})),
        (5,),
        f"案件编号 {CASE1} 重复收件登记",
        soft=True,
    ),
    Broken(
        "bad-field-value",
        rechain(_append_event(lambda ev: {**ev[0], "id": "a" * 16, "type": "accept", "clock_from": "2026-13-01"})),
        (5,),
        "受理记录字段有误",
        soft=True,
    ),
    Broken("intake-applicant-not-mapping", rechain(_set(0, "applicant", "张三")), (1,), "收件登记记录", soft=True),
    Broken("intake-without-service", rechain(_pop(0, "service")), (1,), "收件登记记录", soft=True),
    Broken(
        "intake-copies-not-number",
        rechain(_set(0, "received", [{"code": "M01", "copies": "一"}])),
        (1,),
        "收件登记记录",
        soft=True,
    ),
    Broken(
        "resume-without-suspend",
        rechain(_append_event(lambda ev: {**ev[1], "id": "r" * 16, "type": "resume"})),
        (5,),
        "恢复计时记录",
        soft=True,
    ),
    Broken("chain-edited-line", raw_edit(_edit_without_rechain), (2,), "哈希链断裂"),
    Broken("chain-removed-line", raw_edit(_delete_line(1)), (2,), "哈希链断裂"),
    Broken("chain-removed-first-line", raw_edit(_delete_line(0)), (1,), "哈希链断裂"),
    Broken("chain-swapped-lines", raw_edit(_swap(1, 2)), (2, 3), "哈希链断裂"),
    Broken("chain-forged-insert", raw_edit(_forged_after_first), (3,), "哈希链断裂"),
]


def _no_traceback(result) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and 'File "' not in stream


def _named(text: str, line: int, fragment: str) -> bool:
    prefix = f"{REC}:{line}: "
    return any(row.startswith(prefix) and fragment in row for row in text.splitlines())


def test_corpus_is_large_enough():
    assert len(CASES) >= 15
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_names_file_line(office: Office, base: bytes, case: Broken):
    office.write(REC, "")
    (office.path / REC).write_bytes(case.build(base.splitlines()))
    result = office.run("check")
    assert result.exit_code == 1, result.stdout + result.stderr
    for line in case.at:
        assert _named(result.stdout, line, case.fragment), f"{REC}:{line} {case.fragment!r} not in:\n{result.stdout}"
    _no_traceback(result)


HARD = [c for c in CASES if not c.soft]
SOFT = [c for c in CASES if c.soft]


@pytest.mark.parametrize("case", HARD, ids=[c.id for c in HARD])
def test_cases_refuses_and_names_file_line(office: Office, base: bytes, case: Broken):
    """A line that cannot be read stops every command that reads records (exit 1, file:line on stderr)."""
    office.write(REC, "")
    (office.path / REC).write_bytes(case.build(base.splitlines()))
    result = office.run("cases")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert _named(result.stderr, case.at[0], case.fragment), result.stderr
    _no_traceback(result)


@pytest.mark.parametrize("case", SOFT, ids=[c.id for c in SOFT])
def test_cases_warns_about_unappliable_record_and_goes_on(office: Office, base: bytes, case: Broken):
    """A readable record that cannot be applied (an append-only log cannot be fixed by editing): `svc check`
    fails on it, other commands warn with file:line on stderr and keep working."""
    office.write(REC, "")
    (office.path / REC).write_bytes(case.build(base.splitlines()))
    result = office.run("cases")
    assert result.exit_code == 0, result.stderr
    assert any(
        row.startswith(f"svc: 警告：{REC}:{case.at[0]}: ") and case.fragment in row
        for row in result.stderr.splitlines()
    ), result.stderr
    assert CASE2 in result.stdout
    _no_traceback(result)


def test_the_generated_file_is_clean(office: Office, base: bytes):
    (office.path / "records/T01/2026-11").mkdir(parents=True)
    (office.path / REC).write_bytes(base)
    assert office.run("check").exit_code == 0
    assert office.run("cases").exit_code == 0


def test_rechained_file_is_clean(office: Office, base: bytes):
    """The corpus' own serialiser makes a chain the reader accepts (so rechained cases fail only on content)."""
    office.write(REC, "")
    (office.path / REC).write_bytes(joined(chained(_events(base.splitlines()))))
    result = office.run("check")
    assert result.exit_code == 0, result.stdout


def test_bad_json_message_mentions_repair(office: Office, base: bytes):
    office.write(REC, "")
    (office.path / REC).write_bytes(CASES[0].build(base.splitlines()))
    assert "svc repair" in office.run("check").stdout


# -- a torn last line -------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [1, 40, -1], ids=["one-byte", "cut-mid-line", "all-but-newline-missing-char"])
def test_torn_last_line(office: Office, base: bytes, keep: int):
    """A crash mid-write leaves line 4 without its newline: `check` fails naming it, `cases` warns and lists."""
    lines = base.splitlines()
    office.write(REC, "")
    (office.path / REC).write_bytes(joined(lines[:3]) + lines[3][:keep])
    check = office.run("check")
    assert check.exit_code == 1
    assert _named(check.stdout, 4, "最后一行不完整"), check.stdout
    _no_traceback(check)

    cases = office.run("cases")
    assert cases.exit_code == 0, cases.stderr
    assert f"{REC}:4" in cases.stderr and "最后一行不完整" in cases.stderr
    assert CASE1 in cases.stdout and CASE2 in cases.stdout
    _no_traceback(cases)


def test_append_after_torn_line_starts_fresh(office: Office, base: bytes):
    """The next write starts on a new line and chains to the last complete line; the fragment stays a bad line."""
    lines = base.splitlines()
    office.write(REC, "")
    (office.path / REC).write_bytes(joined(lines[:3]) + lines[3][:25])
    made = office.run("intake", "ZG-001", "--applicant", "王五", "--phone", "13812345678", "--material", "M01", "-q")
    assert made.exit_code == 0, made.stderr
    assert made.stdout.strip() == "TX-T01-261120-003"
    check = office.run("check")
    assert check.exit_code == 1
    rows = [row for row in check.stdout.splitlines() if row.startswith(REC)]
    assert len(rows) == 1 and rows[0].startswith(f"{REC}:4: ") and "svc repair" in rows[0], check.stdout
    cases = office.run("cases")
    assert cases.exit_code == 1 and f"{REC}:4" in cases.stderr
