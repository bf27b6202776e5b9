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
from jsonschema import Draft202012Validator, validators

from app.api.errors import ApiError, handle_api_error, handle_stale_edit, handle_validation_error
from app.auth.permissions import requires
from app.core.bounds import MAX_DEPTH, MAX_INT, MIN_INT, structure_problem, whole_number
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


@bp.before_request
def _check_declared_query_integers() -> None:
    """A declared integer query parameter must be a whole number the database can hold."""
    op = REGISTRY.by_endpoint().get(request.endpoint or "")
    if op is None:
        return
    for name, kind, _description in op.query:
        raw = request.args.get(name)
        if kind == "integer" and raw is not None and whole_number(raw) is None:
            raise ApiError(
                422,
                "invalid",
                f"{name} must be a whole number from {MIN_INT} to {MAX_INT}",
                {name: raw[:40]},
            )


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

    def by_endpoint(self) -> dict[str, Operation]:
        return {op.endpoint: op for op in self.operations}


REGISTRY = Registry()

MAX_BODY_ITEMS = 10_000
"""Keys and list items in one request body, all levels together."""

PAGINATION_QUERY = (
    ("page", "integer", "Page number, from 1"),
    ("per_page", "integer", "Items per page, at most 200"),
)


def bound_integers(node: Any) -> Any:
    """Give every `integer` a range the database can store, unless it already has one,
    so 2**63 is a 422 from validation instead of an OverflowError in the driver."""
    if isinstance(node, dict):
        kinds = node.get("type")
        if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
            node.setdefault("minimum", MIN_INT)
            node.setdefault("maximum", MAX_INT)
        for value in node.values():
            bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            bound_integers(value)
    return node


def schema(name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Register a named component schema and return a $ref to it."""
    REGISTRY.schemas[name] = bound_integers(body)
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


def _is_whole_number(checker: Any, value: Any) -> bool:
    """JSON Schema counts 1.0 as an integer; the services expect a Python int."""
    return isinstance(value, int) and not isinstance(value, bool)


StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_whole_number),
)


def json_body(body_schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object, validated; 422 lists every bad field."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        payload = None
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    if structure_problem(payload, MAX_DEPTH + 2, MAX_BODY_ITEMS) is not None:
        raise ApiError(
            422, "invalid", f"the body is too large or nested deeper than {MAX_DEPTH + 2} levels"
        )
    resolved = _resolve(body_schema)
    validator = StrictValidator(resolved)
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        fields = {".".join(str(p) for p in e.path) or "_": e.message for e in errors}
        raise ApiError(422, "invalid", "some fields are invalid", fields)
    return payload
