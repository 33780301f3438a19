"""The derived state: one SQLite database, `.svc/state.sqlite` (WAL), outside git.

It holds data only (JSON and numbers: store/codec.py) and nothing in it can run as code. Every
answer is the same without it: it is thrown away and rebuilt whenever it is not what this code
wrote. A database that another user could have written (not owned by the running user, writable
by group or others, a link, not a regular file) is never opened. When the database cannot be
read or written (a read-only home, a full disk, another process holding it past the bound, the
folder removed meanwhile) the command answers from the records and says so once on stderr.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from svccli import __version__
from svccli.store.durable import lock_timeout

NAME = "state.sqlite"
FORMAT = 1
T = TypeVar("T")

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE record_file(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, lines INTEGER NOT NULL, tail TEXT NOT NULL, tail_len INTEGER NOT NULL);
CREATE TABLE open_case(id TEXT PRIMARY KEY, body BLOB NOT NULL, sig INTEGER NOT NULL,
    wake INTEGER NOT NULL, due INTEGER NOT NULL);
CREATE INDEX open_case_wake ON open_case(wake);
CREATE INDEX open_case_due ON open_case(due);
CREATE TABLE closed_month(month TEXT PRIMARY KEY, ids BLOB NOT NULL);
CREATE TABLE daily_answer(id TEXT PRIMARY KEY, sig INTEGER NOT NULL, answer BLOB NOT NULL);
CREATE TABLE case_file(id TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY(id, path)) WITHOUT ROWID;
CREATE TABLE case_file_mark(day TEXT NOT NULL, path TEXT NOT NULL, size INTEGER, mtime_ns INTEGER, ino INTEGER,
    PRIMARY KEY(day, path)) WITHOUT ROWID;
CREATE TABLE catalog_item(code TEXT PRIMARY KEY, pos INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE register_file(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ino INTEGER,
    numbers BLOB NOT NULL, hashes BLOB NOT NULL);
CREATE TABLE office_file(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, lines INTEGER NOT NULL, tail TEXT NOT NULL, tail_len INTEGER NOT NULL);
CREATE TABLE office_event(file TEXT NOT NULL, line INTEGER NOT NULL, ts TEXT NOT NULL, type TEXT NOT NULL,
    body BLOB NOT NULL, PRIMARY KEY(file, line)) WITHOUT ROWID;
CREATE INDEX office_event_type ON office_event(type, ts);
"""


class Unavailable(Exception):
    """The database cannot be used for this step: answer from the records."""


def _code_stamp() -> str:
    """Which svccli wrote the state: its version and every source file's size and time, so an
    upgrade, an edit or a checkout of the code rebuilds the state instead of misreading it."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=12)
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return f"{FORMAT}:{digest.hexdigest()}"


CODE = _code_stamp()


class State:
    """The state database of one home for one command; `conn` is None once it cannot be used."""

    def __init__(self, home: Path):
        self.home = home
        self.folder = home / ".svc"
        self.path = self.folder / NAME
        self.conn: sqlite3.Connection | None = None
        self.ident = (0, 0)  # inode and device of the file opened
        self.warned: set[str] = set()
        self.tried = False

    # -- opening ----------------------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """The open connection; Unavailable when there is none to be had."""
        if self.conn is None:
            if self.tried:
                raise Unavailable("已停用")
            self.tried = True
            try:
                self.conn = self._open()
            except (sqlite3.Error, OSError, Unavailable) as e:
                self.fail(e)
        assert self.conn is not None
        return self.conn

    def _open(self) -> sqlite3.Connection:
        self._trusted_folder()
        for suffix in ("", "-wal", "-shm"):
            self._trusted_file(Path(f"{self.path}{suffix}"))
        try:
            return self._connect()
        except sqlite3.DatabaseError as e:  # not a database, or damaged: ours to throw away
            if not any(s in str(e) for s in ("not a database", "malformed", "corrupt")):
                raise
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self._connect()

    def _connect(self) -> sqlite3.Connection:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.close(fd)
        conn = sqlite3.connect(self.path, timeout=lock_timeout(), isolation_level=None, check_same_thread=False)
        st = os.stat(self.path)
        self.ident = (st.st_ino, st.st_dev)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # derived: a lost last transaction is rebuilt
            if _stamp(conn) != CODE:
                _recreate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _trusted_folder(self) -> None:
        try:
            st = os.lstat(self.folder)
        except FileNotFoundError:
            os.mkdir(self.folder, 0o700)
            return
        if not stat.S_ISDIR(st.st_mode):
            raise Unavailable(f"{self.folder} 不是目录")
        _owned_and_private(self.folder, st)

    def _trusted_file(self, path: Path) -> None:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        if not stat.S_ISREG(st.st_mode):
            raise Unavailable(f"{path} 不是普通文件")
        _owned_and_private(path, st)

    def _still_there(self) -> None:
        """The file written is still the one at the path (not removed or replaced meanwhile)."""
        st = os.stat(self.path)  # FileNotFoundError: removed
        if (st.st_ino, st.st_dev) != self.ident:
            raise OSError(errno.ESTALE, "状态文件在使用中被替换")

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
            self.conn = None

    # -- failing ----------------------------------------------------------------------------------
    def fail(self, error: BaseException) -> None:
        """Stop using the database for this command, say so once, and raise Unavailable."""
        self.close()
        self.tried = True
        self.warn(f"派生状态 {_shown(self.path, self.home)} 无法使用（{_reason(error)}），本次直接从记录计算")
        raise Unavailable(str(error))

    def warn(self, message: str) -> None:
        if message not in self.warned and not self.warned:  # once per command
            self.warned.add(message)
            sys.stderr.write(f"svc: 警告：{message}\n")
            sys.stderr.flush()

    # -- using --------------------------------------------------------------------------------------
    def read(self, sql: str, args: tuple | list = ()) -> list[tuple]:
        conn = self.connect()
        try:
            return conn.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            self.fail(e)
            raise

    def meta(self, key: str) -> Any:
        rows = self.read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one state of the database (a read transaction)."""
        conn = self.connect()
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as e:
            self.fail(e)
        try:
            yield
        finally:
            _rollback(conn)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so two processes never
        interleave an update; any fault rolls it back and ends the database's use."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            self.fail(e)
        try:
            yield conn
            conn.execute("COMMIT")
            self._still_there()
        except (sqlite3.Error, OSError) as e:
            _rollback(conn)
            self.fail(e)
        except BaseException:
            _rollback(conn)
            raise

    def attempt(self, fn: Callable[[], T], fallback: Callable[[], T]) -> T:
        """fn(), or fallback() when the database cannot be used for it."""
        try:
            return fn()
        except Unavailable:
            return fallback()


def _owned_and_private(path: Path, st: os.stat_result) -> None:
    if st.st_uid != os.geteuid():
        raise Unavailable(f"{path} 的所有者不是当前用户（uid {st.st_uid}），不予使用")
    if st.st_mode & 0o022:
        raise Unavailable(f"{path} 可被其他用户写入（权限 {stat.filemode(st.st_mode)}），不予使用")


def _stamp(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _recreate(conn: sqlite3.Connection) -> None:
    """Drop whatever is there (another version's tables, a damaged file's) and start empty."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        names = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        for kind, name in names:
            if kind in ("table", "view"):
                conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('code', ?)", (CODE,))
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    known = {
        "database is locked": "被另一进程占用",
        "readonly": "只读",
        "disk is full": "磁盘已满",
        "disk I/O error": "磁盘读写错误",
        "not a database": "不是 SQLite 数据库文件",
        "unable to open": "无法打开",
        "malformed": "文件已损坏",
    }
    for needle, meaning in known.items():
        if needle in text:
            return meaning
    if isinstance(error, FileNotFoundError):
        return "文件在使用中被删除"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return text


def _shown(path: Path, home: Path) -> str:
    try:
        return path.relative_to(home).as_posix()
    except ValueError:
        return str(path)
