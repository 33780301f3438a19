"""Which record files hold each case: derived rows in the state database, kept per day of intake.

A case id carries its intake day (TX-W01-261125-007), and its records lie in the files of that day
and later. The first time a case of some day is looked for, every file from that day on is searched
once (one regular expression per file, in C) for the cases of that day; afterwards only files that
are new or have grown since are searched again, and a file rewritten, truncated or removed
searches the day's files afresh. So `svc show` and every command acting on one case read a handful
of files, not the rest of the year. The rows only narrow the search: the files they name are read
and parsed in full as before.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from svccli.store.db import State, Unavailable
from svccli.store.log import RecordLog, intake_day


def files_of(state: State | None, log: RecordLog, case_id: str) -> list[Path] | None:
    """The record files that mention the case, or None when its id carries no day (or the state
    cannot be used): then every file from the intake day on is read."""
    day = intake_day(case_id)
    if not day or state is None:
        return None
    try:
        return _files_of(state, log, case_id, day)
    except Unavailable:
        return None


def _files_of(state: State, log: RecordLog, case_id: str, day: str) -> list[Path]:
    home, now = log.home, {}
    for path in log.files_since(day):
        st = os.stat(path)
        now[path.relative_to(home).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    marks = {
        r[0]: tuple(r[1:])
        for r in state.read("SELECT path, size, mtime_ns, ino FROM case_file_mark WHERE day = ?", (day,))
    }
    fresh = any(rel not in now or not _grown(old, now[rel]) for rel, old in marks.items())
    changed = [rel for rel, mark in now.items() if fresh or marks.get(rel) != mark]
    if changed:
        yymmdd = day[2:].replace("-", "")
        pattern = re.compile(rb'"case":"([^"\\\n]*-' + yymmdd.encode() + rb'-\d+)"')
        found = {
            (m.decode(errors="replace"), rel)
            for rel in changed
            for m in set(pattern.findall((home / rel).read_bytes()))
        }
        with state.writing() as conn:
            if fresh:  # a file rewritten, truncated or gone: the day's rows again from every file
                conn.execute("DELETE FROM case_file WHERE id LIKE ?", (f"%-{yymmdd}-%",))
                conn.execute("DELETE FROM case_file_mark WHERE day = ?", (day,))
            conn.executemany("INSERT OR IGNORE INTO case_file VALUES (?, ?)", sorted(found))
            conn.executemany(
                "INSERT OR REPLACE INTO case_file_mark VALUES (?, ?, ?, ?, ?)",
                [(day, rel, *now[rel]) for rel in changed],
            )
    rows = state.read("SELECT path FROM case_file WHERE id = ? ORDER BY path", (case_id,))
    return [home / rel for (rel,) in rows]


def _grown(old: tuple, new: tuple) -> bool:
    """Unchanged or only appended to (same inode, not shorter)."""
    return old[2] == new[2] and new[0] >= old[0]
