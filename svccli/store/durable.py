"""Durable writes for the record log: the writers' lock, whole writes, fsync of files and folders,
and one-line messages for the I/O faults they meet (which step, where, the system's reason)."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

LOCK_TIMEOUT = 10.0


class StoreError(Exception):
    """An I/O fault while writing or reading records: nothing was acknowledged."""


class LockTimeout(StoreError):
    """Another writer held the lock for longer than the bound."""


class _Lock:
    def __init__(self, path: Path, timeout: float):
        self.path, self.timeout, self.fd = path, timeout, None

    def __enter__(self):
        try:
            _private_dir(self.path.parent)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise _fault("打开锁文件", str(self.path), e, "未能加锁，记录未保存") from None
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    raise LockTimeout(
                        f"{self.timeout:g} 秒内未能取得记录锁 {self.path}（另一个 svc 正在写入？）"
                    ) from None
                time.sleep(0.01)
            except OSError as e:
                _close_quietly(self.fd)
                raise _fault("加锁", str(self.path), e, "未能加锁，记录未保存") from None

    def __exit__(self, *exc):
        _close_quietly(self.fd)  # closing releases the lock; nothing was written through this fd


ERRNO_TEXT = {
    errno.ENOSPC: "磁盘已满",
    errno.EIO: "磁盘读写错误",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.EROFS: "文件系统只读",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENOENT: "文件或目录不存在",
}


def _fault(step: str, where: str, e: OSError, outcome: str) -> StoreError:
    """One line: what failed, where, the system's reason, and what it means for the record."""
    name = errno.errorcode.get(e.errno, "") if e.errno else ""
    text = ERRNO_TEXT.get(e.errno or 0) or e.strerror or (os.strerror(e.errno) if e.errno else str(e))
    return StoreError(f"{outcome}：{step} {where} 时出错（{text}{'，' + name if name else ''}）")


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def lock_timeout() -> float:
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
