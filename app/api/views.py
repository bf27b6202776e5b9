"""API endpoints that belong to no single domain: the OpenAPI document and `me`."""

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.openapi import build_document
from app.api.spec import api_route, bp, schema
from app.auth.permissions import AUTHENTICATED, PUBLIC, requires

ME_SCHEMA = schema(
    "Me",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "username": {"type": "string"},
            "name": {"type": "string"},
            "roles": {"type": "array", "items": {"type": "string"}},
        },
    },
)


@bp.route("/openapi.json")
@requires(PUBLIC)
def openapi_document() -> ResponseReturnValue:
    """The API described for generated clients; paths carry /api/v1, the server does not."""
    return jsonify(build_document(request.url_root.rstrip("/")))


@api_route(
    "/me",
    "GET",
    summary="The logged-in user",
    tag="auth",
    permission=AUTHENTICATED,
    response_schema=ME_SCHEMA,
)
def me() -> ResponseReturnValue:
    return jsonify(
        {
            "id": current_user.id,
            "username": current_user.username,
            "name": current_user.name,
            "roles": sorted(current_user.roles),
        }
    )
