"""Load the shipped catalog plus site-specific files into a :class:`Catalog`.

Free of Flask so that imports, the scheduler and tests can all use it. The
shipped YAML travels inside the ``equipment_catalog`` package; site files come
after it (``ROUNDS_CATALOG_PATHS``) and extend or override by key.
"""

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from app.catalog.build import build_area_library, build_family, build_patrol_library
from app.catalog.checks import check_document
from app.catalog.merge import MergedDocument, apply_override, identity_of, start_merge
from app.catalog.model import AreaLibrary, Catalog, Family, PatrolLibrary, frozen_mapping
from app.catalog.problems import CatalogError, Finding, Problem, format_path
from app.catalog.schema import DATA_PACKAGE, schema_findings

PATHS_VARIABLE = "ROUNDS_CATALOG_PATHS"
YAML_SUFFIXES = (".yaml", ".yml")
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Source:
    """One catalog file: a display name for problem lines, and its text."""

    name: str
    text: str


def load_catalog(extra_paths: Sequence[Path] = ()) -> Catalog:
    """The shipped catalog with ``extra_paths`` (files or directories) applied in order.

    Raises :class:`CatalogError` listing every problem in every file.
    """
    return load_sources([*shipped_sources(), *sources_at(extra_paths)])


def paths_from_env(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """Site catalog paths from ``ROUNDS_CATALOG_PATHS`` (separated like PATH)."""
    value = environ.get(PATHS_VARIABLE, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def shipped_sources() -> list[Source]:
    package = files(DATA_PACKAGE)
    entries = sorted(
        (entry for entry in package.iterdir() if entry.name.endswith(YAML_SUFFIXES)),
        key=lambda entry: entry.name,
    )
    return [Source(entry.name, entry.read_text(encoding="utf-8")) for entry in entries]


def sources_at(paths: Sequence[Path]) -> list[Source]:
    """YAML files at the given paths; a directory contributes its files in name order."""
    sources: list[Source] = []
    for path in paths:
        found = (
            sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES)
            if path.is_dir()
            else [path]
        )
        sources.extend(Source(str(p), p.read_text(encoding="utf-8")) for p in found)
    return sources


def load_sources(sources: Sequence[Source]) -> Catalog:
    problems: list[Problem] = []
    merged_by_identity: dict[tuple[str, str], MergedDocument] = {}
    for source in sources:
        document = _parse(source, problems)
        if document is None:
            continue
        identity = identity_of(document)
        if identity is None:
            problems.append(
                Problem(source.name, "", 'a catalog file must start with "family:" or "library:"')
            )
        elif identity in merged_by_identity:
            apply_override(merged_by_identity[identity], document, source.name)
        else:
            merged_by_identity[identity] = start_merge(identity, document, source.name)
    for merged in merged_by_identity.values():
        problems.extend(_validate(merged))
    if problems:
        raise CatalogError(problems)
    catalog = _build(merged_by_identity.values())
    duplicates = _duplicate_type_keys(catalog.families.values(), merged_by_identity)
    if duplicates:
        raise CatalogError(duplicates)
    return catalog


def _validate(merged: MergedDocument) -> list[Problem]:
    canonical = json.dumps(merged.document, sort_keys=True, ensure_ascii=False)
    return [
        Problem(merged.file_for(f.path), format_path(f.path), f.message)
        for f in _findings(canonical)
    ]


@lru_cache(maxsize=64)
def _findings(canonical_document: str) -> tuple[Finding, ...]:
    """Validation is pure, so unchanged documents (the shipped ones) are checked once."""
    document = json.loads(canonical_document)
    return tuple(schema_findings(document) or check_document(document))


def _build(documents: Iterable[MergedDocument]) -> Catalog:
    families: dict[str, Family] = {}
    area_libraries: dict[str, AreaLibrary] = {}
    patrol: PatrolLibrary | None = None
    for merged in documents:
        kind, key = merged.identity
        if kind == "family":
            families[key] = build_family(merged)
        elif key == "patrol":
            patrol = build_patrol_library(merged)
        else:
            area_libraries[key] = build_area_library(merged)
    return Catalog(
        families=frozen_mapping(families),
        cleaning=area_libraries.get("cleaning"),
        greening=area_libraries.get("greening"),
        patrol=patrol,
    )


def _duplicate_type_keys(
    families: Iterable[Family], merged: Mapping[tuple[str, str], MergedDocument]
) -> list[Problem]:
    """Type keys are global (``rounds catalog show TYPE``), so two families may not share one."""
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for family in families:
        document = merged[("family", family.key)]
        for type_key in family.types:
            if type_key in owner:
                path = ("types", type_key)
                problems.append(
                    Problem(
                        document.file_for(path),
                        format_path(path),
                        f'type key "{type_key}" is already used by family "{owner[type_key]}"',
                    )
                )
            else:
                owner[type_key] = family.key
    return problems


_FastestSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_FastestSafeLoader):
    """Safe YAML (libyaml when present) that refuses duplicate keys instead of keeping the last."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKeyError(None, None, f'duplicate key "{key}"', key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    pass


def _parse(source: Source, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        document = yaml.load(source.text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        prefix = "" if isinstance(error, _DuplicateKeyError) else "YAML syntax error: "
        problems.append(Problem(source.name, where, f"{prefix}{error.problem}"))
        return None
    if not isinstance(document, dict):
        problems.append(Problem(source.name, "", "expected a mapping with family: or library:"))
        return None
    return _as_json_data(document)


def _as_json_data(value: Any) -> Any:
    """JSON semantics: string keys (YAML reads level 1 as an int) and no date objects."""
    if isinstance(value, dict):
        return {str(key): _as_json_data(entry) for key, entry in value.items()}
    if isinstance(value, list):
        return [_as_json_data(entry) for entry in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
