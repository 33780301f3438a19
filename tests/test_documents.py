"""Printed documents (issue 3 "Documents", issue 11 补办件通知书 and 退件通知书): every document renders
for a sample case from the commands and from `svc print CASE DOC --html FILE`; content checks (every
missing material named, the promised date equal to `svc due`'s); applicant text escaped in HTML; a page
rendered in headless Chromium, which needs a CJK font (EXAMPLES.md 15; README installs fonts-noto-cjk)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess

import pytest

from conftest import REPO, Office
from svccli.render.views import DOCUMENTS
from svccli.store.home import load_home

HOME = load_home(REPO)
ZG1 = HOME.catalog.items["ZG-001"]
XSS = "<script>alert(1)</script>"
APPLICANT = ["--applicant", XSS, "--phone", "13812345678"]
ZG_ALL = ["--material", "M01", "--material", "M02", "--material", "M05:2", "--material", "M06"]
TITLES = {
    "receipt": "收件凭证",
    "notice": "一次性告知书",
    "acceptance": "受理通知书",
    "refusal": "不予受理通知书",
    "referral": "告知单",
    "conclusion": "办结通知书",
    "extension": "延期办理告知书",
    "owed": "补办件通知书",
    "sendback": "退件通知书",
    "handover": "项目收件交接单",
    "pause": "暂停计时告知书",  # issue 16 section 7: `svc suspend` prints it (000 第四篇 二.10)
    "deemed": "超时默许告知书",  # issue 16 section 7: `svc print CASE deemed` once deemed approved (002 一.7)
}
PRINTED = "2026-11-25T10:00"
DEEMED_DAY = "2026-12-02T10:00"  # ZG-001 accepted 2026-11-20 is due 12-01; undecided, deemed approved from 12-02


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def cn(day: str) -> str:
    y, m, d = day.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """One office, one case per document, all with the applicant name `<script>alert(1)</script>`:
    accepted and concluded; provisionally accepted (M06 owed) and extended; refused (its one-time
    notice lists M02, M05, M06); referred; sent back. Then `svc print ... --html` for every document."""
    root = tmp_path_factory.mktemp("docs")
    home = root / "office"
    shutil.copytree(REPO / "catalog", home / "catalog")
    shutil.copytree(REPO / "templates", home / "templates")
    (home / "records").mkdir()
    office = Office(home)
    out: dict = {"office": office, "text": {}}

    def take(*materials, today="2026-11-20T09:00"):
        r = ok(office.run("intake", "ZG-001", *APPLICANT, *materials, today=today))
        return r.stdout.splitlines()[0], r.stdout

    acc, out["text"]["acceptance"] = take(*ZG_ALL)
    owe, out["text"]["owed"] = take("--material", "M01", "--material", "M02", "--material", "M05:2")
    rfl, out["text"]["notice"] = take("--material", "M01")
    ref, _ = take("--material", "M01")
    sb, _ = take(*ZG_ALL)
    paused, _ = take(*ZG_ALL)
    deemed, _ = take(*ZG_ALL)
    out["text"]["pause"] = ok(
        office.run("suspend", paused, "--reason", "survey", "--expected", "约 10 个工作日", today="2026-11-23T09:00")
    ).stdout
    # the sample office keeps 一审一核 (review_and_check: true): window → section, review, check, decision
    out["text"]["handover"] = ok(office.run("handover", acc, "--to", "ZG-SP", today="2026-11-20T09:30")).stdout
    ok(office.run("receive", acc, today="2026-11-20T15:00", staff="S003"))
    ok(office.run("review", acc, "--opinion", "材料齐全，符合条件", today="2026-11-23T09:00", staff="S003"))
    ok(office.run("approve", acc, today="2026-11-23T10:00", staff="S002"))
    out["text"]["conclusion"] = ok(
        office.run("conclude", acc, "--result", "approved", "--note", "证号 2026-017", today="2026-11-24T09:00")
    ).stdout
    out["text"]["extension"] = ok(
        office.run(
            "extend",
            owe,
            "--days",
            "2",
            "--reason",
            "需组织专家论证",
            "--basis",
            "本中心限时办结制度第三条",
            today="2026-11-23T09:00",
        )
    ).stdout
    out["text"]["refusal"] = ok(
        office.run("refuse", rfl, "--reason", "申请事项不属于规划许可范围", today="2026-11-20T10:00")
    ).stdout
    out["text"]["referral"] = ok(
        office.run("refer", ref, "--to", "县林业局", "--contact", "0573-88100150", today="2026-11-20T10:00")
    ).stdout
    out["text"]["sendback"] = ok(
        office.run(
            "send-back",
            sb,
            "--reason",
            "地形图比例不符合要求",
            "--opinion",
            "请补充1∶500地形图",
            today="2026-11-23T09:00",
            staff="S003",
        )
    ).stdout
    out["text"]["receipt"] = out["text"]["acceptance"]  # intake prints the receipt first
    out["case"] = {
        "receipt": acc,
        "acceptance": acc,
        "conclusion": acc,
        "owed": owe,
        "extension": owe,
        "notice": rfl,
        "refusal": rfl,
        "referral": ref,
        "sendback": sb,
        "handover": acc,
        "pause": paused,
        "deemed": deemed,
    }
    out["html"] = {}
    for doc, case_id in out["case"].items():
        page = root / f"{doc}.html"
        r = ok(office.run("print", case_id, doc, "--html", str(page), today=DEEMED_DAY if doc == "deemed" else PRINTED))
        out["html"][doc] = page.read_text(encoding="utf-8")
        out.setdefault("printed", {})[doc] = r.stdout
    out["text"]["deemed"] = out["printed"]["deemed"]  # no command prints it but `svc print`
    out["due"] = {
        c: re.search(r"办结期限：(\d{4}-\d\d-\d\d)", ok(office.run("due", c, today=PRINTED)).stdout).group(1)
        for c in (acc, owe)
    }
    annex = root / "due_explain.html"
    ok(office.run("due", acc, "--html", str(annex), today=PRINTED))
    out["html"]["due_explain"] = annex.read_text(encoding="utf-8")
    out["root"] = root
    return out


def test_every_document_is_covered():
    assert set(TITLES) == set(DOCUMENTS)


@pytest.mark.parametrize("doc", list(TITLES))
def test_document_renders(docs, doc):
    """Each document, as the command printed it on the terminal and as `svc print --html` wrote it:
    its title, the case number, the office, and an A4 page (GB/T 9704-2012 margins)."""
    case_id = docs["case"][doc]
    page = docs["html"][doc]
    # a refusal is the department's decision, signed by it
    issuer = "县自然资源和规划局" if doc == "refusal" else "桐乡县政务服务中心"
    for text in (docs["text"][doc], docs["printed"][doc], page):
        assert TITLES[doc] in text and case_id in text and issuer in text
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in page


def test_document_content__notice_names_every_missing_material(docs):
    """一次性告知: every missing material named at once (intake with only M01: M02, M05, M06 missing),
    with the date by which to supplement (10 working days after Fri 2026-11-20)."""
    missing = [m for m in ZG1.materials if m.required and m.code != "M01"]
    assert [m.code for m in missing] == ["M02", "M05", "M06"]
    for text in (docs["text"]["notice"], docs["html"]["notice"]):
        for m in missing:
            assert m.code in text and m.name in text
        assert "2026年12月4日" in text
    assert ZG1.material("M01").name not in docs["text"]["notice"].split("需要补正")[1]


def test_document_content__acceptance_promises_the_due_date(docs):
    due = docs["due"][docs["case"]["acceptance"]]
    assert due == "2026-12-01"
    for text in (docs["text"]["acceptance"], docs["printed"]["acceptance"], docs["html"]["acceptance"]):
        assert cn(due) in text and "承诺办结" in text


def test_document_content__owed_lists_material_date_and_due(docs):
    for text in (docs["text"]["owed"], docs["html"]["owed"]):
        assert "M06" in text and ZG1.material("M06").name in text
    assert "2026年12月4日" in docs["text"]["owed"] and "2026年12月4日" in docs["html"]["owed"]  # one date form


def test_document_content__refusal_referral_sendback_extension_conclusion(docs):
    html, text = docs["html"], docs["text"]
    assert "申请事项不属于规划许可范围" in html["refusal"] and "行政复议" in html["refusal"]
    assert "县林业局" in html["referral"] and "0573-88100150" in html["referral"]
    for page in (text["sendback"], html["sendback"]):
        assert "地形图比例不符合要求" in page and "请补充1∶500地形图" in page
    extended = docs["due"][docs["case"]["extension"]]  # 2026-12-01 + 2 working days
    assert extended == "2026-12-03"
    assert "需组织专家论证" in html["extension"] and "本中心限时办结制度第三条" in html["extension"]
    assert cn(extended) in html["extension"] and "2026年12月1日" in html["extension"]  # new and old date
    assert "准予许可" in html["conclusion"] and "证号 2026-017" in html["conclusion"]


@pytest.mark.parametrize("doc", [*TITLES, "due_explain"])
def test_applicant_text_is_escaped_in_html(docs, doc):
    """Text from applicants is escaped, never interpreted (issue 3); the due-date annex too."""
    page = docs["html"][doc]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page


def test_document_content__acceptance_of_a_provisional_case_names_what_is_owed(docs):
    office, owe = docs["office"], docs["case"]["owed"]
    page = docs["root"] / "acceptance-owed.html"
    r = ok(office.run("print", owe, "acceptance", "--html", str(page), today=PRINTED))
    html = page.read_text(encoding="utf-8")
    assert "容缺" in r.stdout and "M06" in r.stdout
    assert "容缺" in html and ZG1.material("M06").name in html


# -- printing -----------------------------------------------------------------------------------------


def test_cjk_font_installed():
    """Headless Chromium prints Chinese as boxes without a CJK font: fail (never skip) when none is found
    (README: apt-get install -y chromium fonts-noto-cjk)."""
    fc_list = shutil.which("fc-list")
    assert fc_list, "fc-list not found: install fontconfig and fonts-noto-cjk (see README)"
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, timeout=60).stdout.strip()
    assert found, "no CJK font installed (fc-list :lang=zh is empty): apt-get install -y fonts-noto-cjk"


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def test_notice_renders_in_headless_chromium(docs, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert chromium, "chromium not found (README: apt-get install -y chromium fonts-noto-cjk)"
    page = docs["root"] / "notice.html"
    out = tmp_path / "notice.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={out}",
            "--window-size=794,1123",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert out.is_file(), "chromium wrote no screenshot"
    assert _png_size(out) == (794, 1123)
    assert out.stat().st_size > 20_000  # a blank sheet of this size is about 5 kB; this page is over 100 kB
