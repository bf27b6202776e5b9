"""The sites and locations API: CRUD, pagination, 404, 409 on stale versions, 422 per field."""

from collections.abc import Callable

from flask import Flask

from app.extensions import db
from app.sites import services
from tests.sites.conftest import Api


def test_sites_are_listed_page_by_page(app: Flask, api: Callable[[str], Api]) -> None:
    for n in range(3):
        services.create_site(f"S{n}", f"Site {n}")
    db.session.commit()
    caller = api("viewer")
    first = caller.get("/sites", per_page=2).get_json()
    second = caller.get("/sites", per_page=2, page=2).get_json()
    assert first["total"] == 3
    assert [s["code"] for s in first["items"]] == ["S0", "S1"]
    assert [s["code"] for s in second["items"]] == ["S2"]


def test_an_admin_creates_a_site_and_gets_it_back(api: Callable[[str], Api]) -> None:
    caller = api("admin")
    created = caller.post("/sites", {"code": "HY01", "name": "华苑小区", "service_level": 1})
    assert created.status_code == 201
    site = created.get_json()
    assert site["version"] == 1 and site["timezone"] == "Asia/Shanghai"
    fetched = caller.get(f"/sites/{site['id']}")
    assert fetched.status_code == 200
    assert fetched.get_json()["name"] == "华苑小区"


def test_a_missing_site_answers_404(api: Callable[[str], Api]) -> None:
    response = api("viewer").get("/sites/999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_bad_fields_answer_422_naming_each_field(app: Flask, api: Callable[[str], Api]) -> None:
    services.create_site("HY01", "华苑小区")
    db.session.commit()
    response = api("admin").post(
        "/sites", {"code": "HY01", "name": "X", "timezone": "Beijing/Time"}
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"code", "timezone"}


def test_a_body_missing_required_fields_answers_422(api: Callable[[str], Api]) -> None:
    response = api("admin").post("/sites", {"code": "X"})
    assert response.status_code == 422
    assert "_" in response.get_json()["error"]["fields"]


def test_a_viewer_cannot_create_sites(api: Callable[[str], Api]) -> None:
    assert api("viewer").post("/sites", {"code": "X", "name": "X"}).status_code == 403


def test_a_stale_patch_answers_409_with_the_current_version(api: Callable[[str], Api]) -> None:
    caller = api("admin")
    site = caller.post("/sites", {"code": "HY01", "name": "华苑小区"}).get_json()
    ok = caller.patch(f"/sites/{site['id']}", {"version": 1, "name": "华苑一期"})
    assert ok.status_code == 200 and ok.get_json()["version"] == 2
    stale = caller.patch(f"/sites/{site['id']}", {"version": 1, "name": "华苑二期"})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["fields"]["version"] == 2
    assert error["fields"]["changed_by"] == "api-admin"
    assert caller.get(f"/sites/{site['id']}").get_json()["name"] == "华苑一期"


def test_locations_are_created_moved_and_found_by_path(api: Callable[[str], Api]) -> None:
    caller = api("admin")
    site = caller.post("/sites", {"code": "HY01", "name": "华苑小区"}).get_json()
    base = f"/sites/{site['id']}/locations"
    b1 = caller.post(base, {"code": "B1", "name": "1号楼", "kind": "building"}).get_json()
    b2 = caller.post(base, {"code": "B2", "name": "2号楼", "kind": "building"}).get_json()
    pump = caller.post(
        base, {"code": "P", "name": "水泵房", "kind": "plant_room", "parent_id": b1["id"]}
    ).get_json()
    assert pump["path"] == "1号楼/水泵房"

    moved = caller.patch(f"/locations/{pump['id']}", {"version": 1, "parent_id": b2["id"]})
    assert moved.status_code == 200
    assert moved.get_json()["path"] == "2号楼/水泵房"

    found = caller.get(base, path="2号楼/水泵房").get_json()
    assert [item["id"] for item in found["items"]] == [pump["id"]]
    assert caller.get(base, path="1号楼/水泵房").get_json()["items"] == []


def test_a_location_cannot_be_moved_under_its_own_child(api: Callable[[str], Api]) -> None:
    caller = api("admin")
    site = caller.post("/sites", {"code": "HY01", "name": "华苑小区"}).get_json()
    base = f"/sites/{site['id']}/locations"
    b1 = caller.post(base, {"code": "B1", "name": "1号楼", "kind": "building"}).get_json()
    floor = caller.post(
        base, {"code": "F1", "name": "1F", "kind": "floor", "parent_id": b1["id"]}
    ).get_json()
    response = caller.patch(f"/locations/{b1['id']}", {"version": 1, "parent_id": floor["id"]})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"parent_id"}


def test_an_unknown_location_kind_answers_422(api: Callable[[str], Api]) -> None:
    caller = api("admin")
    site = caller.post("/sites", {"code": "HY01", "name": "华苑小区"}).get_json()
    response = caller.post(
        f"/sites/{site['id']}/locations", {"code": "X", "name": "X", "kind": "ufo"}
    )
    assert response.status_code == 422
    assert "kind" in response.get_json()["error"]["fields"]


def test_a_missing_location_answers_404(api: Callable[[str], Api]) -> None:
    assert api("viewer").get("/locations/999").status_code == 404
    assert api("admin").patch("/locations/999", {"version": 1}).status_code == 404
