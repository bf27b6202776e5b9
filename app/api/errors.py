"""API errors as `{"error": {"code", "message", "fields"}}` with the right 4xx status."""

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from app.audit.services import last_change


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
