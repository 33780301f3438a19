"""The official calendar (DOMAIN.md "The official calendar"): 2025 and 2026 day by day, the worked
numbers, provisional years, and working-day arithmetic as properties.

The expectation is built here from DOMAIN.md's lists (the State Council notices), not from the
catalogue YAML, so a wrong calendar file fails these tests.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from svccli.core.calendar import Calendar, CalendarError, CalendarYear
from svccli.store.home import load_home

D = dt.date
HEAVY = os.environ.get("HYPOTHESIS_PROFILE") == "heavy"
PROPERTY = settings(max_examples=1000 if HEAVY else 200, deadline=None)

# DOMAIN.md, copied by hand: days off (ranges include weekends) and weekend days made working days.
OFF = {
    2025: ["01-01", "01-28..02-04", "04-04..06", "05-01..05", "05-31..06-02", "10-01..08"],
    2026: ["01-01..03", "02-15..23", "04-04..06", "05-01..05", "06-19..21", "09-25..27", "10-01..07"],
}
ADJUSTED = {  # 调休: date -> weekday as DOMAIN.md states it
    2025: {"01-26": "Sun", "02-08": "Sat", "04-27": "Sun", "09-28": "Sun", "10-11": "Sat"},
    2026: {"01-04": "Sun", "02-14": "Sat", "02-28": "Sat", "05-09": "Sat", "09-20": "Sun", "10-10": "Sat"},
}
WEEKDAY = {"Sat": 5, "Sun": 6}


def _md(year: int, text: str, month: int | None = None) -> dt.date:
    if "-" in text:
        m, d = text.split("-")
        return D(year, int(m), int(d))
    return D(year, month, int(text))


def days_off(year: int) -> set[dt.date]:
    out = set()
    for spec in OFF[year]:
        first_text, _, last_text = spec.partition("..")
        first = _md(year, first_text)
        last = _md(year, last_text, first.month) if last_text else first
        assert first <= last, spec
        day = first
        while day <= last:
            out.add(day)
            day += dt.timedelta(days=1)
    return out


def adjusted(year: int) -> set[dt.date]:
    return {_md(year, md) for md in ADJUSTED[year]}


def expected_workday(day: dt.date) -> bool:
    if day in adjusted(day.year):
        return True
    return day.weekday() < 5 and day not in days_off(day.year)


def all_days(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


_CAL: list[Calendar] = []


def _cal() -> Calendar:
    """The sample home's calendar, loaded once per module (Hypothesis tests call this, not a fixture)."""
    if not _CAL:
        home = load_home(REPO)
        assert not [p for p in home.problems if p.path.startswith("catalog/calendar")], home.problems
        _CAL.append(home.calendar)
    return _CAL[0]


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return _cal()


# -- the official arrangement, day by day ---------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_matches_the_notice(cal: Calendar, year: int):
    wrong = [(d.isoformat(), cal.is_workday(d)) for d in all_days(year) if cal.is_workday(d) != expected_workday(d)]
    assert wrong == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_year_has_248_working_days(cal: Calendar, year: int):
    assert sum(expected_workday(d) for d in all_days(year)) == 248  # the lists above are right
    assert sum(cal.is_workday(d) for d in all_days(year)) == 248


@pytest.mark.parametrize("year", [2025, 2026])
def test_no_day_is_provisional_in_a_year_with_a_file(cal: Calendar, year: int):
    assert not any(cal.info(d).provisional for d in all_days(year))


@pytest.mark.parametrize(
    "year,md",
    [(y, md) for y in ADJUSTED for md in ADJUSTED[y]],
    ids=[f"{y}-{md}" for y in ADJUSTED for md in ADJUSTED[y]],
)
def test_adjusted_weekend_day_is_a_working_day(cal: Calendar, year: int, md: str):
    """Each 调休 day named in the notice: a Saturday or Sunday that is worked, tied to a holiday of that year."""
    day = _md(year, md)
    assert day.weekday() == WEEKDAY[ADJUSTED[year][md]]
    info = cal.info(day)
    assert (info.working, info.kind, info.provisional) == (True, "adjusted", False)
    names = {h.name for h in cal.years[year].holidays}
    assert info.holiday in names


@pytest.mark.parametrize("year", [2025, 2026])
def test_weekday_holidays_are_off(cal: Calendar, year: int):
    for day in days_off(year):
        info = cal.info(day)
        assert not info.working and info.kind == "holiday" and info.holiday, day


# -- worked numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,n,due",
    [
        (D(2025, 1, 24), 7, D(2025, 2, 10)),  # across 春节 and the 01-26 / 02-08 调休 days
        (D(2025, 12, 31), 20, D(2026, 1, 29)),  # across the year end, 元旦 and the 01-04 调休 Sunday
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # lands on a 调休 Saturday
    ],
)
def test_worked_numbers(cal: Calendar, start, n, due):
    assert cal.add_workdays(start, n) == due
    assert cal.workdays_between(start, due) == n


def test_zero_days_is_the_start(cal: Calendar):
    assert cal.add_workdays(D(2026, 2, 15), 0) == D(2026, 2, 15)


def test_acceptance_day_is_not_counted(cal: Calendar):
    """Counting starts the day after (seed 000 第四篇 二.7): Monday + 1 is Tuesday."""
    assert cal.add_workdays(D(2026, 3, 2), 1) == D(2026, 3, 3)


# -- years without a file ---------------------------------------------------------------------------


def test_year_without_file_is_provisional_weekends_only(cal: Calendar):
    assert 2027 not in cal.years
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 1)  # a Friday: no holidays guessed
    info = cal.info(D(2027, 1, 1))
    assert info.working and info.provisional
    assert not cal.info(D(2027, 1, 2)).working and cal.info(D(2027, 1, 2)).provisional
    assert cal.add_workdays(D(2027, 3, 1), 3) == D(2027, 3, 4)
    assert cal.any_provisional(D(2026, 12, 30), D(2027, 1, 4))
    assert not cal.any_provisional(D(2026, 12, 30))


def test_before_first_year_is_an_error(cal: Calendar):
    with pytest.raises(CalendarError, match="早于日历的第一年"):
        cal.add_workdays(D(2024, 12, 31), 3)
    with pytest.raises(CalendarError):
        cal.is_workday(D(2024, 6, 1))
    with pytest.raises(CalendarError):
        cal.workdays_between(D(2024, 12, 30), D(2025, 1, 3))


def test_year_with_no_holidays_differs_from_no_file():
    """A file listing no holidays is exact (not provisional); no file at all is provisional."""
    quiet = Calendar({2027: CalendarYear(2027, "测试", None, (), ()), 2028: CalendarYear(2028, "测试", None, (), ())})
    assert not quiet.info(D(2027, 5, 3)).provisional
    assert quiet.info(D(2029, 5, 3)).provisional
    with pytest.raises(CalendarError):
        Calendar({}).info(D(2026, 1, 5))


# -- through the CLI --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,n,shown",
    [
        ("2025-01-24", "7", "2025-02-10（周一）"),
        ("2025-12-31", "20", "2026-01-29（周四）"),
        ("2026-09-30", "3", "2026-10-10（周六）"),
    ],
)
def test_cli_due(office, start, n, shown):
    result = office.run("calendar", "due", start, n)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == shown


def test_cli_due_into_year_without_file_is_marked_provisional(office):
    result = office.run("calendar", "due", "2026-12-25", "10")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("2027-01-08（周五）") and "临时" in result.stdout
    result = office.run("calendar", "due", "2026-12-01", "5")
    assert result.exit_code == 0 and "临时" not in result.stdout


def test_cli_due_before_first_year_is_a_clear_error(office):
    result = office.run("calendar", "due", "2024-12-31", "3")
    assert result.exit_code == 1
    assert "2024-12-31" in result.stderr and "早于日历的第一年" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("bad", ["2026-02-30", "2026/03/01", "明天"])
def test_cli_due_unparsable_date_is_a_usage_error(office, bad):
    result = office.run("calendar", "due", bad, "3")
    assert result.exit_code == 2
    assert bad in result.stderr


def test_cli_workdays(office):
    assert office.run("calendar", "workdays", "2026-09-30", "2026-10-10").stdout.strip() == "3"
    assert office.run("calendar", "workdays", "2025-12-31", "2026-12-31").stdout.strip() == "248"
    result = office.run("calendar", "workdays", "2026-12-31", "2027-01-08")
    assert result.stdout.startswith("6") and "临时" in result.stdout


def test_cli_show_table(office):
    result = office.run("calendar", "show", "2026")
    assert result.exit_code == 0, result.stderr
    assert "全年工作日 248 天" in result.stdout
    assert "2026-10-10" in result.stdout and "调休上班" in result.stdout


def _holiday_days(year: int) -> int:
    return len(days_off(year))


def test_cli_show_json(office):
    result = office.run("calendar", "show", "2026", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    adjusted_rows = [r for r in rows if r["kind"] == "adjusted"]
    holiday_rows = [r for r in rows if r["kind"] == "holiday"]
    assert {r["date"] for r in adjusted_rows} == {d.isoformat() for d in adjusted(2026)}
    assert {r["date"] for r in holiday_rows} == {d.isoformat() for d in days_off(2026)}
    assert len(rows) == _holiday_days(2026) + len(ADJUSTED[2026])
    assert all(r["working"] for r in adjusted_rows) and not any(r["working"] for r in holiday_rows)
    every = json.loads(office.run("calendar", "show", "2026", "--all", "--format", "json").stdout)
    assert len(every) == 365 and sum(r["working"] for r in every) == 248


def test_cli_show_csv_has_bom_and_crlf(office):
    result = office.run("calendar", "show", "2026", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(b"\r\n") == data.count(b"\n") == 1 + _holiday_days(2026) + len(ADJUSTED[2026])
    text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    assert text.startswith("日期,星期,类别,节日\r\n")
    assert "2026-02-14,周六,调休上班,春节\r\n" in text


def test_cli_show_csv_gb18030(office):
    result = office.run("calendar", "show", "2026", "--format", "csv", "--encoding", "gb18030")
    assert not result.stdout_bytes.startswith(codecs.BOM_UTF8)
    assert "调休上班" in result.stdout_bytes.decode("gb18030")


def test_cli_show_year_without_file(office):
    result = office.run("calendar", "show", "2027")
    assert result.exit_code == 1
    assert "catalog/calendar/2027.yaml" in result.stderr and "临时" in result.stderr


# -- properties -------------------------------------------------------------------------------------

days = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))  # 2027: provisional
counts = st.integers(min_value=0, max_value=300)


@PROPERTY
@given(days, st.integers(min_value=1, max_value=300))
def test_due_is_always_a_working_day(start, n):
    assert _cal().is_workday(_cal().add_workdays(start, n))


@PROPERTY
@given(days, counts)
def test_workdays_between_inverts_add(start, n):
    c = _cal()
    assert c.workdays_between(start, c.add_workdays(start, n)) == n


@PROPERTY
@given(days, counts, counts)
def test_monotonic_in_n(start, a, b):
    c = _cal()
    lo, hi = sorted((a, b))
    assert c.add_workdays(start, lo) <= c.add_workdays(start, hi)
    if lo < hi:
        assert c.add_workdays(start, lo) < c.add_workdays(start, hi)


@PROPERTY
@given(days, st.integers(min_value=0, max_value=150), st.integers(min_value=0, max_value=150))
def test_additive(start, a, b):
    c = _cal()
    assert c.add_workdays(c.add_workdays(start, a), b) == c.add_workdays(start, a + b)


@PROPERTY
@given(days, days)
def test_workdays_between_is_antisymmetric_and_counts_working_days(a, b):
    c = _cal()
    assert c.workdays_between(a, b) == -c.workdays_between(b, a)
    if a <= b:
        n = sum(c.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))
        assert c.workdays_between(a, b) == n
