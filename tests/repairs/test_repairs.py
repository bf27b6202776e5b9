"""报修: front desk, a resident's QR scan or the API, each one corrective job with a reference."""

import io
import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import trust_proxies
from app.extensions import db
from app.people.models import User
from app.repairs.models import RepairRequest
from app.workorders import completion
from app.workorders.models import WorkOrder
from tests.workorders.conftest import JPEG, NOW, Place, TokenClient, client_for

Login = Callable[[User], FlaskClient]
English = Callable[[FlaskClient], FlaskClient]

RESIDENT = {
    "description": "水泵房门口一直在漏水",
    "urgency": "high",
    "reporter_name": "刘女士",
    "reporter_phone": "138 0013 8000",
}


REFERENCE = re.compile(r"BX-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def _requests() -> list[RepairRequest]:
    return list(db.session.scalars(select(RepairRequest).order_by(RepairRequest.id)))


def test_the_front_desk_records_a_call_as_a_corrective_job_with_a_reference(
    place: Place, front_desk: User, login_as: Login
) -> None:
    client = login_as(front_desk)
    form = {
        "site_id": str(place.site.id),
        "asset_code": "WP-01",
        "description": "水泵异响",
        "urgency": "urgent",
        "reporter_name": "3-201 王先生",
        "reporter_phone": "13900001111",
        "out_of_service": "y",
    }
    response = client.post("/repairs/new", data=form)
    assert response.status_code == 302
    [repair] = _requests()
    job = repair.work_order
    assert REFERENCE.fullmatch(repair.reference) and repair.channel == "desk"
    assert (job.kind, job.priority, job.equipment_id) == ("corrective", "urgent", place.pump.id)
    assert job.due_at == NOW + timedelta(hours=2)
    assert job.team_id == place.team.id and job.equipment_down
    client.post("/repairs/new", data={**form, "urgency": "normal"})
    first, second = (r.reference for r in _requests())
    assert first == repair.reference and REFERENCE.fullmatch(second) and second != first
    assert _requests()[1].work_order.due_at == NOW + timedelta(hours=72)


def test_the_desk_form_explains_what_is_missing(
    place: Place, front_desk: User, login_as: Login, english: English
) -> None:
    client = english(login_as(front_desk))
    form = {"site_id": str(place.site.id), "asset_code": "NOPE", "reporter_phone": "abc"}
    response = client.post("/repairs/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No equipment with code NOPE at this site." in html
    assert "Describe the problem." in html and "Use digits" in html
    assert _requests() == []


def test_technicians_cannot_open_the_desk_form(place: Place, login_as: Login) -> None:
    assert login_as(place.tech).get("/repairs/new").status_code == 403


def test_a_resident_scans_the_qr_code_and_can_follow_the_status_without_staff_names(
    app: Flask, place: Place, login_as: Login
) -> None:
    resident = client_for(app)
    page = resident.get("/r/YG/WP-01")
    assert page.status_code == 200 and "1号生活水泵" in page.get_data(as_text=True)
    photo = (io.BytesIO(JPEG), "leak.jpg")
    response = resident.post(
        "/r/YG/WP-01", data={**RESIDENT, "photo": photo}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    [repair] = _requests()
    assert repair.channel == "qr" and repair.created_by_id is None
    assert repair.work_order.priority == "high"
    status = resident.get(response.headers["Location"]).get_data(as_text=True)
    assert repair.reference in status and "已受理" in status
    job = repair.work_order
    job.assignee_id = place.tech.id
    db.session.commit()
    completion.complete(
        job,
        place.tech,
        completion.CompletionInput(
            signature_name="王师傅", cause="机封老化", parts_used="机封 1 套"
        ),
    )
    db.session.commit()
    status = resident.get(f"/r/status?ref={repair.reference.lower()}").get_data(as_text=True)
    assert "已修复" in status
    assert "王师傅" not in status and "工程部" not in status and "138" not in status
    assert place.pump.name not in status and "2026-03" not in status  # no place, no times


def test_the_public_page_is_limited_to_five_reports_per_address_in_ten_minutes(
    app: Flask, place: Place
) -> None:
    resident = client_for(app)
    for _ in range(5):
        assert resident.post("/r/YG/WP-01", data=RESIDENT).status_code == 302
    refused = resident.post("/r/YG/WP-01", data=RESIDENT)
    assert refused.status_code == 429
    assert "水泵房门口一直在漏水" in refused.get_data(as_text=True)  # the form is kept
    neighbour = client_for(app)
    other_address = neighbour.post(
        "/r/YG/WP-01", data=RESIDENT, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other_address.status_code == 302
    assert len(_requests()) == 6


def test_behind_a_proxy_each_resident_is_limited_by_their_own_address(
    app: Flask, place: Place
) -> None:
    app.config["ROUNDS_PROXY_HOPS"] = 1
    trust_proxies(app)
    resident = client_for(app)

    def report(address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return resident.post("/r/YG/WP-01", data=RESIDENT, headers=headers).status_code

    assert [report("203.0.113.7") for _ in range(6)] == [302] * 5 + [429]
    assert report("203.0.113.8") == 302  # a neighbour behind the same proxy


def test_without_a_configured_proxy_a_forged_forwarded_address_changes_nothing(
    app: Flask, place: Place
) -> None:
    resident = client_for(app)
    codes = [
        resident.post(
            "/r/YG/WP-01", data=RESIDENT, headers={"X-Forwarded-For": f"198.51.100.{n}"}
        ).status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]


def test_the_public_form_still_needs_its_csrf_token(app: Flask, place: Place) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    resident = client_for(app)
    assert resident.post("/r/YG/WP-01", data=RESIDENT).status_code == 400
    page = resident.get("/r/YG/WP-01").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
    )
    assert token is not None
    response = resident.post("/r/YG/WP-01", data={**RESIDENT, "csrf_token": token.group(1)})
    assert response.status_code == 302


def test_a_bad_photo_is_refused_and_the_report_kept(app: Flask, place: Place) -> None:
    resident = client_for(app)
    response = resident.post(
        "/r/YG/WP-01",
        data={**RESIDENT, "photo": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "x.png" in html
    assert "水泵房门口一直在漏水" in html and _requests() == []


def test_unknown_assets_and_references_are_not_found(app: Flask, place: Place) -> None:
    resident = client_for(app)
    assert resident.get("/r/YG/NOPE").status_code == 404
    assert resident.get("/r/status?ref=BX-20990101-0001").status_code == 404
    assert resident.get("/r/status?ref=BX-0000-0000-0000").status_code == 404
    assert resident.get("/r/status").status_code == 200


def test_the_api_records_a_request_for_front_desk_systems(
    place: Place, front_desk: User, api_for: Callable[[User], TokenClient]
) -> None:
    body = {
        "site_id": place.site.id,
        "place": "3号楼2单元 电梯厅",
        "description": "灯不亮",
        "reporter_name": "李先生",
        "reporter_phone": "021-5555 6666",
    }
    response = api_for(front_desk).post("/api/v1/repairs", body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert REFERENCE.fullmatch(created["reference"]) and created["state"] == "received"
    job = db.session.get(WorkOrder, created["work_order_id"])
    assert job is not None and job.team_id == place.team.id  # the site's engineering team
    looked_up = api_for(front_desk).get(f"/api/v1/repairs/{created['reference']}")
    assert looked_up.get_json()["work_order_id"] == job.id
    assert api_for(place.tech).post("/api/v1/repairs", body).status_code == 403
    invalid = api_for(front_desk).post("/api/v1/repairs", {**body, "reporter_phone": "x"})
    assert invalid.status_code == 422 and "reporter_phone" in invalid.get_json()["error"]["fields"]


def test_references_are_random_so_one_request_does_not_reveal_the_next(
    place: Place, front_desk: User, login_as: Login
) -> None:
    client = login_as(front_desk)
    form = {
        "site_id": str(place.site.id),
        "asset_code": "WP-01",
        "description": "水泵异响",
        "urgency": "normal",
        "reporter_name": "王先生",
        "reporter_phone": "13900001111",
    }
    for _ in range(5):
        assert client.post("/repairs/new", data=form).status_code == 302
    references = [r.reference for r in _requests()]
    assert len(set(references)) == 5
    assert all(REFERENCE.fullmatch(ref) for ref in references)
    spaced = references[0].lower().replace("-", "- ", 1)
    resident = client_for(client.application)
    assert resident.get(f"/r/status?ref={spaced}").status_code == 200
