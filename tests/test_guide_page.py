"""`svc catalog show CODE --html FILE` (issue 17): the 办事指南 of a service item as an A4 page for the
window's display rack, with every element a guide must state (seed 000 第四篇), written like every other
page (0600, never over an existing file without --force), and a long materials list that breaks across
printed pages between rows, the table header repeated."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from svccli.store.home import load_home

HOME = load_home(REPO)
CAT = HOME.catalog


def page(office, code: str, tmp_path: Path, *extra: str) -> str:
    target = tmp_path / f"{code}.html"
    result = office.run("catalog", "show", code, "--html", str(target), *extra)
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def cells(text: str) -> str:
    """The page's text with tags dropped and entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.mark.parametrize("code", ["WG-001", "BD-003"])
def test_guide_page_states_every_element(office, tmp_path, code):
    item = CAT.items[code]
    office_ = CAT.office
    text = cells(page(office, code, tmp_path))
    assert "办事指南" in text
    for value in (item.name, item.code, CAT.department_name(item.department), item.kind_name, item.legal_basis):
        assert value in text, value
    for condition in item.conditions:
        assert condition in text
    for step in item.procedure:
        assert step in text
    assert f"法定时限 {item.statutory_limit} 个工作日" in text
    assert f"承诺时限 {item.committed_limit} 个工作日" in text
    assert item.fee in text and item.fee_basis in text
    assert office_.address in text and item.location in text
    assert "上午 08:00—12:00" in text and "下午 14:30—17:30" in text and "7月1日至9月30日下午 15:00—18:00" in text
    phones = [item.phone(k) or office_.phone(k) for k in ("consultation", "supervision", "complaint")]
    for label, phone in zip(("咨询电话", "监督电话", "投诉电话"), phones):
        assert phone and f"{label} {phone}" in text, label


def test_guide_page_lists_each_material_in_its_own_row(office, tmp_path):
    item = CAT.items["BD-003"]
    raw = page(office, "BD-003", tmp_path)
    body = raw[raw.index("<tbody>") : raw.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == len(item.materials)
    for row, m in zip(rows, item.materials):
        text = cells(row).strip()
        assert text.startswith(f"{item.materials.index(m) + 1} {m.name} {m.form_name} {m.copies} ")
        assert ("必需" in text) == m.required
        if not m.required:
            assert f"提交情形：{m.condition}" in text
        if m.may_owe:
            assert "可容缺" in text
    # the header is a <thead>, which a browser repeats on every printed page
    assert "<thead><tr><th>序号</th><th>材料名称</th>" in raw


def test_guide_page_is_private_and_never_overwritten_without_force(office, tmp_path):
    target = tmp_path / "guide.html"
    assert office.run("catalog", "show", "ZG-001", "--html", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    target.write_text("旧文件", encoding="utf-8")
    again = office.run("catalog", "show", "ZG-001", "--html", str(target))
    assert again.exit_code == 2 and "--force" in again.output
    assert target.read_text(encoding="utf-8") == "旧文件"
    forced = office.run("catalog", "show", "ZG-001", "--html", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert "建设用地规划许可证核发" in target.read_text(encoding="utf-8")


def test_guide_page_for_an_unknown_item_writes_nothing(office, tmp_path):
    target = tmp_path / "guide.html"
    result = office.run("catalog", "show", "ZG-999", "--html", str(target))
    assert result.exit_code == 2 and "ZG-999" in result.output
    assert not target.exists()


def test_guide_page_keeps_the_terminal_guide(office, tmp_path):
    result = office.run("catalog", "show", "ZG-001", "--html", str(tmp_path / "g.html"))
    assert result.stdout.startswith("【办事指南】建设用地规划许可证核发（ZG-001）")
    assert "办事指南已写入" in result.stderr


def test_guide_page_says_calendar_days_when_the_office_counts_them(office, tmp_path):
    path = office.path / "catalog" / "office.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("limit_unit: working_days", "limit_unit: calendar_days"),
        encoding="utf-8",
    )
    text = cells(page(office, "ZG-001", tmp_path))
    assert "个自然日" in text and "个工作日" not in text


def test_guide_page_escapes_catalogue_text(office, tmp_path):
    path = office.path / "catalog" / "services" / "zg.yaml"
    text = path.read_text(encoding="utf-8")
    name = CAT.items["ZG-001"].name
    path.write_text(text.replace(f"name: {name}", f'name: "{name}<b>x</b>"', 1), encoding="utf-8")
    raw = page(office, "ZG-001", tmp_path)
    assert "<b>x</b>" not in raw and "&lt;b&gt;x&lt;/b&gt;" in raw


# -- printing: many materials break between rows ------------------------------------------------------

LONG = "申请人及其法定代表人、主要负责人、投资人员和拟任其他负责人员的有效身份证件与无犯罪记录承诺书"


def _many_materials(office) -> None:
    materials = "\n".join(
        f"      - {{code: M{i:02d}, name: 第{i:02d}项{LONG}（止{i:02d}）, copies: 1, form: copy}}" for i in range(1, 41)
    )
    office.write(
        "catalog/services/qq.yaml",
        "# 测试用部门\n"
        'department: {code: QQ, name: 县测试局, phone: "0573-88100999"}\n'
        "items:\n"
        "  - code: QQ-001\n"
        "    name: 材料很多的测试事项\n"
        "    kind: committed\n"
        "    legal_basis: 《中华人民共和国行政许可法》\n"
        "    materials:\n"
        f"{materials}\n"
        "    procedure: [受理, 审查, 决定, 送达]\n"
        "    statutory_limit: 20\n"
        "    committed_limit: 10\n",
    )


def test_many_materials_print_on_several_pages_without_splitting_a_row(office, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    pdftotext = shutil.which("pdftotext")
    assert chromium, "chromium not found (README: apt-get install -y chromium fonts-noto-cjk)"
    assert pdftotext, "pdftotext not found (apt-get install -y poppler-utils)"
    _many_materials(office)
    page(office, "QQ-001", tmp_path)
    target = tmp_path / "QQ-001.html"
    pdf = tmp_path / "guide.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            target.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert pdf.is_file(), "chromium wrote no PDF"
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    pages = [re.sub(r"\s+", "", p) for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3, len(pages)
    for i in range(1, 41):
        # a row's first words and its last are on the same page: the row was not split
        holding = [n for n, p in enumerate(pages) if f"第{i:02d}项" in p]
        assert len(holding) == 1, (i, holding)
        assert f"（止{i:02d}）" in pages[holding[0]], i
    with_rows = {n for n, p in enumerate(pages) if re.search(r"第\d\d项", p)}
    for n in with_rows:
        assert "材料名称" in pages[n], f"page {n + 1} has material rows but no table header"
