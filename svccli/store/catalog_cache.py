"""The parsed catalogue, kept in .svc/cache/catalog.pickle and read lazily.

A command usually needs one service item of thousands: the cache holds each item pickled on its
own, and `Catalog.items` becomes a read-only mapping that unpickles an item the first time it is
asked for. The office, departments, roster, calendars, scoring scheme and problems are small and
are kept whole.

The file is two pickles in a row: a header naming the format, the code that wrote it (cache.CODE)
and every YAML file under catalog/ (path, size, mtime), then the body. The body is unpickled only
when the header matches. Anything else — a missing, corrupt, half-written or foreign file, or a
file whose parts are not what this code writes — is ignored and the catalogue is parsed afresh
from its YAML (and the cache rewritten). No answer depends on it.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from svccli.core.calendar import Calendar
from svccli.core.catalog import Catalog, Department, Office, ServiceItem
from svccli.core.problems import Problem
from svccli.core.roster import Roster
from svccli.core.scoring import Scheme
from svccli.store.home import Home
from svccli.store.cache import CODE, write_file

NAME = "catalog.pickle"
FORMAT = 1
TAG = "svccli catalogue, items pickled one by one"


class LazyMapping(Mapping):
    """A read-only mapping over stored values, each made by `make(key, stored)` the first time it is
    asked for and remembered. Keys, their order, `in` and `len` never make a value."""

    __slots__ = ("_stored", "_made", "_make")

    def __init__(self, stored: dict, make: Callable[[Any, Any], Any]):
        self._stored = stored
        self._made: dict = {}
        self._make = make

    def __getitem__(self, key):
        try:
            return self._made[key]
        except KeyError:
            pass
        stored = self._stored[key]  # a KeyError for an unknown key, as a dict raises
        value = self._made[key] = self._make(key, stored)
        return value

    def __contains__(self, key) -> bool:
        return key in self._stored

    def __iter__(self) -> Iterator:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._stored)} keys, {len(self._made)} made)"

    def __reduce__(self):  # pickled (or copied) as the plain dict it stands for
        return dict, (dict(self.items()),)


# -- the key ---------------------------------------------------------------------------------------

def catalog_key(home: Path) -> list[tuple[str, int, int]]:
    """Every YAML file under catalog/ (as `rglob("*.yaml")` finds them) with its size and mtime."""
    found: list[tuple[tuple[str, ...], int, int]] = []
    _scan(str(home / "catalog"), ("catalog",), found)
    found.sort()
    return [("/".join(parts), size, mtime) for parts, size, mtime in found]


def _scan(folder: str, parts: tuple[str, ...], found: list) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    for entry in entries:
        if entry.name.endswith(".yaml"):
            try:
                st = entry.stat()
            except OSError:  # gone meanwhile, or a dangling link: the loader names it
                st = None
            if st is not None:
                found.append(((*parts, entry.name), st.st_size, st.st_mtime_ns))
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            _scan(entry.path, (*parts, entry.name), found)


# -- reading ---------------------------------------------------------------------------------------

def load_home_cached(path: Path) -> Home:
    """The home at `path`, its catalogue from the cache when every YAML file is as it was."""
    header = (TAG, FORMAT, CODE, catalog_key(path))  # taken before parsing: an edit meanwhile re-parses
    home = _read(path, header) or _parse_and_save(path, header)
    home.key = header[3]
    return home


def key_of(home: Home) -> list[tuple[str, int, int]]:
    """The catalogue key the home was read under (derived state made from it carries it)."""
    return home.key if home.key is not None else catalog_key(home.path)


def _parse_and_save(path: Path, header: tuple) -> Home:
    from svccli.store.home import load_home

    home = load_home(path)
    _write(path, header, home)
    return home


def _read(path: Path, header: tuple) -> Home | None:
    gc.disable()  # unpickling builds many objects and no cycles: the collector would only slow it
    try:
        with open(_cache_path(path), "rb") as f:
            unpickler = pickle.Unpickler(f)
            if unpickler.load() != header:
                return None
            body = unpickler.load()
    except Exception:  # noqa: BLE001 — a broken cache is never an error: it is rebuilt
        return None
    finally:
        gc.enable()
    if not (isinstance(body, tuple) and len(body) == 7):
        return None
    office, departments, items, roster, calendar, scoring, problems = body
    if not (isinstance(office, Office) and _dict_of(departments, Department) and _dict_of(items, bytes)
            and isinstance(roster, Roster) and isinstance(calendar, Calendar)
            and (scoring is None or isinstance(scoring, Scheme))
            and isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)):
        return None
    catalog = Catalog(office, departments, LazyMapping(items, _item_maker(path, header)))
    return Home(path, catalog, roster, calendar, scoring, problems)


def _dict_of(value, kind: type) -> bool:
    return type(value) is dict and all(isinstance(v, kind) for v in value.values())


def _item_maker(path: Path, header: tuple) -> Callable[[str, bytes], ServiceItem]:
    """Unpickle one item; one that does not unpickle to itself means a damaged cache: the catalogue is
    parsed afresh (once), the cache rewritten, and the item taken from the fresh parse."""
    fresh: list[Home] = []

    def make(code: str, stored: bytes) -> ServiceItem:
        try:
            item = pickle.loads(stored)
        except Exception:  # noqa: BLE001
            item = None
        if isinstance(item, ServiceItem) and item.code == code:
            return item
        if not fresh:
            fresh.append(_parse_and_save(path, header))
        return fresh[0].catalog.items[code]

    return make


# -- writing ---------------------------------------------------------------------------------------

def _cache_path(home: Path) -> Path:
    return home / ".svc" / "cache" / NAME


def _write(path: Path, header: tuple, home: Home) -> None:
    """Header and body, pickled in a row, written whole (cache.write_file)."""
    cat = home.catalog
    items = {code: pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for code, item in cat.items.items()}
    body = (cat.office, dict(cat.departments), items, home.roster, home.calendar, home.scoring, list(home.problems))
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)  # one memo for both: read with one Unpickler
    pickler.dump(header)
    pickler.dump(body)
    try:
        write_file(_cache_path(path), out.getvalue())
    except OSError:  # a read-only home still answers, only more slowly
        pass
