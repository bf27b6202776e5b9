"""Finds what is about to expire and records one notice each; safe to run any number of times."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.contractors.models import Contractor
from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db
from app.notices.models import Notice
from app.people.licences import expiring_licences
from app.vocab.licences import LICENCE_KINDS


@dataclass(frozen=True)
class Expiry:
    kind: str
    entity_id: int
    due_on: date
    subject: str
    site_id: int | None = None


def _licences(today: date, within_days: int) -> Iterable[Expiry]:
    for licence in expiring_licences(within_days, today):
        kind = LICENCE_KINDS.get(licence.kind)
        name = kind.zh if kind else licence.kind
        yield Expiry("licence", licence.id, licence.expires_on, f"{licence.user.name} · {name}")  # type: ignore[arg-type]


def _contractors(until: date) -> Iterable[Expiry]:
    stmt = select(Contractor).where(
        Contractor.licence_expires_on.is_not(None), Contractor.licence_expires_on <= until
    )
    for contractor in db.session.scalars(stmt):
        yield Expiry(
            "contractor_qualification",
            contractor.id,
            contractor.licence_expires_on,  # type: ignore[arg-type]
            f"{contractor.name} · {contractor.qualification or '资质'}",
        )


def _equipment(until: date) -> Iterable[Expiry]:
    active = Equipment.status != EquipmentStatus.RETIRED
    for column, kind in (
        (Equipment.warranty_until, "warranty"),
        (Equipment.next_inspection_on, "statutory_inspection"),
    ):
        stmt = select(Equipment).where(active, column.is_not(None), column <= until)
        for equipment in db.session.scalars(stmt):
            yield Expiry(
                kind,
                equipment.id,
                getattr(equipment, column.key),
                f"{equipment.asset_code} {equipment.name}",
                equipment.site_id,
            )


def record_expiry_notices(today: date, within_days: int = 60) -> int:
    """Create the missing notices for everything expiring within `within_days`; returns how many."""
    until = today + timedelta(days=within_days)
    existing = set(db.session.execute(select(Notice.kind, Notice.entity_id, Notice.due_on)).all())
    created = 0
    for expiry in (*_licences(today, within_days), *_contractors(until), *_equipment(until)):
        if (expiry.kind, expiry.entity_id, expiry.due_on) in existing:
            continue
        db.session.add(
            Notice(
                kind=expiry.kind,
                entity_id=expiry.entity_id,
                due_on=expiry.due_on,
                subject=expiry.subject,
                site_id=expiry.site_id,
            )
        )
        created += 1
    db.session.flush()
    return created


def open_notices(limit: int = 50) -> list[Notice]:
    stmt = select(Notice).where(Notice.dismissed_at.is_(None)).order_by(Notice.due_on).limit(limit)
    return list(db.session.scalars(stmt))
