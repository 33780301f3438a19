"""`svc init DIR`: a new, empty office with the templates and a commented starter catalogue."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click

from svccli.errors import UsageError
from svccli.resources import sample_dir, starter_dir, templates_dir
from svccli.store.home import MARKER

GITIGNORE = "# 派生状态（缓存、锁、本副本编号），不入库\n.svc/\n"
GITATTRIBUTES = (
    "# 两个副本的记录按行合并（只追加）；不做换行符转换，否则哈希链会断\nrecords/**/*.jsonl merge=union -text\n"
)


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """新建一个空办公室目录：模板、带注释的示例目录、日历和考核方案。"""
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
    records = folder / "records"
    records.mkdir(mode=0o700, exist_ok=True)
    os.chmod(records, 0o700)
    (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (folder / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    click.echo(f"已创建办公室目录 {folder}；编辑 catalog/ 下的文件后运行 `svc --home {folder} check`")


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
