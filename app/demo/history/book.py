"""What recording the demo history looks up (built once per load) and the row shapes it writes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.demo.context import DemoContext
from app.demo.history.tables import AUTHORITY_CREW, CONTRACTOR_CREWS, OUTSIDE_CREW, SAFETY_MANAGER
from app.plans.models import Plan
from app.scheduling.generation import SiteContext
from app.scheduling.mapping import Unit
from app.workorders.checklist import Item, items_for
from app.workorders.completion import RecordRules, rules_for
from app.workorders.models import WorkOrder
from schedules import Occurrence


@dataclass
class Failure:
    """One failed item of a visit and how its repair went (decided when it failed)."""

    key: str
    repaired_at: datetime | None  # None: still open on the load day
    cause: str
    parts: str
    down: bool
    rng: random.Random


@dataclass
class Visit:
    row: dict[str, Any]
    completion: dict[str, Any] | None = None
    failure: Failure | None = None

    @property
    def key(self) -> tuple[int, datetime]:
        return self.row["plan_id"], self.row["slot"]


@dataclass
class Checklist:
    items: list[Item]
    rules: RecordRules


@dataclass
class Book:
    """What recording needs to look up, built once per load."""

    ctx: DemoContext
    context: SiteContext
    now: datetime
    plans: dict[int, Plan]
    rngs: dict[str, random.Random] = field(default_factory=dict)
    checklists: dict[tuple[int, tuple[str, ...]], Checklist] = field(default_factory=dict)
    # (asset, item) → until when a repair job raised for it stays open
    open_jobs: dict[tuple[int, str], datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.ctx.site.timezone)
        self.today = self.now.astimezone(self.tz).date()
        self.pool = self.context.site_pool()
        self.equipment = {e.id: e for e in self.ctx.equipment.values()}
        self.names = {u.id: u.name for u in self.ctx.users.values()}
        self.contractor_keys = {c.id: key for key, c in self.ctx.contractors.items()}
        self.contractor_names = {c.id: c.name for c in self.ctx.contractors.values()}
        self.safety_manager = self.ctx.users[SAFETY_MANAGER]

    def rng(self, asset_code: str) -> random.Random:
        if asset_code not in self.rngs:
            self.rngs[asset_code] = random.Random(asset_code)
        return self.rngs[asset_code]

    def member(self, team_id: int | None, rng: random.Random) -> int | None:
        members = self.pool.members_of(team_id) if team_id is not None else ()
        return rng.choice(members) if members else None

    def checklist(self, unit: Unit, occurrence: Occurrence) -> Checklist:
        """The items and record rules of a visit, asked of the completion code itself."""
        key = (unit.base.id or 0, occurrence.includes)
        if key not in self.checklists:
            probe = WorkOrder(
                includes=list(occurrence.includes),
                plan=self.plans[unit.base.id or 0],
                equipment=self.equipment.get(unit.base.equipment_id or 0),
            )
            self.checklists[key] = Checklist(items_for(probe), rules_for(probe))
        return self.checklists[key]

    def outside_crew(self, unit: Unit) -> tuple[str, ...] | None:
        """Names of the outside people who do the work, or None for our own staff."""
        base = unit.base
        contractor_id = base.contractor_id
        if contractor_id is None and base.performer == "licensed_contractor":
            equipment = self.equipment.get(base.equipment_id or 0)
            contractor_id = equipment.maintainer_contractor_id if equipment else None
        if contractor_id is not None:
            return CONTRACTOR_CREWS.get(self.contractor_keys.get(contractor_id, ""), OUTSIDE_CREW)
        if base.performer == "authority_inspection":
            return AUTHORITY_CREW
        if base.performer == "licensed_contractor":
            return OUTSIDE_CREW
        return None

    def maintenance_unit(self, unit: Unit) -> str:
        equipment = self.equipment.get(unit.base.equipment_id or 0)
        contractor_id = unit.base.contractor_id or (
            equipment.maintainer_contractor_id if equipment else None
        )
        return self.contractor_names.get(contractor_id or 0, "")


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def completion_row(
    completed_by: int,
    started: datetime,
    finished: datetime,
    *,
    crew: list[dict[str, Any]],
    signature: str,
) -> dict[str, Any]:
    """Every column of a completion row (a bulk insert names them all), signed at the finish."""
    return {
        "completed_by_id": completed_by,
        "started_at": started,
        "finished_at": finished,
        "late": False,
        "answers": [],
        "note": "",
        "crew": crew,
        "signature_name": signature,
        "signed_at": finished,
        "cause": "",
        "parts_used": "",
        "statutory": False,
        "maintenance_unit": "",
        "safety_manager_name": "",
        "safety_manager_signed_at": None,
        "report_number": "",
        "from_paper": False,
        "created_at": finished,
        "updated_at": finished,
        "version": 1,
    }
