"""JSON API for the work board under /api/v1/work: every work order an integration may
see, filtered the way a supervisor filters the board (issue 14, API parity).

The same `board_query` serves the web board, so a filter means the same in both.
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue

from app.api.errors import ApiError
from app.api.pagination import paginate
from app.api.query import date_arg
from app.api.spec import PAGINATION_QUERY, api_route
from app.workorders import services
from app.workorders.api import PAGE_SCHEMA, TAG, serialize
from app.workorders.models import KIND_LABELS, STATUS_LABELS

STATES = ("open", "overdue", "finished", "all")

BOARD_QUERY = (
    *PAGINATION_QUERY,
    ("site_id", "integer", "Only this site"),
    ("plan_id", "integer", "Only this plan's visits"),
    ("equipment_id", "integer", "Only this equipment"),
    ("team_id", "integer", "Only this team"),
    ("assignee_id", "integer", "Only this person's work"),
    ("status", "string", "Comma-separated statuses: " + ", ".join(STATUS_LABELS)),
    ("state", "string", "open (default), overdue, finished or all"),
    ("kind", "string", "planned or corrective"),
    ("from", "string", "Due on or after this local day (YYYY-MM-DD)"),
    ("to", "string", "Due on or before this local day (YYYY-MM-DD)"),
)


def _choice(name: str, allowed: tuple[str, ...] | list[str], default: str | None) -> str | None:
    raw = request.args.get(name) or default
    if raw is not None and raw not in allowed:
        raise ApiError(
            422, "invalid", f"{name} must be one of " + ", ".join(allowed), {name: raw[:40]}
        )
    return raw


def _statuses() -> tuple[str, ...]:
    wanted = tuple(s for s in (request.args.get("status") or "").split(",") if s)
    unknown = [s for s in wanted if s not in STATUS_LABELS]
    if unknown:
        raise ApiError(
            422,
            "invalid",
            "status must be among " + ", ".join(STATUS_LABELS),
            {"status": unknown[0][:40]},
        )
    return wanted


def board_filter() -> services.BoardFilter:
    """The board's filter from the query string; a bad value is a 422 naming it."""
    first_day, last_day = date_arg("from"), date_arg("to")
    statuses = _statuses()
    # Exact statuses asked for are not narrowed to open work unless a state is given too.
    default_state = "all" if statuses else "open"
    if first_day and last_day and last_day < first_day:
        raise ApiError(422, "invalid", "to must not be before from", {"to": last_day.isoformat()})
    return services.BoardFilter(
        site_id=request.args.get("site_id", type=int),
        plan_id=request.args.get("plan_id", type=int),
        equipment_id=request.args.get("equipment_id", type=int),
        team_id=request.args.get("team_id", type=int),
        assignee_id=request.args.get("assignee_id", type=int),
        statuses=statuses,
        state=_choice("state", STATES, default_state) or default_state,
        kind=_choice("kind", list(KIND_LABELS), None),
        first_day=first_day,
        last_day=last_day,
    )


@api_route(
    "/work",
    "GET",
    summary="Work orders, filtered like the work board",
    tag=TAG,
    permission="work.view",
    response_schema=PAGE_SCHEMA,
    query=BOARD_QUERY,
)
def list_work() -> ResponseReturnValue:
    """Work orders by site, plan, equipment, team, assignee, status and due dates."""
    query = services.board_query(board_filter(), str(current_app.config["ROUNDS_TIMEZONE"]))
    return jsonify(paginate(query, serialize))
