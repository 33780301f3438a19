"""The domain core knows nothing of click, files, YAML or templates (EXAMPLES.md, Architecture 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = sorted((Path(__file__).resolve().parent.parent / "svccli" / "core").glob("*.py"))
FORBIDDEN = (
    "click",
    "ruamel",
    "yaml",
    "jinja2",
    "tabulate",
    "orjson",
    "svccli.store",
    "svccli.cli",
    "svccli.render",
    "pathlib",
    "os",
    "subprocess",
    "shutil",
)


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_is_pure(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "open":
            pytest.fail(f"{path.name}:{node.lineno} opens a file")
    bad = sorted(m for m in imported for f in FORBIDDEN if m == f or m.startswith(f + "."))
    assert not bad, f"{path.name} imports {bad}"
    assert "date.today(" not in path.read_text(encoding="utf-8")  # the clock is passed in
