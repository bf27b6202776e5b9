"""Text and JSON views of the catalog for the command line.

Kept apart from the click commands so the wording can be tested and reused
(e.g. by the catalog pages) without a CLI runner.
"""

from typing import Any

from app.catalog.export import to_jsonable
from app.catalog.model import (
    AgeRule,
    Anchor,
    Catalog,
    EquipmentType,
    Item,
    ItemKind,
    Task,
)

INDENT = "  "


def catalog_summary(catalog: Catalog) -> dict[str, Any]:
    """What ``rounds catalog list --json`` prints: families, their types, and libraries."""
    families = [
        {
            "key": family.key,
            "version": family.version,
            "names": to_jsonable(family.names),
            "types": [
                {
                    "key": t.key,
                    "names": to_jsonable(t.names),
                    "category": t.category,
                    "special_equipment": t.special_equipment,
                    "version": t.version,
                    "tasks": len(t.tasks),
                }
                for t in family.types.values()
            ],
        }
        for family in catalog.families.values()
    ]
    libraries = [
        {
            "key": library.key,
            "names": to_jsonable(library.names),
            "version": library.content_version,
            "tasks": sum(1 for _ in library.all_tasks()),
        }
        for library in (catalog.cleaning, catalog.greening)
        if library is not None
    ]
    if catalog.patrol is not None:
        libraries.append(
            {
                "key": catalog.patrol.key,
                "names": to_jsonable(catalog.patrol.names),
                "version": catalog.patrol.version,
                "routes": len(catalog.patrol.routes),
            }
        )
    return {"families": families, "libraries": libraries}


def catalog_lines(catalog: Catalog) -> list[str]:
    """What ``rounds catalog list`` prints: one line per family, type and library."""
    summary = catalog_summary(catalog)
    lines: list[str] = []
    for family in summary["families"]:
        lines.append(f"{_names(family['names'])}  [{family['key']} {family['version']}]")
        width = max(len(t["key"]) for t in family["types"])
        for entry in family["types"]:
            lines.append(
                f"{INDENT}{entry['key']:<{width}}  {_names(entry['names'])}  "
                f"· {entry['tasks']} tasks · {entry['version']}"
            )
    lines.append("Libraries:")
    for library in summary["libraries"]:
        count = (
            f"{library['routes']} routes" if "routes" in library else f"{library['tasks']} tasks"
        )
        names = _names(library["names"])
        lines.append(f"{INDENT}{library['key']}  {names}  · {count} · {library['version']}")
    return lines


def type_lines(equipment_type: EquipmentType) -> list[str]:
    """What ``rounds catalog show TYPE`` prints."""
    flags = " · special equipment" if equipment_type.special_equipment else ""
    lines = [
        f"{equipment_type.key} · {equipment_type.names}",
        f"{INDENT}family {equipment_type.family} · category {equipment_type.category}{flags}"
        f" · version {equipment_type.version}",
    ]
    if equipment_type.notes:
        lines.append(f"{INDENT}{equipment_type.notes.zh}")
    if equipment_type.programmes:
        lines.append("Programmes:")
        for programme in equipment_type.programmes.values():
            lines.append(f"{INDENT}{programme.key}  {programme.names}")
            if programme.legal_basis:
                lines.append(f"{INDENT * 2}legal basis: {programme.legal_basis}")
    if equipment_type.chains:
        lines.append("Tier chains:")
        for chain in equipment_type.chains.values():
            levels = " ⊂ ".join(t.key for t in equipment_type.chain_tasks(chain.key))
            lines.append(f"{INDENT}{chain.key}  {chain.names.zh}: {levels}")
    lines.append("Tasks:")
    for task in equipment_type.tasks:
        lines.extend(task_lines(task))
    return lines


def task_lines(task: Task) -> list[str]:
    pad = INDENT * 2
    lines = [f"{INDENT}{task.key}  {task.names}"]
    if task.tier is not None:
        supersedes = f", supersedes {task.tier.supersedes}" if task.tier.supersedes else ""
        lines.append(f"{pad}tier: {task.tier.chain} level {task.tier.level}{supersedes}")
    lines.append(f"{pad}when: {describe_timing(task)}")
    lines.append(f"{pad}who: {describe_performer(task)}")
    basis = f" · legal basis: {task.legal_basis}" if task.legal_basis else ""
    lines.append(f"{pad}criticality: {task.criticality.value} [{task.confidence.value}]{basis}")
    if task.notes:
        lines.append(f"{pad}note: {task.notes.zh}")
    counted = f"{len(task.items)}"
    if task.expected_item_count is not None and not task.checklist_complete:
        counted += f" of {task.expected_item_count} in the standard"
    lines.append(f"{pad}items ({counted}):")
    lines.extend(f"{pad}{INDENT}{describe_item(item)}" for item in task.items)
    return lines


def describe_timing(task: Task) -> str:
    parts: list[str] = []
    if task.frequency is not None:
        anchor = " after last done" if task.anchor == Anchor.COMPLETION else ""
        parts.append(f"every {task.frequency.text}{anchor}")
    if task.by_level:
        parts.append(
            ", ".join(
                f"level {level}: {frequency.text if frequency else '—'}"
                for level, frequency in task.by_level.items()
            )
        )
    if task.by_season:
        parts.append(
            ", ".join(
                f"{s.season.start}..{s.season.end} every {s.frequency.text}" for s in task.by_season
            )
        )
    if task.age is not None:
        parts.append(describe_age(task.age))
    if task.season is not None:
        parts.append(f"season {task.season.start}..{task.season.end} ({task.season.label.zh})")
    tolerance = task.tolerance
    if tolerance.before_days or tolerance.after_days:
        parts.append(f"tolerance −{tolerance.before_days}/+{tolerance.after_days} days")
    if task.ceiling_days is not None:
        parts.append(f"ceiling {task.ceiling_days} days")
    return " · ".join(parts)


def describe_age(rule: AgeRule) -> str:
    bands = []
    for band in rule.bands:
        if band.frequency is not None:
            what = f"every {band.frequency.text}"
        elif band.service_years:
            what = "in service years " + ",".join(str(y) for y in band.service_years)
        else:
            what = "not due"
        unconfirmed = " [B]" if band.confidence and band.confidence.value == "B" else ""
        bands.append(f"from {band.min_years} y {what}{unconfirmed}")
    return f"by age of {rule.of}: " + "; ".join(bands)


def describe_performer(task: Task) -> str:
    parts = [task.performer.value]
    if task.provider is not None:
        parts.append(task.provider.zh)
    if task.licence:
        parts.append(f"licence {task.licence}")
    parts.append(f"crew {task.crew}")
    if task.minutes:
        parts.append(f"{task.minutes} min")
    return " · ".join(parts)


def describe_item(item: Item) -> str:
    text = f"{item.key}  {item.names.zh}"
    if item.kind == ItemKind.READING:
        limits = []
        if item.min is not None:
            limits.append(f"≥ {item.min:g}")
        if item.max is not None:
            limits.append(f"≤ {item.max:g}")
        text += f"  [{item.unit}{' ' + ' '.join(limits) if limits else ''}]"
    elif item.kind != ItemKind.CHECK:
        text += f"  [{item.kind.value}]"
    if item.season is not None:
        text += f"  ({item.season.label.zh} {item.season.start}..{item.season.end})"
    if item.key_item:
        text += "  ★"
    return text


def _names(names: dict[str, str]) -> str:
    return f"{names['zh']} {names['en']}"
