"""The record log: JSON lines, append-only, partitioned by clone and day, hash-chained per file.

Layout: records/<clone>/<YYYY-MM>/<YYYY-MM-DD>.jsonl. Each clone (working copy) writes only its
own files, so git merges of two clones never touch the same file and every chain stays inside one
clone. Within a clone, writers take an exclusive lock, append whole lines with one write, and
fsync the file (and, for a new file, its folders) before anything is reported as done.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from svccli.core.problems import Problem
from svccli.store.durable import (  # noqa: F401  (LockTimeout, StoreError: what a command catches)
    LockTimeout,
    StoreError,
    _fault,
    _fsync_dir,
    _Lock,
    _make_dirs,
    _open_append,
    _private_dir,
    _write_all,
    lock_timeout,
    lstat_kind,
    read_regular,
    reason,
)
from svccli.store.lines import (  # noqa: F401  (read_file, parse_line: what readers import from here)
    SCHEMA_VERSION,
    Line,
    _dumps,
    _loads,
    line_hash,
    parse_line,
    read_file,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class RecordLog:
    def __init__(self, home: Path):
        self.home = home
        self.root = home / "records"
        self.state = home / ".svc"
        self.torn: list[str] = []  # the files this log appended to after a torn last line (shown)

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

    def stage(self, events, day: str, clone: str | None = None) -> Staged:
        """As append, but nothing is written yet: the lock is taken and held, the lines are made
        (ids included) and kept, to be written by `Staged.commit` or dropped by `Staged.drop`. A
        document that goes with them is written in between, so that it exists before they count."""
        clone = clone or self.clone_id()
        path = self.partition(clone, day)
        lock = self.lock()
        lock.__enter__()
        try:
            made = events(path) if callable(events) else events
            return Staged(self, path, lock, made)
        except BaseException:
            lock.__exit__(None, None, None)
            raise

    def lock(self, timeout: float | None = None):
        return _Lock(self.state / "lock", lock_timeout() if timeout is None else timeout)

    def _append_locked(self, path: Path, events: list[dict]) -> list[dict]:
        """Any I/O fault becomes a StoreError naming the step; what this call wrote is cut off again
        (best effort) and a failed fsync is never tried again: nothing unconfirmed is left to count."""
        created = not os.path.lexists(path)
        step, fd, size = "创建目录", None, None
        try:
            _make_dirs(path.parent, self.root)
            step = "打开"
            fd = _open_append(path, self.root)
            step = "读取"
            size = os.fstat(fd).st_size
            prev, torn = _tail(fd)
            out, chunks = [], [b"\n"] if torn else []
            for event in events:
                full = {"v": SCHEMA_VERSION, "id": secrets.token_hex(8), **event, "prev": prev}
                raw = _dumps(full)
                chunks.append(raw + b"\n")
                prev = line_hash(raw)
                out.append(full)
            step = "写入"
            _write_all(fd, b"".join(chunks))
            step = "同步（fsync）"
            os.fsync(fd)
            if created:
                step = "同步目录（fsync）"
                _fsync_dir(path.parent)
        except OSError as e:
            if fd is not None:
                if size is not None:
                    try:
                        os.ftruncate(fd, size)
                    except OSError:
                        pass  # a torn line is left: `svc check` names it, `svc repair` moves it
                try:
                    os.close(fd)
                except OSError:
                    pass
            raise _fault(step, self._shown(path), e, "记录未保存") from None
        try:
            os.close(fd)
        except OSError as e:
            raise _fault(
                "关闭", self._shown(path), e, "记录未确认（可能已写入，请先用 svc check、svc cases 核实再重做）"
            ) from None
        if torn:
            self.torn.append(self._shown(path))
        return out

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.home).as_posix()
        except ValueError:
            return str(path)

    def last_number(self, path: Path, prefix: str, field: str = "case") -> int:
        """The highest number N of an id `prefix`N in `field` (a case's, a leave's, a complaint's …) that
        the partition's lines name (0 if none):
        a new case takes the next one, under the lock. A maximum, not a count of intake lines, so a
        never-confirmed fragment that `svc repair` moves away cannot make a number come round twice."""
        if lstat_kind(path):  # a link or a FIFO at the partition path: never read; the append refuses it
            return 0
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return 0
        found = re.findall(rb'"' + field.encode() + rb'":"' + re.escape(prefix.encode()) + rb'(\d+)"', data)
        return max(map(int, found), default=0)

    def files(self) -> list[Path]:
        """The record files records/<clone>/<month>/*.jsonl, sorted; only regular files, reached
        without following a link (`svc check` names the others: special_files)."""
        return [Path(p) for p in self.listing().values()]

    def files_since(self, day: str) -> list[Path]:
        """files() without those named for a day before `day`, in the same order."""
        return [Path(p) for p in self.listing(day).values()]

    def listing(self, day: str = "") -> dict[str, str]:
        """The record files named for `day` or later, as {path relative to the home: full path},
        in files() order. Plain strings from os.scandir: a year holds thousands of files, and a
        Path for each costs more than the stat a warm command makes of it."""
        found = []
        for clone in _subfolders(str(self.root)):
            for month in _subfolders(clone.path):
                try:
                    with os.scandir(month.path) as it:
                        names = [e.name for e in it if _regular(e)]
                except (FileNotFoundError, NotADirectoryError, PermissionError):
                    continue
                for name in names:  # Path(name).stem, as files() is filtered by
                    if name.endswith(".jsonl") and (name[:-6] if len(name) > 6 else name) >= day:
                        found.append((clone.name, month.name, name))
        found.sort()  # as Paths sort: part by part
        root = str(self.root)
        return {f"records/{c}/{m}/{n}": f"{root}/{c}/{m}/{n}" for c, m, n in found}

    def case_lines(self, case_id: str, files: list[Path] | None = None) -> tuple[list[Line], list[Problem]]:
        """The lines of one case: only files dated on or after its intake (the id carries the
        date) that mention it are parsed, so a case is found without reading the whole year;
        `files`, when given, are the only ones that can (store/where.py)."""
        since = intake_day(case_id)
        needle = f'"case":"{case_id}"'.encode()
        lines: list[Line] = []
        problems: list[Problem] = []
        for path in self.files_since(since) if files is None else files:
            shown = path.relative_to(self.home).as_posix()
            data = self._bytes(path, shown, problems)
            if needle not in data:
                continue
            got, found = read_file(data, shown)
            lines += [ln for ln in got if ln.event.get("case") == case_id]
            problems += found
        return lines, problems

    def read(self) -> tuple[list[Line], list[Problem]]:
        lines: list[Line] = []
        problems: list[Problem] = []
        for path in self.files():
            shown = path.relative_to(self.home).as_posix()
            got, found = read_file(self._bytes(path, shown, problems), shown)
            lines.extend(got)
            problems.extend(found)
        return lines, problems

    def _bytes(self, path: Path, shown: str, problems: list[Problem]) -> bytes:
        """A listed record file's bytes; one that cannot be read (or has become a link or a FIFO
        since it was listed) is a problem, never a hang or a traceback."""
        try:
            return read_regular(path)
        except OSError as e:
            problems.append(Problem(shown, 0, f"无法读取（{reason(e)}）"))
            return b""


class Staged:
    """Lines made under the record lock and not yet written (RecordLog.stage). `events` are the
    lines as they will be written, but for `prev`, which the append fills in; the lock is held
    until commit or drop."""

    def __init__(self, log: RecordLog, path: Path, lock, made: list[dict]):
        self.log, self.path, self._lock = log, path, lock
        self.events: list[dict] = []
        self.add(made)

    def add(self, made: list[dict]) -> list[dict]:
        """More lines for the same file, under the same lock (a command that records twice)."""
        new = [{"v": SCHEMA_VERSION, "id": secrets.token_hex(8), **e, "prev": ""} for e in made]
        self.events += new
        return new

    @property
    def shown(self) -> str:
        return self.log._shown(self.path)

    def lines(self) -> list[Line]:
        """The staged events as the reader will number them once written (after the file's lines)."""
        try:
            data = read_regular(self.path)
        except OSError:
            data = b""
        first = data.count(b"\n") + 1 + (1 if data and not data.endswith(b"\n") else 0)
        return [Line(self.shown, n, e) for n, e in enumerate(self.events, first)]

    def commit(self) -> list[dict]:
        """Write the staged lines durably (RecordLog._append_locked) and let the lock go."""
        if self._lock is None:
            raise RuntimeError("staged records were already written or dropped")
        try:
            return self.log._append_locked(self.path, self.events)
        finally:
            self.drop()

    def drop(self) -> None:
        """Let the lock go without writing anything."""
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.__exit__(None, None, None)

    @property
    def open(self) -> bool:
        return self._lock is not None


def intake_day(case_id: str) -> str:
    """The day of intake a case id carries (TX-W01-261125-007 -> 2026-11-25), or "" when none:
    a case's records lie in the files of that day and later."""
    parts = case_id.rsplit("-", 2)
    day = parts[1] if len(parts) == 3 and parts[2].isdigit() else ""
    return f"20{day[:2]}-{day[2:4]}-{day[4:]}" if len(day) == 6 and day.isdigit() else ""


# -- low-level helpers ------------------------------------------------------------------------


def _subfolders(folder: str) -> list:
    """The folders in `folder`, not links to folders (a record is read only where it is written);
    none when it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    found = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                found.append(entry)
        except OSError:
            pass
    return found


def _regular(entry) -> bool:
    """A record file is a regular file, never a link, FIFO or device (`svc check` names those)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


BLOCK = 4096  # the tail is read backwards in blocks of this size, growing with what was read


def _tail(fd: int) -> tuple[str, bool]:
    """The chain's tip (hash of the last line the reader takes as a record), and whether the file
    ends in a torn line. Lines the reader skips — fragments that a later append left on their own
    line, blank lines — are skipped here too, so that two crashes in a row never read as tampering."""
    pos = os.fstat(fd).st_size
    fragment = b""
    while pos > 0:  # the bytes after the last newline
        step = min(max(BLOCK, len(fragment)), pos)
        pos -= step
        chunk = os.pread(fd, step, pos)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            fragment = chunk[cut + 1 :] + fragment
            pos += cut + 1
            break
        fragment = chunk + fragment
    prev = ""
    for line in _lines_backwards(fd, pos):
        if parse_line(line, "")[0] is not None:
            prev = line_hash(line)
            break
    if not fragment:
        return prev, False
    return _past_fragment(fragment, prev), True


def _lines_backwards(fd: int, end: int):
    """The complete lines of the file up to `end` (just past a newline, or 0), the last first."""
    pos, rest = end, b""  # rest: from pos up to the lines not yet given, its first line maybe partial
    while pos > 0:
        step = min(max(BLOCK, len(rest)), pos)
        pos -= step
        parts = (os.pread(fd, step, pos) + rest).split(b"\n")
        parts.pop()  # "" after the final newline
        yield from reversed(parts[1:])
        rest = parts[0] + b"\n"
    if rest:
        yield rest[:-1]


def _past_fragment(fragment: bytes, prev: str) -> str:
    """The chain's tip after a torn last line. A fragment that is a whole record, cut short only of
    its newline, becomes a complete line once the newline is written, and the reader will take it
    as part of the chain; any other fragment stays a bad line that the chain skips."""
    event, _ = parse_line(fragment, prev)
    return line_hash(fragment) if event is not None else prev
