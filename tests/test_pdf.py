"""PDFs without a browser (render/pdf.py): A4 pages, the CJK font embedded, text that can be
searched, GB/T 9704 page numbers, and nothing fetched from outside the page."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from svccli.errors import DataError
from svccli.render.pdf import pdf_bytes

pytestmark = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils（pdfinfo）未安装：make test 会安装")

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
body {{ font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; }}
</style></head><body><h1>不予受理决定书</h1><p>申请人：王小明，案件编号 TX-W01-261120-001。</p>{more}</body></html>"""


def _pdf(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_bytes(html))
    return path


def _tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_a4_with_the_cjk_font_embedded_and_searchable_text(tmp_path):
    path = _pdf(tmp_path, PAGE.format(more=""))
    assert "595.276 x 841.89 pts (A4)" in _tool("pdfinfo", str(path))
    fonts = [line.split() for line in _tool("pdffonts", str(path)).splitlines()[2:]]
    assert fonts and all(row[-5] == "yes" for row in fonts)  # the "emb" column: every font embedded
    assert any("CJK" in row[0] for row in fonts)
    text = _tool("pdftotext", str(path), "-")
    assert "王小明" in text and "TX-W01-261120-001" in text


def test_a_long_document_breaks_into_numbered_pages(tmp_path):
    paragraph = "<p>本机关依法审查后认为，该申请事项依法不属于本机关职权范围，决定不予受理。</p>"
    path = _pdf(tmp_path, PAGE.format(more=paragraph * 40))
    pages = int(next(ln.split()[-1] for ln in _tool("pdfinfo", str(path)).splitlines() if ln.startswith("Pages:")))
    assert pages >= 3
    for n in (1, pages):  # each page carries "— n —" at its foot
        text = _tool("pdftotext", "-f", str(n), "-l", str(n), str(path), "-")
        assert f"—{n}—" in text.replace(" ", "")


def test_an_outside_resource_is_refused_not_fetched(tmp_path):
    for ref in ('<img src="http://192.0.2.1/seal.png">', '<link rel="stylesheet" href="file:///etc/passwd">'):
        with pytest.raises(DataError, match="外部资源"):
            pdf_bytes(PAGE.format(more=ref))


# -- --pdf on the commands that print ------------------------------------------------------------------

ZG = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]


def _pages(path: Path) -> int:
    info = _tool("pdfinfo", str(path))
    return int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))


def test_a_step_with_three_documents_prints_them_all_to_one_pdf(office, tmp_path):
    """A 容缺 intake issues the receipt, the acceptance notice and the owed-materials notice."""
    pdf = tmp_path / "intake.pdf"
    args = ["intake", "ZG-001", "--applicant", "王小明", "--phone", "13957310222", *ZG[:6], "--owe", "M06"]
    r = office.run(*args, "--pdf", str(pdf))
    assert r.exit_code == 0, r.output
    case_id = r.stdout.splitlines()[0].split()[-1] if "TX-" not in r.stdout.splitlines()[0] else None
    text = _tool("pdftotext", str(pdf), "-").replace(" ", "")  # titles are letter-spaced
    assert "王小明" in text and "收件凭证" in text and "受理通知书" in text and "补办件通知书" in text
    assert case_id is None or case_id in text
    assert _pages(pdf) >= 3 and "(A4)" in _tool("pdfinfo", str(pdf))
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.html"))  # --pdf alone writes no HTML


def test_pdf_and_html_together_and_a_reprint(office, tmp_path):
    case_id = office.intake()
    html, pdf = tmp_path / "a.html", tmp_path / "a.pdf"
    r = office.run("print", case_id, "acceptance", "--html", str(html), "--pdf", str(pdf))
    assert r.exit_code == 0, r.output
    assert html.is_file() and case_id in _tool("pdftotext", str(pdf), "-")
    again = office.run("print", case_id, "acceptance", "--pdf", str(pdf))
    assert again.exit_code == 2 and "--pdf" in again.output and "--force" in again.output
    same = office.run("print", case_id, "acceptance", "--html", str(pdf), "--pdf", str(pdf), "--force")
    assert same.exit_code == 2


def test_nothing_is_recorded_when_the_pdf_cannot_be_made(office, tmp_path):
    before = [p.read_bytes() for p in office.records()]
    (office.path / "templates").mkdir(exist_ok=True)
    base = office.path / "templates" / "receipt.html.j2"
    shipped = Path(__file__).resolve().parent.parent / "templates" / "receipt.html.j2"
    base.write_text(
        shipped.read_text(encoding="utf-8").replace(
            "{% block body %}", '{% block body %}<img src="http://192.0.2.1/x.png">'
        ),
        encoding="utf-8",
    )
    args = ["intake", "ZG-001", "--applicant", "王小明", "--phone", "13957310222", *ZG]
    r = office.run(*args, "--pdf", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and "外部资源" in r.output
    assert [p.read_bytes() for p in office.records()] == before
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.tmp"))  # no page, no leftover


def test_each_document_of_a_step_is_numbered_from_one(tmp_path):
    long = PAGE.format(more="<p>本机关依法审查后认为，该申请事项依法不属于本机关职权范围，决定不予受理。</p>" * 40)
    path = tmp_path / "two.pdf"
    path.write_bytes(pdf_bytes(long, PAGE.format(more="")))
    pages = _pages(path)
    assert pages >= 3
    last = _tool("pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-").replace(" ", "")
    assert "—1—" in last  # the second document starts again at 1
