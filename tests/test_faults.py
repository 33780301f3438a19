"""Injected I/O faults in the write path (issue 10, "Injected faults").

EIO, ENOSPC, EACCES and EROFS at open, lock, mkdir, write, fsync, directory fsync and close: the
command exits 1 with one line saying what happened, prints no case id, and the store is valid
afterwards (`svc check` clean, or only a torn line that `svc repair` moves away). A failed fsync
is never tried again. A new record file is made durable by a file fsync and a directory fsync.

Faults are aimed by path (the record files, their folders, the lock), found from the descriptor
through /proc/self/fd, so other files the command may touch (caches, templates) are left alone.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import REPO, Office
from svccli.store.log import RecordLog

ERRNOS = [errno.EIO, errno.ENOSPC, errno.EACCES, errno.EROFS]
REAL = {name: getattr(os, name) for name in ("open", "write", "fsync", "close", "mkdir", "ftruncate")}
REAL_FLOCK = fcntl.flock
INTAKE = ("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--material", "M01", "-q")
TODAY = "2026-11-20T09:00"


def fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def is_dir_fd(fd: int) -> bool:
    try:
        return stat.S_ISDIR(os.fstat(fd).st_mode)
    except OSError:
        return False


class Faults:
    """Wraps os.open/write/fsync/close/mkdir/ftruncate and fcntl.flock: logs every call on a path of
    the home, and raises OSError(code) from the calls a rule picks."""

    def __init__(self, monkeypatch, home: Path):
        self.home = str(home)
        self.calls: list[tuple[str, str, str]] = []  # (function, path, "file" | "dir")
        self.rules: list[tuple[str, object, int, list[int]]] = []  # (function, predicate, errno, [times left])
        for name in REAL:
            monkeypatch.setattr(os, name, self._wrap(name))
        monkeypatch.setattr(fcntl, "flock", self._flock)

    def fail(self, function: str, where, code: int, times: int = 1) -> None:
        """Make `function` raise OSError(code) on paths where `where(path, kind)` holds, `times` times."""
        self.rules.append((function, where, code, [times]))

    def _check(self, name: str, path: str, kind: str) -> None:
        if not path.startswith(self.home):
            return
        self.calls.append((name, path, kind))
        for function, where, code, left in self.rules:
            if function == name and left[0] and where(path, kind):
                left[0] -= 1
                raise OSError(code, os.strerror(code))

    def _wrap(self, name: str):
        real = REAL[name]

        def wrapper(*args, **kwargs):
            target = args[0]
            if name in ("open", "mkdir"):
                path, kind = os.fspath(target), "dir" if name == "mkdir" else "file"
            else:
                path, kind = fd_path(target), "dir" if is_dir_fd(target) else "file"
            self._check(name, str(path), kind)
            return real(*args, **kwargs)

        return wrapper

    def _flock(self, fd, op):
        self._check("flock", fd_path(fd), "file")
        return REAL_FLOCK(fd, op)

    def count(self, name: str, where) -> int:
        return sum(1 for n, p, k in self.calls if n == name and where(p, k))


def record_file(path: str, kind: str) -> bool:
    return kind == "file" and "/records/" in path and path.endswith(".jsonl")


def record_dir(path: str, kind: str) -> bool:
    return kind == "dir" and "/records" in path


def lock_file(path: str, kind: str) -> bool:
    return path.endswith("/.svc/lock")


def one_line_failure(result, *words: str, state_warning: bool = False) -> str:
    """Exit 1, nothing on stdout (no case id), one line on stderr naming what happened (after the
    one warning that the derived state could not be used either, when `state_warning`)."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    message = result.stderr.strip()
    if state_warning:
        warning, message = message.split("\n", 1)
        assert warning.startswith("svc: 警告：派生状态") and "本次直接从记录计算" in warning, warning
    assert "\n" not in message and message.startswith("svc: "), result.stderr
    assert "Traceback" not in result.stderr
    for w in words:
        assert w in message, (w, message)
    return message


def store_valid(office) -> None:
    """`svc check` is clean, or its only record problem is a torn line that `svc repair` moves."""
    result = office.run("check")
    if result.exit_code != 0:
        problems = [ln for ln in result.stdout.splitlines() if ln.startswith("records/")]
        assert problems and all("最后一行不完整" in ln for ln in problems), result.stdout
        assert office.run("repair").exit_code == 0
        result = office.run("check")
    assert result.exit_code == 0, result.stdout + result.stderr


def cases_in(office) -> int:
    lines, problems = RecordLog(office.path).read()
    return sum(1 for ln in lines if ln.event["type"] == "intake")


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """The sample catalogue with its parsed form cached in .svc (built once per module; copies keep
    the files' times, so each test starts warm)."""
    home = tmp_path_factory.mktemp("warm") / "office"
    for name in ("catalog", "templates"):
        shutil.copytree(REPO / name, home / name)
    (home / "records").mkdir()
    Office(home).run("check")
    return home


@pytest.fixture
def office(warm, tmp_path) -> Office:
    home = tmp_path / "office"
    shutil.copytree(warm, home)
    return Office(home)


@pytest.fixture
def first_case(office):
    """An office whose day file already holds one case: faults must leave it as it was."""
    assert office.run(*INTAKE, today=TODAY).exit_code == 0
    (path,) = office.records()
    return office, path, path.read_bytes()


# -- open, lock, mkdir ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_open_of_the_record_file(first_case, monkeypatch, code):
    office, path, before = first_case
    faults = Faults(monkeypatch, office.path)
    faults.fail("open", record_file, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "打开", path.name)
    monkeypatch.undo()
    assert path.read_bytes() == before
    store_valid(office)


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_open_of_the_lock(first_case, monkeypatch, code):
    office, path, before = first_case
    Faults(monkeypatch, office.path).fail("open", lock_file, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "锁")
    monkeypatch.undo()
    assert path.read_bytes() == before
    store_valid(office)


@pytest.mark.parametrize("code", ERRNOS + [errno.ENOLCK])
def test_fault_at_lock(first_case, monkeypatch, code):
    office, path, before = first_case
    Faults(monkeypatch, office.path).fail("flock", lock_file, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "加锁")
    monkeypatch.undo()
    assert path.read_bytes() == before
    store_valid(office)


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_mkdir_of_a_new_partition(office, monkeypatch, code):
    faults = Faults(monkeypatch, office.path)
    faults.fail("mkdir", record_dir, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "创建目录")
    monkeypatch.undo()
    assert office.records() == []
    store_valid(office)


def test_fault_at_mkdir_of_the_state_folder(office, monkeypatch):
    shutil.rmtree(office.path / ".svc")
    Faults(monkeypatch, office.path).fail("mkdir", lambda p, k: p.endswith("/.svc"), errno.EACCES, times=99)
    # the state database cannot be made either: said once, then the lock's failure
    one_line_failure(office.run(*INTAKE, today=TODAY), "锁", "没有权限", state_warning=True)
    monkeypatch.undo()
    assert office.records() == []


# -- write ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_write_leaves_the_file_as_it_was(first_case, monkeypatch, code):
    office, path, before = first_case
    Faults(monkeypatch, office.path).fail("write", record_file, code)
    message = one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "写入", path.name)
    if code == errno.ENOSPC:
        assert "磁盘已满" in message
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert cases_in(office) == 1
    store_valid(office)


def _half_then_fail(monkeypatch, code: int):
    """os.write writes part of the first line it is given to a record file, then fails (a disk
    filling up)."""
    real = os.write
    state = {"done": False}

    def write(fd, data):
        if record_file(fd_path(fd), "dir" if is_dir_fd(fd) else "file"):
            if not state["done"]:
                state["done"] = True
                data = bytes(data)
                return real(fd, data[: max(1, data.find(b"\n", 1) // 2)])  # inside the first new line
            raise OSError(code, os.strerror(code))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_partial_write_is_cut_off_again(first_case, monkeypatch, code):
    office, path, before = first_case
    _half_then_fail(monkeypatch, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "写入")
    monkeypatch.undo()
    assert path.read_bytes() == before  # the half line was truncated away
    assert office.run("check").exit_code == 0


def test_partial_write_that_cannot_be_cut_off_leaves_one_torn_line(first_case, monkeypatch):
    """When even the truncation fails (a read-only remount), a torn line is left: `check` names it
    by file:line, `repair` moves it to quarantine, and the case that was never confirmed is absent."""
    office, path, before = first_case
    _half_then_fail(monkeypatch, errno.EIO)
    real_ftruncate = REAL["ftruncate"]

    def ftruncate(fd, size):
        if record_file(fd_path(fd), "file"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_ftruncate(fd, size)

    monkeypatch.setattr(os, "ftruncate", ftruncate)
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "写入")
    monkeypatch.undo()
    raw = path.read_bytes()
    assert raw.startswith(before) and not raw.endswith(b"\n")
    check = office.run("check")
    rel = path.relative_to(office.path).as_posix()
    n = before.count(b"\n") + 1
    assert check.exit_code == 1 and f"{rel}:{n}: 最后一行不完整" in check.stdout
    repaired = office.run("repair")
    assert repaired.exit_code == 0 and f"{rel}:{n}" in repaired.stderr
    assert path.read_bytes() == before
    assert office.run("check").exit_code == 0
    assert cases_in(office) == 1
    # the next intake starts on a fresh line with a valid chain
    assert office.run(*INTAKE, today=TODAY).exit_code == 0
    assert office.run("check").exit_code == 0 and cases_in(office) == 2


# -- fsync ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_fsync_is_never_retried_into_a_success(first_case, monkeypatch, code):
    office, path, before = first_case
    faults = Faults(monkeypatch, office.path)
    faults.fail("fsync", record_file, code, times=1)  # a second fsync would succeed: it must not come
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "fsync", path.name)
    assert faults.count("fsync", record_file) == 1
    monkeypatch.undo()
    assert path.read_bytes() == before  # what the failed fsync covered is not left to be counted
    assert cases_in(office) == 1
    store_valid(office)


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_directory_fsync_of_a_new_file(first_case, monkeypatch, code):
    """A new file whose folder entry could not be made durable is not confirmed either."""
    office, path, before = first_case
    faults = Faults(monkeypatch, office.path)
    faults.fail("fsync", record_dir, code)
    one_line_failure(office.run(*INTAKE, today="2026-11-23T09:00"), "记录未保存", "同步目录")
    assert faults.count("fsync", record_file) == 1
    monkeypatch.undo()
    new = path.with_name("2026-11-23.jsonl")
    assert not new.exists() or new.read_bytes() == b""
    assert cases_in(office) == 1
    store_valid(office)


@pytest.mark.parametrize("code", ERRNOS)
def test_fault_at_directory_fsync_of_a_new_folder(office, monkeypatch, code):
    faults = Faults(monkeypatch, office.path)
    faults.fail("fsync", record_dir, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未保存", "创建目录")
    monkeypatch.undo()
    assert all(p.read_bytes() == b"" for p in office.records())
    store_valid(office)


# -- close ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ERRNOS + [errno.EDQUOT])
def test_fault_at_close_is_not_acknowledged(first_case, monkeypatch, code):
    """close() can report a deferred write error (NFS, quotas): no case id is given; the message says
    the record may have been written; the store stays valid either way."""
    office, path, before = first_case
    Faults(monkeypatch, office.path).fail("close", record_file, code)
    one_line_failure(office.run(*INTAKE, today=TODAY), "记录未确认", "关闭", "svc check")
    monkeypatch.undo()
    assert path.read_bytes().startswith(before)
    store_valid(office)


def test_fault_closing_the_lock_does_not_undo_a_durable_record(first_case, monkeypatch):
    """Closing the lock's descriptor only releases the lock: the record was already durable."""
    office, path, before = first_case
    Faults(monkeypatch, office.path).fail("close", lock_file, errno.EIO)
    result = office.run(*INTAKE, today=TODAY)
    assert result.exit_code == 0 and result.stdout.strip().endswith("-002")
    monkeypatch.undo()
    assert cases_in(office) == 2
    store_valid(office)


# -- durability: what is fsynced ---------------------------------------------------------------------


def test_new_record_file_gets_a_file_fsync_and_a_directory_fsync(office, monkeypatch):
    faults = Faults(monkeypatch, office.path)
    result = office.run(*INTAKE, today=TODAY)
    assert result.exit_code == 0
    (path,) = office.records()
    part, month, clone = str(path), str(path.parent), str(path.parent.parent)
    fsyncs = [(p, k) for n, p, k in faults.calls if n == "fsync"]
    assert fsyncs.count((part, "file")) == 1
    assert fsyncs.count((month, "dir")) == 1  # the new file's entry in its folder
    assert fsyncs.index((part, "file")) < fsyncs.index((month, "dir"))
    # each new folder's entry is made durable in its parent too (records/T01 and records/T01/2026-11)
    assert (clone, "dir") in fsyncs and (str(office.path / "records"), "dir") in fsyncs

    faults.calls.clear()  # an append to an existing file: one file fsync, no folder fsync
    assert office.run(*INTAKE, today=TODAY).exit_code == 0
    fsyncs = [(p, k) for n, p, k in faults.calls if n == "fsync"]
    assert fsyncs == [(part, "file")]
