"""An office home: a folder with catalog/, templates/ and records/, found like git finds .git."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from svccli.core.catalog import Catalog
from svccli.core.problems import Problem
from svccli.store.log import RecordLog

# The YAML loaders (ruamel, PyYAML) and the checks are imported by load_home, only when a catalogue is
# parsed: a warm command reads it from the state database (store/catalog_cache.py).
if TYPE_CHECKING:
    from svccli.core.calendar import Calendar
    from svccli.core.roster import Roster
    from svccli.core.scoring import Scheme
    from svccli.store.db import State

MARKER = Path("catalog") / "office.yaml"


class HomeNotFound(Exception):
    pass


def find_home(explicit: str | None, start: Path) -> Path:
    """--home, else SVC_HOME, else the nearest folder upwards holding catalog/office.yaml."""
    chosen = explicit or os.environ.get("SVC_HOME")
    if chosen:
        path = Path(chosen).expanduser().resolve()
        if not (path / MARKER).is_file():
            raise HomeNotFound(f"{path} 不是办公室目录（缺少 {MARKER}）")
        return path
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / MARKER).is_file():
            return folder
    raise HomeNotFound(f"从 {start} 向上没有找到办公室目录（含 {MARKER}）；用 --home 指定，或先运行 `svc init DIR`")


@dataclass
class Home:
    path: Path
    catalog: Catalog
    roster: Roster
    calendar: Calendar
    scoring: Scheme | None = None
    problems: list[Problem] = field(default_factory=list)
    key: str | None = None  # catalog_cache.catalog_key as the catalogue was read, when read through the state
    state: State | None = field(default=None, repr=False, compare=False)  # the state database of this command

    @property
    def log(self) -> RecordLog:
        return RecordLog(self.path)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def load_home(path: Path) -> Home:
    """Read the catalogue with libyaml; when anything is wrong, again with ruamel for the lines."""
    from svccli.store.yamlfile import PARSER

    token = PARSER.set("fast")
    try:
        home = _load(path)
    finally:
        PARSER.reset(token)
    return _load(path) if home.problems else home


def _load(path: Path) -> Home:
    from svccli.core.validate import check_catalog
    from svccli.store.catalog_files import load_calendar, load_office, load_roster, load_scoring, load_services

    problems: list[Problem] = []
    office = load_office(path, problems)
    unread: set[str] = set()
    departments, items = load_services(path, problems, unread)
    catalog = Catalog(office, departments, items, unread=frozenset(unread))
    roster = load_roster(path, problems)
    calendar = load_calendar(path, problems)
    scoring = load_scoring(path, problems)
    problems.extend(check_catalog(catalog, roster))
    return Home(path, catalog, roster, calendar, scoring, problems)
