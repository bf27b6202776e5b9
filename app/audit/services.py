"""Reading the audit log."""

from sqlalchemy import select

from app.audit.models import AuditEntry
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
