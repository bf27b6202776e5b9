"""The staff and teams API: CRUD, pagination, 404/409/422, and no secrets in responses."""

from collections.abc import Callable

from flask import Flask

from app.extensions import db
from app.people import services, teams, tokens
from app.sites.models import Site
from tests.sites.conftest import Api


def test_staff_responses_never_contain_password_or_token_hashes(
    app: Flask, api: Callable[[str], Api]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"], password="long-enough-1")
    tokens.issue_api_token(wang, "phone")
    db.session.commit()
    caller = api("supervisor")
    body = caller.get(f"/staff/{wang.id}").get_data(as_text=True)
    listing = caller.get("/staff").get_data(as_text=True)
    for text in (body, listing):
        assert "scrypt" not in text and "pbkdf2" not in text
        assert "password_hash" not in text and "token_hash" not in text
    assert caller.get(f"/staff/{wang.id}").get_json()["can_log_in"] is True


def test_staff_are_listed_page_by_page(app: Flask, api: Callable[[str], Api]) -> None:
    for n in range(4):
        services.create_user(f"u{n}", f"员工{n}", ["cleaner"])
    db.session.commit()
    page = api("viewer").get("/staff", per_page=2, page=3).get_json()
    assert page["total"] == 5 and len(page["items"]) == 1


def test_only_managers_create_staff_and_bad_fields_answer_422(api: Callable[[str], Api]) -> None:
    body = {"username": "wang", "name": "王建国", "roles": ["technician"]}
    assert api("technician").post("/staff", body).status_code == 403
    admin = api("admin")
    created = admin.post("/staff", {**body, "password": "long-enough-1"})
    assert created.status_code == 201
    assert created.get_json()["roles"] == ["technician"]
    again = admin.post("/staff", {**body, "phone": "call me"})
    assert again.status_code == 422
    assert set(again.get_json()["error"]["fields"]) == {"username", "phone"}


def test_an_unknown_role_is_refused_by_the_schema(api: Callable[[str], Api]) -> None:
    response = api("admin").post("/staff", {"username": "x", "name": "X", "roles": ["boss"]})
    assert response.status_code == 422
    assert "roles.0" in response.get_json()["error"]["fields"]


def test_patching_staff_deactivates_them_and_a_stale_patch_answers_409(
    app: Flask, api: Callable[[str], Api]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    admin = api("admin")
    ok = admin.patch(f"/staff/{wang.id}", {"version": 1, "active": False})
    assert ok.status_code == 200 and ok.get_json()["active"] is False
    stale = admin.patch(f"/staff/{wang.id}", {"version": 1, "name": "王建军"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["fields"]["version"] == 2


def test_a_missing_staff_member_answers_404(api: Callable[[str], Api]) -> None:
    assert api("viewer").get("/staff/999").status_code == 404
    assert api("admin").patch("/staff/999", {"version": 1}).status_code == 404


def test_licences_are_added_with_dates_and_impossible_dates_answer_422(
    app: Flask, api: Callable[[str], Api]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    admin = api("admin")
    bad = admin.post(
        f"/staff/{wang.id}/licences", {"kind": "electrician_lv", "expires_on": "2026-02-30"}
    )
    assert bad.status_code == 422 and "expires_on" in bad.get_json()["error"]["fields"]
    good = admin.post(
        f"/staff/{wang.id}/licences",
        {"kind": "electrician_lv", "number": "T1", "expires_on": "2028-02-29"},
    )
    assert good.status_code == 201
    licence = good.get_json()
    renewed = admin.patch(
        f"/staff/{wang.id}/licences/{licence['id']}", {"version": 1, "expires_on": "2034-02-28"}
    )
    assert renewed.get_json()["expires_on"] == "2034-02-28"
    staff = admin.get(f"/staff/{wang.id}").get_json()
    assert [item["number"] for item in staff["licences"]] == ["T1"]


def test_teams_are_created_patched_and_filtered_by_site(
    site: Site, api: Callable[[str], Api]
) -> None:
    admin = api("admin")
    created = admin.post(
        "/teams",
        {"site_id": site.id, "code": "SEC", "name": "秩序维护部", "kind": "security"},
    )
    assert created.status_code == 201
    team = created.get_json()
    patched = admin.patch(
        f"/teams/{team['id']}", {"version": 1, "shift_pattern": "four_team_three_shift"}
    )
    assert patched.get_json()["shift_pattern"] == "four_team_three_shift"
    assert admin.get("/teams", site_id=site.id).get_json()["total"] == 1
    assert admin.get("/teams", site_id=site.id + 1).get_json()["total"] == 0
    stale = admin.patch(f"/teams/{team['id']}", {"version": 1, "name": "保安部"})
    assert stale.status_code == 409


def test_an_unknown_shift_pattern_answers_422(site: Site, api: Callable[[str], Api]) -> None:
    response = api("admin").post(
        "/teams",
        {
            "site_id": site.id,
            "code": "SEC",
            "name": "秩序维护部",
            "kind": "security",
            "shift_pattern": "every_day",
        },
    )
    assert response.status_code == 422
    assert "shift_pattern" in response.get_json()["error"]["fields"]


def test_members_are_put_in_made_lead_and_taken_out(site: Site, api: Callable[[str], Api]) -> None:
    team = teams.create_team(site.id, "ENG", "工程部", "engineering")
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    admin = api("admin")
    url = f"/teams/{team.id}/members/{wang.id}"
    assert admin.put(url, {}).status_code == 201
    lead = admin.put(url, {"is_lead": True})
    assert lead.status_code == 200 and lead.get_json()["is_lead"] is True
    members = admin.get(f"/teams/{team.id}/members").get_json()
    assert [(m["name"], m["is_lead"]) for m in members] == [("王建国", True)]
    assert admin.delete(url).status_code == 204
    assert admin.get(f"/teams/{team.id}").get_json()["members"] == []
    assert admin.delete(url).status_code == 404


def test_a_team_of_a_missing_id_answers_404(api: Callable[[str], Api]) -> None:
    assert api("viewer").get("/teams/999").status_code == 404
