"""Rosters and leave through /api/v1: what the roster pages show, for an integration."""

from collections.abc import Callable

from flask import Flask

from app.extensions import db
from app.people.models import Team, User
from tests.sites.conftest import Api


def test_the_roster_and_leave_operations_are_in_the_openapi_document(app: Flask) -> None:
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/teams/{team_id}/roster"]
    assert "get" in paths["/api/v1/sites/{site_id}/on-duty"]
    assert {"get", "post"} <= set(paths["/api/v1/staff/{user_id}/leave"])
    assert "delete" in paths["/api/v1/leave/{leave_id}"]


def test_a_team_roster_gives_each_persons_shift_per_day_with_holidays_marked(
    engineering: Team, technicians: list[User], api: Callable[[str], Api]
) -> None:
    db.session.commit()
    response = api("viewer").get(f"/teams/{engineering.id}/roster", start="2026-10-01")
    assert response.status_code == 200, response.get_data(as_text=True)
    roster = response.get_json()
    assert (roster["first_day"], roster["last_day"]) == ("2026-09-28", "2026-10-04")
    national_day = next(d for d in roster["days"] if d["day"] == "2026-10-01")
    assert national_day["holiday"] == "国庆节" and national_day["workday"] is False
    first_crew = technicians[0]
    shifts = [
        next(p["shift"] for p in day["people"] if p["user_id"] == first_crew.id)
        for day in roster["days"]
    ]
    assert shifts == ["early", "middle", "middle", "night", "night", None, None]


def test_on_duty_names_who_works_at_the_site_that_day_and_who_is_off(
    site_id_and_team: tuple[int, Team], technicians: list[User], api: Callable[[str], Api]
) -> None:
    site_id, engineering = site_id_and_team
    response = api("viewer").get(f"/sites/{site_id}/on-duty", day="2026-10-01")
    assert response.status_code == 200, response.get_data(as_text=True)
    (team,) = response.get_json()["teams"]
    assert team["name"] == engineering.name
    assert len(team["on_duty"]) == 6 and len(team["off"]) == 2  # four crews, three on shift
    assert {p["shift"] for p in team["on_duty"]} == {"early", "middle", "night"}


def test_leave_added_through_the_api_shows_on_the_roster_and_can_be_cancelled(
    engineering: Team, technicians: list[User], api: Callable[[str], Api]
) -> None:
    db.session.commit()
    person = technicians[0]
    supervisor = api("supervisor")
    created = supervisor.post(
        f"/staff/{person.id}/leave",
        {"starts_on": "2027-01-04", "ends_on": "2027-01-06", "kind": "annual", "note": "探亲"},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    leave = created.get_json()
    listed = supervisor.get(f"/staff/{person.id}/leave", **{"from": "2027-01-01"}).get_json()
    assert [entry["id"] for entry in listed] == [leave["id"]]
    roster = supervisor.get(f"/teams/{engineering.id}/roster", start="2027-01-05").get_json()
    monday = next(d for d in roster["days"] if d["day"] == "2027-01-04")
    assert next(p for p in monday["people"] if p["user_id"] == person.id)["on_leave"] is True

    stale = supervisor.call("DELETE", f"/leave/{leave['id']}", version=leave["version"] + 1)
    assert stale.status_code == 409
    gone = supervisor.call("DELETE", f"/leave/{leave['id']}", version=leave["version"])
    assert gone.status_code == 204
    assert supervisor.get(f"/staff/{person.id}/leave", **{"from": "2027-01-01"}).get_json() == []


def test_bad_leave_is_422_field_by_field_and_nothing_is_saved(
    technicians: list[User], api: Callable[[str], Api]
) -> None:
    db.session.commit()
    person = technicians[0]
    supervisor = api("supervisor")
    backwards = supervisor.post(
        f"/staff/{person.id}/leave",
        {"starts_on": "2027-01-06", "ends_on": "2027-01-04", "kind": "annual"},
    )
    assert backwards.status_code == 422
    assert "ends_on" in backwards.get_json()["error"]["fields"]
    impossible = supervisor.post(
        f"/staff/{person.id}/leave",
        {"starts_on": "2027-02-30", "ends_on": "2027-03-01", "kind": "sick"},
    )
    assert impossible.status_code == 422
    assert supervisor.get(f"/staff/{person.id}/leave").get_json() == []


def test_a_technician_reads_rosters_but_may_not_record_leave(
    technicians: list[User], api: Callable[[str], Api]
) -> None:
    db.session.commit()
    response = api("technician").post(
        f"/staff/{technicians[1].id}/leave",
        {"starts_on": "2027-01-04", "ends_on": "2027-01-04", "kind": "annual"},
    )
    assert response.status_code == 403


def test_unknown_teams_sites_and_leave_are_404_and_bad_days_422(
    engineering: Team, api: Callable[[str], Api]
) -> None:
    db.session.commit()
    viewer = api("viewer")
    assert viewer.get("/teams/999999/roster").status_code == 404
    assert viewer.get("/sites/999999/on-duty").status_code == 404
    assert api("supervisor").call("DELETE", "/leave/999999").status_code == 404
    assert viewer.get(f"/teams/{engineering.id}/roster", span="year").status_code == 422
    assert viewer.get(f"/teams/{engineering.id}/roster", start="2026-13-01").status_code == 422
