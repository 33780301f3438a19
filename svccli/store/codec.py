"""Derived state as JSON: data only, never code.

Two codecs. A folded `Case` is written as the list of its fields with dates as ISO text, and read
back by a table that knows each field's type (fast: the warm daily check reads thousands). The
catalogue's objects are written with type tags (`{"$c": "ServiceItem", "v": [...]}`), and read
back only into the classes named in `CLASSES`: a tag naming anything else is refused, so a planted
state file can at worst hold wrong data, which its key and checks then reject.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import orjson

from svccli.core import calendar, catalog, problems, roster, scoring
from svccli.core.cases import Case, Extension, Pause, Step

FIELDS = tuple(f.name for f in dataclasses.fields(Case))


class Undecodable(ValueError):
    """Stored bytes that are not what this code writes: the state is rebuilt from the records."""


# -- cases ---------------------------------------------------------------------------------------


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _required(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _dated(keys: tuple[str, ...]) -> tuple[Callable[[dict], dict], Callable[[dict], dict]]:
    """Encode and decode a dict whose `keys` hold dates (None allowed)."""

    def enc(d: dict) -> dict:
        return {**d, **{k: _day(d[k]) for k in keys if k in d}}

    def dec(d: dict) -> dict:
        return {**d, **{k: _date(d[k]) for k in keys if k in d}}

    return enc, dec


_PART_ENC, _PART_DEC = _dated(("done_on",))
_FWD_ENC, _FWD_DEC = _dated(("on", "answered_on"))

# field -> (to JSON, from JSON); fields not named hold JSON values already (str, dicts of events)
CASE_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    **{
        name: (_day, _date)
        for name in ("accepted_on", "clock_from", "concluded_on", "delivered_on", "notified_on", "closed_on")
    },
    **{name: (list, tuple) for name in ("sendbacks", "notices", "breaches", "handovers", "reviews", "amends")},
    "where": (list, tuple),
    "supplied_after_notice": (sorted, frozenset),
    "overdue_days": (lambda s: sorted(map(_day, s)), lambda v: frozenset(map(_date, v))),
    "pauses": (
        lambda ps: [[p.reason, _day(p.start), _day(p.end), p.note] for p in ps],
        lambda v: tuple(Pause(r, _required(s), _date(e), n) for r, s, e, n in v),
    ),
    "extensions": (
        lambda es: [[*dataclasses.astuple(e)[:3], _day(e.on), *dataclasses.astuple(e)[4:]] for e in es],
        lambda v: tuple(Extension(d, r, b, _required(on), *rest) for d, r, b, on, *rest in v),
    ),
    "steps": (
        lambda ss: [[s.ts, s.by, s.kind, s.text, list(s.where), s.on] for s in ss],
        lambda v: tuple(Step(ts, by, k, t, tuple(w), on) for ts, by, k, t, w, on in v),
    ),
    "parts": (lambda p: {k: _PART_ENC(v) for k, v in p.items()}, lambda p: {k: _PART_DEC(v) for k, v in p.items()}),
    "forward": (_FWD_ENC, _FWD_DEC),
}
_ENCODERS = [CASE_CODECS[f][0] if f in CASE_CODECS else None for f in FIELDS]
_DECODERS = [CASE_CODECS[f][1] if f in CASE_CODECS else None for f in FIELDS]


def dump_case(case: Case) -> bytes:
    values = [getattr(case, f) for f in FIELDS]
    return orjson.dumps([v if enc is None else enc(v) for enc, v in zip(_ENCODERS, values)])


def load_case(blob: bytes) -> Case:
    try:
        values = orjson.loads(blob)
        if type(values) is not list or len(values) != len(FIELDS):
            raise Undecodable("case")
        return Case(*[v if dec is None else dec(v) for dec, v in zip(_DECODERS, values)])
    except (TypeError, ValueError, KeyError) as e:
        raise Undecodable(str(e)) from None


# -- the catalogue -------------------------------------------------------------------------------


def _dataclasses(*modules: Any) -> dict[str, type]:
    return {
        k: v
        for m in modules
        for k, v in vars(m).items()
        if isinstance(v, type) and dataclasses.is_dataclass(v) and v.__module__ == m.__name__
    }


CLASSES = _dataclasses(calendar, catalog, problems, roster, scoring)


def to_plain(value: Any) -> Any:
    """A catalogue object as JSON-able data with type tags."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if CLASSES.get(name) is not type(value):
            raise TypeError(f"no codec for {name}")
        return {"$c": name, "v": [to_plain(getattr(value, f.name)) for f in _stored_fields(type(value))]}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [to_plain(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$s": [to_plain(v) for v in sorted(value)]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {"$m": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    if hasattr(value, "items") and hasattr(value, "keys"):  # a read-only mapping (the lazy items)
        return {"$m": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    raise TypeError(f"no codec for {type(value).__name__}")


def from_plain(value: Any) -> Any:
    """The inverse of to_plain; only the classes in CLASSES are ever made."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$d":
            return dt.date.fromisoformat(inner)
        if tag == "$t":
            return tuple(from_plain(v) for v in inner)
        if tag == "$s":
            return frozenset(from_plain(v) for v in inner)
        if tag == "$m":
            return {from_plain(k): from_plain(v) for k, v in inner}
    if value.keys() == {"$c", "v"} and value["$c"] in CLASSES:
        cls = CLASSES[value["$c"]]
        names = [f.name for f in _stored_fields(cls)]
        return cls(**dict(zip(names, (from_plain(v) for v in value["v"]), strict=True)))
    raise Undecodable(f"unknown tag in {list(value)[:3]}")


def _stored_fields(cls: type) -> list[dataclasses.Field]:
    """The fields a constructor takes; private derived ones (a calendar's day tables) are rebuilt."""
    return [f for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")]


def dumps(value: Any) -> bytes:
    return orjson.dumps(to_plain(value))


def loads(blob: bytes) -> Any:
    try:
        return from_plain(orjson.loads(blob))
    except (TypeError, ValueError, KeyError) as e:
        raise Undecodable(str(e)) from None
