"""The register of documents (issue 16 section 5): every document issued has a number, and `svc print`
reproduces it as issued, byte for byte, after later events and template edits; reissues name the
document they replace; each printing is recorded; a later notice lists everything still outstanding."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Office
from svccli.render.documents import bind_pages
from svccli.store.log import _dumps, line_hash

ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
DAY1 = "2026-11-20T09:00"


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def intake(office: Office, *materials: str, html: Path | None = None, today: str = DAY1, env=None) -> tuple[str, str]:
    extra = ["--html", str(html)] if html else []
    r = ok(
        office.run(
            "intake",
            "ZG-001",
            "--applicant",
            "王五",
            "--phone",
            "13812345678",
            *materials,
            *extra,
            today=today,
            env=env,
        )
    )
    return r.stdout.splitlines()[0], r.stdout


def reprint(office: Office, case_id: str, doc: str, page: Path, *more: str, today: str = "2026-12-10T09:00") -> str:
    r = ok(office.run("print", case_id, doc, *more, "--html", str(page), today=today))
    return r.stdout


def reprint_step(office: Office, case_id: str, kinds: tuple[str, ...], folder: Path, *more: str) -> bytes:
    """The documents an intake issued, printed again and bound as its --html file holds them (every
    document of the step, each on its own page)."""
    pages = []
    for kind in kinds:
        reprint(office, case_id, kind, folder / f"again-{kind}.html", *more)
        pages.append((folder / f"again-{kind}.html").read_text(encoding="utf-8"))
    return bind_pages(pages).encode("utf-8")


def register(office: Office, *args: str) -> list[dict]:
    return json.loads(ok(office.run("documents", *args, "--format", "json", today="2026-12-10T09:00")).stdout)


def test_receipt_and_notice_reprint_as_issued_after_later_events(office, tmp_path):
    case_id, out = intake(office, "--material", "M01", html=tmp_path / "notice.html")
    issued = (tmp_path / "notice.html").read_bytes()
    ok(office.run("notice", case_id, "--add", "M01:签字缺失", today="2026-11-23T09:00"))
    ok(office.run("supplement", case_id, "--material", "M01", "--material", "M02", today="2026-11-24T09:00"))
    ok(office.run("supplement", case_id, "--material", "M05:2", "--material", "M06", today="2026-11-25T09:00"))
    again = reprint(office, case_id, "notice", tmp_path / "again.html", "--number", "T01-1")
    assert reprint_step(office, case_id, ("receipt", "notice"), tmp_path, "--number", "T01-1") == issued
    assert again in out and "共 3 项" in again  # the text too, as printed at intake
    receipt = reprint(office, case_id, "receipt", tmp_path / "receipt.html")
    assert receipt in out and "M02" not in receipt.split("收到材料")[1].split("收件日期")[0]


def test_acceptance_reprints_its_due_date_after_an_extension(office, tmp_path):
    case_id, out = intake(office, *ZG_ALL, html=tmp_path / "acc.html")
    issued = (tmp_path / "acc.html").read_bytes()
    assert "2026年12月1日" in issued.decode()
    extend = ["--days", "2", "--reason", "需组织专家论证", "--basis", "本中心限时办结制度第三条"]
    ok(office.run("extend", case_id, *extend, today="2026-11-23T09:00"))
    text = reprint(office, case_id, "acceptance", tmp_path / "again.html")
    assert reprint_step(office, case_id, ("receipt", "acceptance"), tmp_path) == issued and text in out
    assert "2026年12月3日" not in text


def test_handover_slip_reprints_after_the_return(office, tmp_path):
    case_id, _ = intake(office, *ZG_ALL)
    slip = ok(
        office.run("handover", case_id, "--to", "ZG-SP", "--html", str(tmp_path / "h.html"), today="2026-11-20T09:30")
    )
    issued = (tmp_path / "h.html").read_bytes()
    ok(office.run("receive", case_id, today="2026-11-20T15:00", staff="S002"))
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-11-24T09:00", staff="S002"))
    ok(office.run("return", case_id, today="2026-11-25T10:00", staff="S002"))
    first = register(office, "--case", case_id, "--kind", "handover")[0]["number"]
    assert len(register(office, "--kind", "handover")) == 2  # the slip and the return slip
    text = reprint(office, case_id, "handover", tmp_path / "again.html", "--number", first)
    assert (tmp_path / "again.html").read_bytes() == issued and text in slip.stdout
    assert "回交" not in text


def test_owed_notice_reprints_after_delivery(office, tmp_path):
    case_id, out = intake(office, *ZG_ALL[:6], "--owe", "M06", html=tmp_path / "owed.html")
    issued = (tmp_path / "owed.html").read_bytes()
    ok(office.run("supplement", case_id, "--material", "M06", today="2026-11-23T09:00"))
    ok(office.run("conclude", case_id, "--result", "approved", today="2026-11-24T09:00"))
    ok(office.run("deliver", case_id, today="2026-11-25T09:00"))
    text = reprint(office, case_id, "owed", tmp_path / "again.html")
    assert reprint_step(office, case_id, ("receipt", "acceptance", "owed"), tmp_path) == issued
    assert text in out and "M06" in text


def test_reprint_is_byte_identical_after_a_template_edit(office, tmp_path):
    case_id, out = intake(office, *ZG_ALL, html=tmp_path / "acc.html")
    for name in ("base.html.j2", "acceptance.txt.j2", "_phones.txt.j2"):
        path = office.path / "templates" / name
        path.write_text(path.read_text(encoding="utf-8").replace("编号", "编号（新版）"), encoding="utf-8")
    text = reprint(office, case_id, "acceptance", tmp_path / "again.html")
    assert reprint_step(office, case_id, ("receipt", "acceptance"), tmp_path) == (tmp_path / "acc.html").read_bytes()
    assert text in out
    assert "新版" not in text
    _, later = intake(office, *ZG_ALL, today="2026-11-21T09:00")
    assert "编号（新版）" in later  # a new document takes the edited template


def test_numbers_unique_and_increasing_per_kind_year_and_clone(office):
    for day in ("2026-11-20T09:00", "2026-11-23T09:00"):
        intake(office, *ZG_ALL, today=day)
    intake(office, *ZG_ALL, today="2026-11-23T10:00", env={"SVC_CLONE": "T02"})
    intake(office, *ZG_ALL, today="2027-01-04T09:00")
    rows = register(office, "--kind", "acceptance")
    numbers = [r["number"] for r in rows]
    assert len(set(numbers)) == len(numbers) == 4
    assert "TX〔2026〕受字第T01-0001号" in numbers and "TX〔2026〕受字第T01-0002号" in numbers
    assert "TX〔2026〕受字第T02-0001号" in numbers and "TX〔2027〕受字第T01-0001号" in numbers
    receipts = [r["number"] for r in register(office, "--kind", "receipt")]
    assert "TX〔2026〕收字第T01-0002号" in receipts  # each kind numbers on its own


def test_numbers_follow_the_records_whatever_the_state_holds(office):
    """What each record file holds is kept in the state per file, and used only while the file is as it
    was: a state lost, or rows planted for a file that has grown since, never give a number twice."""
    import shutil
    import sqlite3

    intake(office, *ZG_ALL, today="2026-11-20T09:00")
    shutil.rmtree(office.path / ".svc")
    intake(office, *ZG_ALL, today="2026-11-20T10:00")  # read afresh from the records
    with sqlite3.connect(office.path / ".svc" / "state.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM register_file").fetchone()[0] >= 1
        conn.execute("UPDATE register_file SET numbers = CAST('[]' AS BLOB)")  # wrong, but marks as they were
        conn.execute("UPDATE register_file SET size = size - 1")  # …and no longer matching the file
    intake(office, *ZG_ALL, today="2026-11-20T11:00")
    numbers = [r["number"] for r in register(office, "--kind", "acceptance")]
    assert numbers == sorted(set(numbers)) and len(numbers) == 3 and numbers[-1].endswith("T01-0003号")


def test_documents_lists_with_filters(office):
    a, _ = intake(office, "--material", "M01")
    b, _ = intake(office, *ZG_ALL, today="2026-12-01T09:00")
    assert {r["kind"] for r in register(office, "--case", a)} == {"receipt", "notice"}
    assert [r["case"] for r in register(office, "--kind", "acceptance")] == [b]
    assert {r["case"] for r in register(office, "--month", "2026-12")} == {b}
    table = ok(office.run("documents", "--case", b, today="2026-12-10T09:00")).stdout
    assert "文书编号" in table and "受字第T01-0001号" in table
    assert office.run("documents", "--month", "12/2026").exit_code == 2


def test_reissue_gets_a_new_number_naming_the_replaced(office, tmp_path):
    case_id, _ = intake(office, *ZG_ALL)
    extend = ["--days", "2", "--reason", "需组织专家论证", "--basis", "本中心限时办结制度第三条"]
    ok(office.run("extend", case_id, *extend, today="2026-11-23T09:00"))
    assert office.run("print", case_id, "acceptance", "--reissue").exit_code == 2  # a reason is required
    text = ok(
        office.run(
            "print", case_id, "acceptance", "--reissue", "--reason", "办结期限延长后更正", today="2026-11-23T10:00"
        )
    ).stdout
    assert "受字第T01-0002号" in text and "替代 TX〔2026〕受字第T01-0001号" in text and "2026年12月3日" in text
    rows = {r["number"]: r for r in register(office, "--case", case_id, "--kind", "acceptance")}
    old, new = rows["TX〔2026〕受字第T01-0001号"], rows["TX〔2026〕受字第T01-0002号"]
    assert old["replaced_by"] == new["number"] and new["replaces"] == old["number"]
    assert new["correction"] == "办结期限延长后更正"
    assert "受字第T01-0002号" in ok(office.run("print", case_id, "acceptance", today="2026-11-24T09:00")).stdout
    again = ["print", case_id, "acceptance", "--reissue", "--reason", "再次更正"]  # the same second: record order
    assert "替代 TX〔2026〕受字第T01-0002号" in ok(office.run(*again, today="2026-11-24T09:00")).stdout
    assert "受字第T01-0003号" in ok(office.run("print", case_id, "acceptance", today="2026-11-24T09:00")).stdout


def test_printing_appends_a_print_record(office, tmp_path):
    case_id, _ = intake(office, *ZG_ALL)
    ok(office.run("print", case_id, "receipt", today="2026-11-27T16:30", staff="S002"))
    events = [json.loads(line) for f in office.records() for line in f.read_text(encoding="utf-8").splitlines()]
    printed = [e for e in events if e["type"] == "print"]
    assert len(printed) == 1 and printed[0]["by"] == "S002" and printed[0]["ts"].startswith("2026-11-27T16:30")
    assert printed[0]["number"] == "TX〔2026〕收字第T01-0001号" and printed[0]["case"] == case_id
    assert register(office, "--kind", "receipt")[0]["printed"] == 1
    refused = office.run("print", case_id, "refusal")  # never issued: nothing to print, nothing written
    assert refused.exit_code == 1 and len([e for e in events if e["type"] == "print"]) == 1
    assert office.run("print", case_id, "receipt", "--number", "T01-9").exit_code == 1
    assert ok(office.run("check")).exit_code == 0


def test_a_later_notice_lists_every_outstanding_gap(office, tmp_path):
    case_id, _ = intake(office, "--material", "M01")  # M02, M05, M06 missing
    ok(office.run("notice", case_id, "--add", "M01:签字缺失", today="2026-11-23T09:00"))
    page = tmp_path / "third.html"
    third = ok(office.run("notice", case_id, "--add", "M07:未附", "--html", str(page), today="2026-11-24T09:00"))
    if third.exit_code:  # pragma: no cover
        raise AssertionError(third.stderr)
    for text in (third.stdout, page.read_text(encoding="utf-8")):
        for code in ("M01", "M02", "M05", "M06"):
            assert code in text
        assert "本告知书已将需要补正的全部材料一次性告知" not in text
        assert "此前已告知" in text


def test_old_records_are_reconstructed_and_marked(office, tmp_path):
    case_id, _ = intake(office, *ZG_ALL)
    for f in office.records():  # as written before the register existed: no document records, a sound chain
        prev, out = "", b""
        for line in f.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if event["type"] not in ("document", "template"):
                raw = _dumps({**event, "prev": prev})
                out, prev = out + raw + b"\n", line_hash(raw)
        f.write_bytes(out)
    r = ok(office.run("print", case_id, "acceptance", "--html", str(tmp_path / "a.html")))
    assert "据记录重新生成，非原件" in r.stdout and "据记录重新生成，非原件" in (tmp_path / "a.html").read_text()


def test_every_document_of_the_sample_office_reprints_as_issued(sample):
    """Each document on file in the sample office, printed again by its number after all the events
    that followed it, gives exactly the text that was handed out (the sha256 its record kept)."""
    import hashlib

    documents = [
        json.loads(line)
        for p in sample.records()
        for line in p.read_text(encoding="utf-8").splitlines()
        if '"type":"document"' in line
    ]
    assert len({d["kind"] for d in documents}) >= 5  # receipts, notices, acceptances, slips, …
    for d in documents:
        r = sample.run("print", d["case"], d["kind"], "--number", d["number"], today="2026-12-20T09:00")
        assert r.exit_code == 0, r.stderr
        text = r.stdout[:-1] if r.stdout.endswith("\n") else r.stdout
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == d["rendered"]["text"], d["number"]
