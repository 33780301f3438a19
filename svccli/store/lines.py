"""One record line: reading it (JSON, the required fields, the schema version, a time that is a
time), its hash and its place in the chain, and a file's lines read in order with their problems
named by file and line (a torn last line reported as such). The record log (store/log.py) and every
reader of the records use these."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import NamedTuple

from svccli.core.problems import Problem

SCHEMA_VERSION = 1

try:  # orjson parses several times faster; the standard library is the fallback
    import orjson

    def _loads(raw: bytes):
        return orjson.loads(raw)

    def _dumps(obj) -> bytes:
        return orjson.dumps(obj)
except ImportError:  # pragma: no cover

    def _loads(raw: bytes):
        return json.loads(raw)

    def _dumps(obj) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def line_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]


class Line(NamedTuple):
    """One parsed record line with where it came from (a tuple: millions are made)."""

    path: str  # relative to the home, e.g. records/K7Q/2026-11/2026-11-25.jsonl
    line: int
    event: dict


def read_file(data: bytes, shown: str, prev: str = "", first: int = 1) -> tuple[list[Line], list[Problem]]:
    """Parse one partition (or what was appended to it: `prev` is the hash the chain continues
    from, `first` the number of its first line). A torn last line is reported as such; a bad
    line before it is an error."""
    lines, problems = [], []
    parts = data.split(b"\n")
    torn = parts.pop() if parts else b""
    for n, raw in enumerate(parts, first):
        if not raw.strip():
            problems.append(Problem(shown, n, "空行（记录文件不应有空行）"))
            continue
        event, message = parse_line(raw, prev)
        if message:
            problems.append(Problem(shown, n, message))
        if event is not None:
            lines.append(Line(shown, n, event))
            prev = line_hash(raw)  # a torn line left mid-file by a crash is not part of the chain
    if torn:
        problems.append(
            Problem(
                shown,
                len(parts) + first,
                "最后一行不完整（写入时中断，该记录未被确认）；运行 `svc repair` 将其移入隔离文件",
                torn=True,
            )
        )
    return lines, problems


REQUIRED = {"v": int, "id": str, "ts": str, "by": str, "type": str, "prev": str}
REQUIRED_KEYS = frozenset(REQUIRED)


def parse_line(raw: bytes, prev: str | None) -> tuple[dict | None, str]:
    """One line to an event, or a message saying what is wrong with it; `prev` None when the
    chain was checked already."""
    try:
        event = _loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        return None, f"不是有效的 JSON（{str(e).splitlines()[0][:60]}）；若是写入中断留下的残行，运行 `svc repair`"
    if type(event) is not dict:
        return None, "记录应为 JSON 对象"
    if not (
        event.keys() >= REQUIRED_KEYS
        and type(event["v"]) is int
        and type(event["ts"]) is str
        and type(event["id"]) is str
        and type(event["by"]) is str
        and type(event["type"]) is str
        and type(event["prev"]) is str
    ):
        key = next(k for k, t in REQUIRED.items() if type(event.get(k)) is not t)
        return None, f"缺少字段 “{key}” 或类型不对"
    if event["v"] > SCHEMA_VERSION:
        return None, f"记录格式版本 {event['v']} 比本程序支持的 {SCHEMA_VERSION} 新；请升级 svccli"
    try:  # events are ordered and dated by ts: a ts that is not a time would sort anywhere
        dt.datetime.fromisoformat(event["ts"])
    except ValueError:
        return None, f"时间 ts “{event['ts'][:40]}” 不是有效的时间（YYYY-MM-DDTHH:MM:SS+08:00）"
    if prev is not None and event["prev"] != prev:
        return event, "哈希链断裂：本行记载的上一行哈希与实际不符（上一行被改动、删除或调换过）"
    return event, ""
