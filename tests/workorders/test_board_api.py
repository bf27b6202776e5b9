"""GET /api/v1/work: an integration filters work orders as a supervisor filters the board."""

from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from app.people.models import User
from app.workorders.models import WorkOrder
from tests.workorders.conftest import NOW, Place, TokenClient, local

Api = Callable[[User], TokenClient]


def _ids(api: TokenClient, query: str) -> list[int]:
    response = api.get("/api/v1/work" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_the_work_list_is_in_the_openapi_document_with_every_filter(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/work"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "site_id", "plan_id", "equipment_id", "team_id", "assignee_id",
        "status", "state", "kind", "from", "to", "page", "per_page",
    } <= names  # fmt: skip


def test_a_supervisor_filters_work_by_assignee_team_and_equipment(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    mine = make_work(due=NOW + timedelta(hours=1), assignee=place.tech)
    theirs = make_work(
        due=NOW + timedelta(hours=2), assignee=place.other_tech, team=place.other_team
    )
    lift = make_work(due=NOW + timedelta(hours=3), equipment=place.elevator)
    api = api_for(place.supervisor)
    assert _ids(api, "") == [mine.id, theirs.id, lift.id]
    assert _ids(api, f"?assignee_id={place.tech.id}") == [mine.id]
    assert _ids(api, f"?team_id={place.other_team.id}") == [theirs.id]
    assert _ids(api, f"?equipment_id={place.elevator.id}") == [lift.id]
    assert _ids(api, f"?plan_id={place.pump_plan.id}&site_id={place.site.id}") == [
        mine.id, theirs.id, lift.id,
    ]  # fmt: skip


def test_status_and_dates_narrow_the_list_and_finished_work_shows_when_asked_for(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    done = make_work(due=local(2026, 3, 1), status="done")
    today = make_work(due=local(2026, 3, 2, 15))
    next_week = make_work(due=local(2026, 3, 9))
    api = api_for(place.supervisor)
    assert _ids(api, "?status=done") == [done.id]
    assert _ids(api, "?state=all") == [done.id, today.id, next_week.id]
    assert _ids(api, "?from=2026-03-02&to=2026-03-02") == [today.id]
    assert _ids(api, "?state=all&to=2026-03-02") == [done.id, today.id]
    assert _ids(api, "?from=2026-03-03") == [next_week.id]


def test_bad_filters_are_422_naming_the_parameter(place: Place, api_for: Api) -> None:
    api = api_for(place.supervisor)
    for query, name in [
        ("?status=done,finished_maybe", "status"),
        ("?state=sometime", "state"),
        ("?kind=urgent", "kind"),
        ("?from=2026-02-30", "from"),
        ("?from=2026-03-05&to=2026-03-01", "to"),
        ("?assignee_id=9223372036854775808", "assignee_id"),
    ]:
        response = api.get("/api/v1/work" + query)
        assert response.status_code == 422, (query, response.get_data(as_text=True))
        assert name in response.get_json()["error"]["fields"], query


def test_a_technician_may_not_list_the_whole_board(place: Place, api_for: Api) -> None:
    assert api_for(place.tech).get("/api/v1/work").status_code == 403
