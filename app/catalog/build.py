"""Turn validated catalog documents into frozen dataclasses.

Runs only after schema and semantic checks passed, so it can index freely;
defaults are applied here once, and every type and route gets a content
version that changes whenever anything a plan depends on changes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.catalog.export import content_hash
from app.catalog.frequency import parse_frequency
from app.catalog.merge import MergedDocument
from app.catalog.model import (
    AgeBand,
    AgeRule,
    Anchor,
    AreaLibrary,
    AreaTasks,
    Chain,
    Checkpoint,
    Choice,
    Confidence,
    Criticality,
    EquipmentType,
    Family,
    Frequency,
    Item,
    ItemKind,
    Names,
    PatrolLibrary,
    Performer,
    Programme,
    Rounds,
    Route,
    Season,
    SeasonalFrequency,
    ShiftPattern,
    Task,
    Tier,
    TimeWindow,
    Tolerance,
    frozen_mapping,
)

Doc = Mapping[str, Any]
DEFAULT_AGE_BASIS = "equipment"


def content_version(file_version: str, content: Any) -> str:
    return f"{file_version}+{content_hash(content)}"


def build_family(merged: MergedDocument) -> Family:
    document = merged.document
    family_programmes: Doc = document.get("programmes", {})
    types = {
        key: _equipment_type(key, document["family"], raw, family_programmes)
        for key, raw in document["types"].items()
    }
    versioned = {
        key: replace(
            equipment_type,
            # Aliases only help the import find the type; adding one changes no plan.
            version=content_version(document["version"], replace(equipment_type, aliases=())),
            sources=tuple(merged.sources),
        )
        for key, equipment_type in types.items()
    }
    return Family(
        key=document["family"],
        version=document["version"],
        names=_names(document["names"]),
        types=frozen_mapping(versioned),
    )


def build_area_library(merged: MergedDocument) -> AreaLibrary:
    document = merged.document
    defaults: Doc = document.get("defaults", {})
    library = AreaLibrary(
        key=document["library"],
        version=document["version"],
        names=_names(document["names"]),
        levels=_levels(document.get("levels", {})),
        areas=frozen_mapping(
            {
                kind: AreaTasks(kind, tuple(_task(raw, defaults) for raw in area["tasks"]))
                for kind, area in document["areas"].items()
            }
        ),
        site_tasks=tuple(_task(raw, defaults) for raw in document.get("site_tasks", [])),
        notes=_optional_names(document.get("notes")),
    )
    return replace(
        library,
        content_version=content_version(document["version"], library),
        sources=tuple(merged.sources),
    )


def build_patrol_library(merged: MergedDocument) -> PatrolLibrary:
    document = merged.document
    defaults: Doc = document.get("defaults", {})
    library_rounds: Doc = document.get("rounds", {})
    routes = {
        key: _route(key, {**defaults, **raw}, library_rounds)
        for key, raw in document["routes"].items()
    }
    return PatrolLibrary(
        key=document["library"],
        version=document["version"],
        names=_names(document["names"]),
        levels=_levels(document.get("levels", {})),
        daytime=_time_window(document["daytime"]),
        routes=frozen_mapping(
            {
                key: replace(route, version=content_version(document["version"], route))
                for key, route in routes.items()
            }
        ),
        notes=_optional_names(document.get("notes")),
        sources=tuple(merged.sources),
    )


def _equipment_type(key: str, family: str, raw: Doc, family_programmes: Doc) -> EquipmentType:
    programmes_raw = {**family_programmes, **raw.get("programmes", {})}
    tasks = tuple(
        _task(task, programmes_raw.get(task.get("programme"), {}).get("defaults", {}))
        for task in raw["tasks"]
    )
    used = {task.programme for task in tasks if task.programme is not None}
    return EquipmentType(
        key=key,
        family=family,
        category=raw["category"],
        names=_names(raw["names"]),
        special_equipment=raw.get("special_equipment", False),
        programmes=frozen_mapping(
            {
                name: _programme(name, programmes_raw[name])
                for name in programmes_raw
                if name in used
            }
        ),
        chains=frozen_mapping(
            {
                name: Chain(name, _names(chain["names"]))
                for name, chain in raw.get("chains", {}).items()
            }
        ),
        tasks=tasks,
        notes=_optional_names(raw.get("notes")),
        aliases=tuple(raw.get("aliases", ())),
    )


def _programme(key: str, raw: Doc) -> Programme:
    return Programme(
        key=key,
        names=_names(raw["names"]),
        legal_basis=raw.get("legal_basis"),
        notes=_optional_names(raw.get("notes")),
    )


def _task(raw: Doc, defaults: Doc) -> Task:
    fields = {**defaults, **raw}
    tier = fields.get("tier")
    tolerance = fields.get("tolerance", {})
    return Task(
        key=fields["key"],
        names=_names(fields["names"]),
        performer=Performer(fields["performer"]),
        criticality=Criticality(fields["criticality"]),
        confidence=Confidence(fields["confidence"]),
        frequency=_optional_frequency(fields.get("frequency")),
        by_season=tuple(
            SeasonalFrequency(_season(entry["season"]), parse_frequency(entry["frequency"]))
            for entry in fields.get("by_season", [])
        ),
        by_level=frozen_mapping(
            {
                int(level): _optional_frequency(value)
                for level, value in fields.get("by_level", {}).items()
            }
        ),
        age=_age(fields["age"]) if "age" in fields else None,
        anchor=Anchor(fields.get("anchor", Anchor.SCHEDULE)),
        tolerance=Tolerance(tolerance.get("before_days", 0), tolerance.get("after_days", 0)),
        ceiling_days=fields.get("ceiling_days"),
        tier=Tier(tier["chain"], tier["level"], tier.get("supersedes")) if tier else None,
        season=_season(fields["season"]) if "season" in fields else None,
        programme=fields.get("programme"),
        licence=fields.get("licence"),
        provider=_optional_names(fields.get("provider")),
        crew=fields.get("crew", 1),
        minutes=fields.get("minutes"),
        legal_basis=fields.get("legal_basis"),
        items=_items(fields.get("items", [])),
        expected_item_count=fields.get("expected_item_count"),
        notes=_optional_names(fields.get("notes")),
    )


def _items(raw_items: Sequence[Doc]) -> tuple[Item, ...]:
    return tuple(
        Item(
            key=raw["key"],
            names=_names(raw["names"]),
            kind=ItemKind(raw.get("kind", ItemKind.CHECK)),
            unit=raw.get("unit"),
            min=raw.get("min"),
            max=raw.get("max"),
            choices=tuple(Choice(c["key"], _names(c["names"])) for c in raw.get("choices", [])),
            photo_required=raw.get("photo_required", False),
            key_item=raw.get("key_item", False),
            confidence=_optional_confidence(raw.get("confidence")),
            season=_season(raw["season"]) if "season" in raw else None,
            ref=raw.get("ref"),
        )
        for raw in raw_items
    )


def _age(raw: Doc) -> AgeRule:
    return AgeRule(
        of=raw.get("of", DEFAULT_AGE_BASIS),
        bands=tuple(
            AgeBand(
                min_years=band["min_years"],
                frequency=_optional_frequency(band.get("frequency")),
                service_years=(tuple(band["service_years"]) if "service_years" in band else None),
                confidence=_optional_confidence(band.get("confidence")),
            )
            for band in raw["bands"]
        ),
    )


def _route(key: str, fields: Doc, library_rounds: Doc) -> Route:
    rounds_raw = fields.get("rounds") or library_rounds
    return Route(
        key=key,
        names=_names(fields["names"]),
        shift_pattern=ShiftPattern(fields["shift_pattern"]),
        checkpoints=tuple(
            Checkpoint(
                key=raw["key"],
                names=_names(raw["names"]),
                location_kind=raw["location_kind"],
                offset_minutes=raw["offset_minutes"],
                items=_items(raw.get("items", [])),
            )
            for raw in fields["checkpoints"]
        ),
        rounds=frozen_mapping({int(level): _rounds(raw) for level, raw in rounds_raw.items()}),
        performer=Performer(fields["performer"]),
        criticality=Criticality(fields["criticality"]),
        confidence=Confidence(fields["confidence"]),
        order=fields.get("order", "fixed"),
        licence=fields.get("licence"),
        crew=fields.get("crew", 1),
        minutes=fields.get("minutes"),
        checkpoint_tolerance_minutes=fields.get("checkpoint_tolerance_minutes"),
        notes=_optional_names(fields.get("notes")),
    )


def _rounds(raw: Doc) -> Rounds:
    return Rounds(
        every=_optional_frequency(raw.get("every")),
        day=raw.get("day"),
        night=raw.get("night"),
        window=_time_window(raw["window"]) if "window" in raw else None,
        confidence=_optional_confidence(raw.get("confidence")),
    )


def _levels(raw: Doc) -> Mapping[int, Names]:
    return frozen_mapping({int(level): _names(names) for level, names in raw.items()})


def _names(raw: Doc) -> Names:
    return Names(zh=raw["zh"], en=raw["en"])


def _optional_names(raw: Doc | None) -> Names | None:
    return _names(raw) if raw is not None else None


def _optional_frequency(raw: Any) -> Frequency | None:
    return parse_frequency(raw) if raw is not None else None


def _optional_confidence(raw: str | None) -> Confidence | None:
    return Confidence(raw) if raw is not None else None


def _season(raw: Doc) -> Season:
    return Season(start=raw["from"], end=raw["to"], label=_names(raw["label"]))


def _time_window(raw: Doc) -> TimeWindow:
    return TimeWindow(start=raw["from"], end=raw["to"])
