"""The catalog this installation plans with: the shipped files plus ROUNDS_CATALOG_PATHS.

Loading parses and validates every file (~0.3 s), so it happens once per
process and set of site files; a restart picks up edits.
"""

from functools import lru_cache
from pathlib import Path

from flask import current_app

from app.catalog.loader import load_catalog
from app.catalog.model import Catalog


@lru_cache(maxsize=4)
def _load(paths: tuple[str, ...]) -> Catalog:
    return load_catalog([Path(p) for p in paths])


def current_catalog() -> Catalog:
    return _load(tuple(current_app.config.get("ROUNDS_CATALOG_PATHS") or ()))
