"""Templates are compiled in memory only and rendered in jinja2's sandbox (issue 15, docs/trust.md):
nothing under .svc is read while rendering, let alone run; a template reaching for Python internals
is refused with a data error naming its file; an edited template shows in the same process."""

from __future__ import annotations

import builtins
import io
import os
import pickle
from hashlib import sha1
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic
from jinja2.sandbox import SandboxedEnvironment

from svccli.render import documents
from svccli.render.guide import guide_text
from svccli.store.home import load_home

GUIDE_TAIL = "咨询电话：0573-88100121　　监督电话：0573-88100001\n"


@pytest.fixture(autouse=True)
def fresh_environments():
    documents.environment.cache_clear()  # each test starts as a new process would
    yield
    documents.environment.cache_clear()


def guide(office) -> str:
    result = office.run("catalog", "show", "ZG-001")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


class Planted:
    """Unpickling this makes the folder `marker`: the proof that a cache file was loaded as code."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def plant_bytecode(folder: Path, templates: Path, marker: Path) -> None:
    """A jinja2 bytecode file for every template, named as FileSystemBytecodeCache names it. Its
    checksum is a pickle, which jinja2 loads before comparing it with the source's: any reader of
    these files runs the payload, whether or not the source matches."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in templates.glob("*.j2"):
        key = sha1(f"{source.name}|{os.path.normpath(source)}".encode()).hexdigest()
        (folder / f"{key}.cache").write_bytes(bc_magic + pickle.dumps(Planted(marker), 2))


def test_a_planted_cache_file_is_never_loaded(office, tmp_path):
    clean = guide(office)  # the old code made its .svc/cache/templates-<stamp> folder here
    documents.environment.cache_clear()
    marker = tmp_path / "payload-ran"
    svc = office.path / ".svc"
    folders = {svc, svc / "cache", *(p for p in svc.rglob("*") if p.is_dir())}
    for folder in folders:
        plant_bytecode(folder, office.path / "templates", marker)
    planted = {p for p in svc.rglob("*") if p.is_file() and p.suffix == ".cache"}
    assert guide(office) == clean
    assert not marker.exists(), "a file under .svc was loaded as code"
    written = {p for p in svc.rglob("*") if p.suffix == ".cache" or "templates" in p.name}
    assert written - planted == set(), "compiled templates were written to disk"


def test_rendering_opens_no_file_under_svc(office, monkeypatch):
    """Every open while a guide page renders (builtin, io and os level) is outside .svc."""
    svc = office.path / ".svc" / "cache"
    svc.mkdir(parents=True)
    (svc / "0123456789abcdef.cache").write_bytes(b"j2 planted")
    home = load_home(office.path)
    item = home.catalog.items["ZG-001"]
    opened: list[str] = []

    def spy(real):
        def wrapper(file, *args, **kwargs):
            opened.append(os.fspath(file) if isinstance(file, (str, bytes, os.PathLike)) else repr(file))
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", spy(builtins.open))
    monkeypatch.setattr(io, "open", spy(io.open))
    monkeypatch.setattr(os, "open", spy(os.open))
    text = guide_text(item, home.catalog, home.roster, office.path)
    monkeypatch.undo()
    assert text.endswith(GUIDE_TAIL)
    assert any(p.endswith("guide.txt.j2") for p in opened), opened  # the spy saw the template read
    assert [p for p in opened if ".svc" in Path(p).parts] == []


PROBES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ ''|attr('__class__') }}",
    "{{ '{0.__class__}'.format(1) }}",
    "{{ joiner.__init__.__globals__.os.system('mkdir MARKER') }}",
]


@pytest.mark.parametrize("probe", PROBES)
def test_a_template_reaching_python_internals_is_refused(office, tmp_path, probe):
    marker = tmp_path / "escaped"
    office.write(
        "templates/guide.txt.j2", "【办事指南】{{ item.name }}\n" + probe.replace("MARKER", str(marker)) + "\n"
    )
    result = office.run("catalog", "show", "ZG-001")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("svc: templates/guide.txt.j2:2: 模板在沙箱中渲染，已拒绝：")
    assert "Traceback" not in result.stderr and not marker.exists()


def test_a_refused_partial_is_named(office):
    """The poisoned file is one the page includes: the message names that file and its line."""
    office.write("templates/guide.txt.j2", "【办事指南】{{ item.name }}\n{% include '_extra.txt.j2' %}\n")
    office.write("templates/_extra.txt.j2", "附注\n{{ cycler.__init__.__globals__ }}\n")
    result = office.run("catalog", "show", "ZG-001")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("svc: templates/_extra.txt.j2:2: 模板在沙箱中渲染，已拒绝：")
    assert "Traceback" not in result.stderr


def test_an_edited_template_shows_in_the_same_process(office):
    guide(office)
    office.write("templates/guide.txt.j2", "自定义：{{ item.name }}\n")
    assert guide(office) == "自定义：建设用地规划许可证核发\n\n"


def test_an_edit_within_one_timestamp_tick_still_shows(office):
    """Same size, same mtime (a quick edit on a coarse clock): the text itself is compared."""
    path = office.write("templates/guide.txt.j2", "甲：{{ item.name }}\n")
    stamp = path.stat().st_mtime_ns
    assert guide(office) == "甲：建设用地规划许可证核发\n\n"
    path.write_text("乙：{{ item.name }}\n", encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert guide(office) == "乙：建设用地规划许可证核发\n\n"


def test_an_office_template_added_over_a_shipped_one_shows(office):
    (office.path / "templates" / "guide.txt.j2").unlink()
    assert guide(office).endswith(GUIDE_TAIL + "\n")  # the shipped guide
    office.write("templates/guide.txt.j2", "本中心：{{ item.code }}\n")
    assert guide(office) == "本中心：ZG-001\n\n"


def test_templates_are_compiled_once_per_process(office, monkeypatch):
    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    first = guide(office)
    assert compiled == ["guide.txt.j2"]
    assert guide(office) == first and compiled == ["guide.txt.j2"]
    assert isinstance(documents.environment(office.path), SandboxedEnvironment)
