"""Which record files hold each case: a derived index in .svc/cache, one file per day of intake.

A case id carries its intake day (TX-W01-261125-007), and its records lie in the files of that day
and later. The first time a case of some day is looked for, every file from that day on is searched
once (one regular expression per file, in C) for the cases of that day; afterwards only files that
are new or have grown since are searched again, and a file rewritten, truncated or removed
rebuilds the day's index. So `svc show` and every command acting on one case read a handful of
files, not the rest of the year. The index only narrows the search: the files it names are read
and parsed in full as before.
"""

from __future__ import annotations

import re
from pathlib import Path

from svccli.store.log import RecordLog, intake_day
from svccli.store.cache import CODE, load, save

STAMP = ("where", 1, CODE)


def files_of(log: RecordLog, case_id: str) -> list[Path] | None:
    """The record files that mention the case, or None when its id carries no day."""
    day = intake_day(case_id)
    if not day:
        return None
    home, now, yymmdd = log.home, {}, day[2:].replace("-", "")
    for path in log.files_since(day):
        st = path.stat()
        now[path.relative_to(home).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    name = f"where-{yymmdd}"
    cached = load(home, name)
    marks, table = cached[1:] if isinstance(cached, tuple) and len(cached) == 3 and cached[0] == STAMP else ({}, {})
    if any(rel not in now or not _grown(old, now[rel]) for rel, old in marks.items()):
        marks, table = {}, {}  # a file rewritten, truncated or gone: search them all again
    changed = [rel for rel, mark in now.items() if marks.get(rel) != mark]
    if changed:
        pattern = re.compile(rb'"case":"([^"\\\n]*-' + yymmdd.encode() + rb'-\d+)"')
        for rel in changed:
            for found in set(pattern.findall((home / rel).read_bytes())):
                table.setdefault(found.decode(errors="replace"), set()).add(rel)
            marks[rel] = now[rel]
        save(home, name, (STAMP, marks, table))
    return [home / rel for rel in sorted(table.get(case_id, ()))]


def _grown(old: tuple, new: tuple) -> bool:
    """Unchanged or only appended to (same inode, not shorter)."""
    return old[2] == new[2] and new[0] >= old[0]
