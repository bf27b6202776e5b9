"""Writes an audit entry for every flushed change to a model marked `__audited__`.

Hooking the session rather than each service means no code path can change a
record without leaving a trace.
"""

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from app.audit.actor import current_actor
from app.audit.models import AuditEntry
from app.core import clock

_IGNORED = frozenset({"version", "created_at", "updated_at"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: object) -> list[str]:
    excluded = getattr(obj, "__audit_exclude__", frozenset()) | _IGNORED
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in excluded]


def _changes(obj: object, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        if action == "create":
            value = getattr(obj, key)
            if value not in (None, "", {}, []):
                changes[key] = [None, _jsonable(value)]
        elif action == "delete":
            changes[key] = [_jsonable(getattr(obj, key)), None]
        else:
            history = state.attrs[key].history
            if history.has_changes():
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if before != after:
                    changes[key] = [_jsonable(before), _jsonable(after)]
    return changes


def _primary_key(obj: object) -> int:
    """The id of a row; new rows are not yet in the identity map during the flush."""
    state = inspect(obj)
    value = state.mapper.primary_key_from_instance(obj)[0]
    return int(value) if isinstance(value, int) else 0


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    actor = current_actor()
    rows: list[dict[str, Any]] = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": clock.utcnow(),
                    "user_id": actor.user_id,
                    "actor": actor.label,
                    "entity": obj.__tablename__,  # type: ignore[attr-defined]
                    "entity_id": _primary_key(obj),
                    "action": action,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def register_audit_listeners() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
