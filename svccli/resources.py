"""Folders shipped with svccli: the default templates, the sample catalogue's calendars, and the
catalogue format guide that `svc init` copies into a new office.

In a wheel they are the packages `svccli.templates`, `svccli.sample` and `svccli.docs` (mapped
from the top-level templates/, catalog/ and docs/ folders); in a source checkout or editable
install, those folders are read where they stand.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def shipped(name: str, folder: str) -> Path:
    """The installed copy of `svccli.<name>`, else the checkout's top-level `folder`."""
    installed = ROOT / name
    if installed.is_dir():
        return installed
    return ROOT.parent / folder


def templates_dir() -> Path:
    return shipped("templates", "templates")


def sample_dir() -> Path:
    return shipped("sample", "catalog")


def starter_dir() -> Path:
    return ROOT / "starter"


def catalog_format() -> Path:
    """docs/catalog-format.md: how to write the catalogue (`svc init` puts a copy in the office)."""
    return shipped("docs", "docs") / "catalog-format.md"
