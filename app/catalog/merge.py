"""Site-specific catalog files extend or override the shipped ones by key.

Mappings merge key by key, lists of keyed entries (tasks, items, checkpoints)
merge by their ``key`` (same key replaces the entry, a new key is appended),
anything else is replaced. ``replace: true`` on a mapping swaps it wholesale,
which is how a site drops tasks it does not want. Every subtree remembers the
file it came from, so a problem is reported against the file that caused it.
"""

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from app.catalog.problems import KeyPath

IDENTITY_FIELDS = ("family", "library")
KEPT_FROM_BASE = ("version",)  # the shipped version stays; the content hash shows the change
REPLACE_FLAG = "replace"


@dataclass
class MergedDocument:
    """One family or library after all its files were applied, in load order."""

    identity: tuple[str, str]
    document: dict[str, Any]
    base_file: str
    sources: list[str] = field(default_factory=list)  # "file@version", in load order
    origins: dict[KeyPath, str] = field(default_factory=dict)

    def file_for(self, path: KeyPath) -> str:
        """The file whose content sits at ``path`` (the deepest override wins)."""
        for length in range(len(path), 0, -1):
            origin = self.origins.get(path[:length])
            if origin is not None:
                return origin
        return self.base_file


def identity_of(document: Mapping[str, Any]) -> tuple[str, str] | None:
    for name in IDENTITY_FIELDS:
        value = document.get(name)
        if isinstance(value, str):
            return name, value
    return None


def start_merge(identity: tuple[str, str], document: dict[str, Any], file: str) -> MergedDocument:
    merged = MergedDocument(identity, deepcopy(document), file)
    merged.sources.append(f"{file}@{document.get('version', '?')}")
    return merged


def apply_override(merged: MergedDocument, override: Mapping[str, Any], file: str) -> None:
    merged.sources.append(f"{file}@{override.get('version', '?')}")
    skipped = (*IDENTITY_FIELDS, *KEPT_FROM_BASE)
    changes = {key: value for key, value in override.items() if key not in skipped}
    _merge_mapping(merged.document, changes, file, (), merged.origins)


def _merge_mapping(
    base: dict[str, Any],
    override: Mapping[str, Any],
    file: str,
    path: KeyPath,
    origins: dict[KeyPath, str],
) -> None:
    for key, value in override.items():
        child_path = (*path, key)
        current = base.get(key)
        if _is_mapping(value) and _is_mapping(current) and value.get(REPLACE_FLAG) is not True:
            _merge_mapping(current, value, file, child_path, origins)
        elif _is_keyed_list(value) and _is_keyed_list(current):
            _merge_keyed_list(current, value, file, child_path, origins)
        else:
            base[key] = _without_flags(value)
            origins[child_path] = file


def _merge_keyed_list(
    base: list[Any],
    override: list[Any],
    file: str,
    path: KeyPath,
    origins: dict[KeyPath, str],
) -> None:
    positions = {entry["key"]: index for index, entry in enumerate(base)}
    for entry in override:
        index = positions.get(entry["key"])
        if index is None:
            index = len(base)
            base.append(None)
            positions[entry["key"]] = index
        base[index] = _without_flags(entry)
        origins[(*path, index)] = file


def _is_mapping(value: object) -> bool:
    return isinstance(value, dict)


def _is_keyed_list(value: object) -> bool:
    return isinstance(value, list) and all(_is_mapping(e) and "key" in e for e in value)


def _without_flags(value: Any) -> Any:
    """A deep copy without ``replace`` flags, which only steer merging."""
    if isinstance(value, dict):
        return {k: _without_flags(v) for k, v in value.items() if k != REPLACE_FLAG}
    if isinstance(value, list):
        return [_without_flags(entry) for entry in value]
    return deepcopy(value)
