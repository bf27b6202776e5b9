"""Site pages: who sees what, errors next to the field, and a clear stale-edit message."""

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.audit.actor import Actor, acting_as
from app.extensions import db
from app.sites import services
from app.sites.models import Site


def _site_with_tree() -> Site:
    site = services.create_site("HY01", "华苑小区")
    building = services.create_location(site, "BLD1", "1号楼", "building")
    services.create_location(site, "PUMP", "水泵房", "plant_room", parent_id=building.id)
    db.session.commit()
    return site


def _field_error(html: str, field: str) -> str:
    """The invalid-feedback text rendered right after the named input."""
    match = re.search(
        rf'name="{field}"[^>]*>(?:(?!<input|<select|<textarea).)*?'
        r'<div class="invalid-feedback[^"]*"[^>]*>\s*(.*?)\s*</div>',
        html,
        re.S,
    )
    return match.group(1) if match else ""


def test_a_viewer_sees_sites_and_the_location_tree_but_no_edit_buttons(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    site = _site_with_tree()
    client = login("viewer")
    listing = client.get("/sites/").get_data(as_text=True)
    assert "华苑小区" in listing
    page = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert "1号楼" in page and "水泵房" in page
    assert f"/sites/{site.id}/edit" not in page
    assert client.get(f"/sites/{site.id}/edit").status_code == 403


def test_a_technician_may_view_sites_but_not_add_one(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("technician")
    assert client.get("/sites/").status_code == 200
    assert client.get("/sites/new").status_code == 403


def test_an_admin_creates_a_site_from_the_form(login: Callable[[str], FlaskClient]) -> None:
    client = login("admin")
    response = client.post(
        "/sites/new",
        data={"code": "HY01", "name": "华苑小区", "timezone": "Asia/Shanghai", "service_level": 1},
    )
    assert response.status_code == 302
    assert "华苑小区" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_duplicate_code_and_a_bad_time_zone_are_shown_next_to_their_fields(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    _site_with_tree()
    client = login("admin")
    response = client.post(
        "/sites/new",
        data={"code": "HY01", "name": "别的小区", "timezone": "Beijing", "service_level": 2},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "HY01" in _field_error(html, "code")
    assert "Asia/Shanghai" in _field_error(html, "timezone")
    assert _field_error(html, "name") == ""
    assert db.session.query(Site).count() == 1


def test_english_users_get_their_errors_in_english(login: Callable[[str], FlaskClient]) -> None:
    client = login("admin")
    client.post("/lang/en", data={"next": "/"})
    html = client.post("/sites/new", data={"code": "", "name": "X"}).get_data(as_text=True)
    assert _field_error(html, "code") == "Enter a code."


def test_a_stale_site_edit_names_who_changed_it_and_saves_nothing(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    site = _site_with_tree()
    client = login("admin")
    form = client.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    with acting_as(Actor(None, "王经理")):
        services.update_site(site, 1, name="华苑一期")
        db.session.commit()
    response = client.post(
        f"/sites/{site.id}/edit",
        data={
            "version": 1,
            "code": "HY01",
            "name": "华苑二期",
            "timezone": "Asia/Shanghai",
            "service_level": 2,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "王经理" in html
    db.session.expire_all()
    assert db.session.get(Site, site.id).name == "华苑一期"


def test_a_location_is_added_under_a_parent_from_the_site_page(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    site = _site_with_tree()
    building = services.find_location_by_path(site, "1号楼")
    assert building is not None
    client = login("admin")
    form = client.get(f"/sites/{site.id}/locations/new?parent_id={building.id}")
    assert f'<option selected value="{building.id}">' in form.get_data(as_text=True)
    response = client.post(
        f"/sites/{site.id}/locations/new",
        data={"parent_id": building.id, "code": "F3", "name": "3F", "kind": "floor"},
    )
    assert response.status_code == 302
    assert services.find_location_by_path(site, "1号楼/3F") is not None


def test_the_move_form_does_not_offer_the_location_own_children(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    site = _site_with_tree()
    building = services.find_location_by_path(site, "1号楼")
    pump = services.find_location_by_path(site, "1号楼/水泵房")
    assert building is not None and pump is not None
    client = login("admin")
    page = client.get(f"/sites/{site.id}/locations/{building.id}/edit").get_data(as_text=True)
    assert f'value="{pump.id}"' not in page
    response = client.post(
        f"/sites/{site.id}/locations/{building.id}/edit",
        data={
            "version": 1,
            "parent_id": pump.id,
            "code": "BLD1",
            "name": "1号楼",
            "kind": "building",
        },
    )
    assert response.status_code == 422
    assert building.parent_id is None


def test_a_location_of_another_site_is_not_found(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    site = _site_with_tree()
    other = services.create_site("HY02", "海韵花园")
    db.session.commit()
    pump = services.find_location_by_path(site, "1号楼/水泵房")
    assert pump is not None
    client = login("admin")
    assert client.get(f"/sites/{other.id}/locations/{pump.id}/edit").status_code == 404
