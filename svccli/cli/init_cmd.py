"""`svc init DIR`: a new, empty office with the templates and a commented starter catalogue, under git.

The starter's names (某某) and phones (0000-…) are placeholders: `svc check` names each until it is
replaced, and no command runs on the catalogue meanwhile, so none reaches a printed notice.

The office is a git repository from the start (records are merged between clones by git): `svc init`
runs `git init` and commits what it made, as the person git knows (user.name/user.email) or, when
git knows nobody, as "svc init". Without git the office is still made, with a warning (exit 0).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import click

from svccli.cli.context import warn
from svccli.errors import UsageError
from svccli.resources import catalog_format, sample_dir, starter_dir, templates_dir
from svccli.store.home import MARKER

GITIGNORE = "# 派生状态（缓存、锁、本副本编号），不入库\n.svc/\n"
GITATTRIBUTES = (
    "# 两个副本的记录按行合并（只追加）；不做换行符转换，否则哈希链会断\nrecords/**/*.jsonl merge=union -text\n"
)
FORMAT_GUIDE = "docs/catalog-format.md"  # where the starter's comments say the format is described
# what the first commit holds: the files made here, nothing else that was already in DIR
MADE = ("catalog", "templates", "docs", ".gitignore", ".gitattributes")
FALLBACK_AUTHOR = {"user.name": "svc init", "user.email": "svc-init@localhost"}
FIRST_COMMIT = "新建办公室目录（svc init）"


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """新建办公室目录：模板、带注释的示例目录、日历、考核方案和目录编写说明（docs/catalog-format.md），并建立 git 仓库、提交第一版。

    示例目录中带“某某”的名称和以 0000 开头的电话是占位内容：改为实际内容之前，svc check 逐条报出，其他命令也拒绝运行，以免印到文书上。

    未安装 git 时照样建立办公室目录，只给出警告。
    """
    if (folder / MARKER).exists():
        raise UsageError(f"{folder} 已经是办公室目录（有 {MARKER}）")
    folder.mkdir(parents=True, exist_ok=True)
    _copy_tree(starter_dir(), folder / "catalog")
    _copy_tree(sample_dir() / "calendar", folder / "catalog" / "calendar")
    shutil.copyfile(sample_dir() / "scoring.yaml", folder / "catalog" / "scoring.yaml")
    # JSON Schemas: the `# yaml-language-server: $schema=...` line of each file points at them
    schemas = folder / "catalog" / "schema"
    schemas.mkdir(exist_ok=True)
    for schema in sorted((sample_dir() / "schema").glob("*.json")):
        shutil.copyfile(schema, schemas / schema.name)
    _copy_tree(templates_dir(), folder / "templates")
    (folder / "docs").mkdir(exist_ok=True)
    shutil.copyfile(catalog_format(), folder / FORMAT_GUIDE)
    records = folder / "records"
    records.mkdir(mode=0o700, exist_ok=True)
    os.chmod(records, 0o700)
    (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (folder / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    committed = _git_first_commit(folder)
    click.echo(f"已创建办公室目录 {folder}{'，并提交了第一版（git）' if committed else ''}。")
    click.echo(f"下一步：把 catalog/ 中带“某某”的名称和以 0000 开头的电话改为实际内容（格式见 {FORMAT_GUIDE}），")
    click.echo(f"然后运行 `svc --home {folder} check`，直到没有问题。")


def _git_first_commit(folder: Path) -> bool:
    """`git init` and the first commit; a warning, not a failure, when git is missing or refuses:
    the office itself is made either way."""
    git = shutil.which("git")
    if git is None:
        warn(f"未安装 git，办公室目录未纳入版本管理；安装 git 后在 {folder} 中运行 git init 并提交")
        return False
    if not (folder / ".git").exists() and not _git(git, folder, "init", "-q"):
        return False
    identity = [("-c", f"{key}={value}") for key, value in FALLBACK_AUTHOR.items() if not _configured(git, folder, key)]
    return _git(git, folder, "add", "--", *MADE) and _git(
        git, folder, "commit", "-q", "--no-verify", "-m", FIRST_COMMIT, options=[o for pair in identity for o in pair]
    )


def _configured(git: str, folder: Path, key: str) -> bool:
    found = subprocess.run(
        [git, "-C", str(folder), "config", "--get", key], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    return found.returncode == 0 and bool(found.stdout.strip())


def _git(git: str, folder: Path, *command: str, options: list[str] | None = None) -> bool:
    """Run git in the new office; on failure warn with git's own last line (it may be in English)."""
    done = subprocess.run(
        [git, *(options or []), "-C", str(folder), *command],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,  # never wait for a passphrase or an editor
    )
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        warn(
            f"git {command[0]} 未成功（{said[-1] if said else f'退出码 {done.returncode}'}）；办公室目录已创建，请自行提交"
        )
        return False
    return True


def _copy_tree(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name.startswith(("__", ".")):
            continue
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


COMMANDS = [init]
