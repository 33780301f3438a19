"""The manual page (issue 17): docs/svc.1 is what `python -m svccli.cli.manpage` prints, and renders cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from svccli.cli.manpage import render
from svccli.errors import EXIT_CODES

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "svc.1"
REGENERATE = "docs/svc.1 is stale: run `python -m svccli.cli.manpage > docs/svc.1` and commit it"


def test_manpage__committed_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == render(), REGENERATE


def test_manpage__module_prints_the_page():
    done = subprocess.run([sys.executable, "-m", "svccli.cli.manpage"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stdout.decode("utf-8") == render()


def test_manpage__has_the_sections():
    page = render()
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS", "FILES"):
        assert f"\n.SH {heading}\n" in page
    for name in ("SVC_HOME", "SVC_STAFF", "SVC_TODAY", "SVC_CLOCK", "SVC_LOCK_TIMEOUT", "SVC_CLONE"):
        assert f".B {name}\n" in page
    assert "\n.SH SEE ALSO\n" in page


def _rendered(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat", "LC_ALL": "C.UTF-8"}
    done = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done


RENDERERS = {
    "groff": ["groff", "-k", "-man", "-Tutf8", "-ww", str(PAGE)],
    "man": ["man", "--warnings", "-l", str(PAGE)],
}


@pytest.mark.parametrize("tool", sorted(RENDERERS))
def test_manpage__renders_without_warnings(tool):
    if shutil.which(tool) is None or shutil.which("groff") is None:
        pytest.skip(f"{tool} (with groff) is not installed")
    done = _rendered(RENDERERS[tool])
    assert done.stderr.decode(errors="replace") == ""
    text = done.stdout.decode("utf-8", errors="replace")
    if tool == "groff":  # groff marks bold by overstriking; man's pager output is what a reader sees
        return
    for seen in ("svc calendar due [OPTIONS] DATE N", "--format [table|json|csv]", "SVC_LOCK_TIMEOUT"):
        assert seen in text
    for code, meaning in EXIT_CODES.items():
        assert f"{code}      {meaning}" in text
