"""JSON API for work under /api/v1/work: list one's work, start, complete, skip, reassign.

The services decide everything; refusals keep their meaning: a state that does not
allow the action or a second completion is 409, bad answers are 422 with one
message per field (`item__<key>` for checklist items), someone else's work is 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.access.objects import may_view
from app.api.errors import ApiError, get_or_404
from app.api.pagination import page_schema, paginate
from app.api.spec import PAGINATION_QUERY, api_route, json_body, schema
from app.core.validation import N_, Msg, ValidationError
from app.workorders import completion, files, services
from app.workorders.checklist import Item, RawAnswer, items_for
from app.workorders.completion import CompletionInput
from app.workorders.models import (
    KIND_LABELS,
    STATUS_LABELS,
    WorkCompletion,
    WorkOrder,
)
from app.workorders.services import NotYours, TransitionError

TAG = "work"

_TIME = {"type": ["string", "null"], "format": "date-time"}
_FILE = {
    "type": "object",
    "required": ["filename", "data_base64"],
    "properties": {
        "filename": {"type": "string", "maxLength": 200},
        "data_base64": {"type": "string", "description": "The file's bytes, base64"},
    },
    "additionalProperties": False,
}

WORK_ORDER_SCHEMA = schema(
    "WorkOrder",
    {
        "type": "object",
        "required": ["id", "kind", "title", "status", "due_at", "version"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(KIND_LABELS)},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUS_LABELS)},
            "overdue": {"type": "boolean"},
            "due_at": {"type": "string", "format": "date-time"},
            "window_start": {"type": "string", "format": "date-time"},
            "window_end": {"type": "string", "format": "date-time"},
            "site_id": {"type": "integer"},
            "equipment_id": {"type": ["integer", "null"]},
            "location_id": {"type": ["integer", "null"]},
            "plan_id": {"type": ["integer", "null"]},
            "assignee_id": {"type": ["integer", "null"]},
            "team_id": {"type": ["integer", "null"]},
            "contractor_id": {"type": ["integer", "null"]},
            "priority": {"type": ["string", "null"], "enum": ["urgent", "high", "normal", None]},
            "description": {"type": "string"},
            "skip_reason": {"type": "string"},
            "source_work_order_id": {"type": ["integer", "null"]},
            "source_item_key": {"type": ["string", "null"]},
            "completed_at": _TIME,
            "revision": {"type": "integer"},
            "version": {"type": "integer", "description": "Send it back with start/skip/reassign"},
        },
    },
)
ITEM_SCHEMA = schema(
    "ChecklistItem",
    {
        "type": "object",
        "required": ["key", "kind", "names"],
        "properties": {
            "key": {"type": "string"},
            "kind": {"type": "string", "enum": ["check", "reading", "choice", "text"]},
            "names": {"type": "object", "properties": {"zh": {}, "en": {}}},
            "unit": {"type": ["string", "null"]},
            "min": {"type": ["number", "null"]},
            "max": {"type": ["number", "null"]},
            "choices": {"type": "array", "items": {"type": "string"}},
            "photo_required": {"type": "boolean"},
            "key_item": {"type": "boolean", "description": "Cannot be left out"},
            "plan_id": {"type": ["integer", "null"]},
        },
    },
)
COMPLETION_SCHEMA = schema(
    "WorkCompletion",
    {
        "type": "object",
        "required": ["id", "work_order_id", "finished_at", "late", "answers"],
        "properties": {
            "id": {"type": "integer"},
            "work_order_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["done", "done_late"]},
            "started_at": _TIME,
            "finished_at": {"type": "string", "format": "date-time"},
            "late": {"type": "boolean"},
            "answers": {"type": "array", "items": {"type": "object"}},
            "crew": {"type": "array", "items": {"type": "object"}},
            "signature_name": {"type": "string"},
            "statutory": {"type": "boolean"},
            "corrective_work_order_ids": {"type": "array", "items": {"type": "integer"}},
            "attachment_ids": {"type": "array", "items": {"type": "integer"}},
        },
    },
)
DETAIL_SCHEMA = schema(
    "WorkOrderDetail",
    {
        "allOf": [
            WORK_ORDER_SCHEMA,
            {
                "type": "object",
                "properties": {
                    "checklist": {"type": "array", "items": ITEM_SCHEMA},
                    "needs": {
                        "type": "object",
                        "description": "What the completion must carry besides the answers",
                        "properties": {
                            "cause": {"type": "boolean"},
                            "report": {"type": "boolean"},
                            "maintenance_unit": {"type": "boolean"},
                            "min_crew": {"type": "integer"},
                        },
                    },
                    "completion": {"anyOf": [COMPLETION_SCHEMA, {"type": "null"}]},
                },
            },
        ]
    },
)
PAGE_SCHEMA = schema("WorkOrderPage", page_schema(WORK_ORDER_SCHEMA))
VERSION_SCHEMA = schema(
    "WorkOrderVersion",
    {
        "type": "object",
        "required": ["version"],
        "properties": {"version": {"type": "integer"}},
        "additionalProperties": False,
    },
)
SKIP_SCHEMA = schema(
    "WorkOrderSkip",
    {
        "type": "object",
        "required": ["version", "reason"],
        "properties": {
            "version": {"type": "integer"},
            "reason": {"type": "string", "maxLength": 500, "description": "Required"},
        },
        "additionalProperties": False,
    },
)
REASSIGN_SCHEMA = schema(
    "WorkOrderReassign",
    {
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": {"type": "integer"},
            "assignee_id": {"type": ["integer", "null"]},
            "team_id": {"type": ["integer", "null"], "description": "A team of the same site"},
        },
        "additionalProperties": False,
    },
)
ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "result": {"type": "string", "enum": ["pass", "fail", "na"], "description": "check"},
        "value": {"type": ["number", "string"], "description": "reading"},
        "choice": {"type": "string", "description": "choice: one of the item's keys"},
        "text": {"type": "string", "description": "text"},
        "note": {"type": "string", "maxLength": 500},
    },
    "additionalProperties": False,
}
COMPLETE_SCHEMA = schema(
    "WorkOrderComplete",
    {
        "type": "object",
        "required": ["signature_name"],
        "properties": {
            "answers": {
                "type": "object",
                "additionalProperties": ANSWER_SCHEMA,
                "description": "By item key",
            },
            "note": {"type": "string", "maxLength": 2000},
            "crew_user_ids": {"type": "array", "items": {"type": "integer"}},
            "crew_names": {"type": "array", "items": {"type": "string", "maxLength": 100}},
            "started_at": _TIME,
            "finished_at": {**_TIME, "description": "Default: now"},
            "signature_name": {"type": "string", "maxLength": 100},
            "signature_png": {"type": "string", "description": "data:image/png;base64,..."},
            "photos": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["filename", "data_base64"],
                    "properties": {
                        **_FILE["properties"],
                        "item_key": {"type": ["string", "null"]},
                    },
                    "additionalProperties": False,
                },
            },
            "cause": {"type": "string", "description": "Corrective work: what caused it"},
            "parts_used": {"type": "string"},
            "maintenance_unit": {"type": "string", "description": "Elevators: 维保单位"},
            "safety_manager_name": {"type": "string"},
            "safety_manager_signed": {"type": "boolean"},
            "report_number": {"type": "string"},
            "report_file": {**_FILE, "description": "Statutory tests: the report as PDF"},
        },
        "additionalProperties": False,
    },
)

MINE_QUERY = (
    *PAGINATION_QUERY,
    ("when", "string", "overdue, today, upcoming (next 7 days) or open (default)"),
)


def serialize(work_order: WorkOrder) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": work_order.id,
        "kind": work_order.kind,
        "title": work_order.title,
        "status": work_order.status,
        "overdue": services.is_overdue(work_order),
        "due_at": work_order.due_at.isoformat(),
        "window_start": work_order.window_start.isoformat(),
        "window_end": work_order.window_end.isoformat(),
        "site_id": work_order.site_id,
        "equipment_id": work_order.equipment_id,
        "location_id": work_order.location_id,
        "plan_id": work_order.plan_id,
        "assignee_id": work_order.assignee_id,
        "team_id": work_order.team_id,
        "contractor_id": work_order.contractor_id,
        "priority": work_order.priority,
        "description": work_order.description or "",
        "skip_reason": work_order.skip_reason or "",
        "source_work_order_id": work_order.source_work_order_id,
        "source_item_key": work_order.source_item_key,
        "completed_at": iso(work_order.completed_at),
        "revision": work_order.revision,
        "version": work_order.version,
    }


def _item(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind,
        "names": dict(item.names),
        "unit": item.unit,
        "min": item.min,
        "max": item.max,
        "choices": [key for key, _names in item.choices],
        "photo_required": item.photo_required,
        "key_item": item.key_item,
        "plan_id": item.plan_id,
    }


def serialize_completion(record: WorkCompletion) -> dict[str, Any]:
    return {
        "id": record.id,
        "work_order_id": record.work_order_id,
        "status": record.work_order.status,
        "started_at": record.started_at.isoformat() if record.started_at else None,
        "finished_at": record.finished_at.isoformat(),
        "late": record.late,
        "answers": record.answers,
        "crew": record.crew,
        "signature_name": record.signature_name,
        "statutory": record.statutory,
        "corrective_work_order_ids": sorted(
            {a["corrective_id"] for a in record.answers if a.get("corrective_id")}
        ),
        "attachment_ids": [a.id for a in record.attachments],
    }


def _get(work_order_id: int) -> WorkOrder:
    work_order = get_or_404(WorkOrder, work_order_id, "work order")
    if not may_view(current_user, work_order):
        raise ApiError(403, "forbidden", "this work order is not yours or your team's")
    return work_order


@contextmanager
def _refusals() -> Iterator[None]:
    """A refused state change as 409, someone else's work as 403 (`api_route` rolls back)."""
    try:
        yield
    except TransitionError as exc:
        raise ApiError(409, "invalid_transition", str(exc), {"status": exc.status}) from None
    except NotYours:
        raise ApiError(403, "forbidden", "this work order is not yours or your team's") from None


def _tz() -> str:
    return str(current_app.config["ROUNDS_TIMEZONE"])


@api_route(
    "/work/mine",
    "GET",
    summary="My work and my teams' unassigned work",
    tag=TAG,
    permission="work.own",
    response_schema=PAGE_SCHEMA,
    query=MINE_QUERY,
)
def list_mine() -> ResponseReturnValue:
    when = request.args.get("when") or "open"
    if when not in services.SECTIONS:
        raise ApiError(400, "bad_request", "when must be one of " + ", ".join(services.SECTIONS))
    return jsonify(paginate(services.my_work_query(current_user, when, _tz()), serialize))


@api_route(
    "/work/<int:work_order_id>",
    "GET",
    summary="One work order with its checklist (the union of its tiers' items)",
    tag=TAG,
    permission="work.own",
    response_schema=DETAIL_SCHEMA,
)
def get_work_order(work_order_id: int) -> ResponseReturnValue:
    work_order = _get(work_order_id)
    rules = completion.rules_for(work_order)
    body = serialize(work_order)
    body["checklist"] = [_item(item) for item in items_for(work_order)]
    body["needs"] = {
        "cause": rules.corrective,
        "report": rules.needs_report,
        "maintenance_unit": rules.elevator,
        "min_crew": rules.min_crew,
    }
    record = work_order.completion
    body["completion"] = serialize_completion(record) if record else None
    return jsonify(body)


@api_route(
    "/work/<int:work_order_id>/start",
    "POST",
    summary="Start the work (on site now)",
    tag=TAG,
    permission="work.own",
    request_schema=VERSION_SCHEMA,
    response_schema=WORK_ORDER_SCHEMA,
)
def start(work_order_id: int) -> ResponseReturnValue:
    work_order = _get(work_order_id)
    body = json_body(VERSION_SCHEMA)
    with _refusals():
        services.start(work_order, current_user, body["version"])
    return jsonify(serialize(work_order))


@api_route(
    "/work/<int:work_order_id>/skip",
    "POST",
    summary="Skip the work; the reason is required",
    tag=TAG,
    permission="work.own",
    request_schema=SKIP_SCHEMA,
    response_schema=WORK_ORDER_SCHEMA,
)
def skip(work_order_id: int) -> ResponseReturnValue:
    work_order = _get(work_order_id)
    body = json_body(SKIP_SCHEMA)
    with _refusals():
        services.skip(work_order, current_user, body["version"], body["reason"])
    return jsonify(serialize(work_order))


@api_route(
    "/work/<int:work_order_id>/reassign",
    "POST",
    summary="Give the work to another person and/or team (supervisors and leads)",
    tag=TAG,
    permission="work.manage",
    request_schema=REASSIGN_SCHEMA,
    response_schema=WORK_ORDER_SCHEMA,
)
def reassign(work_order_id: int) -> ResponseReturnValue:
    work_order = _get(work_order_id)
    body = json_body(REASSIGN_SCHEMA)
    with _refusals():
        services.reassign(
            work_order,
            current_user,
            body["version"],
            body.get("assignee_id"),
            body.get("team_id"),
        )
    return jsonify(serialize(work_order))


def _when(body: dict[str, Any], name: str, tz: ZoneInfo) -> datetime | None:
    raw = body.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: N_("Use a time like 2026-03-02T09:30:00+08:00.")}) from None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def completion_input(body: dict[str, Any], tz: ZoneInfo) -> CompletionInput:
    """The JSON body as the service's input; base64 files decoded (bad base64 is 422)."""
    problems: dict[str, Msg] = {}
    photos = []
    for index, photo in enumerate(body.get("photos") or ()):
        upload, problem = files.decode_base64(photo["filename"], photo["data_base64"])
        if problem is not None:
            problems[f"photos.{index}"] = problem
        elif upload is not None:
            photos.append((photo.get("item_key"), upload))
    report = None
    if body.get("report_file"):
        report, problem = files.decode_base64(
            body["report_file"]["filename"], body["report_file"]["data_base64"]
        )
        if problem is not None:
            problems["report_file"] = problem
    if problems:
        raise ValidationError(problems)
    answers = {
        key: RawAnswer(
            result=str(a.get("result", "")),
            value=str(a.get("value", "")),
            choice=str(a.get("choice", "")),
            text=str(a.get("text", "")),
            note=str(a.get("note", "")),
        )
        for key, a in (body.get("answers") or {}).items()
    }
    return CompletionInput(
        answers=answers,
        note=body.get("note", ""),
        crew_user_ids=list(body.get("crew_user_ids") or ()),
        crew_names=list(body.get("crew_names") or ()),
        started_at=_when(body, "started_at", tz),
        finished_at=_when(body, "finished_at", tz),
        signature_name=body.get("signature_name", ""),
        signature_data_url=body.get("signature_png", ""),
        photos=photos,
        cause=body.get("cause", ""),
        parts_used=body.get("parts_used", ""),
        maintenance_unit=body.get("maintenance_unit", ""),
        safety_manager_name=body.get("safety_manager_name", ""),
        safety_manager_signed=bool(body.get("safety_manager_signed")),
        report_number=body.get("report_number", ""),
        report_file=report,
    )


@api_route(
    "/work/<int:work_order_id>/complete",
    "POST",
    summary="Record the work as done with its answers (a second completion is 409)",
    tag=TAG,
    permission="work.own",
    request_schema=COMPLETE_SCHEMA,
    response_schema=COMPLETION_SCHEMA,
    status=201,
)
def complete(work_order_id: int) -> ResponseReturnValue:
    work_order = _get(work_order_id)
    body = json_body(COMPLETE_SCHEMA)
    data = completion_input(body, ZoneInfo(work_order.site.timezone))
    with _refusals():
        record = completion.complete(work_order, current_user, data)
    return jsonify(serialize_completion(record)), 201
