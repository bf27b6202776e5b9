"""What the engine returns: one `Occurrence` per work order the app should store.

(plan key, `slot`) is the unique key of the work-order row: `slot` is the unshifted
rule instance and never changes when holidays or ceilings move `due`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from schedules.reasons import Reason


class Status(StrEnum):
    PLANNED = "planned"
    SKIPPED = "skipped"  # kept so the app can show why there is no visit


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One visit; all datetimes are timezone-aware in the plan's zone.

    `tier` is the tier key of the visit and `includes` the ordered tier keys whose
    checklist items it carries (the chain up to `tier`). `extra` marks a visit the
    ceiling inserted between rule instances; its `slot` is its own due time (nudged by
    whole seconds in the rare case a rule slot that was moved away has the same time).
    """

    slot: dt.datetime
    due: dt.datetime
    ends: dt.datetime
    window_start: dt.datetime
    window_end: dt.datetime
    status: Status = Status.PLANNED
    tier: str | None = None
    includes: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    extra: bool = False
    provisional_calendar: bool = False
    assignee: str | None = None
    team: str | None = None
    unassigned: bool = False  # an assigner ran and found nobody; see `reasons`

    @property
    def moved(self) -> bool:
        return self.due != self.slot
