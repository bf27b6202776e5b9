"""Reading the audit log, and noting decisions the row changes alone do not explain."""

from typing import Any

from sqlalchemy import select

from app.audit.actor import current_actor
from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db


def history_of(entity: str, entity_id: int, limit: int = 50) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def last_change(entity: str, entity_id: int) -> AuditEntry | None:
    entries = history_of(entity, entity_id, limit=1)
    return entries[0] if entries else None


def note(entity: str, entity_id: int, action: str, changes: dict[str, Any]) -> AuditEntry:
    """Log a decision with its why (a stated reason, what it cost) next to the row's own
    before/after entry, by the current actor. Flushes, never commits."""
    actor = current_actor()
    entry = AuditEntry(
        at=clock.utcnow(),
        user_id=actor.user_id,
        actor=actor.label,
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=changes,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
