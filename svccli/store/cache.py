"""Files of derived state in .svc/cache: written whole and atomically, read back only by the same
code, and never an error when missing, unreadable, corrupt or half written (they are rebuilt)."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from svccli import __version__


def _code_stamp() -> str:
    """Which svccli wrote a cache: its version and every source file's size and time, so an
    upgrade, an edit or a checkout of the code never meets state pickled by other code."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=12)
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


CODE = _code_stamp()


def cache_path(home: Path, name: str) -> Path:
    return home / ".svc" / "cache" / f"{name}.pickle"


def load(home: Path, name: str):
    """The cached value, or None when missing, unreadable, corrupt or half written."""
    gc.disable()  # unpickling builds many objects and no cycles: the collector would only slow it
    try:
        with open(cache_path(home, name), "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 — a broken cache is never an error: it is rebuilt
        return None
    finally:
        gc.enable()


def save(home: Path, name: str, value) -> None:
    """Pickle a value into .svc/cache/<name>.pickle; a read-only home still answers, only more slowly."""
    try:
        write_file(cache_path(home, name), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return


def write_file(target: Path, *parts: bytes) -> None:
    """Write a cache file whole: into a temporary file (0600) in the cache folder (0700), then
    renamed over the old one, so a reader meets the old file or the new, never half of one.
    OSError when it cannot be written."""
    for folder in (target.parent.parent, target.parent):
        folder.mkdir(mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(b"".join(parts))
        os.replace(tmp, target)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
