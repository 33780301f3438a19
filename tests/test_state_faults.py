"""Faults of the derived state, from outside (issue 15): `.svc/state.sqlite` (+ -wal, -shm) is data
no answer depends on.

- Distrust a foreign database: one not owned by the running user, writable by group or others, or
  reached through a link is not used: one warning (`svc: 警告：…`), the answer from the records,
  and the file is left exactly as it was.
- Fall back, never crash: when the database cannot be read or written (read-only home, full disk,
  held by another process past SVC_LOCK_TIMEOUT, .svc removed mid-command, a folder in its place),
  the command answers from the records, warns once and exits as it would have.
- Same answers: stdout and exit code of the three commands below equal a run with no .svc at all.

And no module under svccli/ loads pickles or marshalled code, or keeps jinja2 bytecode.
"""

from __future__ import annotations

import ast
import errno
import gc
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import REPO, Office

TODAY = "2026-11-25T10:00"
WARNING = "svc: 警告："
REAL_CONNECT = sqlite3.connect
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


# -- the answers and how a run is judged -------------------------------------------------------------


def commands(case: str) -> list[tuple[str, ...]]:
    return [("overdue", "--format", "json"), ("cases", "--status", "open", "--format", "json"), ("show", case)]


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(WARNING)]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict:
    """Exit code, stdout and warnings of each command on a copy of the sample office with no .svc
    (removed before each command, so none answers from what another left)."""
    home = tmp_path_factory.mktemp("fresh") / "sample"
    for name in ("catalog", "templates", "records"):
        shutil.copytree(REPO / name, home / name)
    office = Office(home)
    listed = run(office, ("cases", "--status", "open", "--format", "json"))
    case = json.loads(listed.stdout)[0]["id"]
    answers = {}
    for command in commands(case):
        shutil.rmtree(home / ".svc", ignore_errors=True)
        result = run(office, command)
        assert "Traceback" not in result.stderr
        answers[command] = (result.exit_code, result.stdout, warnings(result.stderr))
    assert answers[commands(case)[0]][1].startswith("[")  # overdue lists something on TODAY
    return answers


def run(office: Office, command: tuple[str, ...], env: dict | None = None):
    """One command as its own process would run it: connections it left open are closed after it
    (as its exit would), so none lingers into the next step of a test."""
    result = office.run(*command, today=TODAY, env=env)
    done = SimpleNamespace(exit_code=result.exit_code, stdout=result.stdout, stderr=result.stderr)
    del result  # its traceback holds the command's frames, and through them its connections
    gc.collect()
    return done


def same_answers(
    office: Office, fresh: dict, warned: tuple[int, ...] = (1,), env: dict | None = None, before=None, after=None
) -> None:
    """Each command answers as on a fresh copy, with `warned` state warnings more than it had there
    (one: the fault is said once, not once per step). `before()` arms a fault for each command,
    `after(command)` checks it was met."""
    for command, (code, stdout, base) in fresh.items():
        if before:
            before()
        result = run(office, command, env)
        if after:
            after(command)
        assert "Traceback" not in result.stderr
        assert (result.exit_code, result.stdout) == (code, stdout), (command, result.stderr)
        extra = len(warnings(result.stderr)) - len(base)
        assert extra in warned, (command, result.stderr)


def warm(office: Office) -> Path:
    """The state as svc itself writes it, after one ordinary command."""
    result = run(office, ("cases", "--status", "open", "--format", "json"))
    assert result.exit_code == 0 and warnings(result.stderr) == [], result.stderr
    path = office.path / ".svc" / "state.sqlite"
    assert path.is_file()
    return path


def snapshot(path: Path) -> tuple:
    st = os.lstat(path)
    return path.read_bytes(), st.st_mtime_ns, st.st_ino, st.st_mode


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every database sqlite3.connect is asked to open during the test."""
    names: list[str] = []

    def connect(database, *args, **kwargs):
        names.append(os.fspath(database))
        return REAL_CONNECT(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    return names


# -- distrust a foreign database -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_a_database_others_can_write_is_not_used(sample, fresh, opened, mode):
    path = warm(sample)
    path.chmod(mode)
    before = snapshot(path)
    opened.clear()
    same_answers(sample, fresh)
    assert snapshot(path) == before
    assert not [name for name in opened if "state.sqlite" in name]  # not even read


def test_a_planted_write_ahead_log_others_can_write_is_not_used(sample, fresh, opened):
    """SQLite replays a -wal file into the database on open: a foreign one is as good as a foreign
    database."""
    path = warm(sample)
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)  # a WAL header's magic, then nothing
    wal.chmod(0o666)
    before = snapshot(path), snapshot(wal)
    opened.clear()
    same_answers(sample, fresh)
    assert (snapshot(path), snapshot(wal)) == before
    assert not [name for name in opened if "state.sqlite" in name]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_database_of_another_user_is_not_used(sample, fresh, opened):
    path = warm(sample)
    os.chown(path, 12345, -1)
    before = snapshot(path)
    opened.clear()
    same_answers(sample, fresh)
    assert snapshot(path) == before and path.stat().st_uid == 12345
    assert not [name for name in opened if "state.sqlite" in name]


def test_a_database_behind_a_link_is_not_used(sample, fresh, tmp_path):
    """A link could point anywhere the user can write; the file it names is left alone."""
    path = warm(sample)
    target = tmp_path / "elsewhere.sqlite"
    shutil.move(path, target)
    path.symlink_to(target)
    before = snapshot(target)
    same_answers(sample, fresh)
    assert snapshot(target) == before and path.is_symlink()


# -- rebuild or fall back, never crash ---------------------------------------------------------------------


def test_a_planted_garbage_file_is_rebuilt_or_ignored(sample, fresh):
    path = sample.path / ".svc" / "state.sqlite"
    path.parent.mkdir(mode=0o700)
    garbage = b"not a database\n" * 300
    path.write_bytes(garbage)
    path.chmod(0o600)
    same_answers(sample, fresh, warned=(0, 1))
    data = path.read_bytes()
    assert data == garbage or data.startswith(b"SQLite format 3\x00")


def test_a_folder_in_place_of_the_database(sample, fresh):
    folder = sample.path / ".svc" / "state.sqlite"
    folder.mkdir(parents=True)
    (folder / "note.txt").write_text("别人的文件", encoding="utf-8")
    same_answers(sample, fresh)
    assert (folder / "note.txt").read_text(encoding="utf-8") == "别人的文件"  # never removed


def test_sqlite_refusing_every_write(sample, fresh, monkeypatch):
    """Read-only, seen from SQLite: every connection opened with mode=ro, so reads work and the
    first write fails with SQLite's own "attempt to write a readonly database". (Root ignores
    chmod, so a read-only folder cannot show this here; the mount below shows the OS's side.)"""

    def connect(database, *args, **kwargs):
        if os.fspath(database) == ":memory:":
            return REAL_CONNECT(database, *args, **kwargs)
        kwargs["uri"] = True
        return REAL_CONNECT(f"{Path(database).resolve().as_uri()}?mode=ro", *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    same_answers(sample, fresh)  # no .svc yet: building the schema is a write


def test_the_os_refusing_every_write_under_svc(sample, fresh, monkeypatch):
    """Read-only, seen from the OS, in process: creating or opening for writing anything under .svc
    fails with EROFS, as on a read-only mount (the real one is the next test, where unshare works)."""
    svc = str(sample.path / ".svc")
    real_open, real_mkdir = os.open, os.mkdir

    def under_svc(path) -> bool:
        return os.path.abspath(os.fspath(path)).startswith(svc)

    def fake_open(path, flags, *args, **kwargs):
        if under_svc(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if under_svc(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    same_answers(sample, fresh)


def mounts_work() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt"],
        capture_output=True,
        timeout=10,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not mounts_work(), reason="needs root and unshare -m (a mount namespace)")
@pytest.mark.parametrize("warmed", [False, True], ids=["no-svc", "warm-state"])
def test_a_read_only_home(sample, fresh, tmp_path, warmed):
    """The real thing: svc in a mount namespace where the whole home is bind-mounted read-only, so
    even root gets EROFS (mkdir of .svc when there is none; opening the state for writing, and
    SQLite's -shm, when there is one). Run as a process: a traceback would show on its stderr."""
    if warmed:
        warm(sample)
    home, out = sample.path, tmp_path / "out"
    out.mkdir()
    lines = [
        f"mount --bind {home} {home}",
        f"mount -o remount,bind,ro {home}",
        f"touch {home}/probe 2>/dev/null && exit 99",
    ]  # the mount must really be read-only
    for i, command in enumerate(fresh):
        args = " ".join(f"'{a}'" for a in command)
        lines.append(
            f"{sys.executable} -m svccli --home {home} {args} >{out}/{i}.out 2>{out}/{i}.err; echo $? >{out}/{i}.rc"
        )
    env = {
        **os.environ,
        "SVC_TODAY": TODAY,
        "SVC_CLOCK": TODAY,
        "SVC_CLONE": "T01",
        "SVC_STAFF": "S001",
        "SVC_HOME": "",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "\n".join(lines)],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for i, (code, stdout, base) in enumerate(fresh.values()):
        stderr = (out / f"{i}.err").read_text(encoding="utf-8")
        assert "Traceback" not in stderr
        assert int((out / f"{i}.rc").read_text()) == code, stderr
        assert (out / f"{i}.out").read_text(encoding="utf-8") == stdout
        assert len(warnings(stderr)) - len(base) == 1, stderr


def test_a_full_disk(sample, fresh, monkeypatch):
    """SQLite's own "database or disk is full": each connection may not grow past the pages it has
    (PRAGMA max_page_count), and with no .svc yet the schema alone needs more."""

    def connect(*args, **kwargs):
        conn = REAL_CONNECT(*args, **kwargs)
        if args and args[0] != ":memory:":  # a full disk leaves memory alone: the fallback builds there
            conn.execute("PRAGMA max_page_count = 1")  # raised to the current size when it is larger
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    same_answers(sample, fresh)


class Proxy:
    """A sqlite3 connection or cursor that calls `before(sql)` ahead of every statement."""

    def __init__(self, inner, before):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_before", before)

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __setattr__(self, name, value):
        setattr(self._inner, name, value)

    def __iter__(self):
        return iter(self._inner)

    def __enter__(self):
        self._inner.__enter__()
        return self

    def __exit__(self, *exc):
        return self._inner.__exit__(*exc)

    def execute(self, sql, *args):
        self._before(sql)
        return self._inner.execute(sql, *args)

    def executemany(self, sql, *args):
        self._before(sql)
        return self._inner.executemany(sql, *args)

    def executescript(self, sql):
        self._before(sql)
        return self._inner.executescript(sql)

    def commit(self):
        self._before("COMMIT")
        return self._inner.commit()

    def cursor(self, *args):
        return Proxy(self._inner.cursor(*args), self._before)


def test_svc_removed_before_the_database_is_opened(sample, fresh, monkeypatch):
    """rm -rf .svc lands after the command made or checked the folder and before SQLite opens the
    file: the open fails ("unable to open database file"), which is said once."""
    svc = sample.path / ".svc"
    armed = [False]

    def connect(*args, **kwargs):
        if armed[0]:
            armed[0] = False
            shutil.rmtree(svc, ignore_errors=True)
        return REAL_CONNECT(*args, **kwargs)

    def injected(command) -> None:
        assert not armed[0], f"svc {command[0]} never opened the state: the fault was not injected"

    monkeypatch.setattr(sqlite3, "connect", connect)
    same_answers(sample, fresh, before=lambda: armed.__setitem__(0, True), after=injected)
    monkeypatch.setattr(sqlite3, "connect", REAL_CONNECT)
    same_answers(sample, fresh, warned=(0,))  # the next commands rebuild it, without a word


def test_svc_removed_in_the_middle_of_a_write(sample, fresh, monkeypatch):
    """rm -rf .svc lands inside the command's first write transaction (with no .svc to start from,
    every command has the schema to write). SQLite goes on writing to the unlinked files without an
    error, so a warning is allowed, not required; the answers stand, and the next commands rebuild
    the state without a word."""
    svc = sample.path / ".svc"
    armed = [False]

    def before(sql: str) -> None:
        if armed[0] and sql.lstrip().upper().startswith(WRITES):
            armed[0] = False
            shutil.rmtree(svc)

    def injected(command) -> None:
        assert not armed[0], f"svc {command[0]} never wrote to the state: the fault was not injected"

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: Proxy(REAL_CONNECT(*a, **k), before))
    same_answers(sample, fresh, warned=(0, 1), before=lambda: armed.__setitem__(0, True), after=injected)
    monkeypatch.setattr(sqlite3, "connect", REAL_CONNECT)
    same_answers(sample, fresh, warned=(0,))


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=DELETE")  # so that EXCLUSIVE shuts out readers as well as writers
conn.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
sys.stdin.read()
"""


def test_a_database_held_by_another_process_past_the_bound(sample, fresh):
    path = warm(sample)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        same_answers(sample, fresh, env={"SVC_LOCK_TIMEOUT": "0.2"})
        assert time.monotonic() - started < 5  # three waits of 0.2 s, not of the default 10 s
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    same_answers(sample, fresh, warned=(0,))  # released: used again, without a word


# -- nothing derived is code ----------------------------------------------------------------------------------

LOADERS = {
    "pickle": {"load", "loads", "Unpickler"},
    "_pickle": {"load", "loads", "Unpickler"},
    "marshal": {"load", "loads"},
}
PICKLING_MODULES = {"shelve", "dill", "cloudpickle", "jsonpickle"}


def code_loading(tree: ast.AST) -> list[str]:
    """Calls that turn bytes into objects or code (pickle, marshal and their wrappers) and jinja2
    bytecode caches: `name` (line) for each, through any import alias."""
    aliases = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
                if alias.name.split(".")[0] in PICKLING_MODULES:
                    found.append(f"import {alias.name} ({node.lineno})")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name in LOADERS.get(node.module, ()) or node.module.split(".")[0] in PICKLING_MODULES:
                    found.append(f"from {node.module} import {alias.name} ({node.lineno})")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if node.attr in LOADERS.get(module, ()):
                found.append(f"{module}.{node.attr} ({node.lineno})")
        name = (
            getattr(node, "attr", None)
            or getattr(node, "id", None)
            or getattr(node, "arg", None)
            or (node.name if isinstance(node, ast.alias) else None)
        )
        if isinstance(name, str) and ("BytecodeCache" in name or name == "bytecode_cache"):
            found.append(f"{name} ({node.lineno if hasattr(node, 'lineno') else '?'})")
    return found


def test_the_checker_finds_what_it_looks_for():
    source = (
        "import pickle as p, marshal\nfrom _pickle import loads\nimport jinja2\n"
        "p.loads(b'')\nmarshal.load(f)\njinja2.Environment(bytecode_cache=jinja2.FileSystemBytecodeCache())\n"
    )
    assert len(code_loading(ast.parse(source))) == 5
    assert code_loading(ast.parse("import json, pickle\njson.loads('1')\npickle.dumps(1)\n")) == []


def test_no_module_loads_pickles_marshal_or_jinja2_bytecode():
    found = {}
    for path in sorted((REPO / "svccli").rglob("*.py")):
        hits = code_loading(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if hits:
            found[path.relative_to(REPO).as_posix()] = hits
    assert found == {}
