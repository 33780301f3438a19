"""Repairing and verifying the record log: torn lines to quarantine, chains and head hashes.

`repair` runs under the record lock. For each record file it moves every line that is not JSON at
all (what a crash leaves: a fragment at the end without its newline, or mid-file once a later
append started on a fresh line; also blank lines) to `<name>.jsonl.quarantine` beside the log,
one JSON note per line (when, where, why, the bytes), and then replaces the log by a copy without
those lines: temp file in the same folder, fsync, rename, fsync of the folder. Nothing is deleted.

Lines that are JSON but break the hash chain or miss fields are never moved: they may be the
evidence of an edit, and `svc check` keeps naming them. A last line that is a whole record cut
short only of its newline gets the newline (what the next append would do anyway).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from svccli.core.problems import Problem
from svccli.store.log import RecordLog, _fsync_dir, _loads, _write_all, line_hash, read_file

QUARANTINE_SUFFIX = ".quarantine"


@dataclass(frozen=True)
class Moved:
    path: str  # the record file, relative to the home
    line: int  # its line number before the repair (as `svc check` named it)
    reason: str
    size: int  # bytes moved (without the newline)


@dataclass
class Repaired:
    moved: list[Moved] = field(default_factory=list)
    completed: list[tuple[str, int]] = field(default_factory=list)  # (path, line) given their newline
    kept: list[Problem] = field(default_factory=list)  # problems left alone: evidence, for `svc check`
    quarantines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.completed)


def quarantine_path(path: Path) -> Path:
    return path.with_name(path.name + QUARANTINE_SUFFIX)


def unparsable(raw: bytes) -> str:
    """Why a line is not a record at all ('' when it is JSON, whatever its content)."""
    if not raw.strip():
        return "空行"
    try:
        _loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "不是有效的 JSON（写入中断留下的残行）"
    return ""


def plan(data: bytes) -> tuple[list[bytes], list[tuple[int, bytes, str]], int]:
    """Split one file's bytes into the lines to keep, the lines to move (number, bytes, reason) and
    the number of a last line that only needs its newline (0 if none)."""
    parts = data.split(b"\n")
    tail = parts.pop()
    keep: list[bytes] = []
    moved: list[tuple[int, bytes, str]] = []
    for n, raw in enumerate(parts, 1):
        reason = unparsable(raw)
        if reason:
            moved.append((n, raw, reason))
        else:
            keep.append(raw)
    completed = 0
    if tail:
        n = len(parts) + 1
        if unparsable(tail):
            moved.append((n, tail, "最后一行不完整（写入时中断，该记录未被确认）"))
        else:
            keep.append(tail)
            completed = n
    return keep, moved, completed


def repair(log: RecordLog, moved_at: str, by: str = "", dry_run: bool = False) -> Repaired:
    """Move the torn and unparsable lines of every record file to quarantine (see the module doc)."""
    out = Repaired()
    with log.lock():
        for path in log.files():
            shown = path.relative_to(log.home).as_posix()
            data = path.read_bytes()
            keep, moved, completed = plan(data)
            for n, raw, reason in moved:
                out.moved.append(Moved(shown, n, reason, len(raw)))
            if completed:
                out.completed.append((shown, completed))
            new = b"".join(raw + b"\n" for raw in keep)
            out.kept.extend(_renumber(read_file(new, shown)[1], [n for n, _, _ in moved]))
            if not (moved or completed) or dry_run:
                continue
            if moved:
                notes = [
                    {
                        "moved_at": moved_at,
                        "by": by,
                        "file": shown,
                        "line": n,
                        "reason": reason,
                        "bytes": len(raw),
                        "text": raw.decode("utf-8", errors="backslashreplace"),
                        "base64": base64.b64encode(raw).decode("ascii"),
                        "sha": line_hash(raw),
                    }
                    for n, raw, reason in moved
                ]
                q = quarantine_path(path)
                _append_notes(q, notes)
                out.quarantines.append(q.relative_to(log.home).as_posix())
            replace_atomically(path, new)
    return out


def _renumber(problems: list[Problem], removed: list[int]) -> list[Problem]:
    """Problems found in the repaired text, named by the line numbers the file had before."""
    out = []
    for p in problems:
        n = p.line
        for r in sorted(removed):  # the k-th kept line sat after every removed line numbered <= it
            if r <= n:
                n += 1
        out.append(Problem(p.path, n, p.message, p.warning, p.torn, p.soft))
    return out


def _append_notes(path: Path, notes: list[dict]) -> None:
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        _write_all(fd, b"".join(json.dumps(n, ensure_ascii=False).encode("utf-8") + b"\n" for n in notes))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)


def replace_atomically(path: Path, data: bytes) -> None:
    """Write data to a temp file beside path, fsync it, rename it over path, fsync the folder."""
    tmp = path.with_name(f".{path.name}.repair-tmp")  # not *.jsonl: never read as records
    try:
        os.unlink(tmp)  # left by a repair that crashed: a copy, never the only one
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


# -- verifying -------------------------------------------------------------------------------------


def head_of(data: bytes) -> tuple[int, str]:
    """The number of complete lines and the hash of the last one ('' for none): the file's head.
    A later line's `prev` chains back to it, so a posted head pins everything up to that line."""
    body = data[: data.rfind(b"\n") + 1]
    count = body.count(b"\n")
    if not count:
        return 0, ""
    last = body[:-1].rsplit(b"\n", 1)[-1]
    return count, line_hash(last)


def heads(log: RecordLog) -> tuple[list[dict], list[Problem]]:
    """Each record file's path, line count and head hash, with every problem its chain has."""
    rows, problems = [], []
    for path in log.files():
        shown = path.relative_to(log.home).as_posix()
        data = path.read_bytes()
        found = read_file(data, shown)[1]
        count, head = head_of(data)
        rows.append({"path": shown, "lines": count, "head": head, "problems": len(found)})
        problems.extend(found)
    return rows, problems


def against(log: RecordLog, posted: list[dict]) -> list[Problem]:
    """Compare posted heads with the files now: line `lines` of each file must still hash to `head`
    (appending since is fine; an edit, cut or removal up to that line is not)."""
    problems = []
    for row in posted:
        shown, count, head = row["path"], row["lines"], row["head"]
        path = log.home / shown
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            problems.append(Problem(shown, 0, "公布过的记录文件已不存在"))
            continue
        rows = data.split(b"\n")
        complete = len(rows) - 1
        if complete < count:
            problems.append(
                Problem(
                    shown,
                    complete + 1 if complete else 0,
                    f"公布时有 {count} 行，现只有 {complete} 行完整（记录被截断或删除）",
                )
            )
        elif count and line_hash(rows[count - 1]) != head:
            problems.append(Problem(shown, count, "与公布的末行哈希不符（该行或其前的记录被改动）"))
    return problems
