"""The contractors API: CRUD, pagination, 404/409/422."""

from collections.abc import Callable

from flask import Flask

from app.contractors import services
from app.extensions import db
from tests.sites.conftest import Api


def test_contractors_are_created_read_and_patched(api: Callable[[str], Api]) -> None:
    caller = api("supervisor")
    created = caller.post(
        "/contractors",
        {"name": "迅达电梯", "licence_expires_on": "2028-06-30", "contract_start": "2026-01-01"},
    )
    assert created.status_code == 201
    firm = created.get_json()
    assert firm["licence_expires_on"] == "2028-06-30" and firm["contract_end"] is None
    patched = caller.patch(
        f"/contractors/{firm['id']}", {"version": 1, "contract_end": "2026-12-31"}
    )
    assert patched.status_code == 200
    assert caller.get(f"/contractors/{firm['id']}").get_json()["contract_end"] == "2026-12-31"


def test_the_contract_period_is_checked_and_answers_422(api: Callable[[str], Api]) -> None:
    response = api("admin").post(
        "/contractors",
        {"name": "X", "contract_start": "2026-05-01", "contract_end": "2026-04-01"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"contract_end"}


def test_an_impossible_date_answers_422(api: Callable[[str], Api]) -> None:
    response = api("admin").post("/contractors", {"name": "X", "contract_end": "2026-13-01"})
    assert response.status_code == 422
    assert "contract_end" in response.get_json()["error"]["fields"]


def test_a_stale_patch_answers_409(app: Flask, api: Callable[[str], Api]) -> None:
    firm = services.create_contractor("迅达电梯")
    db.session.commit()
    caller = api("admin")
    assert caller.patch(f"/contractors/{firm.id}", {"version": 1, "scope": "a"}).status_code == 200
    stale = caller.patch(f"/contractors/{firm.id}", {"version": 1, "scope": "b"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["fields"]["changed_by"] == "api-admin"


def test_contractors_are_paginated_and_viewers_cannot_write(
    app: Flask, api: Callable[[str], Api]
) -> None:
    for n in range(3):
        services.create_contractor(f"公司{n}")
    db.session.commit()
    viewer = api("viewer")
    page = viewer.get("/contractors", per_page=2).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert viewer.post("/contractors", {"name": "Y"}).status_code == 403


def test_a_missing_contractor_answers_404(api: Callable[[str], Api]) -> None:
    assert api("viewer").get("/contractors/999").status_code == 404
    assert api("admin").patch("/contractors/999", {"version": 1}).status_code == 404
