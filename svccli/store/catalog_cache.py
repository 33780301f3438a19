"""The parsed catalogue, kept in the state database and read lazily.

A command usually needs one service item of thousands: each item is stored as its own row of
JSON (store/codec.py) and `Catalog.items` becomes a read-only mapping that decodes an item the
first time it is asked for. The office, departments, roster, calendars, scoring scheme and
problems are small and are kept whole. The key is the content of every YAML file under catalog/:
any edit, however it keeps sizes and times, parses the catalogue afresh. No answer depends on it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from svccli.core.catalog import Catalog, ServiceItem
from svccli.store import codec
from svccli.store.db import State, Unavailable
from svccli.store.durable import read_regular
from svccli.store.home import Home

PARTS = ("office", "departments", "roster", "calendar", "scoring", "problems")


class LazyMapping(Mapping):
    """A read-only mapping over stored values, each made by `make(key, stored)` the first time it is
    asked for and remembered. Keys, their order, `in` and `len` never make a value."""

    __slots__ = ("_stored", "_made", "_make")

    def __init__(self, stored: dict, make: Callable[[Any, Any], Any]):
        self._stored = stored
        self._made: dict = {}
        self._make = make

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._made[key]
        except KeyError:
            pass
        stored = self._stored[key]  # a KeyError for an unknown key, as a dict raises
        value = self._made[key] = self._make(key, stored)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._stored

    def __iter__(self) -> Iterator:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._stored)} keys, {len(self._made)} made)"


def catalog_key(home: Path) -> str:
    """A digest of every YAML file under catalog/ (its path and bytes), and of the names of links,
    FIFOs and devices there, which are never followed or opened."""
    return _digest(_found(home))


def _found(home: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    _scan(str(home / "catalog"), "catalog", found)
    return found


def _stats(found: list[tuple[str, str]]) -> str:
    """Each file's size, inode and modification and change times: when none moved since the key was
    last taken, its content has not changed (a write always moves the change time), and the key
    stored then is reused instead of reading every file again."""
    out = []
    for rel, path in sorted(found):
        try:
            st = os.lstat(path) if path else None
        except OSError:
            st = None
        out.append([rel, *((st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns) if st else ())])
    return orjson.dumps(out).decode()


def _current_key(state: State, home: Path) -> tuple[str, str]:
    """The catalogue's key and the stats it was taken under (store them together)."""
    found = _found(home)
    stats = _stats(found)  # before the contents: an edit meanwhile is seen next time
    same = state.attempt(lambda: state.meta("catalog_stat") == stats, lambda: False)
    key = state.attempt(lambda: state.meta("catalog_key"), lambda: None) if same else None
    return (key if isinstance(key, str) else _digest(found)), stats


def _digest(found: list[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for rel, path in sorted(found):
        try:
            data = read_regular(path) if path else b"\0special"  # a FIFO is never opened: it would block
        except OSError:  # gone meanwhile, unreadable, or no longer a regular file: the loader names it
            data = b"\0unreadable"
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _scan(folder: str, rel: str, found: list[tuple[str, str]]) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, f"{rel}/{entry.name}", found)
            elif entry.is_file(follow_symlinks=False):
                if entry.name.endswith(".yaml"):
                    found.append((f"{rel}/{entry.name}", entry.path))
            else:  # a link, FIFO or device: in the key by name only (the loader and `svc check` name it)
                found.append((f"{rel}/{entry.name}", ""))
        except OSError:
            continue


def load_home_cached(path: Path, state: State | None = None) -> Home:
    """The home at `path`, its catalogue from the state when every YAML file is as it was."""
    state = state or State(path)
    key, stats = _current_key(state, path)  # taken before parsing: an edit meanwhile parses again next time
    home = state.attempt(lambda: _read(state, key), lambda: None)
    if home is None:
        from svccli.store.home import load_home

        home = load_home(path)
        state.attempt(lambda: _write(state, key, home, stats), lambda: None)
    home.key, home.state = key, state
    return home


def key_of(home: Home) -> str:
    """The catalogue key the home was read under (derived state made from it carries it)."""
    return home.key if home.key is not None else catalog_key(home.path)


def _read(state: State, key: str) -> Home | None:
    if state.meta("catalog_key") != key:
        return None
    try:
        parts = codec.loads(state.meta("catalog"))
        office, departments, roster, calendar, scoring, problems = (parts[p] for p in PARTS)
    except (codec.Undecodable, TypeError, KeyError):
        return None
    items = dict(state.read("SELECT code, body FROM catalog_item ORDER BY pos"))
    catalog = Catalog(office, departments, LazyMapping(items, _item_maker(state, key)))
    return Home(state.home, catalog, roster, calendar, scoring, problems)


def _item_maker(state: State, key: str) -> Callable[[str, bytes], ServiceItem]:
    """Decode one item; one that does not decode to itself means a damaged state: the catalogue is
    parsed afresh (once), the state rewritten, and the item taken from the fresh parse."""
    fresh: list[Home] = []

    def make(code: str, stored: bytes) -> ServiceItem:
        try:
            item = codec.loads(stored)
        except codec.Undecodable:
            item = None
        if isinstance(item, ServiceItem) and item.code == code:
            return item
        if not fresh:
            from svccli.store.home import load_home

            fresh.append(load_home(state.home))
            state.attempt(lambda: _write(state, key, fresh[0], ""), lambda: None)
        return fresh[0].catalog.items[code]

    return make


def _write(state: State, key: str, home: Home, stats: str) -> None:
    cat = home.catalog
    parts = dict(
        zip(PARTS, (cat.office, dict(cat.departments), home.roster, home.calendar, home.scoring, list(home.problems)))
    )
    rows = [(code, pos, codec.dumps(item)) for pos, (code, item) in enumerate(cat.items.items())]
    with state.writing() as conn:
        conn.execute("DELETE FROM catalog_item")
        conn.executemany("INSERT INTO catalog_item VALUES (?, ?, ?)", rows)
        conn.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("catalog", codec.dumps(parts)), ("catalog_key", key), ("catalog_stat", stats)],
        )


__all__ = ["LazyMapping", "Unavailable", "catalog_key", "key_of", "load_home_cached"]
