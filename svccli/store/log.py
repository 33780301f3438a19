"""The record log: JSON lines, append-only, partitioned by clone and day, hash-chained per file.

Layout: records/<clone>/<YYYY-MM>/<YYYY-MM-DD>.jsonl. Each clone (working copy) writes only its
own files, so git merges of two clones never touch the same file and every chain stays inside one
clone. Within a clone, writers take an exclusive lock, append whole lines with one write, and
fsync the file (and, for a new file, its folders) before anything is reported as done.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from svccli.core.problems import Problem

SCHEMA_VERSION = 1
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOCK_TIMEOUT = 10.0

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


class StoreError(Exception):
    """An I/O fault while writing or reading records: nothing was acknowledged."""


class LockTimeout(StoreError):
    """Another writer held the lock for longer than the bound."""


def line_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]


@dataclass(frozen=True)
class Line:
    """One parsed record line with where it came from."""

    path: str  # relative to the home, e.g. records/K7Q/2026-11/2026-11-25.jsonl
    line: int
    event: dict


class RecordLog:
    def __init__(self, home: Path):
        self.home = home
        self.root = home / "records"
        self.state = home / ".svc"

    # -- identity ---------------------------------------------------------------------------
    def clone_id(self) -> str:
        """This working copy's id: from SVC_CLONE, else made once and kept outside git."""
        env = os.environ.get("SVC_CLONE", "").strip().upper()
        if env:
            return env
        path = self.state / "clone"
        try:
            return path.read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            pass
        _private_dir(self.state)
        # a letter first, so the id never reads as a number over the phone
        clone = secrets.choice(CROCKFORD[10:]) + "".join(secrets.choice(CROCKFORD) for _ in range(2))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(clone + "\n")
        return clone

    # -- writing ----------------------------------------------------------------------------
    def partition(self, clone: str, day: str) -> Path:
        return self.root / clone / day[:7] / f"{day}.jsonl"

    def append(self, events, day: str, clone: str | None = None) -> list[dict]:
        """Append events (dicts without v/id/prev) to the day's file of this clone, durably.

        `events` may be a callable taking the partition path, called under the lock: a new case
        is numbered from what that file already holds, so two writers never take the same number.
        """
        clone = clone or self.clone_id()
        path = self.partition(clone, day)
        with self.lock():
            made = events(path) if callable(events) else events
            return self._append_locked(path, made)

    def lock(self, timeout: float | None = None):
        return _Lock(self.state / "lock", _lock_timeout() if timeout is None else timeout)

    def _append_locked(self, path: Path, events: list[dict]) -> list[dict]:
        created = not path.exists()
        _make_dirs(path.parent)
        fd = _open_append(path)
        try:
            prev, torn = _tail(fd)
            out, chunks = [], [b"\n"] if torn else []
            for event in events:
                full = {"v": SCHEMA_VERSION, "id": secrets.token_hex(8), **event, "prev": prev}
                raw = _dumps(full)
                chunks.append(raw + b"\n")
                prev = line_hash(raw)
                out.append(full)
            _write_all(fd, b"".join(chunks))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(path.parent)
        return out

    def count_in(self, path: Path, marker: bytes) -> int:
        """How many lines of one partition contain marker (used under the lock for case numbers)."""
        try:
            return path.read_bytes().count(marker)
        except FileNotFoundError:
            return 0

    # -- reading ----------------------------------------------------------------------------
    def files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(self.root.glob("*/*/*.jsonl"))

    def read(self) -> tuple[list[Line], list[Problem]]:
        lines: list[Line] = []
        problems: list[Problem] = []
        for path in self.files():
            shown = path.relative_to(self.home).as_posix()
            got, found = read_file(path.read_bytes(), shown)
            lines.extend(got)
            problems.extend(found)
        return lines, problems


def read_file(data: bytes, shown: str) -> tuple[list[Line], list[Problem]]:
    """Parse one partition. A torn last line is a warning; a bad line before it is an error."""
    lines, problems = [], []
    parts = data.split(b"\n")
    torn = parts.pop() if parts else b""
    prev = ""
    for n, raw in enumerate(parts, 1):
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
        problems.append(Problem(shown, len(parts) + 1,
                                "最后一行不完整（写入时中断，该记录未被确认）；运行 `svc repair` 将其移入隔离文件",
                                torn=True))
    return lines, problems


REQUIRED = {"v": int, "id": str, "ts": str, "by": str, "type": str, "prev": str}


def parse_line(raw: bytes, prev: str) -> tuple[dict | None, str]:
    """One line to an event, or a message saying what is wrong with it."""
    try:
        event = _loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        return None, f"不是有效的 JSON（{str(e).splitlines()[0][:60]}）；若是写入中断留下的残行，运行 `svc repair`"
    if not isinstance(event, dict):
        return None, "记录应为 JSON 对象"
    for key, kind in REQUIRED.items():
        if not isinstance(event.get(key), kind) or isinstance(event.get(key), bool):
            return None, f"缺少字段 “{key}” 或类型不对"
    if event["v"] > SCHEMA_VERSION:
        return None, f"记录格式版本 {event['v']} 比本程序支持的 {SCHEMA_VERSION} 新；请升级 svccli"
    try:  # events are ordered and dated by ts: a ts that is not a time would sort anywhere
        dt.datetime.fromisoformat(event["ts"])
    except ValueError:
        return None, f"时间 ts “{event['ts'][:40]}” 不是有效的时间（YYYY-MM-DDTHH:MM:SS+08:00）"
    if event["prev"] != prev:
        return event, "哈希链断裂：本行记载的上一行哈希与实际不符（上一行被改动、删除或调换过）"
    return event, ""


# -- low-level helpers ------------------------------------------------------------------------

class _Lock:
    def __init__(self, path: Path, timeout: float):
        self.path, self.timeout, self.fd = path, timeout, None

    def __enter__(self):
        _private_dir(self.path.parent)
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise StoreError(f"无法打开锁文件 {self.path}：{e.strerror}") from e
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    raise LockTimeout(f"{self.timeout:g} 秒内未能取得记录锁 {self.path}（另一个 svc 正在写入？）")
                time.sleep(0.01)
            except OSError as e:
                os.close(self.fd)
                raise StoreError(f"无法加锁 {self.path}：{e.strerror}") from e

    def __exit__(self, *exc):
        os.close(self.fd)


def _lock_timeout() -> float:
    try:
        return float(os.environ.get("SVC_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _make_dirs(folder: Path) -> None:
    """Create the partition folders 0700 whatever the umask; fsync each new one's parent."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            continue
        os.chmod(d, 0o700)
        _fsync_dir(d.parent)


def _open_append(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def _tail(fd: int) -> tuple[str, bool]:
    """Hash of the last complete line, and whether the file ends in a torn line."""
    size = os.fstat(fd).st_size
    if size == 0:
        return "", False
    block = 65536
    pos = size
    buf = b""
    while pos > 0:
        step = min(block, pos)
        pos -= step
        buf = os.pread(fd, step, pos) + buf
        body = buf if buf.endswith(b"\n") else buf[: buf.rfind(b"\n") + 1]
        lines = body.rstrip(b"\n")
        cut = lines.rfind(b"\n")
        if cut >= 0 or (pos == 0 and lines):
            last = lines[cut + 1:]
            if buf.endswith(b"\n"):
                return line_hash(last), False
            return _past_fragment(buf[len(body):], line_hash(last)), True
        if pos == 0:
            break
    if buf.endswith(b"\n"):
        return "", False
    return _past_fragment(buf[buf.rfind(b"\n") + 1:], ""), True


def _past_fragment(fragment: bytes, prev: str) -> str:
    """The chain's tip after a torn last line. A fragment that is a whole valid record, cut short only
    of its newline, becomes a complete line once the newline is written, and the reader will take it
    as part of the chain; any other fragment stays a bad line that the chain skips."""
    event, message = parse_line(fragment, prev)
    return line_hash(fragment) if event is not None and not message else prev


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover
            raise OSError(errno.EIO, "short write")
        view = view[n:]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
