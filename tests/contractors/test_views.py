"""Contractor pages: who sees and edits, expiry colours, errors in place, stale edits."""

import re
from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.audit.actor import Actor, acting_as
from app.contractors import services
from app.contractors.models import Contractor
from app.extensions import db

TODAY = date(2026, 3, 2)


def _field_error(html: str, field: str) -> str:
    match = re.search(
        rf'name="{field}"[^>]*>(?:(?!<input|<select|<textarea).)*?'
        r'<div class="invalid-feedback[^"]*"[^>]*>\s*(.*?)\s*</div>',
        html,
        re.S,
    )
    return match.group(1) if match else ""


def test_every_staff_reader_sees_the_list_with_qualification_expiry_highlighted(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    services.create_contractor("过期公司", licence_expires_on=TODAY - timedelta(days=1))
    services.create_contractor("快到期公司", licence_expires_on=TODAY + timedelta(days=10))
    services.create_contractor("正常公司", licence_expires_on=TODAY + timedelta(days=365))
    db.session.commit()
    client = login("technician")
    html = client.get("/contractors/").get_data(as_text=True)
    assert re.search(r"expiry-expired[^>]*>\s*2026-03-01", html)
    assert re.search(r"expiry-soon[^>]*>\s*2026-03-12", html)
    assert "2027-03-02" in html and not re.search(r"expiry-[a-z]+[^>]*>\s*2027-03-02", html)
    assert "/contractors/new" not in html
    assert client.get("/contractors/new").status_code == 403


def test_cleaners_do_not_see_contractors(login: Callable[[str], FlaskClient]) -> None:
    assert login("cleaner").get("/contractors/").status_code == 403


def test_a_supervisor_creates_a_contractor(login: Callable[[str], FlaskClient]) -> None:
    client = login("supervisor")
    response = client.post(
        "/contractors/new",
        data={
            "name": "安信消防技术服务公司",
            "qualification": "消防设施维护保养检测",
            "licence_expires_on": "2027-06-30",
            "contact_phone": "021-5555 6666",
            "contract_start": "2026-01-01",
            "contract_end": "2026-12-31",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "安信消防技术服务公司" in page and "2027-06-30" in page


def test_a_contract_ending_before_it_starts_is_shown_next_to_the_end_date(
    login: Callable[[str], FlaskClient],
) -> None:
    client = login("supervisor")
    client.post("/lang/en", data={"next": "/"})
    response = client.post(
        "/contractors/new",
        data={"name": "X", "contract_start": "2026-05-01", "contract_end": "2026-04-01"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "contract_end") == "The contract cannot end before it starts."
    assert services.list_contractors() == []


def test_a_stale_edit_names_who_changed_the_contractor(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    firm = services.create_contractor("迅达电梯")
    db.session.commit()
    with acting_as(Actor(None, "赵经理")):
        services.update_contractor(firm, 1, contact_name="陈工")
        db.session.commit()
    response = login("admin").post(
        f"/contractors/{firm.id}/edit", data={"version": 1, "name": "迅达电梯", "scope": "x"}
    )
    assert response.status_code == 409
    assert "赵经理" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contractor, firm.id).scope == ""


def test_a_missing_contractor_is_not_found(login: Callable[[str], FlaskClient]) -> None:
    assert login("viewer").get("/contractors/999").status_code == 404
