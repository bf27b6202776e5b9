"""A NUL character anywhere in a request is refused at the edge (found by fuzzing on PostgreSQL).

PostgreSQL cannot store NUL in text and refuses the whole statement, so a NUL in a
username reached the driver and came back as a 500. Every case must be a 400 that
leaves every table as it was.
"""

import pytest
from flask.testing import FlaskClient

from tests.security.conftest import Estate, changed_tables, snapshot
from tests.sites.conftest import Api


@pytest.mark.parametrize(
    "body",
    [
        {"username": "L1K\u0000R", "name": "", "roles": ["customer_service"]},
        {"username": "ok-name", "name": "张\u0000三", "roles": ["technician"]},
        {"username": "ok-name", "name": "张三", "roles": ["technician\u0000"]},
        {"user\u0000name": "ok-name", "name": "张三", "roles": []},
    ],
)
def test_a_nul_in_an_api_body_is_a_400_that_changes_nothing(
    admin_api: Api, estate: Estate, body: dict[str, object]
) -> None:
    before = snapshot()
    response = admin_api.post("/staff", body)
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_a_nul_typed_into_the_login_form_is_a_400(client: FlaskClient, estate: Estate) -> None:
    before = snapshot()
    response = client.post("/login", data={"username": "admin\u0000", "password": "x" * 12})
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_a_nul_in_a_query_string_is_a_400(admin_web: FlaskClient, estate: Estate) -> None:
    assert admin_web.get("/equipment/", query_string={"q": "pump\u0000"}).status_code == 400
