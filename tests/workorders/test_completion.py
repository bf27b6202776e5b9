"""Recording a visit: answers by kind, what may not be left out, one job per failure, no repeats."""

import base64
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.core.validation import ValidationError
from app.extensions import db
from app.people.models import User
from app.plans.models import Plan
from app.workorders import completion
from app.workorders.checklist import RawAnswer, items_for
from app.workorders.completion import CompletionInput
from app.workorders.files import Upload
from app.workorders.models import RecordKept, WorkAttachment, WorkOrder
from app.workorders.services import AlreadyCompleted
from tests.workorders.conftest import HEIC, JPEG, NOW, PDF, PNG, Place

GOOD = {
    "d01": RawAnswer(value="0.45"),
    "d02": RawAnswer(value="12.5"),
    "d03": RawAnswer(result="pass"),
    "d04": RawAnswer(result="pass"),
    "d05": RawAnswer(choice="open"),
    "d06": RawAnswer(text="运行平稳"),
}


def _answers(**changes: RawAnswer) -> dict[str, RawAnswer]:
    return {**GOOD, **changes}


def _done(row: WorkOrder, place: Place, **values: Any) -> Any:
    data = CompletionInput(signature_name="王师傅", **values)
    if "answers" not in values:
        data.answers = GOOD
    return completion.complete(row, place.tech, data)


def _correctives() -> list[WorkOrder]:
    stmt = select(WorkOrder).where(WorkOrder.kind == "corrective").order_by(WorkOrder.id)
    return list(db.session.scalars(stmt))


def test_a_clean_visit_is_done_with_its_answers_crew_and_signature(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    record = _done(row, place, note="一切正常", started_at=NOW - timedelta(minutes=20))
    db.session.commit()
    assert row.status == "done" and row.completed_at == NOW and row.touched
    assert [a["result"] for a in record.answers] == ["pass"] * 6
    assert record.answers[0]["value"] == 0.45 and record.answers[0]["unit"] == "MPa"
    assert record.crew == [{"user_id": place.tech.id, "name": "王师傅"}]
    assert (record.signature_name, record.signed_at) == ("王师傅", NOW)
    assert _correctives() == []


def test_a_failed_item_raises_exactly_one_corrective_job_for_the_asset_and_item(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    answers = _answers(d03=RawAnswer(result="fail", note="机封渗水"))
    record = _done(row, place, answers=answers)
    db.session.commit()
    [job] = _correctives()
    assert (job.equipment_id, job.source_work_order_id, job.source_item_key) == (
        place.pump.id,
        row.id,
        "d03",
    )
    assert job.priority == "normal" and job.due_at == NOW + timedelta(hours=72)
    assert job.team_id == place.team.id  # the pump's maintainer
    assert "机封渗水" in job.description
    assert record.answers[2]["corrective_id"] == job.id
    with pytest.raises(AlreadyCompleted):  # the same form sent again
        _done(row, place, answers=answers)
    db.session.rollback()
    assert len(_correctives()) == 1


def test_an_out_of_range_reading_fails_and_raises_a_job_with_the_value_and_band(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    record = _done(row, place, answers=_answers(d01=RawAnswer(value="0,72")))
    db.session.commit()
    assert record.answers[0]["out_of_range"] and record.answers[0]["result"] == "fail"
    [job] = _correctives()
    assert "0.72 MPa" in job.description and "0.3–0.6 MPa" in job.description


def test_a_failed_key_item_is_high_priority_due_in_24_hours(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    _done(row, place, answers=_answers(d04=RawAnswer(result="fail")))
    db.session.commit()
    [job] = _correctives()
    assert (job.priority, job.due_at) == ("high", NOW + timedelta(hours=24))


def test_a_failure_while_the_last_job_for_it_is_still_open_does_not_pile_up(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    first = make_work(due=NOW - timedelta(days=1), assignee=place.tech)
    second = make_work(due=NOW, assignee=place.tech)
    _done(first, place, answers=_answers(d03=RawAnswer(result="fail")))
    record = _done(second, place, answers=_answers(d03=RawAnswer(result="fail")))
    db.session.commit()
    [job] = _correctives()
    assert record.answers[2]["corrective_id"] == job.id


def test_elevator_faults_go_to_the_maintenance_contractor(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
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
    data = CompletionInput(
        answers={"hm18": RawAnswer(result="fail")},
        signature_name="张工",
        crew_names=["张工", "刘工"],
        maintenance_unit="迅达电梯维保",
    )
    record = completion.complete(row, place.supervisor, data)
    db.session.commit()
    [job] = _correctives()
    assert (job.contractor_id, job.team_id) == (place.contractor.id, None)
    assert record.statutory and record.maintenance_unit == "迅达电梯维保"


def test_items_that_may_not_be_left_out_are_refused_when_empty(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    answers = _answers(d04=RawAnswer(result="na"), d03=RawAnswer(), d01=RawAnswer(value="abc"))
    answers.pop("d02")  # an optional reading may be left out
    with pytest.raises(ValidationError) as caught:
        _done(row, place, answers=answers)
    assert set(caught.value.fields) == {"item__d04", "item__d03", "item__d01"}
    assert "cannot be left out" in str(caught.value.fields["item__d04"])
    assert "number" in str(caught.value.fields["item__d01"])
    db.session.rollback()
    assert db.session.get(WorkOrder, row.id).status == "assigned"  # type: ignore[union-attr]


def test_photo_items_need_a_photo_and_any_common_phone_format_is_accepted(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    place.pump_plan.checklist = [
        *place.pump_plan.checklist,
        {"key": "p1", "names": {"zh": "泵房照片"}, "kind": "check", "photo_required": True},
    ]
    db.session.commit()
    row = make_work(assignee=place.tech)
    answers = _answers(p1=RawAnswer(result="pass"))
    with pytest.raises(ValidationError) as caught:
        _done(row, place, answers=answers)
    assert "photo" in str(caught.value.fields["item__p1"])
    db.session.rollback()
    record = _done(
        row,
        place,
        answers=answers,
        photos=[("p1", Upload("IMG_1.HEIC", HEIC)), (None, Upload("a.jpg", JPEG))],
    )
    db.session.commit()
    kinds = {(a.item_key, a.content_type) for a in record.attachments}
    assert kinds == {("p1", "image/heic"), (None, "image/jpeg")}


def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    fake = Upload("photo.jpg", b"#!/bin/sh\nrm -rf /\n")
    with pytest.raises(ValidationError) as caught:
        _done(row, place, photos=[(None, fake)])
    assert "not a photo" in str(caught.value.fields["photos"])
    app.config["ROUNDS_PHOTO_MAX_MB"] = 1
    big = Upload("big.jpg", JPEG + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        _done(row, place, photos=[(None, big)])
    assert "larger than 1 MB" in str(caught.value.fields["photos"])


def test_a_tiered_visit_carries_the_union_of_its_tiers_items_in_chain_order(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    def plan(name: str, level: int, keys: list[str]) -> Plan:
        row = Plan(
            site_id=place.site.id,
            equipment_id=place.elevator.id,
            name=name,
            rrule="FREQ=DAILY;INTERVAL=15",
            starts_on=date(2026, 1, 1),
            tier_group="tsg_t5002",
            tier_level=level,
            checklist=[{"key": k, "names": {"zh": k}, "kind": "check"} for k in keys],
        )
        db.session.add(row)
        db.session.flush()
        return row

    half = plan("半月", 1, ["hm01", "hm02"])
    quarter = plan("季度", 2, ["q01", "hm02"])
    annual = plan("年度", 4, ["y01"])
    row = make_work(plan=half, includes=[str(half.id), str(quarter.id), str(annual.id)])
    assert [i.key for i in items_for(row)] == ["hm01", "hm02", "q01", "y01"]


def test_contractors_statutory_tests_need_the_report_number_and_pdf(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    plan = Plan(
        site_id=place.site.id,
        equipment_id=place.pump.id,
        name="水箱清洗消毒",
        rrule="FREQ=MONTHLY;INTERVAL=6",
        starts_on=date(2026, 1, 1),
        performer="licensed_contractor",
        criticality="statutory",
        legal_basis="CJJ 140-2010",
        checklist=[{"key": "c01", "names": {"zh": "已清洗、消毒"}, "kind": "check"}],
    )
    db.session.add(plan)
    db.session.commit()
    row = make_work(plan=plan)
    base = {"answers": {"c01": RawAnswer(result="pass")}, "signature_name": "陈主管"}
    with pytest.raises(ValidationError) as caught:
        completion.complete(row, place.supervisor, CompletionInput(**base))
    assert {"report_number", "report_file"} <= set(caught.value.fields)
    with pytest.raises(ValidationError) as caught:
        completion.complete(
            row,
            place.supervisor,
            CompletionInput(**base, report_number="SH-2026-001", report_file=Upload("r.pdf", JPEG)),
        )
    assert "not a PDF" in str(caught.value.fields["report_file"])
    record = completion.complete(
        row,
        place.supervisor,
        CompletionInput(**base, report_number="SH-2026-001", report_file=Upload("r.pdf", PDF)),
    )
    db.session.commit()
    assert record.statutory and record.report_number == "SH-2026-001"
    assert [a.kind for a in record.attachments] == ["report"]


def test_statutory_records_and_completed_work_cannot_be_deleted(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    record = _done(row, place, photos=[(None, Upload("a.jpg", JPEG))])
    record.statutory = True
    db.session.commit()
    for target in (record, row, record.attachments[0]):
        db.session.delete(target)
        with pytest.raises(RecordKept):
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WorkAttachment)) == 1


def test_two_people_completing_at_once_one_wins_and_the_other_is_told(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    """Two sessions load the work while it is open; both save; the second is refused."""
    row = make_work(assignee=place.tech)
    row_id = row.id
    with app.app_context():  # a second, independent session (another gunicorn worker)
        theirs = db.session.get(WorkOrder, row_id)
        assert theirs is not None and theirs.status == "assigned"
        mine = db.session.get(WorkOrder, row_id)
        with app.app_context():
            first = db.session.get(WorkOrder, row_id)
            assert first is not None
            _done(first, place_in_session(place), answers=_answers(d03=RawAnswer(result="fail")))
            db.session.commit()
        assert mine is not None and mine.status == "assigned"  # still the stale copy
        with pytest.raises(AlreadyCompleted):
            _done(mine, place_in_session(place), answers=_answers(d03=RawAnswer(result="fail")))
    db.session.expire_all()
    assert db.session.get(WorkOrder, row_id).status == "done"  # type: ignore[union-attr]
    assert len(_correctives()) == 1


def place_in_session(place: Place) -> Place:
    """The same users, loaded in the current session."""
    tech = db.session.get(User, place.tech.id)
    assert tech is not None
    return Place(**{**place.__dict__, "tech": tech})


def test_a_drawn_signature_is_kept_as_an_image_and_a_broken_one_is_refused(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    with pytest.raises(ValidationError) as caught:
        _done(row, place, signature_data_url="data:image/png;base64,AAAA")
    assert "signature" in str(caught.value.fields["signature_data_url"])
    drawn = "data:image/png;base64," + base64.b64encode(PNG).decode()
    record = _done(row, place, signature_data_url=drawn)
    db.session.commit()
    [signature] = record.attachments
    assert (signature.kind, signature.content_type, signature.size) == (
        "signature",
        "image/png",
        len(PNG),
    )
