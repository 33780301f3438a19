"""`svc init DIR` (issue 17 "A new office"): the office is a git repository with a first commit (as
the person git knows, else as "svc init"; without git it is made all the same, with a warning); it
holds the catalogue format guide, shipped in the package; and the starter's placeholders (某某, phones
0000-…) are `svc check` problems at the line of each value, which stop every command that could print
a document, until they are replaced."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from svccli import resources
from svccli.cli.main import cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None

TODAY = "2026-11-20T09:00"


def _env(tmp_path: Path, **extra: str | None) -> dict:
    """git reads no configuration of this machine: a global file of the test's own (empty unless written)."""
    config = tmp_path / "gitconfig"
    config.touch()
    return {
        "SVC_HOME": "",
        "SVC_TODAY": TODAY,
        "SVC_CLOCK": TODAY,
        "SVC_CLONE": "T01",
        "SVC_STAFF": "S001",
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        **{k: None for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")},
        "EMAIL": None,
        **extra,
    }


def svc(env: dict, *args: str):
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def git(home: Path, env: dict, *args: str) -> str:
    full = {k: v for k, v in env.items() if v is not None and k.startswith("GIT_")}
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "EMAIL"}
    done = subprocess.run(["git", "-C", str(home), *args], capture_output=True, text=True, env={**base, **full})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def made(tmp_path):
    home, env = tmp_path / "office", _env(tmp_path)
    result = svc(env, "init", str(home))
    assert result.exit_code == 0, result.output
    return home, env, result


# -- git ----------------------------------------------------------------------------------------------


def test_init_commits_what_it_made_as_svc_init_when_git_knows_nobody(made):
    home, env, result = made
    assert "提交了第一版" in result.stdout
    log = git(home, env, "log", "--format=%an|%ae|%cn|%s").splitlines()
    assert log == ["svc init|svc-init@localhost|svc init|新建办公室目录（svc init）"]
    tracked = set(git(home, env, "ls-files").splitlines())
    assert {"catalog/office.yaml", "catalog/roster.yaml", "docs/catalog-format.md", ".gitignore"} <= tracked
    assert {"templates/guide.html.j2", "catalog/schema/office.schema.json", ".gitattributes"} <= tracked
    assert git(home, env, "status", "--porcelain") == ""  # everything made is committed


def test_init_commits_as_the_person_git_knows(tmp_path):
    env = _env(tmp_path)
    Path(env["GIT_CONFIG_GLOBAL"]).write_text("[user]\n\tname = 王五\n\temail = wangwu@example.cn\n", encoding="utf-8")
    home = tmp_path / "office"
    assert svc(env, "init", str(home)).exit_code == 0
    assert git(home, env, "log", "--format=%an|%ae").strip() == "王五|wangwu@example.cn"


def test_init_commits_only_its_own_files(tmp_path):
    env = _env(tmp_path)
    home = tmp_path / "office"
    home.mkdir()
    (home / "私人笔记.txt").write_text("不入库", encoding="utf-8")
    assert svc(env, "init", str(home)).exit_code == 0
    assert "私人笔记.txt" not in git(home, env, "ls-files")


def test_init_without_git_makes_the_office_and_warns(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = _env(tmp_path, PATH=str(empty))
    home = tmp_path / "office"
    result = svc(env, "init", str(home))
    assert result.exit_code == 0, result.output
    assert "未安装 git" in result.stderr
    assert (home / "catalog" / "office.yaml").is_file() and (home / "docs" / "catalog-format.md").is_file()
    assert not (home / ".git").exists()
    assert "提交了第一版" not in result.stdout


def test_init_refuses_an_existing_office(made):
    home, env, _ = made
    again = svc(env, "init", str(home))
    assert again.exit_code == 2 and "已经是办公室目录" in again.output


# -- the catalogue format guide -----------------------------------------------------------------------


def test_init_copies_the_catalogue_format_guide(made):
    home, _, result = made
    copied = home / "docs" / "catalog-format.md"
    assert copied.read_bytes() == (REPO / "docs" / "catalog-format.md").read_bytes()
    assert "docs/catalog-format.md" in result.stdout
    # the starter's comments send the reader there, and the path resolves inside the office
    assert "docs/catalog-format.md" in (home / "catalog" / "services" / "example.yaml").read_text(encoding="utf-8")


def test_the_format_guide_ships_in_the_package():
    """A wheel maps docs/ to the package svccli.docs with catalog-format.md as its data (pyproject.toml)."""
    if tomllib is None:  # pragma: no cover
        pytest.skip("tomllib needs Python 3.11")
    setup = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "svccli.docs" in setup["packages"]
    assert setup["package-dir"]["svccli.docs"] == "docs"
    assert "catalog-format.md" in setup["package-data"]["svccli.docs"]


def test_the_format_guide_is_found_where_a_wheel_installs_it(tmp_path, monkeypatch):
    installed = tmp_path / "site-packages" / "svccli"
    (installed / "docs").mkdir(parents=True)
    (installed / "docs" / "catalog-format.md").write_text("# 已安装", encoding="utf-8")
    monkeypatch.setattr(resources, "ROOT", installed)
    assert resources.catalog_format().read_text(encoding="utf-8") == "# 已安装"
    monkeypatch.undo()
    assert resources.catalog_format() == REPO / "docs" / "catalog-format.md"  # a checkout reads it in place


# -- placeholders -------------------------------------------------------------------------------------


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_check_names_every_placeholder_at_its_value(made):
    home, env, _ = made
    result = svc(env, "--home", str(home), "check")
    assert result.exit_code == 1
    office = home / "catalog" / "office.yaml"
    for needle, what in (
        ("name: 某某县", "办公室名称"),
        ("address: 某某县", "办公室地址"),
        ('consultation: "0000-', "办公室咨询电话"),
        ('supervision: "0000-', "办公室监督电话"),
        ('complaint: "0000-', "办公室投诉电话"),
    ):
        assert re.search(rf"^catalog/office.yaml:{_line(office, needle)}: {what} “", result.stdout, re.M), what
    services = home / "catalog" / "services" / "example.yaml"
    assert f"catalog/services/example.yaml:{_line(services, 'name: 某某许可事项')}: 事项 EX-001 的名称" in result.stdout
    assert f"catalog/services/example.yaml:{_line(services, 'department:')}: 部门 EX 的电话" in result.stdout
    roster = home / "catalog" / "roster.yaml"
    assert f"catalog/roster.yaml:{_line(roster, 'id: S001')}: 人员 S001 的姓名 “某某甲”" in result.stdout
    assert f"catalog/roster.yaml:{_line(roster, 'id: S001')}: 人员 S001 的手机号" in result.stdout


def _replace_placeholders(home: Path) -> None:
    for path in (home / "catalog").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("某某甲", "王小明").replace("某某乙", "李大力").replace("某某", "桐乡")
        text = re.sub(r'"0000-00000(\d\d)"', r'"0573-881000\1"', text)
        text = re.sub(r'"0000000000(\d)"', r'"1381234567\1"', text)
        path.write_text(text, encoding="utf-8")


def test_check_is_clean_once_the_placeholders_are_replaced(made):
    home, env, _ = made
    _replace_placeholders(home)
    result = svc(env, "--home", str(home), "check")
    assert result.exit_code == 0, result.output
    assert "占位" not in result.output


@pytest.mark.parametrize("which", ["office name", "office phone", "staff name"])
def test_one_placeholder_left_is_enough_to_fail_check(made, which):
    home, env, _ = made
    _replace_placeholders(home)
    path, old, new = {
        "office name": ("office.yaml", "name: 桐乡县政务服务中心", "name: 某某县政务服务中心"),
        "office phone": ("office.yaml", 'complaint: "0573-88100002"', 'complaint: "0000-0000002"'),
        "staff name": ("roster.yaml", "name: 王小明", "name: 某某"),
    }[which]
    target = home / "catalog" / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    result = svc(env, "--home", str(home), "check")
    assert result.exit_code == 1 and "占位" in result.stdout


def test_no_document_is_printed_while_placeholders_remain(made, tmp_path):
    home, env, _ = made
    guide = tmp_path / "guide.html"
    shown = svc(env, "--home", str(home), "catalog", "show", "EX-001", "--html", str(guide))
    assert shown.exit_code == 1 and "0000-0000000" in shown.stderr
    assert not guide.exists()
    intake = ["--home", str(home), "intake", "EX-001", "--applicant", "张三", "--phone", "13812345678"]
    took = svc(env, *intake, "--material", "M01", "--material", "M02", "-q")
    assert took.exit_code == 1 and "占位" in took.stderr
    assert not list((home / "records").rglob("*.jsonl"))  # nothing recorded
    _replace_placeholders(home)
    shown = svc(env, "--home", str(home), "catalog", "show", "EX-001", "--html", str(guide))
    assert shown.exit_code == 0, shown.output
    assert "0573-88100000" in guide.read_text(encoding="utf-8")
    took = svc(env, *intake, "--material", "M01", "--material", "M02", "-q")
    assert took.exit_code == 0, took.output
