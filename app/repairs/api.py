"""JSON API for repair requests under /api/v1/repairs (front-desk systems, 400 hotlines)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.errors import not_found
from app.api.spec import api_route, json_body, schema
from app.core.validation import ValidationError
from app.repairs import services
from app.repairs.models import Channel, RepairRequest
from app.repairs.services import RepairInput, may_call_back
from app.workorders import files

TAG = "repairs"

REPAIR_SCHEMA = schema(
    "RepairRequest",
    {
        "type": "object",
        "required": ["reference", "work_order_id", "state", "status"],
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string", "description": "e.g. BX-7K3M-Q9TD-2WXA"},
            "site_id": {"type": "integer"},
            "equipment_id": {"type": ["integer", "null"]},
            "location_id": {"type": ["integer", "null"]},
            "place": {"type": "string"},
            "reporter_name": {"type": "string"},
            "reporter_phone": {
                "type": ["string", "null"],
                "description": "Only for roles that call residents back; null for others",
            },
            "description": {"type": "string"},
            "urgency": {"type": "string", "enum": list(services.URGENCIES)},
            "channel": {"type": "string"},
            "work_order_id": {"type": "integer", "description": "The corrective work order"},
            "status": {"type": "string", "description": "The work order's status"},
            "state": {"type": "string", "enum": list(services.PUBLIC_STATES)},
            "due_at": {"type": "string", "format": "date-time"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
)
CREATE_SCHEMA = schema(
    "RepairRequestCreate",
    {
        "type": "object",
        "required": ["site_id", "description", "reporter_name", "reporter_phone"],
        "properties": {
            "site_id": {"type": "integer"},
            "equipment_id": {"type": ["integer", "null"]},
            "asset_code": {"type": "string", "description": "Instead of equipment_id"},
            "location_id": {"type": ["integer", "null"]},
            "place": {"type": "string", "maxLength": 200, "description": "Where, in words"},
            "reporter_name": {"type": "string", "maxLength": 100},
            "reporter_phone": {"type": "string", "maxLength": 32},
            "description": {"type": "string", "maxLength": 2000},
            "urgency": {"type": "string", "enum": list(services.URGENCIES), "default": "normal"},
            "out_of_service": {"type": "boolean", "description": "Counts as downtime"},
            "photo": {
                "type": "object",
                "required": ["filename", "data_base64"],
                "properties": {
                    "filename": {"type": "string", "maxLength": 200},
                    "data_base64": {"type": "string"},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
)


def serialize(repair: RepairRequest) -> dict[str, Any]:
    job = repair.work_order
    return {
        "id": repair.id,
        "reference": repair.reference,
        "site_id": repair.site_id,
        "equipment_id": repair.equipment_id,
        "location_id": repair.location_id,
        "place": repair.place,
        "reporter_name": repair.reporter_name,
        "reporter_phone": repair.reporter_phone
        if may_call_back(current_user, repair.site_id)
        else None,
        "description": repair.description,
        "urgency": repair.urgency,
        "channel": repair.channel,
        "work_order_id": repair.work_order_id,
        "status": job.status,
        "state": services.public_state(job.status),
        "due_at": job.due_at.isoformat(),
        "created_at": repair.created_at.isoformat(),
    }


@api_route(
    "/repairs",
    "POST",
    summary="Record a repair request (报修); it becomes a corrective work order at once",
    tag=TAG,
    permission="repairs.create",
    request_schema=CREATE_SCHEMA,
    response_schema=REPAIR_SCHEMA,
    status=201,
)
def create_repair() -> ResponseReturnValue:
    body = json_body(CREATE_SCHEMA)
    photo = None
    if body.get("photo"):
        photo, problem = files.decode_base64(
            body["photo"]["filename"], body["photo"]["data_base64"]
        )
        if problem is not None:
            raise ValidationError({"photo": problem})
    data = RepairInput(
        site_id=body["site_id"],
        equipment_id=body.get("equipment_id"),
        asset_code=body.get("asset_code", ""),
        location_id=body.get("location_id"),
        place=body.get("place", ""),
        reporter_name=body["reporter_name"],
        reporter_phone=body["reporter_phone"],
        description=body["description"],
        urgency=body.get("urgency", "normal"),
        out_of_service=bool(body.get("out_of_service")),
        photo=photo,
    )
    repair = services.create_request(data, Channel.API, current_user)
    return jsonify(serialize(repair)), 201


@api_route(
    "/repairs/<reference>",
    "GET",
    summary="One repair request by its reference number",
    tag=TAG,
    permission="repairs.view",
    response_schema=REPAIR_SCHEMA,
)
def get_repair(reference: str) -> ResponseReturnValue:
    repair = services.find_by_reference(reference)
    if repair is None:
        raise not_found("repair request")
    return jsonify(serialize(repair))
