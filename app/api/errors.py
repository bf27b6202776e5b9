"""API errors as `{"error": {"code", "message", "fields"}}` with the right 4xx status."""

from typing import Any, TypeVar

from flask import jsonify
from flask.typing import ResponseReturnValue

from app.audit.services import last_change
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db

M = TypeVar("M")


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def handle_api_error(exc: ApiError) -> ResponseReturnValue:
    body = {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}
    return jsonify(body), exc.status


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def get_or_404(model: type[M], ident: int, what: str) -> M:
    """The row with this id, or the API's 404 naming what was looked for."""
    row = db.session.get(model, ident)
    if row is None:
        raise not_found(what)
    return row


def conflict(entity: str, entity_id: int, current_version: int) -> ApiError:
    """409 naming who changed the record last and when, so the user can reconcile."""
    entry = last_change(entity, entity_id)
    if entry is None:
        message = "the record was changed by someone else"
    else:
        message = f"the record was changed by {entry.actor} at {entry.at.isoformat()}"
    return ApiError(
        409,
        "conflict",
        message,
        {
            "version": current_version,
            "changed_by": entry.actor if entry else None,
            "changed_at": entry.at.isoformat() if entry else None,
        },
    )


def handle_validation_error(exc: ValidationError) -> ResponseReturnValue:
    """A service refused the input: 422 with one English message per field."""
    fields = {name: str(msg) for name, msg in exc.fields.items()}
    return handle_api_error(ApiError(422, "invalid", "some fields are invalid", fields))


def handle_stale_edit(exc: StaleEdit) -> ResponseReturnValue:
    return handle_api_error(conflict(exc.entity, exc.entity_id, exc.version))
