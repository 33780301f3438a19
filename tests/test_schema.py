"""The JSON Schemas in catalog/schema/ that editors use to check catalogue YAML as it is typed.

yaml-language-server reads the `# yaml-language-server: $schema=...` first line of each file. The
schemas must accept every shipped file (the sample office in catalog/ and the starter that
`svc init` copies), reject what the loaders (svccli/store/catalog_files.py, scoring_file.py)
reject where a schema can say so, and keep the loaders' enums.

Files are parsed with PyYAML under the YAML 1.2 core schema that ruamel and yaml-language-server
use (svccli/store/fastyaml.py): under `yaml.safe_load`'s YAML 1.1, `deemed_approval: off` would be
read as false. Dates become ISO strings, as the editor sees them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

from svccli.core.catalog import (  # noqa: E402
    FORMS,
    KINDS,
    QUICK_LIMITS,
    RULE_CHOICE_NAMES,
    RULE_CHOICES,
    RULE_FLAGS,
    RULE_NUMBERS,
)
from svccli.core.roster import ROLES  # noqa: E402
from svccli.core.scoring import UNITS  # noqa: E402
from svccli.store import fastyaml  # noqa: E402
from svccli.store.catalog_files import ITEM_KEYS  # noqa: E402
from svccli.store.scoring_file import TOP_KEYS, WEIGHTS  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "catalog"
STARTER = REPO / "svccli" / "starter"
SCHEMAS = CATALOG / "schema"
LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")


def schema_name(rel: str) -> str:
    """Which schema a catalogue file (path relative to catalog/) is checked against."""
    folder, _, name = rel.rpartition("/")
    if folder == "services":
        return "service.schema.json"
    if folder == "calendar":
        return "calendar.schema.json"
    assert folder == "", rel
    return f"{Path(name).stem}.schema.json"


def catalogue_files(root: Path) -> list[tuple[str, Path]]:
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob("*.yaml"))]


SAMPLE = catalogue_files(CATALOG)
STARTED = catalogue_files(STARTER)


def cases(files, prefix=""):
    return [pytest.param(rel, path, id=prefix + rel) for rel, path in files]


def isoformat(value):
    if isinstance(value, dict):
        return {k: isoformat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [isoformat(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def parse(text: str):
    return isoformat(yaml.load(text, Loader=fastyaml.Loader))


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def problems(name: str, data) -> list[tuple[str, str, str]]:
    """(path in the file, failing keyword, message) for each error."""
    validator = jsonschema.Draft7Validator(schema(name), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return sorted(("/".join(map(str, e.absolute_path)), e.validator, e.message) for e in validator.iter_errors(data))


def errors(name: str, data) -> list[str]:
    return [f"{path}: {message}" for path, _, message in problems(name, data)]


def test_schemas__are_valid_draft_07():
    names = sorted(p.name for p in SCHEMAS.glob("*.json"))
    assert names == [
        "calendar.schema.json",
        "office.schema.json",
        "roster.schema.json",
        "scoring.schema.json",
        "service.schema.json",
    ]
    for name in names:
        s = schema(name)
        assert s["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(s)


@pytest.mark.parametrize("rel,path", cases(SAMPLE, "catalog/") + cases(STARTED, "starter/"))
def test_shipped_file__validates_against_its_schema(rel, path):
    name = schema_name(rel)
    assert errors(name, parse(path.read_text(encoding="utf-8"))) == []


def test_sample__every_kind_of_file_is_covered():
    assert {schema_name(rel) for rel, _ in SAMPLE} == {p.name for p in SCHEMAS.glob("*.json")}


# ---------------------------------------------------------------- the $schema lines


@pytest.mark.parametrize("rel,path", cases(SAMPLE))
def test_schema_line__sample_points_at_its_schema(rel, path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = LINE.match(first)
    assert m, f"{rel}: first line should be `# yaml-language-server: $schema=...`, is {first!r}"
    target = (path.parent / m.group(1)).resolve()
    assert target.is_file(), f"{rel}: {m.group(1)} does not exist"
    assert target == SCHEMAS / schema_name(rel)


@pytest.mark.parametrize("rel,path", cases(STARTED))
def test_schema_line__starter_points_at_its_schema_once_copied(rel, path):
    """`svc init` copies svccli/starter/ to DIR/catalog/ and catalog/schema/ to DIR/catalog/schema/,
    so a starter file's line is resolved from its place under catalog/."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = LINE.match(first)
    assert m, f"starter/{rel}: first line should be `# yaml-language-server: $schema=...`, is {first!r}"
    target = ((CATALOG / rel).parent / m.group(1)).resolve()
    assert target.is_file(), f"starter/{rel}: {m.group(1)} does not exist once copied"
    assert target == SCHEMAS / schema_name(rel)


# ---------------------------------------------------------------- the loaders' vocabulary


def _props(s: dict, *path: str) -> dict:
    for key in path:
        s = s["properties"][key] if key != "[]" else s["items"]
    return s


def _enum(s: dict) -> list:
    return [v for v in s["enum"] if v is not None]


def test_enums__match_the_core():
    office, service, roster, scoring = (schema(f"{n}.schema.json") for n in ("office", "service", "roster", "scoring"))
    rules = _props(office, "rules")
    for key, choices in RULE_CHOICES.items():
        assert _enum(rules["properties"][key]) == [*choices, *RULE_CHOICE_NAMES[key].values()], key
    assert set(rules["properties"]) == {*RULE_CHOICES, *RULE_FLAGS, *RULE_NUMBERS, "quick_limits"}
    assert set(_props(rules, "quick_limits")["properties"]) == set(QUICK_LIMITS)
    item = _props(service, "items", "[]")
    assert set(item["properties"]) == set(ITEM_KEYS)
    # each English value, then its Chinese name, which the loader reads the same (issue 17)
    assert _enum(item["properties"]["kind"]) == [*KINDS, *KINDS.values()]
    assert _enum(_props(item, "materials", "[]", "form")) == [*FORMS, *FORMS.values()]
    unit = RULE_CHOICE_NAMES["limit_unit"]
    assert _enum(item["properties"]["limit_unit"]) == [*unit, *unit.values()]
    assert _enum(_props(roster, "staff", "[]", "roles", "[]")) == list(ROLES)
    assert set(scoring["properties"]) == set(TOP_KEYS)
    for d in ("deduction", "bonus"):
        assert _enum(scoring["definitions"][d]["properties"]["unit"]) == list(UNITS)
    assert _enum(_props(scoring, "composite", "[]", "code")) == list(WEIGHTS)


# ---------------------------------------------------------------- what the schemas reject

OFFICE = """\
code: TX
name: 某县政务服务中心
phones: {consultation: "0573-88100000"}
rules:
  deemed_approval: off
"""
SERVICE = """\
department: {code: ZJ, name: 县住房和城乡建设局}
items:
  - code: ZJ-001
    name: 建筑工程施工许可证核发
    kind: committed
    legal_basis: 《中华人民共和国建筑法》
    materials:
      - {code: M01, name: 申请表, form: original}
    statutory_limit: 15
    committed_limit: 7
"""
ROSTER = """\
posts:
  - {code: P-ZJ-A, window: W01, a: S001, b: [S002]}
staff:
  - {id: S001, name: 张伟, roles: [clerk]}
  - {id: S002, name: 李娜, roles: [section_chief]}
"""
CALENDAR = """\
year: 2026
notice: 国务院办公厅关于2026年部分节假日安排的通知
published: 2025-11-04
holidays:
  - {name: 元旦, from: 2026-01-01, to: 2026-01-03}
workdays:
  - {date: 2026-01-04, for: 元旦}
"""
SCORING = """\
total: 100
categories:
  - code: attitude
    name: 服务态度
    max: 100
    items:
      - {code: quarrel, name: 与办事群众发生争吵, points: -3, unit: p}
bonuses:
  - {code: praise, name: 受到表扬, points: 1, max_points: 5, unit: p}
composite:
  - {code: quarterly, weight: 0.6}
  - {code: public, weight: 0.2}
  - {code: peer, weight: 0.2}
public_grades: [{code: good, name: 好, points: 95}]
peer_grades: [{code: good, name: 好, points: 95}]
grade_bands: [{code: pass, name: 合格, min: 0}]
"""
SNIPPETS = {"office": OFFICE, "service": SERVICE, "roster": ROSTER, "calendar": CALENDAR, "scoring": SCORING}


@pytest.mark.parametrize("kind", SNIPPETS)
def test_snippet__valid_base_is_accepted(kind):
    """The base of each broken snippet below is itself valid (YAML 1.2: `off` is text)."""
    assert errors(f"{kind}.schema.json", parse(SNIPPETS[kind])) == []


BROKEN = [
    # (schema, old text, new text, (path in the file, failing JSON Schema keyword))
    ("office", "code: TX\n", "code: TX\nfax: 123\n", ("", "additionalProperties")),
    ("office", "deemed_approval: off", "deemed_approval: never", ("rules/deemed_approval", "enum")),
    ("office", "deemed_approval: off", "review_and_check: yes", ("rules/review_and_check", "enum")),
    ("office", "deemed_approval: off", "quick_limits: {ordinary: 0}", ("rules/quick_limits/ordinary", "minimum")),
    ("office", '"0573-88100000"', "057388100000", ("phones/consultation", "type")),
    ("office", "code: TX\n", "", ("", "required")),
    (
        "service",
        "    statutory_limit: 15",
        "    commited_limit: 3\n    statutory_limit: 15",
        ("items/0", "additionalProperties"),
    ),
    ("service", "kind: committed", "kind: urgent", ("items/0/kind", "enum")),
    ("service", "form: original", "form: scan", ("items/0/materials/0/form", "enum")),
    ("service", "form: original}", "form: original, required: false}", ("items/0/materials/0", "required")),
    ("service", "kind: committed", "kind: joint", ("items/0", "required")),
    ("service", "kind: committed", "kind: forwarded", ("items/0", "required")),
    ("service", "committed_limit: 7", "committed_limit: 0", ("items/0/committed_limit", "minimum")),
    (
        "service",
        "committed_limit: 7",
        "committed_limit: 7\n    joint: {lead: ZJ, parts: [{department: XF, limit: 3}]}",
        ("items/0/joint/parts", "maxItems"),
    ),
    ("service", "code: ZJ-001", "code: ZJ 001", ("items/0/code", "pattern")),
    ("service", "code: ZJ-001", "code: 1", ("items/0/code", "type")),
    ("roster", "roles: [clerk]", "roles: [boss]", ("staff/0/roles/0", "enum")),
    ("roster", "name: 张伟,", "name: 张伟, email: a@b.cn,", ("staff/0", "additionalProperties")),
    ("roster", "a: S001, ", "", ("posts/0", "required")),
    ("roster", "b: [S002]", "b: [S002, S002]", ("posts/0/b", "uniqueItems")),
    ("calendar", "from: 2026-01-01", "from: 2026-01-32", ("holidays/0/from", "format")),
    ("calendar", "for: 元旦}", "reason: 元旦}", ("workdays/0", "additionalProperties")),
    ("calendar", "year: 2026", "year: 2026\nsource: gov.cn", ("", "additionalProperties")),
    ("scoring", "points: -3, unit: p", "points: 3, unit: p", ("categories/0/items/0/points", "exclusiveMaximum")),
    ("scoring", "points: 1, max_points", "points: -1, max_points", ("bonuses/0/points", "exclusiveMinimum")),
    ("scoring", "unit: p}\nbonuses", "unit: month}\nbonuses", ("categories/0/items/0/unit", "enum")),
    ("scoring", "  - {code: peer, weight: 0.2}\n", "", ("composite", "contains")),
    ("scoring", "total: 100", "total: 100\nbonus_cap: 5", ("", "additionalProperties")),
]


@pytest.mark.parametrize("kind,old,new,expected", BROKEN, ids=[f"{b[0]}:{b[2][:24]}" for b in BROKEN])
def test_snippet__broken_is_rejected(kind, old, new, expected):
    text = SNIPPETS[kind]
    assert text.count(old) == 1, old
    found = problems(f"{kind}.schema.json", parse(text.replace(old, new)))
    assert expected in [(path, keyword) for path, keyword, _ in found], found


def test_snippet__rejected_by_the_loader_too(tmp_path):
    """The schema is the editor's side of `svc check`: a few of the same mistakes, through the loader."""
    from svccli.store.catalog_files import load_office, load_roster

    home = tmp_path
    (home / "catalog").mkdir()
    (home / "catalog" / "office.yaml").write_text(
        OFFICE.replace("code: TX\n", "code: TX\nfax: 123\n"), encoding="utf-8"
    )
    (home / "catalog" / "roster.yaml").write_text(ROSTER.replace("roles: [clerk]", "roles: [boss]"), encoding="utf-8")
    problems: list = []
    load_office(home, problems)
    load_roster(home, problems)
    messages = [p.message for p in problems]
    assert any("fax" in m for m in messages), messages
    assert any("boss" in m for m in messages), messages
    assert errors("office.schema.json", parse(OFFICE.replace("code: TX\n", "code: TX\nfax: 123\n")))
    assert errors("roster.schema.json", parse(ROSTER.replace("roles: [clerk]", "roles: [boss]")))
