"""Maintenance, inspection, patrol, cleaning and greening plans.

A plan is the rule; work orders are its rows. A plan made from the catalog
remembers the catalog type, task and version it came from, so catalog updates
never change it silently.

How `app.scheduling.mapping` reads a plan (the shapes follow the catalog's):

* ``rrule``: an RRULE without DTSTART, e.g. ``FREQ=DAILY;INTERVAL=15``; its phase and
  wall time come from ``starts_on`` + ``time_of_day`` in the site's time zone.
  A one-off visit is ``FREQ=DAILY;COUNT=1`` (or ``ends_on == starts_on``).
* ``anchor``: ``fixed`` (the catalog's ``schedule`` is accepted too) or ``completion``.
* ``holiday_policy``: ``ignore`` | ``skip`` | ``previous`` | ``next`` | ``nearest``.
* ``seasons``: ``[{"from": "04-01", "to": "05-31", "label": {"zh": "汛前", "en": "pre-flood"}}]``
  — visits only inside these month-day windows (``from`` after ``to`` wraps the new year;
  ``label`` is optional).
* ``age_bands``: ``[{"min_years": 0, "rrule": "FREQ=YEARLY"}, {"min_years": 15,
  "rrule": "FREQ=MONTHLY;INTERVAL=6"}]`` — from the equipment's commissioning date
  (``commissioned_on``, else ``installed_on``) on, the band's rule replaces ``rrule``.
* Tier groups: plans of one asset with the same ``tier_group`` are scheduled together;
  the lowest ``tier_level`` is the base whose rule and ``starts_on`` set the grid, the
  higher plans' rules (anchored at the base's start) upgrade the nearest base visit.
  Work orders are stored under the base plan with ``tier``/``includes`` = plan ids.
"""

from __future__ import annotations

import enum
from datetime import date, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.contractors.models import Contractor
from app.core.db import TimestampMixin, VersionedMixin
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, User
from app.sites.models import Location, Site


class PlanKind(enum.StrEnum):
    MAINTENANCE = "maintenance"
    INSPECTION = "inspection"
    PATROL = "patrol"
    CLEANING = "cleaning"
    GREENING = "greening"
    CUSTOM = "custom"


class AssignmentStrategy(enum.StrEnum):
    FIXED = "fixed"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


class Plan(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "plan"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    equipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default=PlanKind.MAINTENANCE.value)

    catalog_type_key: Mapped[str | None] = mapped_column(String(64))
    catalog_task_key: Mapped[str | None] = mapped_column(String(64))
    catalog_version: Mapped[str | None] = mapped_column(String(64))
    # Plans of one tier chain on one asset (TSG T5002 半月/季度/半年/年度) share a group;
    # the lowest level owns the work orders, higher levels replace its visits.
    tier_group: Mapped[str | None] = mapped_column(String(64))
    tier_level: Mapped[int | None]

    rrule: Mapped[str] = mapped_column(String(400))
    anchor: Mapped[str] = mapped_column(String(16), default="fixed")
    starts_on: Mapped[date]
    time_of_day: Mapped[time] = mapped_column(default=time(9, 0))
    ends_on: Mapped[date | None]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    tolerance_before_days: Mapped[int] = mapped_column(default=0)
    tolerance_after_days: Mapped[int] = mapped_column(default=0)
    ceiling_days: Mapped[int | None]
    holiday_policy: Mapped[str] = mapped_column(String(16), default="next")
    seasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    age_bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    performer: Mapped[str] = mapped_column(String(32), default="in_house")
    licence_kind: Mapped[str | None] = mapped_column(String(64))
    crew_size: Mapped[int] = mapped_column(default=1)
    criticality: Mapped[str] = mapped_column(String(16), default="optimal")
    legal_basis: Mapped[str] = mapped_column(String(200), default="")

    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractor.id", ondelete="SET NULL")
    )
    assignment_strategy: Mapped[str] = mapped_column(
        String(16), default=AssignmentStrategy.FIXED.value
    )
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    location: Mapped[Location | None] = relationship()
    team: Mapped[Team | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    contractor: Mapped[Contractor | None] = relationship()

    def __str__(self) -> str:
        return self.name
