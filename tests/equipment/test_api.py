"""The ledger's JSON API: list, get, create, versioned patch, retire, and the OpenAPI entries."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.actor import Actor, acting_as
from app.equipment.models import Equipment
from app.equipment.services import EquipmentInput, update_equipment
from app.extensions import db
from tests.equipment.conftest import ApiClient, Ledger

ApiFor = Callable[[str], ApiClient]


def body(ledger: Ledger, **changes: Any) -> dict[str, Any]:
    return {
        "site_id": ledger.site.id,
        "asset_code": "DT-01",
        "name": "1号客梯",
        "category": "elevator",
        "type_key": "traction_elevator",
        "location_id": ledger.building2.id,
        "registration_number": "31103101002019000123",
        "next_inspection_on": "2026-06-30",
        "attributes": {"载重": "1000kg", "层站": 18},
        **changes,
    }


def test_list_pages_and_filters(
    ledger: Ledger, make_equipment: Callable[..., Equipment], api_as: ApiFor
) -> None:
    for n in range(3):
        make_equipment(f"WP-0{n}")
    make_equipment("DT-01", category="elevator", status="fault")
    make_equipment("XH-01", site_id=ledger.other_site.id)
    client = api_as("viewer")
    page = client.get("/api/v1/equipment?per_page=2").get_json()
    assert (page["total"], len(page["items"]), page["items"][0]["asset_code"]) == (5, 2, "DT-01")
    assert [
        e["asset_code"] for e in client.get("/api/v1/equipment?site=XH").get_json()["items"]
    ] == ["XH-01"]
    filtered = client.get("/api/v1/equipment?category=elevator&status=fault").get_json()
    assert [e["asset_code"] for e in filtered["items"]] == ["DT-01"]
    searched = client.get("/api/v1/equipment?q=wp-0&sort=-code").get_json()
    assert [e["asset_code"] for e in searched["items"]] == ["WP-02", "WP-01", "WP-00"]


def test_get_one_and_404(
    ledger: Ledger, make_equipment: Callable[..., Equipment], api_as: ApiFor
) -> None:
    eq = make_equipment("WP-01", location_id=ledger.pump_room.id)
    client = api_as("viewer")
    data = client.get(f"/api/v1/equipment/{eq.id}").get_json()
    assert (data["location_path"], data["version"], data["site_code"]) == (
        "1号楼/B1/水泵房",
        1,
        "YG",
    )
    missing = client.get("/api/v1/equipment/999999")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_create_answers_201_with_the_record(ledger: Ledger, api_as: ApiFor) -> None:
    response = api_as("supervisor").post("/api/v1/equipment", json=body(ledger))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert (data["asset_code"], data["attributes"], data["next_inspection_on"]) == (
        "DT-01",
        {"载重": "1000kg", "层站": 18},
        "2026-06-30",
    )


def test_invalid_fields_answer_422_naming_each_field(ledger: Ledger, api_as: ApiFor) -> None:
    response = api_as("supervisor").post(
        "/api/v1/equipment",
        json=body(ledger, next_inspection_on="2026-02-30", location_id=ledger.other_building.id),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "next_inspection_on": "2026-02-30 is not a real date: 2026-02 has only 28 days",
        "location_id": "1号楼 belongs to site XH, not YG",
    }
    assert db.session.scalar(select(func.count()).select_from(Equipment)) == 0


def test_a_body_of_the_wrong_shape_answers_422(ledger: Ledger, api_as: ApiFor) -> None:
    response = api_as("supervisor").post("/api/v1/equipment", json={"asset_code": 7})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields["asset_code"] == "7 is not of type 'string'"


def test_patch_changes_only_the_given_fields(
    ledger: Ledger, make_equipment: Callable[..., Equipment], api_as: ApiFor
) -> None:
    eq = make_equipment("WP-01", model="CR 32")
    response = api_as("supervisor").patch(
        f"/api/v1/equipment/{eq.id}", json={"version": 1, "status": "fault"}
    )
    assert response.status_code == 200
    data = response.get_json()
    assert (data["status"], data["model"], data["version"]) == ("fault", "CR 32", 2)


def test_patch_needs_the_version(
    ledger: Ledger, make_equipment: Callable[..., Equipment], api_as: ApiFor
) -> None:
    eq = make_equipment("WP-01")
    response = api_as("supervisor").patch(f"/api/v1/equipment/{eq.id}", json={"name": "x"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"_": "'version' is a required property"}


def test_a_stale_patch_answers_409_naming_who_changed_it_and_overwrites_nothing(
    ledger: Ledger, make_equipment: Callable[..., Equipment], api_as: ApiFor
) -> None:
    eq = make_equipment("WP-01", name="原名")
    with acting_as(Actor(None, "li")):
        update_equipment(eq, EquipmentInput.from_equipment(eq).updated({"model": "新型号"}), 1)
    db.session.commit()
    response = api_as("supervisor").patch(
        f"/api/v1/equipment/{eq.id}", json={"version": 1, "name": "我的名字"}
    )
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["message"] == "the record was changed by li at 2026-03-02T01:00:00+00:00"
    assert error["fields"]["version"] == 2
    db.session.expire_all()
    assert db.session.get(Equipment, eq.id).name == "原名"  # type: ignore[union-attr]


def test_retire_through_the_api(
    ledger: Ledger, make_equipment: Callable[..., Equipment], api_as: ApiFor
) -> None:
    eq = make_equipment("WP-01")
    client = api_as("supervisor")
    response = client.post(
        f"/api/v1/equipment/{eq.id}/retire", json={"version": 1, "reason": "更换"}
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "retired"
    again = client.post(f"/api/v1/equipment/{eq.id}/retire", json={"version": 2})
    assert again.status_code == 422
    assert again.get_json()["error"]["fields"] == {"status": "already retired"}
    stale = client.post(f"/api/v1/equipment/{eq.id}/retire", json={"version": 1})
    assert stale.status_code == 409


def test_viewers_cannot_write(ledger: Ledger, api_as: ApiFor) -> None:
    assert api_as("viewer").post("/api/v1/equipment", json=body(ledger)).status_code == 403


def test_every_equipment_endpoint_is_documented_with_schemas(
    ledger: Ledger, client: FlaskClient
) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    operations = {
        ("/api/v1/equipment", "get"),
        ("/api/v1/equipment", "post"),
        ("/api/v1/equipment/{equipment_id}", "get"),
        ("/api/v1/equipment/{equipment_id}", "patch"),
        ("/api/v1/equipment/{equipment_id}/retire", "post"),
    }
    for path, method in operations:
        operation = paths[path][method]
        success = next(code for code in operation["responses"] if code.startswith("2"))
        assert operation["responses"][success]["content"]["application/json"]["schema"]
        if method != "get":
            assert operation["requestBody"]["content"]["application/json"]["schema"]
    schemas = document["components"]["schemas"]
    assert {"Equipment", "EquipmentCreate", "EquipmentPatch", "EquipmentRetire"} <= set(schemas)
    assert paths["/api/v1/equipment"]["post"]["responses"]["201"]


def test_the_api_keeps_the_certificate_number_and_the_registration_code_apart(
    ledger: Ledger, api_as: ApiFor
) -> None:
    client = api_as("supervisor")
    numbers = {
        "registration_number": "梯11沪A0001(18)",
        "registration_code": "31103101002018060001",
    }
    created = client.post("/api/v1/equipment", json=body(ledger, **numbers))
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert {k: data[k] for k in numbers} == numbers
    refused = client.post(
        "/api/v1/equipment",
        json=body(ledger, asset_code="DT-02", registration_code="梯11沪A0002(18)"),
    )
    assert refused.status_code == 422
    assert "registration_code" in str(refused.get_json())
