"""The exit code tells the truth (issue 16, section 2): exit 0 when the record is on file, 1 or 2
when nothing was written.

A bad line elsewhere in the records is a warning naming `svc repair` for a command that records,
never a failure after the append. A document that goes with an event is rendered and written to a
private temporary file first; the record is appended only then, and the page takes its name only
after the append. `--html PATH` refuses an existing file without `--force`, and a link always.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from svccli.cli import pages
from svccli.store.log import RecordLog

INTAKE = ("intake", "ZG-001", "--applicant", "张三", "--phone", "13812345678")
ALL = ("--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06")
DAY = "2026-11-20"


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def events(office, kind: str | None = None) -> list[dict]:
    lines, _ = RecordLog(office.path).read()
    return [ln.event for ln in lines if kind is None or ln.event["type"] == kind]


def accepted(office) -> str:
    """A case accepted on 2026-11-20 (complete materials): one that can be extended."""
    return ok(office.run(*INTAKE, *ALL, "-q")).stdout.strip()


@pytest.fixture
def out(tmp_path) -> Path:
    """A folder for documents only (tmp_path holds the office too)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def extend(office, case_id: str, *extra: str):
    return office.run(
        "extend", case_id, "--days", "2", "--reason", "需现场核查", "--basis", "制度", *extra, today="2026-11-23T09:00"
    )


def tear(office) -> Path:
    """What a crash leaves: the day's file ends in half a record line."""
    ok(office.run(*INTAKE, "--material", "M01", "-q"))
    (path,) = office.records()
    with path.open("ab") as f:
        f.write(b'{"v":1,"id":"0123456789abcdef","ts":"2026-11-20T09:0')
    return path


# -- a bad line elsewhere ------------------------------------------------------------------------


def test_intake_after_a_torn_line_records_once_and_exits_0(office):
    path = tear(office)
    before = len(events(office, "intake"))
    result = office.run(*INTAKE, "--material", "M01")
    assert result.exit_code == 0, result.stderr  # today: exit 1 "记录文件有错误", and the case is on file
    assert "svc repair" in result.stderr and "警告" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(events(office, "intake")) == before + 1  # exactly one new case
    case_id = result.stdout.splitlines()[0]
    assert "一次性告知" in result.stdout
    assert [e["case"] for e in events(office, "intake")][-1] == case_id
    assert path.relative_to(office.path).as_posix() in result.stderr  # where the torn line is


def test_commands_that_record_warn_of_a_bad_line_and_go_on(office):
    """Once the torn line is a bad line mid-file, a command that records and reads the file it lies
    in warns, naming the line and `svc repair`, and records: exit 0."""
    path = tear(office)
    first = events(office, "intake")[0]["case"]
    ok(office.run(*INTAKE, "--material", "M01", "-q"))
    result = office.run("notice", first, "--add", "M07:委托书未签字")
    assert result.exit_code == 0, result.stderr  # today: exit 1, "记录文件有错误"
    assert f"{path.relative_to(office.path).as_posix()}:3" in result.stderr and "svc repair" in result.stderr
    assert "一次性告知" in result.stdout
    assert len(events(office, "notice")) == 3


def test_a_retry_after_a_torn_line_never_doubles_a_case(office):
    tear(office)
    for _ in range(3):
        ok(office.run(*INTAKE, "--material", "M01"))  # today: each run exits 1, and each is on file
    assert len(events(office, "intake")) == 4  # the first, and one per run: no exit 1 to retry on


def test_a_read_command_still_fails_on_the_bad_line(office):
    tear(office)
    ok(office.run(*INTAKE, "--material", "M01", "-q"))  # the torn line is now a bad line mid-file
    assert office.run("cases").exit_code == 1
    assert office.run("check").exit_code == 1


def test_after_repair_no_warning(office):
    tear(office)
    ok(office.run(*INTAKE, "--material", "M01", "-q"))
    ok(office.run("repair"))
    result = ok(office.run(*INTAKE, "--material", "M01", "-q"))
    assert "svc repair" not in result.stderr


# -- a document that cannot be written ---------------------------------------------------------------


def test_extend_with_html_to_dev_full_writes_nothing(office):
    case_id = accepted(office)
    result = extend(office, case_id, "--html", "/dev/full")
    assert result.exit_code in (1, 2), result.stderr  # today: exit 1, and the extension is on file
    assert "--html" in result.stderr
    assert events(office, "extend") == []
    forced = extend(office, case_id, "--html", "/dev/full", "--force")  # a device is never replaced
    assert forced.exit_code == 2 and events(office, "extend") == []
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_page_that_cannot_be_written_records_nothing(office, tmp_path):
    case_id = accepted(office)
    page = tmp_path / "no-such-folder" / "ext.html"
    result = extend(office, case_id, "--html", str(page))
    assert result.exit_code == 1, result.stderr
    assert "记录未保存" in result.stderr and result.stdout == ""
    assert events(office, "extend") == []
    assert ok(office.run("show", case_id)).stdout.count("延期") == 0


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_a_full_disk_while_writing_the_page_records_nothing(office, out, monkeypatch, code):
    case_id = accepted(office)
    page = out / "ext.html"
    real = pages._write_all

    def full(fd, data):
        real(fd, data[:10])
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pages, "_write_all", full)
    result = extend(office, case_id, "--html", str(page))
    monkeypatch.undo()
    assert result.exit_code == 1 and "记录未保存" in result.stderr, result.stderr
    assert events(office, "extend") == []
    assert list(out.iterdir()) == []  # neither the page nor its temporary file


def test_a_failed_append_leaves_no_page(office, out, monkeypatch):
    from svccli.store import log

    case_id = accepted(office)
    page = out / "ext.html"

    def broken(fd, data):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(log, "_write_all", broken)
    result = extend(office, case_id, "--html", str(page))
    monkeypatch.undo()
    assert result.exit_code == 1 and "记录未保存" in result.stderr
    assert result.stdout == ""  # no document on the screen for a record that is not on file
    assert list(out.iterdir()) == []
    assert events(office, "extend") == []


def test_the_page_takes_its_name_only_after_the_append(office, out, monkeypatch):
    """When the append happens, the page is complete in its temporary file and not yet at PATH."""
    case_id = accepted(office)
    page = out / "ext.html"
    seen = []
    from svccli.store.log import RecordLog as Log

    real = Log._append_locked

    def spy(self, path, made):
        seen.append((page.exists(), [p.name for p in out.iterdir()]))
        return real(self, path, made)

    monkeypatch.setattr(Log, "_append_locked", spy)
    ok(extend(office, case_id, "--html", str(page)))
    ((there, names),) = seen
    assert not there and len(names) == 1 and names[0].startswith(".ext.html.") and names[0].endswith(".tmp")
    assert page.exists() and [p.name for p in out.iterdir()] == ["ext.html"]
    assert "需现场核查" in page.read_text(encoding="utf-8")
    assert [e["case"] for e in events(office, "extend")] == [case_id]


def test_a_broken_template_records_nothing(office):
    (office.path / "templates" / "extension.txt.j2").write_text("{{ case.id | no_such_filter }}", encoding="utf-8")
    case_id = accepted(office)
    result = extend(office, case_id)
    assert result.exit_code == 1 and "记录未保存" in result.stderr, result.stderr
    assert events(office, "extend") == []


# -- documents are private, and never overwrite by surprise ----------------------------------------


@pytest.fixture
def umask_022():
    old = os.umask(0o022)  # what most shells have: a plain write would be 0644
    yield
    os.umask(old)


def test_document_is_written_0600(office, tmp_path, umask_022):
    page = tmp_path / "notice.html"
    ok(office.run(*INTAKE, "--material", "M01", "--html", str(page)))
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    reprint = tmp_path / "again.html"
    case_id = events(office, "intake")[0]["case"]
    ok(office.run("print", case_id, "notice", "--html", str(reprint)))
    assert stat.S_IMODE(reprint.stat().st_mode) == 0o600


def test_existing_file_is_refused_without_force(office):
    roster = office.path / "catalog" / "roster.yaml"
    before = roster.read_bytes()
    case_id = accepted(office)
    result = extend(office, case_id, "--html", str(roster))
    assert result.exit_code == 2 and "--html" in result.stderr and "--force" in result.stderr
    assert roster.read_bytes() == before  # today: silently replaced
    assert events(office, "extend") == []


def test_existing_file_is_replaced_with_force(office, tmp_path):
    page = tmp_path / "ext.html"
    page.write_text("old", encoding="utf-8")
    case_id = accepted(office)
    ok(extend(office, case_id, "--html", str(page), "--force"))
    assert "需现场核查" in page.read_text(encoding="utf-8")
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    ok(office.run("print", case_id, "extension", "--force", "--html", str(page)))  # either order


@pytest.mark.parametrize("force", [False, True])
def test_symlink_target_is_refused_and_left_alone(office, tmp_path, force):
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    os.chmod(target, 0o644)
    link = tmp_path / "ext.html"
    link.symlink_to(target)
    case_id = accepted(office)
    result = extend(office, case_id, "--html", str(link), *(["--force"] if force else []))
    assert result.exit_code == 2 and "--html" in result.stderr and "符号链接" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me" and stat.S_IMODE(target.stat().st_mode) == 0o644
    assert link.is_symlink() and events(office, "extend") == []


def test_dangling_symlink_target_is_refused(office, tmp_path):
    link = tmp_path / "notice.html"
    link.symlink_to(tmp_path / "would-be-created.html")
    result = office.run(*INTAKE, "--material", "M01", "--html", str(link))
    assert result.exit_code == 2 and "符号链接" in result.stderr
    assert not (tmp_path / "would-be-created.html").exists() and events(office) == []


def test_refused_intake_prints_no_case_id(office, tmp_path):
    existing = tmp_path / "notice.html"
    existing.write_text("", encoding="utf-8")
    result = office.run(*INTAKE, "--material", "M01", "--html", str(existing))
    assert result.exit_code == 2 and result.stdout == "" and events(office) == []


def test_due_html_refuses_an_existing_file(office, tmp_path):
    case_id = accepted(office)
    annex = tmp_path / "annex.html"
    annex.write_text("mine", encoding="utf-8")
    result = office.run("due", case_id, "--html", str(annex))
    assert result.exit_code == 2 and "--force" in result.stderr and annex.read_text(encoding="utf-8") == "mine"
    ok(office.run("due", case_id, "--html", str(annex), "--force"))
    assert "<!DOCTYPE html>" in annex.read_text(encoding="utf-8")


def test_html_help_names_force(office):
    result = ok(office.run("extend", "--help"))
    assert "--force" in result.stdout


def test_written_records_read_back_as_staged(office, tmp_path):
    """The case the document was rendered from is the case on file: same ids, a sound chain."""
    page = tmp_path / "n.html"
    ok(office.run(*INTAKE, "--material", "M01", "--html", str(page)))
    assert ok(office.run("check")).stdout == ""
    (path,) = office.records()
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    steps = [r["type"] for r in rows if r["type"] not in ("template", "document")]  # the register's, in the same append
    assert steps == ["intake", "notice"] and rows[0]["case"] in page.read_text(encoding="utf-8")
    issued = [r for r in rows if r["type"] == "document"]
    assert [r["kind"] for r in issued] == ["receipt", "notice"]
    assert issued[1]["number"] in page.read_text(encoding="utf-8")
