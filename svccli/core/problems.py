"""One problem record for every layer: loaders, the record reader and validators."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str
    warning: bool = False  # shown, but fails neither `svc check` nor any command
    torn: bool = False  # a torn last line: commands warn and go on; `svc check` fails until `svc repair`
    soft: bool = False  # a record that cannot be applied (unknown case, out of order): as torn, since
    # an append-only log cannot be fixed by editing and the window must keep working

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tag = "警告：" if self.warning else ""
        return f"{where}: {tag}{self.message}"
