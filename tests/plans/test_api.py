"""The plans API: list and read, create a custom plan from a preset, edit with a version."""

from collections.abc import Callable

from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.plans.programmes import apply_programme
from app.sites.models import Site
from tests.sites.conftest import Api

NEW_PLAN = {
    "name": "水箱清洗消毒",
    "preset": "half_yearly",
    "starts_on": "2026-04-01",
    "time_of_day": "08:30",
    "holiday_policy": "next",
    "assignment_strategy": "least_loaded",
    "checklist": ["水质检测报告已存档"],
}


def test_a_supervisor_creates_a_custom_plan_and_reads_it_back_in_words(
    site: Site, engineering: Team, api: Callable[[str], Api]
) -> None:
    db.session.commit()
    caller = api("supervisor")
    created = caller.post("/plans", {**NEW_PLAN, "site_id": site.id, "team_id": engineering.id})
    assert created.status_code == 201, created.get_json()
    plan = created.get_json()
    assert plan["rrule"] == "FREQ=MONTHLY;INTERVAL=6"
    assert plan["preset"] == "half_yearly"
    assert plan["rule_text"] == "每半年"
    assert plan["time_of_day"] == "08:30"
    fetched = caller.get(f"/plans/{plan['id']}")
    assert fetched.get_json()["checklist"][0]["names"]["zh"] == "水质检测报告已存档"


def test_bad_fields_answer_422_naming_each_field(
    site: Site, engineering: Team, api: Callable[[str], Api]
) -> None:
    db.session.commit()
    body = {**NEW_PLAN, "site_id": site.id, "preset": "weekly", "ends_on": "2026-01-01"}
    response = api("supervisor").post("/plans", body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"weekdays", "ends_on", "team_id"}


def test_an_unreadable_time_answers_422_at_that_field(
    site: Site, engineering: Team, api: Callable[[str], Api]
) -> None:
    db.session.commit()
    body = {**NEW_PLAN, "site_id": site.id, "team_id": engineering.id, "time_of_day": "25:99"}
    response = api("supervisor").post("/plans", body)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["time_of_day"]


def test_a_patch_changes_only_what_it_sends_and_a_stale_one_answers_409(
    site: Site, engineering: Team, api: Callable[[str], Api]
) -> None:
    db.session.commit()
    caller = api("supervisor")
    plan = caller.post(
        "/plans", {**NEW_PLAN, "site_id": site.id, "team_id": engineering.id}
    ).get_json()
    patched = caller.patch(f"/plans/{plan['id']}", {"version": 1, "time_of_day": "14:00"})
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert (body["time_of_day"], body["rrule"], body["version"]) == (
        "14:00",
        "FREQ=MONTHLY;INTERVAL=6",
        2,
    )
    stale = caller.patch(f"/plans/{plan['id']}", {"version": 1, "name": "旧页面的改动"})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["fields"]["version"] == 2
    assert error["fields"]["changed_by"]
    assert caller.get(f"/plans/{plan['id']}").get_json()["name"] == NEW_PLAN["name"]


def test_a_catalog_plan_keeps_its_catalog_rule_when_only_the_time_changes(
    elevator: Equipment, api: Callable[[str], Api]
) -> None:
    plans = {p.catalog_task_key: p for p in apply_programme(elevator)}
    db.session.commit()
    governor = plans["governor_calibration"]
    caller = api("supervisor")
    response = caller.patch(f"/plans/{governor.id}", {"version": 1, "time_of_day": "13:00"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["rrule"] == "FREQ=YEARLY;INTERVAL=2"
    assert response.get_json()["catalog"]["task_key"] == "governor_calibration"
    own_items = caller.patch(f"/plans/{governor.id}", {"version": 2, "checklist": ["随便写"]})
    assert own_items.status_code == 422
    assert list(own_items.get_json()["error"]["fields"]) == ["checklist"]


def test_plans_are_listed_page_by_page_with_filters(
    elevator: Equipment, api: Callable[[str], Api]
) -> None:
    apply_programme(elevator)
    db.session.commit()
    caller = api("viewer")
    page = caller.get("/plans", equipment_id=elevator.id, per_page=3).get_json()
    assert page["total"] == 7 and len(page["items"]) == 3
    inspections = caller.get("/plans", kind="inspection").get_json()
    assert [p["catalog"]["task_key"] for p in inspections["items"]] == ["periodic_inspection"]


def test_a_missing_plan_answers_404_and_viewers_cannot_create_plans(
    site: Site, api: Callable[[str], Api]
) -> None:
    db.session.commit()
    viewer = api("viewer")
    assert viewer.get("/plans/999").status_code == 404
    assert viewer.post("/plans", {**NEW_PLAN, "site_id": site.id}).status_code == 403
