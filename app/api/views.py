"""API endpoints that belong to no single domain: the OpenAPI document and `me`."""

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.openapi import build_document
from app.api.spec import api_route, bp, schema
from app.auth.permissions import AUTHENTICATED, PUBLIC, requires
from app.people.site_role_api import SITE_ROLE, site_roles_json

ME_SCHEMA = schema(
    "Me",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "username": {"type": "string"},
            "name": {"type": "string"},
            "roles": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Every role held at some site; what a role allows is per site",
            },
            "site_roles": {"type": "array", "items": SITE_ROLE},
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
    """Who is calling, with the role held at each site, so a client can offer per site
    only what that site's role allows."""
    return jsonify(
        {
            "id": current_user.id,
            "username": current_user.username,
            "name": current_user.name,
            "roles": sorted(current_user.roles),
            "site_roles": site_roles_json(current_user)["items"],
        }
    )
