"""Test helpers: office homes built from text inside the test, commands run through CliRunner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from svccli.cli.main import cli

REPO = Path(__file__).resolve().parent.parent


class Office:
    """A throwaway office home: the sample catalogue, with any file replaced or added by text."""

    def __init__(self, path: Path):
        self.path = path

    def write(self, rel: str, text: str) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def run(self, *args: str, today: str = "2026-11-20T09:00", staff: str | None = "S001", env: dict | None = None):
        """Run `svc --home HOME ...`; returns click's Result (exit_code, stdout, stderr)."""
        full_env = {
            "SVC_CLONE": "T01",
            "SVC_TODAY": today,
            "SVC_CLOCK": today,
            "SVC_HOME": "",
            "SVC_STAFF": staff or "",
            **(env or {}),
        }
        result = CliRunner().invoke(cli, ["--home", str(self.path), *args], env=full_env, catch_exceptions=True)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback is a bug: let the test show it
        return result

    def intake(self, today: str = "2026-11-20T09:00", service: str = "ZG-001") -> str:
        """A complete ZG-001 intake by 张三 (accepted at once); the new case's id."""
        r = self.run(
            "intake",
            service,
            "--applicant",
            "张三",
            "--phone",
            "13812345678",
            "--material",
            "M01",
            "--material",
            "M02",
            "--material",
            "M05:2",
            "--material",
            "M06",
            "-q",
            today=today,
        )
        assert r.exit_code == 0, r.output
        return r.stdout.strip()

    def records(self) -> list[Path]:
        return sorted((self.path / "records").glob("*/*/*.jsonl"))


def single_decision(home: Path) -> None:
    """Switch 一审一核 off in a copied office.yaml (`review_and_check: false`): tests of the other rules
    conclude committed cases in one step; tests/test_handover.py covers the rule with it on, as the
    sample office sets it."""
    path = home / "catalog" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  review_and_check: true" in text
    path.write_text(text.replace("  review_and_check: true", "  review_and_check: false"), encoding="utf-8")


def new_office(home: Path, review: bool = False) -> Office:
    """The sample office's catalogue and templates at `home`, with no records; 一审一核 on only
    when asked (see single_decision)."""
    shutil.copytree(REPO / "catalog", home / "catalog")
    shutil.copytree(REPO / "templates", home / "templates")
    (home / "records").mkdir()
    if not review:
        single_decision(home)
    return Office(home)


@pytest.fixture
def office(tmp_path: Path) -> Office:
    """The sample office with no records, 一审一核 off."""
    return new_office(tmp_path / "office")


@pytest.fixture
def reviewing(tmp_path: Path) -> Office:
    """The sample office's catalogue as it is (一审一核 on), with no records."""
    return new_office(tmp_path / "reviewing", review=True)


@pytest.fixture
def sample(tmp_path: Path) -> Office:
    """A copy of the whole sample office, records included."""
    home = tmp_path / "sample"
    for name in ("catalog", "templates", "records"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, home / name)
    return Office(home)
