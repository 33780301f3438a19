"""Compiled templates kept in .svc/cache (a jinja2 bytecode cache): private, checked against each
template's source, and never the reason a document fails."""

from __future__ import annotations

import stat

import pytest

from svccli.render import documents


@pytest.fixture(autouse=True)
def fresh_environments():
    documents.environment.cache_clear()  # each run below builds its environment as a new process would
    yield
    documents.environment.cache_clear()


def guide(office) -> str:
    documents.environment.cache_clear()
    result = office.run("catalog", "show", "ZG-001")
    assert result.exit_code == 0, result.output
    return result.stdout


def folders(office):
    return sorted((office.path / ".svc" / "cache").glob("templates-*"))


def test_compiled_templates_are_kept_privately(office):
    first = guide(office)
    (folder,) = folders(office)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert list(folder.glob("*.cache"))
    assert guide(office) == first


def test_an_edited_template_is_compiled_again(office):
    guide(office)
    path = office.path / "templates" / "guide.txt.j2"
    path.write_text("自定义：{{ item.name }}\n", encoding="utf-8")
    assert guide(office) == "自定义：建设用地规划许可证核发\n\n"


def test_a_damaged_or_unwritable_cache_never_fails_a_document(office):
    first = guide(office)
    (folder,) = folders(office)
    for entry in folder.glob("*.cache"):
        entry.write_bytes(b"garbage")
    assert guide(office) == first
    folder.chmod(0o500)
    try:
        for entry in folder.glob("*.cache"):
            entry.chmod(0o600)
            entry.write_bytes(b"j2" + b"\x00" * 40)
        assert guide(office) == first
    finally:
        folder.chmod(0o700)


def test_a_folder_of_another_stamp_is_removed(office):
    old = office.path / ".svc" / "cache" / "templates-0123456789abcdef"
    old.mkdir(parents=True)
    (old / "x.cache").write_bytes(b"old")
    guide(office)
    assert old not in folders(office) and len(folders(office)) == 1
