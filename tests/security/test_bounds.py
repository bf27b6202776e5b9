"""Numbers no database can hold answer 404 or 422, never a 500 from the driver."""

import pytest
from flask.testing import FlaskClient

from app.core.bounds import MAX_ID, structure_problem
from tests.security.conftest import Api, Estate

HUGE_IDS = [2**31, 2**63 - 1, 2**63, 2**64, 10**40]


@pytest.mark.parametrize("ident", HUGE_IDS)
def test_an_id_no_row_can_have_answers_404_on_pages_and_the_api(
    estate: Estate, admin_api: Api, admin_web: FlaskClient, ident: int
) -> None:
    assert admin_web.get(f"/equipment/{ident}").status_code == 404
    assert admin_api.get(f"/equipment/{ident}").status_code == 404
    assert admin_api.get(f"/sites/{ident}").status_code == 404


def test_the_largest_storable_id_is_an_ordinary_not_found(estate: Estate, admin_api: Api) -> None:
    response = admin_api.get(f"/equipment/{MAX_ID}")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "equipment not found"


@pytest.mark.parametrize("page", [str(2**63), str(2**31), "9" * 5000])
def test_an_unstorable_page_number_is_refused_not_a_server_error(
    estate: Estate, admin_api: Api, admin_web: FlaskClient, page: str
) -> None:
    assert admin_api.get("/equipment", page=page).status_code in (400, 422)
    assert admin_web.get(f"/equipment?page={page}").status_code == 404


def test_an_unstorable_filter_id_answers_422_naming_the_parameter(
    estate: Estate, admin_api: Api
) -> None:
    response = admin_api.get("/equipment", site_id=str(2**63))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["site_id"]


def test_a_float_where_a_whole_number_belongs_is_a_422(estate: Estate, admin_api: Api) -> None:
    body = {
        "name": "水箱清洗", "preset": "weekly", "weekdays": [1.0], "site_id": estate.site.id,
        "team_id": estate.team.id, "starts_on": "2026-04-01",
    }  # fmt: skip
    response = admin_api.post("/plans", body)
    assert response.status_code == 422
    assert "weekdays.0" in response.get_json()["error"]["fields"]


def test_an_integer_beyond_the_database_in_a_body_is_a_422(estate: Estate, admin_api: Api) -> None:
    body = {"site_id": 2**63, "asset_code": "X-1", "name": "x", "category": "water"}
    response = admin_api.post("/equipment", body)
    assert response.status_code == 422
    assert "site_id" in response.get_json()["error"]["fields"]


def test_deeply_nested_attributes_are_refused_with_a_reason(estate: Estate, admin_api: Api) -> None:
    body = {"site_id": estate.site.id, "asset_code": "X-1", "name": "x", "category": "water"}
    deep = admin_api.post("/equipment", {**body, "attributes": {"a": {"b": {"c": {"d": 1}}}}})
    assert deep.status_code == 201  # ordinary nesting still works
    too_deep = admin_api.client.post(
        "/api/v1/equipment",
        data='{"attributes": ' + "[" * 100_000 + "]" * 100_000 + "}",
        headers={**admin_api.headers, "Content-Type": "application/json"},
    )
    assert too_deep.status_code in (400, 422)
    body["asset_code"] = "X-2"
    seven = {"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}}
    response = admin_api.post("/equipment", {**body, "attributes": seven})
    assert response.status_code == 422
    assert "nested too deeply" in response.get_json()["error"]["fields"]["attributes"]


def test_structure_limits_count_every_level_without_recursion() -> None:
    assert structure_problem({"a": [1, 2, {"b": 3}]}) is None
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    assert "nested" in str(structure_problem(deep))
    assert "too many" in str(structure_problem({str(n): n for n in range(501)}))
