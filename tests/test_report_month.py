"""`svc report month` on the sample office: the figures, the cases behind them, and the page with its
charts, opened in headless Chromium and printed to PDF."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

pytest.importorskip("duckdb")

NOVEMBER = {  # the sample office's November, counted by hand from records/
    "received": 10,  # ten intakes dated 2026-11
    "accepted_on_the_spot": 6,
    "notices": 4,  # 261105 (SC), 261111 and 261112 (WG), 261116 (ZG)
    "refused": 1,
    "referred": 1,
    "withdrawn": 1,
    "concluded": 2,  # 261102 served the same day, 261109 on 11-13
    "concluded_on_time": 2,
    "due_in_month": 5,
    "due_served": 2,
}


def _report(sample, *args):
    r = sample.run("report", "month", "2026-11", *args, today="2026-11-30T18:00")
    assert r.exit_code == 0, r.output
    return r


def test_the_month_counted_as_by_hand(sample):
    rows = json.loads(_report(sample, "--format", "json").stdout)
    total = next(r for r in rows if r["group"] == "合计")
    assert {k: total[k] for k in NOVEMBER} == NOVEMBER
    assert total["on_time_rate"] == 1.0 and total["completion_rate"] == 0.4
    departments = [r for r in rows if r["group"] != "合计"]
    assert sum(r["received"] for r in departments) == total["received"]
    assert {r["department"] for r in departments} >= {"BD", "WG", "ZG"}


def test_every_counted_figure_lists_its_cases(sample):
    got = json.loads(_report(sample, "--explain", "received", "--format", "json").stdout)
    assert len(got) == NOVEMBER["received"] and all(c["opened"].startswith("2026-11") for c in got)
    assert all("*" in c["applicant"] for c in got)  # masked as everywhere
    notices = json.loads(_report(sample, "--explain", "notices", "--format", "json").stdout)
    assert {c["case_id"] for c in notices} == {
        "TX-W01-261105-001",
        "TX-W04-261111-001",
        "TX-W04-261112-001",
        "TX-W01-261116-001",
    }


def test_a_bad_month_or_figure_names_the_option(sample):
    bad = sample.run("report", "month", "2026-13")
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
    bad = sample.run("report", "month", "2026-11", "--explain", "nonsense")
    assert bad.exit_code == 2 and "--explain" in bad.output


def test_the_page_has_its_charts_and_totals_in_chromium(sample, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("没有 chromium（make test 会安装）")
    page = tmp_path / "month.html"
    _report(sample, "--html", str(page))
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<svg") == 3  # weekly intake and conclusions, on-time rate, overdue trend
    assert "2026年11月政务服务办件统计" in dom and "按时办结率" in dom and "100.0%" in dom
    shot = tmp_path / "month.png"
    subprocess.run(
        [*flags, f"--screenshot={shot}", "--window-size=794,1123", page.as_uri()], capture_output=True, timeout=120
    )
    assert shot.is_file() and shot.stat().st_size > 30_000  # a blank sheet is about 5 kB


def test_the_page_as_pdf(sample, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("没有 poppler-utils（make test 会安装）")
    pdf = tmp_path / "month.pdf"
    _report(sample, "--pdf", str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2026年11月政务服务办件统计" in text and "县不动产登记中心" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info


def test_the_page_counts_the_offices_own_figures(sample, tmp_path):
    filed = sample.run(
        "complaint", "file", "--against", "S001", "--about", "attitude", "--text", "态度生硬",
        "--from", "赵六", "--phone", "13800001111", today="2026-11-26T10:00", staff="S019",
    )  # fmt: skip
    assert filed.exit_code == 0, filed.output
    page = tmp_path / "month.html"
    _report(sample, "--html", str(page))
    text = page.read_text(encoding="utf-8")
    assert "投诉</td>" in text and "共 1（受理 1）" in text
    assert "首问登记</td>" in text and "来电 1" in text
