"""Builds the OpenAPI 3.1 document from the registered operations."""

from typing import Any

from app.api.spec import REGISTRY, Operation, bound_integers
from app.auth.permissions import PUBLIC
from app.core.bounds import MAX_ID

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object"},
            },
        }
    },
}


SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
"""A bearer token (integrations) or the browser's session cookie (plus CSRF for writes)."""


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _operation(op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        }
        for name in _path_params(op.path)
    ]
    parameters += [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": bound_integers({"type": kind}),
            "description": d,
        }
        for name, kind, d in op.query
    ]
    responses: dict[str, Any] = {
        str(op.status): {
            "description": "OK",
            **(
                {"content": {"application/json": {"schema": op.response_schema}}}
                if op.response_schema
                else {}
            ),
        },
        "401": _error("Not logged in, or the token is invalid"),
        "403": _error("The user's roles do not allow this"),
        "429": _error("Too many requests from this address; wait and retry"),
    }
    if parameters and any(p["in"] == "path" for p in parameters):
        responses["404"] = _error("Not found")
    if any(p["in"] == "query" for p in parameters):
        responses["400"] = _error("A query parameter could not be read")
        responses["422"] = _error("A query parameter is out of range")
    body: dict[str, Any] = {}
    if op.request_schema:
        body = {
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": op.request_schema}},
            }
        }
        responses["400"] = _error("The body is not a JSON object")
        responses["413"] = _error("The body is too large")
        responses["422"] = _error("Invalid fields")
        responses["409"] = _error("Stale version: someone else changed the record")
    return {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary,
        "tags": [op.tag],
        "x-permission": op.permission,
        "security": [] if op.permission == PUBLIC else SECURITY,
        "parameters": parameters,
        **body,
        "responses": responses,
    }


def _path_params(path: str) -> list[str]:
    return [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]


def build_document(server_url: str) -> dict[str, Any]:
    """`server_url` is the site root: every path already starts with /api/v1, so a client
    generated from this document calls server + path and reaches the real route."""
    paths: dict[str, dict[str, Any]] = {}
    for op in REGISTRY.operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rounds API",
            "version": "1",
            "description": "Maintenance and inspection scheduling for property management.",
        },
        "servers": [{"url": server_url}],
        "security": SECURITY,
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **REGISTRY.schemas},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
