"""Human-readable differences between two catalog versions.

Plans remember the content version they were made from; when the catalog
moves on, the UI shows these lines so a manager can decide whether to adopt
the change (e.g. ``frequency: 1 month → 2 weeks``).
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import fields
from enum import Enum
from typing import Any, Protocol, TypeVar

from app.catalog.export import to_jsonable
from app.catalog.model import EquipmentType, Frequency, Names, Task

NOT_COMPARED = frozenset({"version", "sources", "items", "tasks"})


class _Keyed(Protocol):
    key: str
    names: Names


KeyedT = TypeVar("KeyedT", bound=_Keyed)


def diff_task(old: Task, new: Task) -> list[str]:
    """What changed in one task, one line per changed field or checklist item."""
    return [*_diff_fields(old, new), *_diff_keyed("items", old.items, new.items, _diff_fields)]


def diff_type(old: EquipmentType, new: EquipmentType) -> list[str]:
    """What changed in one equipment type, including each task's changes."""
    return [*_diff_fields(old, new), *_diff_keyed("tasks", old.tasks, new.tasks, diff_task)]


def _diff_fields(old: Any, new: Any) -> list[str]:
    lines = []
    for field in fields(old):
        if field.name in NOT_COMPARED:
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before != after:
            lines.append(f"{field.name}: {_show(before)} → {_show(after)}")
    return lines


def _diff_keyed(
    label: str,
    old: Sequence[KeyedT],
    new: Sequence[KeyedT],
    diff_one: Callable[[KeyedT, KeyedT], list[str]],
) -> list[str]:
    old_by_key = {entry.key: entry for entry in old}
    new_by_key = {entry.key: entry for entry in new}
    lines = [f"{label}: − {e.key} {e.names.zh}" for e in old if e.key not in new_by_key]
    lines += [f"{label}: + {e.key} {e.names.zh}" for e in new if e.key not in old_by_key]
    for entry in new:
        before = old_by_key.get(entry.key)
        if before is not None and before != entry:
            lines += [f"{label}.{entry.key}.{line}" for line in diff_one(before, entry)]
    return lines


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Frequency):
        return value.text
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Names | str | int | float | bool):
        return str(value)
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True)
