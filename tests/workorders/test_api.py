"""The work API: list, start, complete with answers, skip, reassign; 409 and 422 as documented."""

import base64
from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from app.extensions import db
from app.people.models import User
from app.workorders.models import WorkOrder
from tests.workorders.conftest import JPEG, NOW, Place, TokenClient

Api = Callable[[User], TokenClient]

ANSWERS = {
    "d01": {"value": 0.45},
    "d02": {"value": "12"},
    "d03": {"result": "pass"},
    "d04": {"result": "pass"},
    "d05": {"choice": "open"},
}


def test_every_work_endpoint_is_in_the_openapi_document_with_schemas(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    for path, method in [
        ("/api/v1/work/mine", "get"),
        ("/api/v1/work/{work_order_id}", "get"),
        ("/api/v1/work/{work_order_id}/start", "post"),
        ("/api/v1/work/{work_order_id}/complete", "post"),
        ("/api/v1/work/{work_order_id}/skip", "post"),
        ("/api/v1/work/{work_order_id}/reassign", "post"),
        ("/api/v1/repairs", "post"),
    ]:
        assert method in paths[path], path
    complete = paths["/api/v1/work/{work_order_id}/complete"]["post"]
    assert "requestBody" in complete
    assert "WorkOrderComplete" in str(complete["requestBody"])
    assert "WorkCompletion" in str(complete["responses"])


def test_a_technician_lists_their_work_by_section(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    late = make_work(due=NOW - timedelta(days=2), window_days=3, assignee=place.tech)
    today = make_work(due=NOW + timedelta(hours=2), assignee=place.tech)
    make_work(due=NOW + timedelta(hours=3), assignee=place.other_tech)
    api = api_for(place.tech)
    body = api.get("/api/v1/work/mine").get_json()
    assert [w["id"] for w in body["items"]] == [late.id, today.id]
    body = api.get("/api/v1/work/mine?when=overdue").get_json()
    assert [w["id"] for w in body["items"]] == [late.id] and body["items"][0]["overdue"] is False
    assert api.get("/api/v1/work/mine?when=someday").status_code == 400


def test_start_then_complete_with_answers_and_a_photo(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    row = make_work(assignee=place.tech)
    api = api_for(place.tech)
    detail = api.get(f"/api/v1/work/{row.id}").get_json()
    assert [i["key"] for i in detail["checklist"]][:2] == ["d01", "d02"]
    assert detail["checklist"][0]["max"] == 0.6
    started = api.post(f"/api/v1/work/{row.id}/start", {"version": detail["version"]})
    assert started.status_code == 200 and started.get_json()["status"] == "in_progress"
    photo = {"filename": "pump.jpg", "data_base64": base64.b64encode(JPEG).decode()}
    body = {
        "answers": {**ANSWERS, "d03": {"result": "fail", "note": "渗水"}},
        "signature_name": "王师傅",
        "photos": [photo],
    }
    response = api.post(f"/api/v1/work/{row.id}/complete", body)
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    assert record["status"] == "done" and len(record["corrective_work_order_ids"]) == 1
    assert len(record["attachment_ids"]) == 1


def test_a_second_completion_is_409_naming_who_was_first(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    row = make_work()
    first, second = api_for(place.tech), api_for(place.supervisor)
    body = {"answers": ANSWERS, "signature_name": "王师傅"}
    assert first.post(f"/api/v1/work/{row.id}/complete", body).status_code == 201
    response = second.post(f"/api/v1/work/{row.id}/complete", body)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict" and error["fields"]["changed_by"] == "wang"


def test_bad_answers_are_422_with_one_message_per_item(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    row = make_work(assignee=place.tech)
    api = api_for(place.tech)
    body = {
        "answers": {**ANSWERS, "d01": {"value": "高"}, "d04": {"result": "na"}},
        "signature_name": "",
    }
    response = api.post(f"/api/v1/work/{row.id}/complete", body)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"item__d01", "item__d04", "signature_name"}
    schema_error = api.post(
        f"/api/v1/work/{row.id}/complete", {"answers": {"d03": {"result": "maybe"}}}
    )
    assert schema_error.status_code == 422
    db.session.refresh(row)
    assert row.status == "assigned"


def test_skip_needs_a_reason_and_a_forbidden_transition_is_409(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    row = make_work(assignee=place.tech)
    api = api_for(place.tech)
    assert (
        api.post(f"/api/v1/work/{row.id}/skip", {"version": row.version, "reason": " "}).status_code
        == 422
    )
    response = api.post(f"/api/v1/work/{row.id}/skip", {"version": row.version, "reason": "停水"})
    assert response.status_code == 200 and response.get_json()["status"] == "skipped"
    again = api.post(f"/api/v1/work/{row.id}/start", {"version": response.get_json()["version"]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"


def test_only_leads_reassign_and_others_work_is_403(
    place: Place, make_work: Callable[..., WorkOrder], api_for: Api
) -> None:
    row = make_work(assignee=place.tech)
    assert api_for(place.other_tech).get(f"/api/v1/work/{row.id}").status_code == 403
    body = {
        "version": row.version,
        "assignee_id": place.other_tech.id,
        "team_id": place.other_team.id,
    }
    assert api_for(place.tech).post(f"/api/v1/work/{row.id}/reassign", body).status_code == 403
    response = api_for(place.supervisor).post(f"/api/v1/work/{row.id}/reassign", body)
    assert response.status_code == 200 and response.get_json()["assignee_id"] == place.other_tech.id
    stale = api_for(place.supervisor).post(f"/api/v1/work/{row.id}/reassign", body)
    assert stale.status_code == 409 and stale.get_json()["error"]["fields"]["changed_by"] == "chen"
