"""Teams and staff pages: who sees what, expiry colours, errors in place, stale edits."""

import re
from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.audit.actor import Actor, acting_as
from app.extensions import db
from app.people import licences, services, teams
from app.people.login import authenticate
from app.people.models import Team, User
from app.sites.models import Site

TODAY = date(2026, 3, 2)


def _team_with_lead(site: Site) -> tuple[Team, User, User]:
    team = teams.create_team(site.id, "ENG", "工程部", "engineering", "three_shift")
    lead = services.create_user("zhang", "张班长", ["technician"], phone="138 0013 8000")
    member = services.create_user("li", "李师傅", ["technician"])
    teams.add_membership(team, member)
    teams.add_membership(team, lead, is_lead=True)
    db.session.commit()
    return team, lead, member


def _field_error(html: str, field: str) -> str:
    match = re.search(
        rf'name="{field}"[^>]*>(?:(?!<input|<select|<textarea).)*?'
        r'<div class="invalid-feedback[^"]*"[^>]*>\s*(.*?)\s*</div>',
        html,
        re.S,
    )
    return match.group(1) if match else ""


def test_a_cleaning_lead_sees_teams_with_members_and_the_lead_first(
    site: Site, login: Callable[[str], FlaskClient]
) -> None:
    _team_with_lead(site)
    html = login("cleaning_lead").get("/people/teams").get_data(as_text=True)
    assert "工程部" in html and "华苑小区" in html
    assert html.index("张班长") < html.index("李师傅")
    assert "/people/teams/new" not in html


def test_technicians_may_not_see_the_staff_pages(login: Callable[[str], FlaskClient]) -> None:
    client = login("technician")
    assert client.get("/people/teams").status_code == 403
    assert client.get("/people/staff").status_code == 403


def test_the_staff_list_colours_expired_licences_red_and_soon_ones_amber(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    licences.add_licence(wang, "electrician_lv", "A", TODAY - timedelta(days=1))
    licences.add_licence(wang, "work_at_height", "B", TODAY + timedelta(days=59))
    licences.add_licence(wang, "welding", "C", TODAY + timedelta(days=60))
    db.session.commit()
    html = login("viewer").get("/people/staff").get_data(as_text=True)
    assert re.search(r"text-bg-danger expiry-expired[^>]*>\s*2026-03-01", html)
    assert re.search(r"text-bg-warning expiry-soon[^>]*>\s*2026-04-30", html)
    assert "2026-05-01" in html
    assert not re.search(r"expiry-[a-z]+[^>]*>\s*2026-05-01", html)


def test_the_staff_list_shows_roles_and_teams(
    site: Site, login: Callable[[str], FlaskClient]
) -> None:
    _team_with_lead(site)
    client = login("supervisor")
    client.post("/lang/en", data={"next": "/"})
    html = client.get("/people/staff").get_data(as_text=True)
    assert "Technician" in html and "工程部 (Lead)" in html


def test_deactivated_staff_are_hidden_unless_asked_for(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    leaver = services.create_user("gone", "离职员工", ["cleaner"])
    services.deactivate_user(leaver, leaver.version)
    db.session.commit()
    client = login("viewer")
    assert "离职员工" not in client.get("/people/staff").get_data(as_text=True)
    assert "离职员工" in client.get("/people/staff?inactive=1").get_data(as_text=True)


def test_an_admin_edits_roles_and_a_bad_phone_is_shown_next_to_the_field(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    client = login("admin")
    client.post("/lang/en", data={"next": "/"})
    form = {"version": 1, "name": "王建国", "phone": "call me", "roles": ["technician"]}
    response = client.post(f"/people/staff/{wang.id}/edit", data={**form, "active": "y"})
    assert response.status_code == 422
    assert "digits" in _field_error(response.get_data(as_text=True), "phone")
    form["phone"] = "021-6123 4567"
    response = client.post(
        f"/people/staff/{wang.id}/edit", data={**form, "roles": ["supervisor"], "active": "y"}
    )
    assert response.status_code == 302
    assert wang.roles == {"supervisor"} and wang.phone == "021-6123 4567"


def test_a_stale_staff_edit_names_who_changed_it(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    with acting_as(Actor(None, "李主管")):
        services.update_user(wang, 1, phone="139 0000 0000")
        db.session.commit()
    response = login("admin").post(
        f"/people/staff/{wang.id}/edit",
        data={"version": 1, "name": "王建军", "roles": ["technician"], "active": "y"},
    )
    assert response.status_code == 409
    assert "李主管" in response.get_data(as_text=True)
    assert wang.name == "王建国"


def test_an_admin_adds_a_licence_and_a_bad_date_order_is_refused(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    client = login("admin")
    bad = client.post(
        f"/people/staff/{wang.id}/licences/new",
        data={"kind": "electrician_lv", "issued_on": "2026-01-01", "expires_on": "2025-01-01"},
    )
    assert bad.status_code == 422
    assert _field_error(bad.get_data(as_text=True), "expires_on")
    good = client.post(
        f"/people/staff/{wang.id}/licences/new",
        data={"kind": "electrician_lv", "number": "T123", "expires_on": "2030-01-01"},
    )
    assert good.status_code == 302
    assert [licence.number for licence in wang.licences] == ["T123"]


def test_an_admin_creates_a_team_and_makes_a_member_lead(
    site: Site, login: Callable[[str], FlaskClient]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    client = login("admin")
    response = client.post(
        "/people/teams/new",
        data={"site_id": site.id, "code": "CLN", "name": "保洁组", "kind": "cleaning"},
    )
    assert response.status_code == 302
    team = teams.list_teams()[0]
    assert team.shift_pattern is None
    client.post(f"/people/teams/{team.id}/members", data={"user_id": wang.id})
    client.post(f"/people/teams/{team.id}/members/{wang.id}/lead", data={"is_lead": "1"})
    html = client.get(f"/people/teams/{team.id}").get_data(as_text=True)
    assert "王建国" in html
    db.session.expire_all()
    assert db.session.get(Team, team.id).memberships[0].is_lead is True


def test_a_duplicate_team_code_is_shown_next_to_the_code(
    site: Site, login: Callable[[str], FlaskClient]
) -> None:
    _team_with_lead(site)
    response = login("admin").post(
        "/people/teams/new",
        data={"site_id": site.id, "code": "ENG", "name": "工程二组", "kind": "engineering"},
    )
    assert response.status_code == 422
    assert "ENG" in _field_error(response.get_data(as_text=True), "code")


def test_an_admin_sets_a_new_password_for_someone_who_forgot_it(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    wang = services.create_user("wang", "王建国", ["technician"])
    db.session.commit()
    client = login("admin")
    short = client.post(f"/people/staff/{wang.id}/password", data={"new_password": "x"})
    assert short.status_code == 422
    ok = client.post(f"/people/staff/{wang.id}/password", data={"new_password": "fresh-pass-1"})
    assert ok.status_code == 302
    assert authenticate("wang", "fresh-pass-1", "192.0.2.10").user is wang


def test_a_missing_team_or_person_is_not_found(login: Callable[[str], FlaskClient]) -> None:
    client = login("admin")
    assert client.get("/people/teams/999").status_code == 404
    assert client.get("/people/staff/999").status_code == 404
