"""JSON API for contractors: thin endpoints over contractors.services."""

from typing import Any

from flask import url_for
from flask.typing import ResponseReturnValue

from app.api.errors import get_or_404
from app.api.pagination import page_schema, paginate
from app.api.spec import PAGINATION_QUERY, api_route, json_body, schema
from app.contractors import services
from app.contractors.models import Contractor
from app.core.validation import parse_iso_date

_DATE = {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD"}
_DATES = ("licence_expires_on", "contract_start", "contract_end")
_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 200},
    "qualification": {"type": "string", "maxLength": 200},
    "licence_number": {"type": "string", "maxLength": 100},
    "licence_expires_on": _DATE,
    "contact_name": {"type": "string", "maxLength": 100},
    "contact_phone": {"type": "string", "maxLength": 32},
    "contract_start": _DATE,
    "contract_end": _DATE,
    "scope": {"type": "string"},
}

CONTRACTOR = schema(
    "Contractor",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "version": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            **_FIELDS,
        },
    },
)
CONTRACTOR_CREATE = schema(
    "ContractorCreate",
    {"type": "object", "required": ["name"], "additionalProperties": False, "properties": _FIELDS},
)
CONTRACTOR_PATCH = schema(
    "ContractorPatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {"version": {"type": "integer"}, **_FIELDS},
    },
)


def contractor_json(contractor: Contractor) -> dict[str, Any]:
    return {
        "id": contractor.id,
        "version": contractor.version,
        "created_at": contractor.created_at.isoformat(),
        "updated_at": contractor.updated_at.isoformat(),
        **{
            name: (value.isoformat() if name in _DATES and value is not None else value)
            for name in _FIELDS
            for value in (getattr(contractor, name),)
        },
    }


def _contractor(contractor_id: int) -> Contractor:
    return get_or_404(Contractor, contractor_id, "contractor")


def _with_dates(body: dict[str, Any]) -> dict[str, Any]:
    """ISO date strings become dates; an impossible one (2026-02-30) answers 422."""
    return {k: parse_iso_date(k, v) if k in _DATES else v for k, v in body.items()}


@api_route(
    "/contractors",
    "GET",
    summary="List contractors",
    tag="contractors",
    permission="contractors.view",
    response_schema=page_schema(CONTRACTOR),
    query=PAGINATION_QUERY,
)
def list_contractors() -> ResponseReturnValue:
    return paginate(services.contractors_query(), contractor_json)


@api_route(
    "/contractors/<int:contractor_id>",
    "GET",
    summary="One contractor",
    tag="contractors",
    permission="contractors.view",
    response_schema=CONTRACTOR,
)
def get_contractor(contractor_id: int) -> ResponseReturnValue:
    return contractor_json(_contractor(contractor_id))


@api_route(
    "/contractors",
    "POST",
    summary="Create a contractor",
    tag="contractors",
    permission="contractors.edit",
    request_schema=CONTRACTOR_CREATE,
    response_schema=CONTRACTOR,
    status=201,
)
def create_contractor() -> ResponseReturnValue:
    contractor = services.create_contractor(**_with_dates(json_body(CONTRACTOR_CREATE)))
    location = url_for("api.contractors_get_contractor", contractor_id=contractor.id)
    return contractor_json(contractor), 201, {"Location": location}


@api_route(
    "/contractors/<int:contractor_id>",
    "PATCH",
    summary="Change a contractor (send the version you edited; null clears a date)",
    tag="contractors",
    permission="contractors.edit",
    request_schema=CONTRACTOR_PATCH,
    response_schema=CONTRACTOR,
)
def patch_contractor(contractor_id: int) -> ResponseReturnValue:
    contractor = _contractor(contractor_id)
    body = _with_dates(json_body(CONTRACTOR_PATCH))
    services.update_contractor(contractor, body.pop("version"), **body)
    return contractor_json(contractor)
