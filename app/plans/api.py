"""JSON API for plans: list, read, create custom plans, edit with a version, 12-month preview.

Thin over plans.services: the same validation as the web form, 422 per field,
409 naming who changed the plan when the version is stale.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.access.objects import may_edit
from app.api.errors import ApiError, get_or_404
from app.api.pagination import page_schema, paginate
from app.api.spec import PAGINATION_QUERY, api_route, json_body, schema
from app.core.validation import N_, ValidationError, parse_iso_date
from app.plans import services
from app.plans.access import check_still_yours
from app.plans.display import EngineLocale, engine_locale
from app.plans.models import AssignmentStrategy, Plan, PlanKind
from app.plans.recurrence import Preset, describe_rrule, preset_from_rrule
from app.scheduling.preview import PreviewVisit, preview_plan
from schedules import HolidayPolicy

MAX_PREVIEW_MONTHS = 36
_ID = {"type": ["integer", "null"]}
_WRITE_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "maxLength": services.NAME_MAX},
    "kind": {"type": "string", "enum": [k.value for k in PlanKind]},
    "equipment_id": _ID,
    "location_id": _ID,
    "preset": {
        "type": "string",
        "enum": [p.value for p in Preset],
        "description": "How often; the RRULE is built from the preset, never sent",
    },
    "interval": {"type": ["integer", "null"], "description": "N of every_n_days"},
    "weekdays": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 6},
        "description": "0 = Monday; for weekly and biweekly",
    },
    "month_day": {"type": ["integer", "null"], "description": "1..31, or -1 for the last day"},
    "nth": {"type": ["integer", "null"], "description": "1..4, or -1 for the last"},
    "weekday": {"type": ["integer", "null"], "minimum": 0, "maximum": 6},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": {"type": ["string", "null"], "format": "date"},
    "time_of_day": {"type": "string", "description": "HH:MM, site wall time"},
    "duration_minutes": {"type": "integer"},
    "holiday_policy": {"type": "string", "enum": [p.value for p in HolidayPolicy]},
    "team_id": _ID,
    "assignee_id": _ID,
    "contractor_id": _ID,
    "assignment_strategy": {"type": "string", "enum": [s.value for s in AssignmentStrategy]},
    "tolerance_before_days": {"type": "integer"},
    "tolerance_after_days": {"type": "integer"},
    "ceiling_days": {"type": ["integer", "null"]},
    "checklist": {"type": "array", "items": {"type": "string"}, "description": "Item texts"},
    "notes": {"type": "string"},
}
_RULE_FIELDS = ("preset", "interval", "weekdays", "month_day", "nth", "weekday")

PLAN = schema(
    "Plan",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "version": {"type": "integer"},
            "site_id": {"type": "integer"},
            **_WRITE_FIELDS,
            "rrule": {"type": "string"},
            "rule_text": {"type": "string", "description": "The rule in words"},
            "preset": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
            "anchor": {"type": "string", "enum": ["fixed", "completion"]},
            "tier_group": {"type": ["string", "null"]},
            "tier_level": {"type": ["integer", "null"]},
            "performer": {"type": "string"},
            "licence_kind": {"type": ["string", "null"]},
            "criticality": {"type": "string"},
            "legal_basis": {"type": "string"},
            "catalog": {"type": ["object", "null"]},
            "checklist": {"type": "array", "items": {"type": "object"}},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
)
PLAN_CREATE = schema(
    "PlanCreate",
    {
        "type": "object",
        "required": ["name", "site_id", "preset", "starts_on"],
        "additionalProperties": False,
        "properties": {"site_id": {"type": "integer"}, **_WRITE_FIELDS},
    },
)
PLAN_PATCH = schema(
    "PlanPatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {"version": {"type": "integer"}, **_WRITE_FIELDS},
        "description": "Fields left out keep their value; send the version you edited.",
    },
)
PREVIEW = schema(
    "PlanPreview",
    {
        "type": "object",
        "properties": {
            "plan_id": {"type": "integer"},
            "months": {"type": "integer"},
            "problems": {"type": "array", "items": {"type": "string"}},
            "items": {"type": "array", "items": {"type": "object"}},
        },
    },
)


def plan_json(plan: Plan) -> dict[str, Any]:
    preset = preset_from_rrule(plan.rrule)
    return {
        "id": plan.id,
        "version": plan.version,
        "site_id": plan.site_id,
        "name": plan.name,
        "kind": plan.kind,
        "equipment_id": plan.equipment_id,
        "location_id": plan.location_id,
        "rrule": plan.rrule,
        "rule_text": describe_rrule(plan.rrule, engine_locale()),
        "preset": preset.preset.value if preset else None,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat() if plan.ends_on else None,
        "time_of_day": plan.time_of_day.strftime("%H:%M"),
        "duration_minutes": plan.duration_minutes,
        "holiday_policy": plan.holiday_policy,
        "anchor": plan.anchor,
        "tolerance_before_days": plan.tolerance_before_days,
        "tolerance_after_days": plan.tolerance_after_days,
        "ceiling_days": plan.ceiling_days,
        "tier_group": plan.tier_group,
        "tier_level": plan.tier_level,
        "team_id": plan.team_id,
        "assignee_id": plan.assignee_id,
        "contractor_id": plan.contractor_id,
        "assignment_strategy": plan.assignment_strategy,
        "performer": plan.performer,
        "licence_kind": plan.licence_kind,
        "criticality": plan.criticality,
        "legal_basis": plan.legal_basis,
        "catalog": (
            {
                "type_key": plan.catalog_type_key,
                "task_key": plan.catalog_task_key,
                "version": plan.catalog_version,
            }
            if plan.catalog_task_key
            else None
        ),
        "checklist": plan.checklist,
        "notes": plan.notes,
        "active": plan.active,
        "updated_at": plan.updated_at.isoformat(),
    }


def _plan(plan_id: int) -> Plan:
    return get_or_404(Plan, plan_id, "plan")


def _time(value: str | None, current: time | None) -> time | None:
    if value is None:
        return current
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationError({"time_of_day": N_("Use a time like 09:30.")}) from None


def _input(body: dict[str, Any], base: services.PlanInput) -> services.PlanInput:
    """The body over `base`: what is left out keeps its value."""
    plain = {
        k: v
        for k, v in body.items()
        if k not in ("starts_on", "ends_on", "time_of_day", "weekdays", "checklist", "version")
    }
    data = replace(base, **plain)
    if "starts_on" in body:
        data.starts_on = parse_iso_date("starts_on", body["starts_on"])
    if "ends_on" in body:
        data.ends_on = parse_iso_date("ends_on", body["ends_on"])
    data.time_of_day = _time(body.get("time_of_day"), base.time_of_day)
    if "weekdays" in body:
        data.weekdays = tuple(body["weekdays"])
    if "checklist" in body:
        data.checklist = tuple(body["checklist"])
    return data


@api_route(
    "/plans",
    "GET",
    summary="List plans",
    tag="plans",
    permission="plans.view",
    response_schema=page_schema(PLAN),
    query=(
        *PAGINATION_QUERY,
        ("site_id", "integer", "Only this site"),
        ("kind", "string", "maintenance, inspection, patrol, cleaning, greening or custom"),
        ("team_id", "integer", "Only this team"),
        ("equipment_id", "integer", "Only this equipment"),
        ("location_id", "integer", "Only this location"),
        ("active", "string", "true (default), false or all"),
    ),
)
def list_plans() -> ResponseReturnValue:
    active_arg = request.args.get("active", "true")
    active = {"true": True, "false": False, "all": None}.get(active_arg, True)
    flt = services.PlanFilter(
        site_id=request.args.get("site_id", type=int),
        kind=request.args.get("kind") or None,
        team_id=request.args.get("team_id", type=int),
        equipment_id=request.args.get("equipment_id", type=int),
        location_id=request.args.get("location_id", type=int),
        active=active,
    )
    return jsonify(paginate(services.plans_query(flt), plan_json))


@api_route(
    "/plans/<int:plan_id>",
    "GET",
    summary="One plan",
    tag="plans",
    permission="plans.view",
    response_schema=PLAN,
)
def get_plan(plan_id: int) -> ResponseReturnValue:
    return jsonify(plan_json(_plan(plan_id)))


@api_route(
    "/plans",
    "POST",
    summary="Create a custom plan (the rule comes from a preset)",
    tag="plans",
    permission="plans.edit",
    request_schema=PLAN_CREATE,
    response_schema=PLAN,
    status=201,
)
def create_plan() -> ResponseReturnValue:
    body = json_body(PLAN_CREATE)
    defaults = services.PlanInput(name="", site_id=None, time_of_day=time(9, 0))
    plan = check_still_yours(current_user, services.create_custom_plan(_input(body, defaults)))
    headers = {"Location": url_for("api.plans_get_plan", plan_id=plan.id)}
    return jsonify(plan_json(plan)), 201, headers


@api_route(
    "/plans/<int:plan_id>",
    "PATCH",
    summary="Change a plan (send the version you edited; 409 if someone else changed it)",
    tag="plans",
    permission="plans.edit",
    request_schema=PLAN_PATCH,
    response_schema=PLAN,
)
def patch_plan(plan_id: int) -> ResponseReturnValue:
    plan = _plan(plan_id)
    if not may_edit(current_user, plan):
        raise ApiError(403, "forbidden", "this plan is another trade's, or statutory")
    body = json_body(PLAN_PATCH)
    base = services.input_from_plan(plan)
    if not any(name in body for name in _RULE_FIELDS):
        base.preset = None  # keep the stored rule, preset or not
    check_still_yours(current_user, services.update_plan(plan, _input(body, base), body["version"]))
    return jsonify(plan_json(plan))


@api_route(
    "/plans/<int:plan_id>/preview",
    "GET",
    summary="Dry run: the plan's occurrences over the next months, with holiday moves and reasons",
    tag="plans",
    permission="plans.view",
    response_schema=PREVIEW,
    query=(("months", "integer", "How far ahead, 1 to 36 (default 12)"),),
)
def preview(plan_id: int) -> ResponseReturnValue:
    plan = _plan(plan_id)
    months = request.args.get("months", 12, type=int)
    if not 1 <= months <= MAX_PREVIEW_MONTHS:
        raise ApiError(400, "bad_request", "months must be 1 to 36", {"months": months})
    result = preview_plan(plan, months=months)
    locale = engine_locale()
    return jsonify(
        {
            "plan_id": plan.id,
            "months": months,
            "problems": list(result.problems),
            "items": [visit_json(visit, locale) for visit in result.visits],
        }
    )


def visit_json(visit: PreviewVisit, locale: EngineLocale) -> dict[str, Any]:
    return {
        "slot": visit.slot.isoformat(),
        "due": visit.due.isoformat(),
        "window_start": visit.window_start.isoformat(),
        "window_end": visit.window_end.isoformat(),
        "skipped": visit.skipped,
        "moved": visit.moved,
        "tier_name": visit.tier_name,
        "assignee": visit.assignee,
        "team": visit.team,
        "unassigned": visit.unassigned,
        "reasons": [reason.to_json() for reason in visit.reasons],
        "reason_texts": visit.reason_texts(locale),
        "provisional_calendar": visit.provisional_calendar,
    }
