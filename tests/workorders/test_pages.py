"""Phone pages: 我的工作, the checklist form, refusals explained, files only for those allowed."""

import io
import re
from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.people.models import User
from app.plans.models import Plan
from app.workorders.models import WorkAttachment, WorkOrder
from tests.workorders.conftest import JPEG, NOW, PNG, Place, client_for

Login = Callable[[User], FlaskClient]
English = Callable[[FlaskClient], FlaskClient]

GOOD_FORM = {
    "item__d01": "0.45",
    "item__d02": "12",
    "item__d03": "pass",
    "item__d04": "pass",
    "item__d05": "open",
    "item__d06": "运行平稳",
    "signature_name": "王师傅",
}


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_my_work_lists_overdue_today_and_upcoming_work_with_big_buttons(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    make_work(due=NOW - timedelta(days=2), window_days=3, assignee=place.tech, title="昨天的巡检")
    make_work(due=NOW + timedelta(hours=3), assignee=place.tech, title="今天的巡检")
    make_work(due=NOW + timedelta(days=3), title="班组未派的巡检")  # team ENG, nobody yet
    make_work(due=NOW + timedelta(hours=4), assignee=place.other_tech, title="别人的巡检")
    html = _html(login_as(place.tech).get("/work/"))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    overdue, today, upcoming = (
        html.split(f'id="{s}"')[1] for s in ("overdue", "today", "upcoming")
    )
    assert "昨天的巡检" in overdue.split('id="today"')[0]
    assert "今天的巡检" in today.split('id="upcoming"')[0]
    assert "班组未派的巡检" in upcoming
    assert "别人的巡检" not in html
    assert html.count("btn-lg w-100 touch-target") >= 3  # one Start button per card


def test_the_checklist_form_renders_each_item_by_kind(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    row = make_work(assignee=place.tech)
    html = _html(login_as(place.tech).get(f"/work/{row.id}/complete"))
    assert re.search(r'name="item__d01"[^>]*data-min="0.3"[^>]*data-max="0.6"', html)
    assert "MPa" in html and "0.3–0.6 MPa" in html
    assert re.search(r'type="radio" class="btn-check" name="item__d03"[^>]*value="fail"', html)
    d03 = html.split('id="item-d03"')[1].split('id="item-d04"')[0]
    assert 'value="na"' in d03  # an ordinary check may be marked not applicable
    d04 = html.split('id="item-d04"')[1].split('id="item-d05"')[0]
    assert 'value="na"' not in d04  # a key item cannot be marked not applicable
    assert re.search(r'name="item__d05"[^>]*value="open"', html)
    assert '<textarea class="form-control" name="item__d06"' in html
    assert 'id="signature-pad"' in html and "out-of-range" in html


def test_completing_on_the_phone_records_the_work_and_raises_one_job_per_failure(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    row = make_work(assignee=place.tech)
    client = login_as(place.tech)
    form = {**GOOD_FORM, "item__d03": "fail", "note__d03": "机封渗水"}
    response = client.post(f"/work/{row.id}/complete", data=form)
    assert response.status_code == 302
    again = client.post(f"/work/{row.id}/complete", data=form, follow_redirects=True)
    assert "already recorded" in _html(again) or "已" in _html(again)
    jobs = db.session.scalars(select(WorkOrder).where(WorkOrder.kind == "corrective")).all()
    assert len(jobs) == 1 and jobs[0].source_item_key == "d03"
    db.session.refresh(row)
    assert row.status == "done"


def test_two_people_on_two_phones_one_wins_and_the_other_is_told_who(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work()  # the team's job: both may do it
    place.other_tech.memberships.clear()
    db.session.commit()
    first = login_as(place.tech)
    second = english(login_as(place.supervisor))
    assert first.get(f"/work/{row.id}/complete").status_code == 200
    assert second.get(f"/work/{row.id}/complete").status_code == 200
    assert first.post(f"/work/{row.id}/complete", data=GOOD_FORM).status_code == 302
    response = second.post(f"/work/{row.id}/complete", data=GOOD_FORM, follow_redirects=True)
    assert response.status_code == 200
    assert "王师傅 already recorded this work as done" in _html(response)


def test_a_bad_upload_is_refused_with_a_message_and_the_rest_of_the_form_is_kept(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work(assignee=place.tech)
    client = english(login_as(place.tech))
    data = {
        **GOOD_FORM,
        "item__d01": "0.9",
        "note__d03": "有点异响",
        "photos": [
            (io.BytesIO(b"MZ\x90\x00 not an image"), "evil.jpg"),
            (io.BytesIO(PNG), "ok.png"),
        ],
    }
    response = client.post(
        f"/work/{row.id}/complete", data=data, content_type="multipart/form-data"
    )
    html = _html(response)
    assert response.status_code == 422
    assert "evil.jpg is not a photo" in html
    assert 'value="0.9"' in html and 'value="有点异响"' in html
    assert re.search(r'name="item__d03"[^>]*value="pass"[^>]*checked', html)
    assert 'class="out-of-range text-danger fw-semibold small"' in html  # marked on the server too
    assert "1 photo from your last attempt is kept" in html
    kept = re.search(r'name="kept"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="kept"', html
    )
    assert kept is not None
    db.session.refresh(row)
    assert row.status == "assigned"
    resend = {**GOOD_FORM, "kept": kept.group(1)}
    assert client.post(f"/work/{row.id}/complete", data=resend).status_code == 302
    [photo] = db.session.scalars(select(WorkAttachment).where(WorkAttachment.kind == "photo")).all()
    assert photo.content_type == "image/png" and photo.filename == "ok.png"


def test_refused_answers_are_shown_next_to_their_items(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work(assignee=place.tech)
    client = english(login_as(place.tech))
    form = {**GOOD_FORM, "item__d04": "", "item__d01": "abc"}
    html = _html(client.post(f"/work/{row.id}/complete", data=form))
    d04 = html.split('id="item-d04"')[1].split('id="item-d05"')[0]
    assert "Mark this item as passed or failed." in d04
    d01 = html.split('id="item-d01"')[1].split('id="item-d02"')[0]
    assert "Enter a number" in d01


def test_a_forbidden_action_is_explained_not_a_server_error(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work(assignee=place.tech, status="skipped", skip_reason="停电")
    client = english(login_as(place.tech))
    response = client.post(
        f"/work/{row.id}/start", data={"version": row.version}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "A work order that is Skipped cannot be started." in _html(response)


def test_skipping_on_the_phone_needs_a_reason(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work(assignee=place.tech)
    client = english(login_as(place.tech))
    response = client.post(f"/work/{row.id}/skip", data={"reason": "", "version": row.version})
    assert response.status_code == 422 and "Say why it is skipped." in _html(response)
    response = client.post(
        f"/work/{row.id}/skip", data={"reason": "泵房进水", "version": row.version}
    )
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.status == "skipped"


def test_supervisors_reassign_and_reschedule_technicians_may_not(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work(assignee=place.tech, window_days=2)
    assert login_as(place.tech).get(f"/work/{row.id}/reassign").status_code == 403
    boss = english(login_as(place.supervisor))
    response = boss.post(
        f"/work/{row.id}/reassign",
        data={
            "assignee_id": str(place.other_tech.id),
            "team_id": str(place.other_team.id),
            "version": row.version,
        },
    )
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.assignee_id == place.other_tech.id
    response = boss.post(
        f"/work/{row.id}/reschedule", data={"due_at": "2026-03-09T09:00", "version": row.version}
    )
    assert response.status_code == 422 and "inside the window" in _html(response)


def test_photos_are_served_only_to_people_who_may_see_the_work(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login
) -> None:
    row = make_work(assignee=place.tech)
    client = login_as(place.tech)
    data = {**GOOD_FORM, "photos": [(io.BytesIO(JPEG), "pump.jpg")]}
    assert (
        client.post(
            f"/work/{row.id}/complete", data=data, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    photo = db.session.scalars(select(WorkAttachment)).one()
    with client.get(f"/work/files/{photo.id}") as response:  # closes the served file
        assert response.status_code == 200 and response.data == JPEG
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert login_as(place.other_tech).get(f"/work/files/{photo.id}").status_code == 403
    with login_as(place.supervisor).get(f"/work/files/{photo.id}") as response:
        assert response.status_code == 200
    anonymous = client_for(client.application)
    assert anonymous.get(f"/work/files/{photo.id}").status_code in (302, 401)


def test_a_failed_elevator_check_goes_to_the_contractor_and_the_record_waits_for_sign_off(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    plan = Plan(
        site_id=place.site.id,
        equipment_id=place.elevator.id,
        name="电梯半月保养",
        rrule="FREQ=DAILY;INTERVAL=15",
        starts_on=date(2026, 1, 1),
        performer="licensed_contractor",
        legal_basis="TSG T5002-2017",
        crew_size=2,
        checklist=[
            {"key": "hm18", "names": {"zh": "轿内报警装置"}, "kind": "check", "key_item": True}
        ],
    )
    db.session.add(plan)
    db.session.commit()
    row = make_work(plan=plan, equipment=place.elevator)
    boss = english(login_as(place.supervisor))
    html = _html(boss.get(f"/work/{row.id}/complete"))
    assert 'name="maintenance_unit"' in html and 'value="迅达电梯维保"' in html
    form = {
        "item__hm18": "pass",
        "signature_name": "张工",
        "crew_names": "张工, 刘工",
        "maintenance_unit": "迅达电梯维保",
    }
    assert boss.post(f"/work/{row.id}/complete", data=form).status_code == 302
    detail = _html(boss.get(f"/work/{row.id}"))
    assert "Statutory record, kept" in detail and "Not signed yet" in detail
    response = boss.post(
        f"/work/{row.id}/sign-off",
        data={"safety_manager_name": "陈主管", "version": row.completion.version},
    )
    assert response.status_code == 302
    assert "Not signed yet" not in _html(boss.get(f"/work/{row.id}"))


def test_a_repair_job_is_completed_with_its_cause_and_parts(
    place: Place, make_work: Callable[..., WorkOrder], login_as: Login, english: English
) -> None:
    row = make_work(assignee=place.tech)
    client = login_as(place.tech)
    client.post(f"/work/{row.id}/complete", data={**GOOD_FORM, "item__d04": "fail"})
    job = db.session.scalars(select(WorkOrder).where(WorkOrder.kind == "corrective")).one()
    assert job.priority == "high"
    html = _html(client.get(f"/work/{job.id}/complete"))
    assert 'name="cause"' in html and 'name="parts_used"' in html and 'id="item-' not in html
    refused = english(client).post(f"/work/{job.id}/complete", data={"signature_name": "王师傅"})
    assert refused.status_code == 422 and "Say what caused the fault." in _html(refused)
    done = client.post(
        f"/work/{job.id}/complete",
        data={"signature_name": "王师傅", "cause": "止回阀卡涩", "parts_used": "止回阀 DN80 ×1"},
    )
    assert done.status_code == 302
    detail = _html(client.get(f"/work/{job.id}"))
    assert "止回阀卡涩" in detail and "止回阀 DN80 ×1" in detail and row.title in detail
