"""The cached catalogue (rows of JSON in .svc/state.sqlite, issues 10 and 15): each service item is
decoded only when asked for, and the lazy catalogue answers exactly as one parsed afresh from the YAML."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from svccli.core.catalog import ServiceItem
from svccli.store import catalog_cache
from svccli.store.catalog_cache import LazyMapping, load_home_cached
from svccli.store.home import load_home

CACHE = ".svc/state.sqlite"


def warm(office):
    """Run a command so the cache is written, then load the home as the next command would."""
    assert office.run("catalog", "show", "ZG-001").exit_code == 0
    with sqlite3.connect(office.path / CACHE) as conn:
        assert conn.execute("SELECT count(*) FROM catalog_item").fetchone()[0] > 10
    home = load_home_cached(office.path)
    assert isinstance(home.catalog.items, LazyMapping)  # read from the cache, not parsed
    return home


def test_lazy_catalogue_answers_as_a_fresh_one(office):
    lazy, fresh = warm(office), load_home(office.path)
    items, expected = lazy.catalog.items, fresh.catalog.items
    assert len(items) == len(expected) > 10
    assert list(items) == list(expected)  # the same codes in the same order
    assert items._made == {}  # nothing decoded yet
    first = next(iter(expected))
    assert lazy.catalog.item(first) == expected[first]
    assert list(items._made) == [first]  # only what was asked for
    assert lazy.catalog.item(first) is lazy.catalog.item(first)  # memoised
    for code, item in expected.items():
        assert code in items
        assert items[code] == item and items.get(code) == item
        assert items[code].src == item.src  # src is left out of ==
        assert [m.src for m in items[code].materials] == [m.src for m in item.materials]
    assert list(items.keys()) == list(expected.keys())
    assert list(items.values()) == list(expected.values())
    assert list(items.items()) == list(expected.items())
    assert items == expected and expected == items and dict(items) == expected
    assert lazy.catalog == fresh.catalog
    assert "NO-SUCH" not in items and items.get("NO-SUCH") is None and lazy.catalog.item("NO-SUCH") is None
    with pytest.raises(KeyError):
        items["NO-SUCH"]
    assert (lazy.roster, lazy.calendar, lazy.scoring, lazy.problems) == (
        fresh.roster,
        fresh.calendar,
        fresh.scoring,
        fresh.problems,
    )
    assert lazy.path == fresh.path


def test_an_edited_service_file_is_seen_on_the_next_run(office):
    before = office.run("catalog", "show", "ZG-001")
    assert "建设用地规划许可证核发" in before.stdout
    warm(office)
    svc = office.path / "catalog" / "services" / "zg.yaml"
    text = svc.read_text(encoding="utf-8")
    assert text.count("建设用地规划许可证核发") >= 1
    svc.write_text(text.replace("建设用地规划许可证核发", "建设用地规划许可证审批", 1), encoding="utf-8")
    after = office.run("catalog", "show", "ZG-001")
    assert after.exit_code == 0
    assert "建设用地规划许可证审批" in after.stdout and "建设用地规划许可证核发" not in after.stdout
    home = load_home_cached(office.path)
    assert isinstance(home.catalog.items, LazyMapping)  # rewritten by that run, read again from it
    assert home.catalog.item("ZG-001").name == "建设用地规划许可证审批"
    assert home.catalog == load_home(office.path).catalog


def test_a_damaged_item_in_a_valid_cache_is_parsed_afresh(office):
    warm(office)
    with sqlite3.connect(office.path / CACHE) as conn:
        (code, _), (other, body) = conn.execute("SELECT code, body FROM catalog_item ORDER BY pos LIMIT 2").fetchall()
        conn.execute("UPDATE catalog_item SET body = ? WHERE code = ?", (body, code))  # another item's bytes
    home = load_home_cached(office.path)
    assert isinstance(home.catalog.items, LazyMapping)
    fresh = load_home(office.path)
    assert home.catalog.items[code] == fresh.catalog.items[code]
    assert isinstance(home.catalog.items[code], ServiceItem) and home.catalog.items[code].code == code
    assert home.catalog == fresh.catalog


@pytest.mark.parametrize(
    "planted",
    [
        b'{"$c": "Popen", "v": [["sh", "-c", "touch PWNED"]]}',
        b'{"$c": "ServiceItem", "v": [1]}',
        b'{"$m": 5}',
        b"\x80\x04K\x01.",
        b"",
    ],
)
def test_a_planted_item_never_makes_anything_but_catalogue_data(office, planted):
    """Tags name only the catalogue's own classes: anything else is refused and parsed afresh."""
    warm(office)
    with sqlite3.connect(office.path / CACHE) as conn:
        conn.execute("UPDATE catalog_item SET body = ?", (planted,))
    r = office.run("catalog", "show", "ZG-001")
    assert r.exit_code == 0 and "建设用地规划许可证核发" in r.stdout
    assert not (office.path / "PWNED").exists()


def test_the_key_is_the_content_of_every_yaml_file_under_catalog(office):
    before = catalog_cache.catalog_key(office.path)
    (office.path / "catalog" / "extra").mkdir()
    office.write("catalog/extra/notes.yaml", "a: 1\n")
    added = catalog_cache.catalog_key(office.path)
    assert added != before
    path = office.path / "catalog" / "extra" / "notes.yaml"
    st = path.stat()
    path.write_text("a: 2\n", encoding="utf-8")  # the same size and time, other content
    import os

    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert catalog_cache.catalog_key(office.path) not in (before, added)


def test_a_warm_catalog_show_parses_no_yaml(office):
    """A command on a warm cache imports neither YAML parser; `svc show` imports no jinja2 either."""
    warm(office)
    case = office.run("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678", "--material", "M01", "-q")
    assert case.exit_code == 0
    code = (
        "import sys\n"
        "from svccli.cli.main import cli\n"
        "for args in sys.argv[2:]:\n"
        "    try:\n"
        "        cli.main(['--home', sys.argv[1], *args.split()], standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    loaded = sorted(m for m in ('ruamel.yaml', 'yaml', 'jinja2', 'tabulate') if m in sys.modules)\n"
        "    print(args.split()[0], *loaded, file=sys.stderr)\n"
    )
    env = {
        "SVC_CLONE": "T01",
        "SVC_TODAY": "2026-11-20T09:00",
        "SVC_CLOCK": "2026-11-20T09:00",
        "SVC_STAFF": "S001",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code, str(office.path), f"show {case.stdout.strip()}", "catalog show ZG-001"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stderr
    assert out.splitlines() == ["show", "catalog jinja2"]


def test_an_edit_that_keeps_size_and_time_is_seen_by_a_warm_command(office):
    """The stored key is reused only while no file's size, inode, mtime or ctime moved; a write always
    moves the ctime, so an edit that restores the size and mtime is still parsed afresh."""
    import os

    warm(office)
    svc = office.path / "catalog" / "services" / "zg.yaml"
    st = svc.stat()
    text = svc.read_text(encoding="utf-8")
    svc.write_text(text.replace("建设用地规划许可证核发", "建设用地规划许可证审批", 1), encoding="utf-8")
    os.utime(svc, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert svc.stat().st_size == st.st_size and svc.stat().st_mtime_ns == st.st_mtime_ns
    assert "建设用地规划许可证审批" in office.run("catalog", "show", "ZG-001").stdout
