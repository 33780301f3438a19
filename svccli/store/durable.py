"""Durable writes for the record log: the writers' lock, whole writes, fsync of files and folders,
and one-line messages for the I/O faults they meet (which step, where, the system's reason)."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
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
    errno.ELOOP: "是符号链接，不经由链接读写",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "是文件夹",
    errno.EEXIST: "已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "正被占用",
    errno.EMFILE: "打开的文件太多",
    errno.ENOTEMPTY: "文件夹不是空的",
}


def _fault(step: str, where: str, e: OSError, outcome: str) -> StoreError:
    """One line: what failed, where, the system's reason, and what it means for the record."""
    return StoreError(f"{outcome}：{step} {where} 时出错（{reason(e)}）")


def reason(e: OSError) -> str:
    """The system's reason in Chinese where it is a common one, with its code (ENOSPC …)."""
    name = errno.errorcode.get(e.errno, "") if e.errno else ""
    text = ERRNO_TEXT.get(e.errno or 0) or e.strerror or (os.strerror(e.errno) if e.errno else str(e))
    return text + ("，" + name if name else "")


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


def _make_dirs(folder: Path, root: Path | None = None) -> None:
    """Create the partition folders 0700 whatever the umask; fsync each new one's parent. With
    `root`, every folder already there from `root` down must be a folder, not a link to one (ELOOP):
    nothing is created through a link."""
    missing = []
    p = folder
    while not os.path.lexists(p):
        missing.append(p)
        p = p.parent
    if root is not None:
        _real_folders(p, root)
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            continue
        os.chmod(d, 0o700)  # made just now by this call: a folder, not a link
        _fsync_dir(d.parent)


def _real_folders(folder: Path, root: Path) -> None:
    """Every path from `root` down to `folder` (when it lies inside root) is a folder itself."""
    try:
        parts = folder.relative_to(root).parts
    except ValueError:  # above root: root is still to be made
        return
    p = root
    for part in (None, *parts):
        p = p / part if part else p
        if not stat.S_ISDIR(os.lstat(p).st_mode):
            raise OSError(errno.ELOOP, "不是目录（符号链接？）", str(p))


NOT_REGULAR = "不是普通文件（FIFO、设备等），不读取也不写入"


def _open_append(path: Path, root: Path) -> int:
    """Open a record file inside `root` for appending, creating it 0600. No symbolic link is
    followed, neither the file (O_NOFOLLOW: ELOOP) nor a folder from `root` down, and only a regular
    file is opened: a link committed at a partition path must never lead an append, or its chmod,
    to another file."""
    _real_folders(path.parent, root)
    if path.parent != root and root not in path.parents:  # a bug, not data
        raise ValueError(f"{path} is not inside {root}")
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(path, flags, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, NOT_REGULAR)
        os.fchmod(fd, 0o600)
    except OSError:
        _close_quietly(fd)
        raise
    return fd


def read_regular(path: Path | str) -> bytes:
    """A file's bytes, read only when it is a regular file reached without following a link at its
    last step: a FIFO would block a reader for ever, a link may lead anywhere (OSError ELOOP or
    EINVAL otherwise)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, NOT_REGULAR, str(path))
        chunks = []
        while True:
            chunk = os.read(fd, max(st.st_size + 1, 65536))
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def special_kind(mode: int) -> str:
    """What a file that is neither a folder nor a regular file is, in words ("" for those two)."""
    if stat.S_ISLNK(mode):
        return "符号链接"
    if stat.S_ISFIFO(mode):
        return "FIFO（命名管道）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return ""
    return "特殊文件"


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


def special_message(kind: str) -> str:
    return f"是{kind}，不是普通文件：svc 不经由它读取或写入；请移走或换成普通文件"


def lstat_kind(path: Path | str) -> str:
    """special_kind of what is at `path` itself (a link is not followed); "" when nothing is there."""
    try:
        return special_kind(os.lstat(path).st_mode)
    except OSError:
        return ""


def find_special(folder: Path, rel: str) -> list[tuple[str, str]]:
    """Every entry under `folder` (shown as `rel`/…) that is neither a folder nor a regular file, as
    (path, what it is), in name order; links to folders are listed, never entered."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        shown = f"{rel}/{entry.name}"
        try:
            kind = special_kind(entry.stat(follow_symlinks=False).st_mode)
        except OSError:
            continue
        if kind:
            found.append((shown, kind))
        elif entry.is_dir(follow_symlinks=False):
            found += find_special(Path(entry.path), shown)
    return found
