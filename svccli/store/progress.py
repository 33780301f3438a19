"""A progress line on stderr for long work (a cold rebuild of a big year), on a terminal only:
never under cron, never in a pipe, and only once the work has taken longer than a second."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, what: str, total: int, after: float = 1.0):
        self.what, self.total, self.count = what, total, 0
        self.start, self.after, self.shown = time.monotonic(), after, False
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def step(self) -> None:
        self.count += 1
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.start >= self.after and now - self.last >= 0.2:
            self.last, self.shown = now, True
            share = self.count * 100 // max(self.total, 1)
            bar = "#" * (share // 5)
            sys.stderr.write(f"\rsvc: {self.what} [{bar:<20}] {share:3d}%（{self.count}/{self.total}）")
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write(f"\rsvc: {self.what}完成，用时 {time.monotonic() - self.start:.1f} 秒{' ' * 20}\n")
            sys.stderr.flush()
