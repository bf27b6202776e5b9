"""What the app tells the engine about one maintenance plan.

A `Plan` is plain data: the recurrence (an RRULE, or age bands of RRULEs), its wall
time and zone, tolerance window, holiday policy, optional statutory ceiling, tier
chain and season windows. The app builds one per plan row (and asset); the engine
never sees database objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from schedules.periods import Period
from schedules.recurrence import RecurrenceRule, parse_rule
from schedules.seasons import SeasonWindow
from schedules.wallclock import to_wall, zone


class HolidayPolicy(StrEnum):
    """What to do when a visit falls on a non-working day (weekend or holiday)."""

    IGNORE = "ignore"  # security patrols, daily cleaning: run anyway
    SKIP = "skip"  # drop the visit
    PREVIOUS = "previous"  # latest working day before
    NEXT = "next"  # earliest working day after
    NEAREST = "nearest"  # closest working day; ties go earlier (safer for ceilings)


class Anchor(StrEnum):
    """Fixed calendar grid, or "N days/months after it was last done"."""

    FIXED = "fixed"
    COMPLETION = "completion"


@dataclass(frozen=True, slots=True)
class Tier:
    """One level of a tier chain (e.g. TSG T5002 half-monthly ⊂ quarterly ⊂ annual).

    `rule` says when this tier falls due (anchored at the plan start); an instance
    replaces the nearest lower-tier visit within `merge_within_days`. The first tier
    of a chain is the base level: its visits come from the plan's own rule, so its
    `rule` stays empty. `ceiling_days` is the tier's own limit between two visits
    carrying its items (its period plus tolerance: 99 days for a quarterly tier): an
    instance then goes to the nearest visit that keeps it, not merely the nearest.
    """

    key: str
    rule: str = ""
    name_zh: str = ""
    name_en: str = ""
    merge_within_days: int = 16
    ceiling_days: int | None = None


@dataclass(frozen=True, slots=True)
class AgeBand:
    """From `min_age_years` of the asset on, the plan follows `rule`.

    An empty `rule` means "no visits in this band": it closes the band before it, so a
    once-only band (self-test in year 14) does not run on past the next age boundary.
    """

    min_age_years: int
    rule: str


@dataclass(frozen=True, slots=True)
class LastVisit:
    """The last completed (or already planned) visit before the generated range.

    Ceilings count from `at`, late or not; completion-anchored plans restart their
    grid there. Rule instances up to `slot` (or up to the day of `at` when no slot
    is known) count as done and are not generated again. `tier` is the highest tier
    that visit covered: a tier instance that fell to it but was not done there is
    owed by the next visit.

    `tiers_done` (tier key → when a visit including that tier was last done or
    planned) turns on counting tiers by period: a tier instance is done when a visit
    carrying it (or a higher tier) lies within its merge reach or after it, wherever
    the grid has moved since; an instance that no such visit covered and whose visit
    is already past is owed by the next visit. Without it (None) the engine knows only
    the last visit, and a completion-anchored grid that moved may bring a tier back.
    """

    at: dt.datetime
    slot: dt.datetime | None = None
    tier: str | None = None
    tiers_done: Mapping[str, dt.datetime] | None = None
    # the stored row's own slot, when `slot` is withheld (a completion-anchored restart):
    # a new visit on it would carry the done row's key, and the done row would win
    row_slot: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.tiers_done is not None:  # frozen: keep it hashable and unchangeable
            object.__setattr__(self, "tiers_done", MappingProxyType(dict(self.tiers_done)))

    def __hash__(self) -> int:
        done = tuple(sorted(self.tiers_done.items())) if self.tiers_done is not None else None
        return hash((self.at, self.slot, self.tier, done))


@dataclass(frozen=True, slots=True)
class Plan:
    """One schedulable plan; see the README for a worked example.

    `starts` is the first nominal visit as naive wall time in `timezone` (an aware
    value is converted); it fixes both the phase of the rule and the time of day.
    `each_period` (statutory weekly/monthly work, see `schedules.periods`) keeps a
    visit inside its ISO week or month when a holiday would move it out or skip it.
    `applied` is when the plan was set up: a first visit due earlier that same day (a
    programme applied at 17:09 for 09:00) moves to the next working day instead of
    silently passing, so the first visit is not one period late.

    `commissioned` is the day the asset's age counts from (whatever the catalog's `of`
    names); age bands are phased on its anniversaries, not on `starts`.
    `statutory_due` is the next legal date the ledger names (下次法定检验): a visit
    falls on it and none in the year before it, and the rule's grid continues from there; a
    holiday moves such a visit earlier, never past its legal date.
    """

    key: str
    rule: str
    starts: dt.datetime
    timezone: str = "Asia/Shanghai"
    duration: dt.timedelta = dt.timedelta(hours=1)
    tolerance_before: dt.timedelta = dt.timedelta(0)
    tolerance_after: dt.timedelta = dt.timedelta(0)
    holiday_policy: HolidayPolicy = HolidayPolicy.IGNORE
    ceiling_days: int | None = None
    anchor: Anchor = Anchor.FIXED
    tiers: tuple[Tier, ...] = ()
    seasons: tuple[SeasonWindow, ...] = ()
    age_bands: tuple[AgeBand, ...] = ()
    commissioned: dt.date | None = None
    statutory_due: dt.date | None = None
    ends: dt.datetime | None = None
    each_period: Period | None = None
    applied: dt.datetime | None = None
    parsed_rule: RecurrenceRule = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone(self.timezone)  # fail early on an unknown zone name
        object.__setattr__(self, "starts", to_wall(self.starts, self.timezone))
        if self.ends is not None:
            object.__setattr__(self, "ends", to_wall(self.ends, self.timezone))
        if self.applied is not None:
            object.__setattr__(self, "applied", to_wall(self.applied, self.timezone))
        object.__setattr__(self, "parsed_rule", parse_rule(self.rule))
        for band in self.age_bands:
            if band.rule:
                parse_rule(band.rule)
        if self.age_bands and self.commissioned is None:
            raise ValueError(f"plan {self.key}: age bands need the commissioning date")
        if self.tiers and self.tiers[0].rule:
            raise ValueError(f"plan {self.key}: the base tier follows the plan rule")
        for tier in self.tiers[1:]:
            parse_rule(tier.rule)
        if self.ceiling_days is not None and self.ceiling_days < 1:
            raise ValueError(f"plan {self.key}: ceiling must be at least one day")

    @property
    def time_of_day(self) -> dt.time:
        return self.starts.time()
