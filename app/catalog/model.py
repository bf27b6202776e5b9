"""Frozen, typed view of the equipment catalog.

Plans are created from these objects, so they are immutable (a plan can keep a
reference without fearing that someone edits the catalog under it) and free of
Flask and of YAML details.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from dateutil.relativedelta import relativedelta

_TIME_OF_DAY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


def _rrule_parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.upper().split(";"))


class Unit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Anchor(StrEnum):
    """Where the next occurrence is counted from."""

    SCHEDULE = "schedule"  # a fixed grid: doing it late does not move the next one
    COMPLETION = "completion"  # "N days after it was last done"


class Performer(StrEnum):
    IN_HOUSE = "in_house"
    IN_HOUSE_LICENSED = "in_house_licensed"
    LICENSED_CONTRACTOR = "licensed_contractor"
    AUTHORITY_INSPECTION = "authority_inspection"


class Criticality(StrEnum):
    """SFG20 colours: red, pink, amber, green."""

    STATUTORY = "statutory"
    SECTOR = "sector"
    OPTIMAL = "optimal"
    DISCRETIONARY = "discretionary"


class Confidence(StrEnum):
    """How well the fact behind a task is sourced (see standards.md)."""

    CONFIRMED = "C"
    PRACTICE = "C2"
    UNCONFIRMED = "B"


class ItemKind(StrEnum):
    CHECK = "check"
    READING = "reading"
    CHOICE = "choice"
    TEXT = "text"


class ShiftPattern(StrEnum):
    """Roster presets of the scheduling engine that patrol routes refer to."""

    THREE_SHIFT = "three_shift"
    FOUR_TEAM_THREE_SHIFT = "four_team_three_shift"
    THREE_TEAM_TWO_SHIFT = "three_team_two_shift"
    TWO_SHIFT = "two_shift"
    SIX_ON_ONE_OFF = "six_on_one_off"
    OFFICE_WEEK = "office_week"


K = TypeVar("K")
V = TypeVar("V")


def frozen_mapping(items: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """A read-only mapping, so frozen dataclasses stay frozen all the way down."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class Names:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class Frequency:
    """How often something recurs.

    Written either as ``"<n> <unit>"`` (then ``count``/``unit`` are set and the
    interval can also be counted from completion) or as an RRULE. ``rrule`` is
    always filled so that plans can store one recurrence string.
    """

    text: str
    rrule: str
    approx_days: float
    count: int | None = None
    unit: Unit | None = None

    @property
    def is_interval(self) -> bool:
        return self.unit is not None

    @property
    def times_per_day(self) -> int:
        """How often on each day it falls on: "FREQ=DAILY;BYHOUR=7,14" → 2, "8 hours" → 3."""
        parts = _rrule_parts(self.rrule)
        if parts["FREQ"] == "HOURLY":
            return max(1, 24 // int(parts.get("INTERVAL", "1")))
        hours = parts.get("BYHOUR", "0").split(",")
        minutes = parts.get("BYMINUTE", "0").split(",")
        return len(hours) * len(minutes)

    @property
    def date_rule(self) -> str:
        """The rule at day resolution, for schedules that plan days and count times per day."""
        parts = _rrule_parts(self.rrule)
        if parts["FREQ"] == "HOURLY":
            return "FREQ=DAILY"
        kept = [f"{k}={v}" for k, v in parts.items() if k not in _TIME_OF_DAY_PARTS]
        return ";".join(kept)

    @property
    def interval(self) -> relativedelta | None:
        """The step to add to a completion date, or None for RRULE frequencies."""
        if self.unit is None or self.count is None:
            return None
        return relativedelta(**{f"{self.unit.value}s": self.count})

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Tolerance:
    """How many days early or late an occurrence still counts as on time."""

    before_days: int = 0
    after_days: int = 0


@dataclass(frozen=True)
class Season:
    """A yearly window of month-days; ``start`` after ``end`` wraps over new year."""

    start: str  # "MM-DD"
    end: str  # "MM-DD"
    label: Names

    def contains(self, day: date) -> bool:
        point = (day.month, day.day)
        start, end = _month_day(self.start), _month_day(self.end)
        if start <= end:
            return start <= point <= end
        return point >= start or point <= end


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@dataclass(frozen=True)
class SeasonalFrequency:
    """One window of a task whose rhythm changes with the season (mowing, pests)."""

    season: Season
    frequency: Frequency


@dataclass(frozen=True)
class AgeBand:
    """The rule that applies once the asset (or component) is ``min_years`` old.

    Either a ``frequency`` or a list of ``service_years`` (the 1st year of
    service is year 1); an empty list means "not due in this band".
    """

    min_years: int
    frequency: Frequency | None = None
    service_years: tuple[int, ...] | None = None
    confidence: Confidence | None = None

    def due_in_service_year(self, service_year: int) -> bool:
        if self.service_years is None:
            return True
        return service_year in self.service_years


@dataclass(frozen=True)
class AgeRule:
    """Age-dependent frequency; ``of`` names whose age counts ("equipment" or a component)."""

    of: str
    bands: tuple[AgeBand, ...]

    def band_for(self, age_years: float) -> AgeBand:
        chosen = self.bands[0]
        for band in self.bands:
            if age_years >= band.min_years:
                chosen = band
        return chosen


@dataclass(frozen=True)
class Tier:
    """Place of a task in a cumulative chain (half-monthly ⊂ quarterly ⊂ ...)."""

    chain: str
    level: int
    supersedes: str | None = None


@dataclass(frozen=True)
class Choice:
    key: str
    names: Names


@dataclass(frozen=True)
class Item:
    key: str
    names: Names
    kind: ItemKind = ItemKind.CHECK
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    choices: tuple[Choice, ...] = ()
    photo_required: bool = False
    key_item: bool = False
    confidence: Confidence | None = None
    season: Season | None = None  # must be covered by a visit inside this window
    ref: str | None = None  # item number in the standard


@dataclass(frozen=True)
class Task:
    """A recurring piece of work as the catalog describes it.

    Exactly one of ``frequency``, ``by_season`` or ``by_level`` is set, unless
    ``age`` carries the frequencies; use :meth:`frequency_for` to pick one.
    """

    key: str
    names: Names
    performer: Performer
    criticality: Criticality
    confidence: Confidence
    frequency: Frequency | None = None
    by_season: tuple[SeasonalFrequency, ...] = ()
    by_level: Mapping[int, Frequency | None] = field(default_factory=frozen_mapping)
    age: AgeRule | None = None
    anchor: Anchor = Anchor.SCHEDULE
    tolerance: Tolerance = Tolerance()
    ceiling_days: int | None = None
    tier: Tier | None = None
    season: Season | None = None
    programme: str | None = None
    licence: str | None = None
    provider: Names | None = None
    crew: int = 1
    minutes: int | None = None
    legal_basis: str | None = None
    items: tuple[Item, ...] = ()
    expected_item_count: int | None = None
    notes: Names | None = None

    @property
    def checklist_complete(self) -> bool:
        """False when the standard prescribes more items than the catalog lists."""
        return self.expected_item_count is None or len(self.items) >= self.expected_item_count

    def frequency_for(
        self,
        *,
        age_years: float | None = None,
        level: int | None = None,
        on: date | None = None,
    ) -> Frequency | None:
        """The frequency that applies to one asset, service level or date."""
        if self.age is not None and age_years is not None:
            return self.age.band_for(age_years).frequency
        if self.by_level and level is not None:
            return self.by_level.get(level)
        if self.by_season and on is not None:
            return next((s.frequency for s in self.by_season if s.season.contains(on)), None)
        return self.frequency


@dataclass(frozen=True)
class Programme:
    """A maintenance programme a task belongs to, usually one standard or law."""

    key: str
    names: Names
    legal_basis: str | None = None
    notes: Names | None = None


@dataclass(frozen=True)
class Chain:
    key: str
    names: Names


@dataclass(frozen=True)
class EquipmentType:
    key: str
    family: str
    category: str
    names: Names
    special_equipment: bool
    programmes: Mapping[str, Programme]
    chains: Mapping[str, Chain]
    tasks: tuple[Task, ...]
    version: str = ""  # "<file version>+<content hash>", what a plan remembers
    sources: tuple[str, ...] = ()
    notes: Names | None = None
    aliases: tuple[str, ...] = ()
    """Names people write in ledger sheets; not part of `version` (they change no plan)."""

    def task(self, key: str) -> Task:
        for task in self.tasks:
            if task.key == key:
                return task
        raise KeyError(f"{self.key} has no task {key!r}")

    def chain_tasks(self, chain: str) -> tuple[Task, ...]:
        """The tasks of one tier chain, lowest level first."""
        tiered = [t for t in self.tasks if t.tier is not None and t.tier.chain == chain]
        return tuple(sorted(tiered, key=lambda t: t.tier.level if t.tier else 0))

    def visit_items(self, task_key: str) -> tuple[Item, ...]:
        """Checklist of one visit: a tier task also does every lower tier's items."""
        task = self.task(task_key)
        if task.tier is None:
            return task.items
        lower_first = [
            t
            for t in self.chain_tasks(task.tier.chain)
            if t.tier is not None and t.tier.level <= task.tier.level
        ]
        return tuple(item for t in lower_first for item in t.items)


@dataclass(frozen=True)
class Family:
    key: str
    version: str
    names: Names
    types: Mapping[str, EquipmentType]


@dataclass(frozen=True)
class AreaTasks:
    """The tasks of one kind of area (a key of LOCATION_KINDS)."""

    location_kind: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class AreaLibrary:
    """Cleaning or greening: area kind × task × frequency (per service level or season)."""

    key: str
    version: str
    names: Names
    levels: Mapping[int, Names]
    areas: Mapping[str, AreaTasks]
    site_tasks: tuple[Task, ...]
    notes: Names | None = None
    content_version: str = ""  # "<file version>+<content hash>", what a plan remembers
    sources: tuple[str, ...] = ()

    def all_tasks(self) -> Iterator[tuple[str | None, Task]]:
        """Every task with its area kind (None for site-wide tasks)."""
        for kind, area in self.areas.items():
            for task in area.tasks:
                yield kind, task
        for task in self.site_tasks:
            yield None, task


@dataclass(frozen=True)
class TimeWindow:
    start: str  # "HH:MM"
    end: str  # "HH:MM"; before start means the window runs past midnight


@dataclass(frozen=True)
class Rounds:
    """Patrol rounds at one service level: either every N hours or day/night counts."""

    every: Frequency | None = None
    day: int | None = None
    night: int | None = None
    window: TimeWindow | None = None
    confidence: Confidence | None = None

    def interval(self, period: timedelta, *, night: bool) -> timedelta | None:
        """Time between rounds in a day or night period; None when no rounds are owed."""
        if self.every is not None and self.every.count is not None:
            hours = self.every.count * (24 if self.every.unit == Unit.DAY else 1)
            return timedelta(hours=hours)
        count = self.night if night else self.day
        return period / count if count else None


@dataclass(frozen=True)
class Checkpoint:
    """A patrol point (巡更点), reached ``offset_minutes`` after the round starts."""

    key: str
    names: Names
    location_kind: str
    offset_minutes: int
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Route:
    key: str
    names: Names
    shift_pattern: ShiftPattern
    checkpoints: tuple[Checkpoint, ...]
    rounds: Mapping[int, Rounds]
    performer: Performer
    criticality: Criticality
    confidence: Confidence
    order: str = "fixed"  # or "varied": guards should not be predictable
    licence: str | None = None
    crew: int = 1
    minutes: int | None = None
    checkpoint_tolerance_minutes: int | None = None
    notes: Names | None = None
    version: str = ""


@dataclass(frozen=True)
class PatrolLibrary:
    key: str
    version: str
    names: Names
    levels: Mapping[int, Names]
    daytime: TimeWindow
    routes: Mapping[str, Route]
    notes: Names | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    families: Mapping[str, Family]
    cleaning: AreaLibrary | None = None
    greening: AreaLibrary | None = None
    patrol: PatrolLibrary | None = None

    def types(self) -> Iterator[EquipmentType]:
        for family in self.families.values():
            yield from family.types.values()

    def type(self, key: str) -> EquipmentType:
        for equipment_type in self.types():
            if equipment_type.key == key:
                return equipment_type
        raise KeyError(f"unknown equipment type {key!r}")

    def types_in_category(self, category: str) -> tuple[EquipmentType, ...]:
        return tuple(t for t in self.types() if t.category == category)
