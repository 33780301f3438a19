"""A fast first parse of the catalogue with libyaml (PyYAML's C loader), for clean files.

ruamel.yaml's round-trip loader keeps the line of every value but parses a 2,000-item catalogue
about sixteen times slower. Clean files need no lines, so they are read here first, with the
YAML 1.2 core schema ruamel uses (true/false only, decimal ints, no sexagesimal) and duplicate
keys refused; when anything is wrong the home is read again with ruamel so that every message
names its line (store/home.py).
"""

from __future__ import annotations

import re

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node, deep=False):
        keys = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in keys:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark) from None
            keys.add(key)
        return super().construct_mapping(node, deep)


def _int(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    if text.lower().startswith(("0o", "+0o", "-0o")):
        return int(text.replace("o", "").replace("O", ""), 8)
    if text.lower().startswith(("0x", "+0x", "-0x")):
        return int(text, 16)
    return int(text, 10)


def _timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return str(node.value)  # an impossible date stays text; the field check names it


RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "tag:yaml.org,2002:timestamp",
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
        r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        "0123456789",
    ),
]
for tag, pattern, first in RESOLVERS:
    Loader.add_implicit_resolver(tag, re.compile(pattern), list(first))
Loader.add_constructor("tag:yaml.org,2002:int", _int)
Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class Unsure(Exception):
    """The fast parse could not vouch for this text: read it with ruamel instead."""


def load(text: str):
    try:
        data = yaml.load(text, Loader=Loader)  # noqa: S506 — a SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise Unsure(str(e)) from None
    return data
