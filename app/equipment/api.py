"""JSON API for the ledger under /api/v1/equipment; the service does all validation.

Refusals propagate: the API blueprint answers a `ValidationError` with 422 and its
fields, and a `StaleEdit` (our `ConflictError`) with 409 naming who changed what.
"""

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from app.api.errors import ApiError, get_or_404
from app.api.pagination import page_schema, paginate
from app.api.spec import PAGINATION_QUERY, api_route, json_body, schema
from app.equipment import services
from app.equipment.models import Criticality, Equipment, EquipmentStatus
from app.equipment.services import (
    CATEGORY_LABELS,
    SORTS,
    EquipmentInput,
    LedgerFilter,
    ledger_query,
)

TAG = "equipment"

_DATE = {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD"}
_TEXT = {"type": "string"}
_ID = {"type": ["integer", "null"]}

_WRITABLE: dict[str, dict[str, Any]] = {
    "site_id": {"type": "integer", "description": "Site the equipment belongs to"},
    "asset_code": {"type": "string", "maxLength": 64, "description": "Unique within the site"},
    "name": {"type": "string", "maxLength": 200},
    "category": {"type": "string", "enum": list(CATEGORY_LABELS)},
    "type_key": {"type": ["string", "null"], "maxLength": 64, "description": "Catalog type"},
    "location_id": {**_ID, "description": "A location of the same site"},
    "manufacturer": _TEXT,
    "model": _TEXT,
    "serial_number": _TEXT,
    "installed_on": _DATE,
    "commissioned_on": _DATE,
    "warranty_until": _DATE,
    "status": {"type": "string", "enum": [s.value for s in EquipmentStatus]},
    "criticality": {"type": "string", "enum": [c.value for c in Criticality]},
    "maintainer_team_id": {**_ID, "description": "A team of the same site"},
    "maintainer_contractor_id": _ID,
    "registration_number": {
        "type": "string",
        "description": "Special equipment registration certificate no. (使用登记证号)",
    },
    "registration_code": {
        "type": "string",
        "pattern": "^([0-9]{20})?$",
        "description": "Special equipment registration code, 20 digits (注册代码)",
    },
    "next_inspection_on": {**_DATE, "description": "Next statutory inspection, YYYY-MM-DD"},
    "attributes": {
        "type": "object",
        "description": "Technical parameters; component_dates maps components to ISO dates",
    },
    "notes": _TEXT,
}

EQUIPMENT_SCHEMA = schema(
    "Equipment",
    {
        "type": "object",
        "required": ["id", "site_id", "asset_code", "name", "category", "status", "version"],
        "properties": {
            "id": {"type": "integer"},
            **_WRITABLE,
            "site_code": {"type": "string"},
            "location_path": {"type": ["string", "null"], "description": "e.g. 1号楼/B1/水泵房"},
            "version": {"type": "integer", "description": "Send it back with PATCH"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
)
CREATE_SCHEMA = schema(
    "EquipmentCreate",
    {
        "type": "object",
        "required": ["site_id", "asset_code", "name", "category"],
        "properties": _WRITABLE,
        "additionalProperties": False,
    },
)
PATCH_SCHEMA = schema(
    "EquipmentPatch",
    {
        "type": "object",
        "required": ["version"],
        "properties": {
            **_WRITABLE,
            "version": {"type": "integer", "description": "The version the change is based on"},
        },
        "additionalProperties": False,
    },
)
RETIRE_SCHEMA = schema(
    "EquipmentRetire",
    {
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": {"type": "integer"},
            "reason": {"type": "string", "description": "Appended to the notes"},
        },
        "additionalProperties": False,
    },
)
PAGE_SCHEMA = schema("EquipmentPage", page_schema(EQUIPMENT_SCHEMA))

LIST_QUERY = (
    *PAGINATION_QUERY,
    ("site_id", "integer", "Only this site (id)"),
    ("site", "string", "Only this site (code)"),
    ("category", "string", "Category key, e.g. elevator"),
    ("status", "string", "in_service, fault, standby, retired, or active (all but retired)"),
    ("q", "string", "Search asset code, name, model, serial and registration number"),
    ("sort", "string", f"One of {', '.join(SORTS)}; prefix - for descending"),
)


def serialize(eq: Equipment) -> dict[str, Any]:
    def day(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": eq.id,
        "site_id": eq.site_id,
        "site_code": eq.site.code,
        "asset_code": eq.asset_code,
        "name": eq.name,
        "category": eq.category,
        "type_key": eq.type_key,
        "location_id": eq.location_id,
        "location_path": eq.location.path if eq.location else None,
        "manufacturer": eq.manufacturer,
        "model": eq.model,
        "serial_number": eq.serial_number,
        "installed_on": day(eq.installed_on),
        "commissioned_on": day(eq.commissioned_on),
        "warranty_until": day(eq.warranty_until),
        "status": eq.status.value,
        "criticality": eq.criticality.value,
        "maintainer_team_id": eq.maintainer_team_id,
        "maintainer_contractor_id": eq.maintainer_contractor_id,
        "registration_number": eq.registration_number,
        "registration_code": eq.registration_code,
        "next_inspection_on": day(eq.next_inspection_on),
        "attributes": eq.attributes or {},
        "notes": eq.notes,
        "version": eq.version,
        "updated_at": eq.updated_at.isoformat(),
    }


def _get(equipment_id: int) -> Equipment:
    return get_or_404(Equipment, equipment_id, "equipment")


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise ApiError(400, "bad_request", f"{name} must be a whole number", {name: raw})
    return int(raw)


@api_route(
    "/equipment",
    "GET",
    summary="List the equipment ledger",
    tag=TAG,
    permission="ledger.view",
    response_schema=PAGE_SCHEMA,
    query=LIST_QUERY,
)
def list_equipment() -> ResponseReturnValue:
    flt = LedgerFilter(
        site_id=_int_arg("site_id"),
        site_code=request.args.get("site") or None,
        category=request.args.get("category") or None,
        status=request.args.get("status") or None,
        q=request.args.get("q") or None,
        sort=request.args.get("sort") or "code",
    )
    return jsonify(paginate(ledger_query(flt), serialize))


@api_route(
    "/equipment/<int:equipment_id>",
    "GET",
    summary="One piece of equipment",
    tag=TAG,
    permission="ledger.view",
    response_schema=EQUIPMENT_SCHEMA,
)
def get_equipment(equipment_id: int) -> ResponseReturnValue:
    return jsonify(serialize(_get(equipment_id)))


@api_route(
    "/equipment",
    "POST",
    summary="Add equipment to the ledger",
    tag=TAG,
    permission="ledger.edit",
    request_schema=CREATE_SCHEMA,
    response_schema=EQUIPMENT_SCHEMA,
    status=201,
)
def create_equipment() -> ResponseReturnValue:
    body = json_body(CREATE_SCHEMA)
    eq = services.create_equipment(EquipmentInput().updated(body))
    return jsonify(serialize(eq)), 201


@api_route(
    "/equipment/<int:equipment_id>",
    "PATCH",
    summary="Change some fields; send the version you read (stale → 409)",
    tag=TAG,
    permission="ledger.edit",
    request_schema=PATCH_SCHEMA,
    response_schema=EQUIPMENT_SCHEMA,
)
def update_equipment(equipment_id: int) -> ResponseReturnValue:
    eq = _get(equipment_id)
    body = json_body(PATCH_SCHEMA)
    version = body.pop("version")
    services.update_equipment(eq, EquipmentInput.from_equipment(eq).updated(body), version)
    return jsonify(serialize(eq))


@api_route(
    "/equipment/<int:equipment_id>/retire",
    "POST",
    summary="Retire (报废) equipment; the record is kept",
    tag=TAG,
    permission="ledger.edit",
    request_schema=RETIRE_SCHEMA,
    response_schema=EQUIPMENT_SCHEMA,
)
def retire_equipment(equipment_id: int) -> ResponseReturnValue:
    eq = _get(equipment_id)
    body = json_body(RETIRE_SCHEMA)
    services.retire_equipment(eq, body["version"], body.get("reason", ""))
    return jsonify(serialize(eq))
