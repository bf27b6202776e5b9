"""JSON API for applying catalog programmes: one asset, or many in one call, with a dry run.

The same service and permission (`plans.edit`) as the bulk apply page, so an
integration previews exactly what a supervisor would see (level start days and the
coverage check) and applies it in one transaction.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.errors import get_or_404
from app.api.spec import api_route, json_body, schema
from app.equipment.models import Equipment
from app.plans.access import check_all_yours
from app.plans.models import Plan
from app.plans.programmes.bulk import (
    MAX_ASSETS,
    BulkPreview,
    BulkRow,
    Scope,
    Selection,
    StartMode,
    apply_bulk,
    preview_bulk,
)
from app.plans.programmes.coverage import GapCause

_STARTS = {
    "type": "string",
    "enum": [m.value for m in StartMode],
    "description": "level (spread first visits over each plan's first period, default) or "
    "last_done (one period after the ledger's 上次保养 date where there is one)",
}
SELECTION = schema(
    "ProgrammeSelection",
    {
        "type": "object",
        "required": ["site_id"],
        "additionalProperties": False,
        "properties": {
            "site_id": {"type": "integer"},
            "scope": {
                "type": "string",
                "enum": [s.value for s in Scope],
                "description": "unplanned (every typed asset without catalog plans, default), "
                "category, location (with everything below it) or assets (equipment_ids)",
            },
            "category": {"type": "string", "maxLength": 32},
            "location_id": {"type": "integer"},
            "equipment_ids": {
                "type": "array",
                "items": {"type": "integer"},
                "maxItems": MAX_ASSETS,
            },
            "starts": _STARTS,
        },
    },
)
ONE_ASSET = schema(
    "ProgrammeStarts",
    {"type": "object", "additionalProperties": False, "properties": {"starts": _STARTS}},
)
_GAP = {
    "type": ["object", "null"],
    "description": "Why nobody would be assigned (null: covered)",
    "properties": {
        "cause": {"type": "string", "enum": [c.value for c in GapCause]},
        "team_id": {"type": ["integer", "null"]},
        "licence_kind": {"type": ["string", "null"]},
        "time_of_day": {"type": "string"},
    },
}
PREVIEW = schema(
    "ProgrammePreview",
    {
        "type": "object",
        "properties": {
            "site_id": {"type": "integer"},
            "assets": {"type": "integer"},
            "gaps": {"type": "integer", "description": "Plans whose work nobody would get"},
            "plans": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "equipment_id": {"type": "integer"},
                        "type_key": {"type": "string"},
                        "task_key": {"type": "string"},
                        "name": {"type": "string"},
                        "rrule": {"type": "string"},
                        "starts_on": {"type": "string", "format": "date"},
                        "from_last_done": {"type": "boolean"},
                        "team_id": {"type": ["integer", "null"]},
                        "contractor_id": {"type": ["integer", "null"]},
                        "gap": _GAP,
                    },
                },
            },
            "skipped": {"type": "array", "items": {"type": "object"}},
            "daily_load": {"type": "array", "items": {"type": "object"}},
        },
    },
)
APPLIED = schema(
    "ProgrammeApplied",
    {
        "type": "object",
        "properties": {
            "created": {"type": "integer"},
            "plan_ids": {"type": "array", "items": {"type": "integer"}},
        },
    },
)


def _selection(body: dict[str, Any]) -> Selection:
    return Selection(
        site_id=body["site_id"],
        scope=Scope(body.get("scope", Scope.UNPLANNED.value)),
        category=body.get("category"),
        location_id=body.get("location_id"),
        equipment_ids=tuple(body.get("equipment_ids", ())),
        starts=StartMode(body.get("starts", StartMode.LEVEL.value)),
    )


def _one(equipment_id: int, body: dict[str, Any]) -> Selection:
    equipment = get_or_404(Equipment, equipment_id, "equipment")
    return Selection(
        equipment.site_id,
        Scope.ASSETS,
        equipment_ids=(equipment.id,),
        starts=StartMode(body.get("starts", StartMode.LEVEL.value)),
    )


def _row_json(row: BulkRow) -> dict[str, Any]:
    unit, gap = row.proposal.unit, row.gap
    return {
        "equipment_id": row.equipment.id,
        "type_key": unit.type_key,
        "task_key": unit.task_key,
        "name": unit.names.zh,
        "rrule": unit.fields["rrule"],
        "starts_on": row.starts_on.isoformat(),
        "from_last_done": row.from_last_done,
        "team_id": row.proposal.team_id,
        "contractor_id": row.proposal.contractor_id if unit.contracted else None,
        "gap": None
        if gap is None
        else {
            "cause": gap.cause.value,
            "team_id": gap.team_id,
            "licence_kind": gap.licence_kind,
            "time_of_day": gap.time_of_day.strftime("%H:%M"),
        },
    }


def preview_json(preview: BulkPreview) -> dict[str, Any]:
    return {
        "site_id": preview.site.id,
        "assets": preview.asset_count,
        "gaps": len(preview.gaps),
        "plans": [_row_json(row) for row in preview.rows],
        "skipped": [
            {"equipment_id": s.equipment.id, "message": str(s.message)} for s in preview.skipped
        ],
        "daily_load": [{"date": d.isoformat(), "visits": n} for d, n in preview.daily_load],
    }


def _applied(plans: list[Plan]) -> ResponseReturnValue:
    return jsonify({"created": len(plans), "plan_ids": [p.id for p in plans]}), 201


@api_route(
    "/programmes/preview",
    "POST",
    summary="Dry run: the plans a bulk programme apply would create, start days, load, coverage",
    tag="programmes",
    permission="plans.edit",
    request_schema=SELECTION,
    response_schema=PREVIEW,
)
def preview_many() -> ResponseReturnValue:
    return jsonify(preview_json(preview_bulk(_selection(json_body(SELECTION)))))


@api_route(
    "/programmes/apply",
    "POST",
    summary="Apply catalog programmes to every selected asset at once (exactly the preview)",
    tag="programmes",
    permission="plans.edit",
    request_schema=SELECTION,
    response_schema=APPLIED,
    status=201,
)
def apply_many() -> ResponseReturnValue:
    return _applied(check_all_yours(current_user, apply_bulk(_selection(json_body(SELECTION)))))


@api_route(
    "/equipment/<int:equipment_id>/programme/preview",
    "POST",
    summary="Dry run: the plans applying this asset's catalog programme would create",
    tag="programmes",
    permission="plans.edit",
    request_schema=ONE_ASSET,
    response_schema=PREVIEW,
)
def preview_one(equipment_id: int) -> ResponseReturnValue:
    return jsonify(preview_json(preview_bulk(_one(equipment_id, json_body(ONE_ASSET)))))


@api_route(
    "/equipment/<int:equipment_id>/programme",
    "POST",
    summary="Apply this asset's catalog programme (tasks it already has are kept)",
    tag="programmes",
    permission="plans.edit",
    request_schema=ONE_ASSET,
    response_schema=APPLIED,
    status=201,
)
def apply_one(equipment_id: int) -> ResponseReturnValue:
    created = apply_bulk(_one(equipment_id, json_body(ONE_ASSET)))
    return _applied(check_all_yours(current_user, created))
