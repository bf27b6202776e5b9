"""Declaring an endpoint once gives its route, permission, body validation and OpenAPI entry.

Domains call `api_route(...)` in their `api.py`; the OpenAPI 3.1 document at
/api/v1/openapi.json is built from the same declarations, so it cannot drift.
The route is also the endpoint's one commit point (as Indico's `RH.process`): an
endpoint calls its service and returns; `api_route` commits or rolls back.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Response, make_response, request
from jsonschema import Draft202012Validator

from app.api.errors import ApiError, handle_api_error, handle_stale_edit, handle_validation_error
from app.auth.permissions import requires
from app.core.validation import StaleEdit, ValidationError
from app.extensions import csrf, db

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ApiError, handle_api_error)
bp.register_error_handler(ValidationError, handle_validation_error)
bp.register_error_handler(StaleEdit, handle_stale_edit)
csrf.exempt(bp)


@bp.before_request
def _csrf_for_cookie_sessions() -> None:
    """Bearer calls cannot be forged by a browser; cookie-authenticated writes need CSRF."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    csrf.protect()


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    endpoint: str
    summary: str
    tag: str
    permission: str
    request_schema: dict[str, Any] | None
    response_schema: dict[str, Any] | None
    query: tuple[tuple[str, str, str], ...] = ()
    status: int = 200


@dataclass
class Registry:
    operations: list[Operation] = field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)


REGISTRY = Registry()

PAGINATION_QUERY = (
    ("page", "integer", "Page number, from 1"),
    ("per_page", "integer", "Items per page, at most 200"),
)


def schema(name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Register a named component schema and return a $ref to it."""
    REGISTRY.schemas[name] = body
    return {"$ref": f"#/components/schemas/{name}"}


def _openapi_path(rule: str) -> str:
    parts = []
    for segment in rule.split("/"):
        if segment.startswith("<") and segment.endswith(">"):
            segment = "{" + segment[1:-1].split(":")[-1] + "}"
        parts.append(segment)
    return "/".join(parts)


def committing(view: Callable[..., Any]) -> Callable[..., Response]:
    """Commit what the endpoint changed if it answered 2xx/3xx; roll it all back otherwise.

    An exception (a refused edit, a 404, a bug) rolls back before the error handlers
    answer, so a failed call never leaves half its changes in the session.
    """

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Response:
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    return run


def api_route(
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    permission: str,
    request_schema: dict[str, Any] | None = None,
    response_schema: dict[str, Any] | None = None,
    query: tuple[tuple[str, str, str], ...] = (),
    status: int = 200,
) -> Callable[[F], F]:
    def register(view: F) -> F:
        endpoint = f"{tag}_{view.__name__}"
        view.__doc__ = view.__doc__ or summary  # the summary is the endpoint's one-line docstring
        REGISTRY.operations.append(
            Operation(
                path=_openapi_path(bp.url_prefix + rule),  # type: ignore[operator]
                method=method.lower(),
                endpoint=f"api.{endpoint}",
                summary=summary,
                tag=tag,
                permission=permission,
                request_schema=request_schema,
                response_schema=response_schema,
                query=query,
                status=status,
            )
        )
        bp.add_url_rule(rule, endpoint, requires(permission)(committing(view)), methods=[method])
        return view

    return register


def _resolve(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    ref = ref_or_schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return REGISTRY.schemas[ref.rsplit("/", 1)[1]]
    return ref_or_schema


def json_body(body_schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object, validated; 422 lists every bad field."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    resolved = _resolve(body_schema)
    validator = Draft202012Validator(resolved)
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        fields = {".".join(str(p) for p in e.path) or "_": e.message for e in errors}
        raise ApiError(422, "invalid", "some fields are invalid", fields)
    return payload
