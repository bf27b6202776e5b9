"""JSON API for sites and locations: thin endpoints over sites.services."""

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue

from app.api.errors import get_or_404
from app.api.pagination import page_schema, paginate
from app.api.spec import PAGINATION_QUERY, api_route, json_body, schema
from app.sites import services
from app.sites.models import SERVICE_LEVELS, Location, Site
from app.sites.queries import locations_of, sites_in_order
from app.vocab.location_kinds import LOCATION_KINDS

_SITE_FIELDS: dict[str, Any] = {
    "code": {"type": "string", "maxLength": services.CODE_MAX},
    "name": {"type": "string", "maxLength": services.NAME_MAX},
    "address": {"type": "string", "maxLength": 400},
    "timezone": {"type": "string", "description": "IANA time zone, e.g. Asia/Shanghai"},
    "service_level": {"type": "integer", "enum": list(SERVICE_LEVELS)},
}
_LOCATION_FIELDS: dict[str, Any] = {
    "code": {"type": "string", "maxLength": services.LOCATION_CODE_MAX},
    "name": {"type": "string", "maxLength": services.NAME_MAX, "description": "No “/”"},
    "kind": {"type": "string", "enum": list(LOCATION_KINDS)},
    "parent_id": {"type": ["integer", "null"], "description": "null = top level"},
    "sort_key": {"type": "string", "maxLength": 64},
}
_VERSION = {"version": {"type": "integer", "description": "The version you edited"}}
_STAMPS = {
    "id": {"type": "integer"},
    "version": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
}

SITE = schema("Site", {"type": "object", "properties": {**_STAMPS, **_SITE_FIELDS}})
SITE_CREATE = schema(
    "SiteCreate",
    {
        "type": "object",
        "required": ["code", "name"],
        "additionalProperties": False,
        "properties": _SITE_FIELDS,
    },
)
SITE_PATCH = schema(
    "SitePatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {**_VERSION, **_SITE_FIELDS},
    },
)
LOCATION = schema(
    "Location",
    {
        "type": "object",
        "properties": {
            **_STAMPS,
            **_LOCATION_FIELDS,
            "site_id": {"type": "integer"},
            "path": {"type": "string", "description": "Names from the top, e.g. 1号楼/B1/水泵房"},
        },
    },
)
LOCATION_CREATE = schema(
    "LocationCreate",
    {
        "type": "object",
        "required": ["code", "name", "kind"],
        "additionalProperties": False,
        "properties": _LOCATION_FIELDS,
    },
)
LOCATION_PATCH = schema(
    "LocationPatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {**_VERSION, **_LOCATION_FIELDS},
        "description": "A new parent_id moves the location with everything below it.",
    },
)


def _stamps(record: Site | Location) -> dict[str, Any]:
    return {
        "id": record.id,
        "version": record.version,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }


def site_json(site: Site) -> dict[str, Any]:
    return {
        **_stamps(site),
        "code": site.code,
        "name": site.name,
        "address": site.address,
        "timezone": site.timezone,
        "service_level": site.service_level,
    }


def location_json(location: Location, path: str | None = None) -> dict[str, Any]:
    return {
        **_stamps(location),
        "site_id": location.site_id,
        "parent_id": location.parent_id,
        "code": location.code,
        "name": location.name,
        "kind": location.kind,
        "sort_key": location.sort_key,
        "path": location.path if path is None else path,
    }


def _site(site_id: int) -> Site:
    return get_or_404(Site, site_id, "site")


def _location(location_id: int) -> Location:
    return get_or_404(Location, location_id, "location")


@api_route(
    "/sites",
    "GET",
    summary="List sites",
    tag="sites",
    permission="sites.view",
    response_schema=page_schema(SITE),
    query=PAGINATION_QUERY,
)
def list_sites() -> ResponseReturnValue:
    return jsonify(paginate(sites_in_order(), site_json))


@api_route(
    "/sites/<int:site_id>",
    "GET",
    summary="One site",
    tag="sites",
    permission="sites.view",
    response_schema=SITE,
)
def get_site(site_id: int) -> ResponseReturnValue:
    return jsonify(site_json(_site(site_id)))


@api_route(
    "/sites",
    "POST",
    summary="Create a site",
    tag="sites",
    permission="sites.edit",
    request_schema=SITE_CREATE,
    response_schema=SITE,
    status=201,
)
def create_site() -> ResponseReturnValue:
    body = json_body(SITE_CREATE)
    site = services.create_site(**body)
    headers = {"Location": url_for("api.sites_get_site", site_id=site.id)}
    return jsonify(site_json(site)), 201, headers


@api_route(
    "/sites/<int:site_id>",
    "PATCH",
    summary="Change a site (send the version you edited)",
    tag="sites",
    permission="sites.edit",
    request_schema=SITE_PATCH,
    response_schema=SITE,
)
def patch_site(site_id: int) -> ResponseReturnValue:
    site = _site(site_id)
    body = json_body(SITE_PATCH)
    services.update_site(site, body.pop("version"), **body)
    return jsonify(site_json(site))


@api_route(
    "/sites/<int:site_id>/locations",
    "GET",
    summary="A site's locations in tree order; `path` finds one by its exact path",
    tag="locations",
    permission="sites.view",
    response_schema=page_schema(LOCATION),
    query=(
        *PAGINATION_QUERY,
        ("path", "string", "Exact path such as 1号楼/B1/水泵房"),
        ("parent_id", "integer", "Only the children of this location"),
    ),
)
def list_locations(site_id: int) -> ResponseReturnValue:
    site = _site(site_id)
    path = request.args.get("path")
    only_id = None
    if path is not None:
        found = services.find_location_by_path(site, path)
        only_id = found.id if found else -1
    stmt = locations_of(site, only_id=only_id, parent_id=request.args.get("parent_id", type=int))
    paths = {loc.id: p for p, loc in services.location_paths(site).items()}
    return jsonify(paginate(stmt, lambda loc: location_json(loc, paths.get(loc.id))))


@api_route(
    "/sites/<int:site_id>/locations",
    "POST",
    summary="Add a location to a site",
    tag="locations",
    permission="sites.edit",
    request_schema=LOCATION_CREATE,
    response_schema=LOCATION,
    status=201,
)
def create_location(site_id: int) -> ResponseReturnValue:
    site = _site(site_id)
    body = json_body(LOCATION_CREATE)
    location = services.create_location(site, **body)
    headers = {"Location": url_for("api.locations_get_location", location_id=location.id)}
    return jsonify(location_json(location)), 201, headers


@api_route(
    "/locations/<int:location_id>",
    "GET",
    summary="One location",
    tag="locations",
    permission="sites.view",
    response_schema=LOCATION,
)
def get_location(location_id: int) -> ResponseReturnValue:
    return jsonify(location_json(_location(location_id)))


@api_route(
    "/locations/<int:location_id>",
    "PATCH",
    summary="Change or move a location (send the version you edited)",
    tag="locations",
    permission="sites.edit",
    request_schema=LOCATION_PATCH,
    response_schema=LOCATION,
)
def patch_location(location_id: int) -> ResponseReturnValue:
    location = _location(location_id)
    body = json_body(LOCATION_PATCH)
    services.update_location(location, body.pop("version"), **body)
    return jsonify(location_json(location))
