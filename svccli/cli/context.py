"""What every command shares: the home, the clock, the acting staff member."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from svccli.core.cases import Case, Folded
from svccli.core.fold import fold
from svccli.errors import DataError, UsageError

if TYPE_CHECKING:  # the home and its loaders are imported when a command needs them
    from svccli.store.home import Home
    from svccli.store.log import Staged


# The years a date given on the command line may fall in: the calendar counts none before its first
# file, and a date near 9999-12-31 overflows as soon as a day is added to it.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_moment(text: str, what: str) -> dt.datetime | dt.date:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] within FIRST_YEAR..LAST_YEAR; a bad value names the option."""
    try:
        if "T" in text or " " in text.strip():
            moment: dt.datetime | dt.date = dt.datetime.fromisoformat(text.strip())
        else:
            moment = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what} 的值 “{text}” 不是有效日期（YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise UsageError(f"{what} 的值 “{text}” 超出可计算的范围（{FIRST_YEAR}～{LAST_YEAR} 年）")
    return moment


@dataclass
class App:
    home_option: str | None = None
    today_option: str | None = None
    as_option: str | None = None
    as_of_option: str | None = None
    writing: bool = False  # a command that records: a bad line elsewhere is a warning (report)
    backdate_reason: str | None = None  # --reason: why a record's business date is earlier than today
    backdate_approver: str | None = None  # --approved-by: who allowed one beyond the office's limit
    staged: Staged | None = field(default=None, repr=False)  # records waiting for their document (recording.py)
    documents: list = field(default_factory=list, repr=False)  # pages waiting for those records (recording.py)
    output: list = field(default_factory=list, repr=False)  # stdout waiting for those records (recording.say)
    _home: Home | None = field(default=None, repr=False)

    @property
    def home(self) -> Home:
        if self._home is None:
            from svccli.store.catalog_cache import load_home_cached

            self._home = load_home_cached(self.home_path)
        return self._home

    @property
    def home_path(self) -> Path:
        from svccli.store.home import HomeNotFound, find_home

        try:
            return find_home(self.home_option, Path.cwd())
        except HomeNotFound as e:
            raise DataError(str(e)) from None

    def close(self) -> None:
        if self._home is not None and self._home.state is not None:
            self._home.state.close()

    def checked_home(self) -> Home:
        """The home, refusing to act on a catalogue with errors (they are listed)."""
        home = self.home
        if home.errors:
            lines = "\n".join(str(p) for p in home.errors[:10])
            more = f"\n……另有 {len(home.errors) - 10} 处" if len(home.errors) > 10 else ""
            raise DataError(f"目录文件有错误，请先修正（svc check 列出全部）：\n{lines}{more}")
        return home

    def records(self, scope: str = "all") -> Folded:
        """The records folded into cases. scope "open": the open cases, from the derived state
        when it can be used; "all": every case in full, read afresh. Bad lines stop the command;
        torn last lines and records that cannot be applied are warned of."""
        if scope == "open" and not self.as_of:
            from svccli.store import state

            cases, problems = state.open_cases(self.checked_home())
            folded = Folded(cases, [], problems)
        else:
            lines, problems = self.checked_home().log.read()
            folded = fold(self._until(lines), timeline=False)
            problems += folded.problems
        report(problems)
        return folded

    def case(self, case_id: str) -> Case | None:
        """One case with its whole timeline, read from the files that can hold its events."""
        from svccli.store import where

        home = self.checked_home()
        lines, problems = home.log.case_lines(case_id, where.files_of(home.state, home.log, case_id))
        if self.staged is not None:  # recorded by this command, written once its document is
            lines += [ln for ln in self.staged.lines() if ln.event.get("case") == case_id]
        folded = fold(self._until(lines), timeline=True)
        report(problems + folded.problems)
        return folded.cases.get(case_id)

    def _until(self, lines):
        if not self.as_of:  # what the window showed at the end of that day: later events are left out
            return lines
        cutoff = self.as_of.isoformat()
        return [ln for ln in lines if ln.event["ts"][:10] <= cutoff]

    def calendar_warnings(self) -> None:
        """From 1 November, say on stderr when next year's calendar file is missing (cron mails it)."""
        for p in self.calendar_problems():
            click.echo(f"svc: {p}", err=True)

    def calendar_problems(self):
        from svccli.core.problems import Problem

        today, years = self.today, self.home.calendar.years
        if today.month >= 11 and today.year + 1 not in years:
            yield Problem(
                f"catalog/calendar/{today.year + 1}.yaml",
                0,
                f"缺少 {today.year + 1} 年节假日日历：跨入该年的期限暂按周末推算并标为“临时”，"
                "请在国务院办公厅通知发布后添加",
                warning=True,
            )
        if today.year not in years and (not years or today.year > max(years)):
            yield Problem(
                f"catalog/calendar/{today.year}.yaml",
                0,
                f"缺少本年（{today.year}）节假日日历：期限按周末推算并标为“临时”",
                warning=True,
            )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.home.catalog.office.timezone)

    @property
    def now(self) -> dt.datetime:
        """The real time of recording, in the office's time zone: the machine's clock, or SVC_CLOCK
        (a fixed clock for tests and demonstrations). No option moves it."""
        real = dt.datetime.now(self.tz).replace(microsecond=0)
        fixed = os.environ.get("SVC_CLOCK", "").strip()
        if not fixed:
            return real
        moment = parse_moment(fixed, "SVC_CLOCK")
        if isinstance(moment, dt.datetime):
            return moment.replace(tzinfo=moment.tzinfo or self.tz)
        return real.replace(year=moment.year, month=moment.month, day=moment.day)

    @property
    def business_day(self) -> dt.date:
        """The day a command acts as of: --today's date, else the clock's."""
        if not self.today_option:
            return self.now.date()
        moment = parse_moment(self.today_option, "--today")
        return moment.date() if isinstance(moment, dt.datetime) else moment

    def backdating(self) -> dict:
        """The fields a record carries when its business date (--today) is earlier than the day it is
        recorded: `on`, the reason and, beyond the office's limit, who approved it. A future date, or
        one the calendar cannot count, is refused before anything is written."""
        from svccli.cli.backdate import backdating

        return backdating(self)

    @property
    def as_of(self) -> dt.date | None:
        if not self.as_of_option:
            return None
        moment = parse_moment(self.as_of_option, "--as-of")
        return moment.date() if isinstance(moment, dt.datetime) else moment

    @property
    def today(self) -> dt.date:
        return self.as_of or self.business_day

    def actor(self) -> str:
        """Who acts: --as, SVC_STAFF, else the roster entry whose login is this OS user."""
        roster = self.home.roster
        chosen = self.as_option or os.environ.get("SVC_STAFF")
        if chosen:
            if chosen not in roster.staff:
                raise UsageError(f"--as：人员编号 “{chosen}” 不在名册中")
            return chosen
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = ""
        staff = roster.by_login(login) if login else None
        if staff is None:
            raise UsageError(
                f"请用 --as STAFF_ID（或环境变量 SVC_STAFF）指明操作人员；名册中没有登录名为 “{login}” 的人员"
            )
        return staff.id


pass_app = click.make_pass_decorator(App)


def report(problems) -> None:
    """Problems met reading records: a bad line stops a command that only reads (exit 1, as `svc
    check`); for a command that records it is a warning naming `svc repair`, since the record
    acted on is sound and the window must keep working (issue 16: exit 1 means nothing written)."""
    errors = [p for p in problems if not (p.warning or p.torn or p.soft)]
    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(App) if ctx is not None else None
    if errors and app is not None and app.writing:
        for p in errors[:5]:
            warn(str(p))
        more = f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""
        warn(
            f"记录文件有错误{more}，不影响本次记录：运行 svc check 列出全部，svc repair 将写入中断留下的残行移入隔离文件"
        )
        errors = []
    if errors:
        shown = "\n".join(str(p) for p in errors[:10])
        raise DataError(f"记录文件有错误（svc check 列出全部）：\n{shown}")
    soft = [p for p in problems if p.torn or p.soft]
    for p in soft[:5]:
        warn(str(p))
    if len(soft) > 5:
        warn(f"……另有 {len(soft) - 5} 处记录问题，svc check 列出全部")


def silence_stdout() -> None:
    """Point stdout at /dev/null once its reader has gone (`svc print … | head`), so that flushing
    what is left at exit raises no second BrokenPipeError."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def warn(message: str) -> None:
    click.echo(f"svc: 警告：{message}", err=True)
