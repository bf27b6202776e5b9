"""Every action from every state: what is allowed moves the work order, the rest is refused."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask_babel import refresh
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db
from app.workorders import completion, corrective, services
from app.workorders.checklist import RawAnswer
from app.workorders.models import WorkOrder
from app.workorders.services import AlreadyCompleted, NotYours, TransitionError
from tests.workorders.conftest import NOW, Place, local

STATES = (
    "planned",
    "assigned",
    "in_progress",
    "done",
    "done_late",
    "skipped",
    "missed",
    "cancelled",
)

# (action, from state) → resulting state; absent = refused. Written out, not read from the code.
EXPECTED = {
    ("start", "planned"): "in_progress",
    ("start", "assigned"): "in_progress",
    ("start", "missed"): "in_progress",
    ("complete", "planned"): "done",
    ("complete", "assigned"): "done",
    ("complete", "in_progress"): "done",
    ("complete", "missed"): "done_late",
    ("skip", "planned"): "skipped",
    ("skip", "assigned"): "skipped",
    ("skip", "in_progress"): "skipped",
    ("cancel", "planned"): "cancelled",
    ("cancel", "assigned"): "cancelled",
    ("cancel", "in_progress"): "cancelled",
    ("cancel", "missed"): "cancelled",
    ("reassign", "planned"): "assigned",
    ("reassign", "assigned"): "assigned",
    ("reassign", "in_progress"): "in_progress",
    ("reschedule", "planned"): "planned",
    ("reschedule", "assigned"): "assigned",
}

ALL_PASS = {
    "d01": RawAnswer(value="0.45"),
    "d03": RawAnswer(result="pass"),
    "d04": RawAnswer(result="pass"),
}


def _act(action: str, row: WorkOrder, place: Place) -> None:
    boss = place.supervisor
    if action == "start":
        services.start(row, boss, row.version)
    elif action == "complete":
        data = completion.CompletionInput(answers=ALL_PASS, signature_name="陈主管")
        completion.complete(row, boss, data)
    elif action == "skip":
        services.skip(row, boss, row.version, "水泵房停电")
    elif action == "cancel":
        services.cancel(row, boss, row.version, "重复工单")
    elif action == "reassign":
        services.reassign(row, boss, row.version, place.tech.id, place.team.id)
    elif action == "reschedule":
        services.reschedule(row, boss, row.version, row.due_at + timedelta(hours=2))


@pytest.mark.parametrize(
    "action", ["start", "complete", "skip", "cancel", "reassign", "reschedule"]
)
@pytest.mark.parametrize("state", STATES)
def test_each_action_moves_or_refuses_according_to_the_state_table(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder], action: str, state: str
) -> None:
    row = make_work(status=state, due=NOW - timedelta(days=3) if state == "missed" else NOW)
    revision = row.revision
    expected = EXPECTED.get((action, state))
    if expected is None:
        refusal = AlreadyCompleted if (action, state) in {
            ("complete", "done"), ("complete", "done_late")
        } else TransitionError  # fmt: skip
        with pytest.raises(refusal):
            _act(action, row, place)
        db.session.rollback()
        assert db.session.get(WorkOrder, row.id).status == state  # type: ignore[union-attr]
        return
    _act(action, row, place)
    db.session.commit()
    assert row.status == expected
    assert row.touched is True
    assert row.revision == revision + 1


def test_a_refusal_names_the_state_in_the_users_language(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(status="done")
    with pytest.raises(TransitionError) as caught:
        services.start(row, place.supervisor, row.version)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        zh = caught.value.message()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        en = caught.value.message()
    assert "已完成" in zh
    assert en == "A work order that is Done cannot be started."


def test_finishing_after_the_window_is_done_late(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(due=NOW - timedelta(days=3), window_days=1, status="in_progress")
    data = completion.CompletionInput(answers=ALL_PASS, signature_name="王师傅")
    record = completion.complete(row, place.supervisor, data)
    db.session.commit()
    assert row.status == "done_late" and record.late
    assert row.completed_at == NOW


def test_skipping_needs_a_reason(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    with pytest.raises(ValidationError) as caught:
        services.skip(row, place.tech, row.version, "   ")
    assert "reason" in caught.value.fields
    services.skip(row, place.tech, row.version, "区域封闭施工")
    db.session.commit()
    assert (row.status, row.skip_reason) == ("skipped", "区域封闭施工")


def test_only_the_assignee_their_team_or_a_lead_may_work_on_it(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    theirs = make_work(assignee=place.tech)
    with pytest.raises(NotYours):
        services.start(theirs, place.other_tech, theirs.version)
    team_job = make_work(due=NOW + timedelta(hours=2))  # team ENG, nobody assigned yet
    services.start(team_job, place.tech, team_job.version)
    db.session.commit()
    assert team_job.assignee_id == place.tech.id  # whoever starts a team job takes it
    with pytest.raises(NotYours):
        services.reassign(theirs, place.tech, theirs.version, place.tech.id, None)


def test_a_stale_version_is_refused(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    with pytest.raises(StaleEdit):
        services.start(row, place.tech, row.version - 1)


def test_every_change_is_in_the_audit_log(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(assignee=place.tech)
    services.start(row, place.tech, row.version)
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "work_order", AuditEntry.entity_id == row.id)
    ).all()
    assert any(e.changes.get("status") == ["assigned", "in_progress"] for e in entries)


def test_reassigning_checks_the_person_and_team(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work()
    with pytest.raises(ValidationError) as caught:
        services.reassign(row, place.supervisor, row.version, place.other_tech.id, place.team.id)
    assert "assignee_id" in caught.value.fields  # 李师傅 is not in 工程部
    services.reassign(row, place.supervisor, row.version, None, place.other_team.id)
    db.session.commit()
    assert (row.status, row.team_id, row.assignee_id) == ("planned", place.other_team.id, None)


def test_rescheduling_stays_inside_the_window(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    row = make_work(due=local(2026, 3, 5), window_days=1)
    with pytest.raises(ValidationError) as caught:
        services.reschedule(row, place.supervisor, row.version, local(2026, 3, 7))
    assert "window" in str(caught.value.fields["due_at"])
    services.reschedule(row, place.supervisor, row.version, local(2026, 3, 5, 15))
    db.session.commit()
    assert row.due_at == local(2026, 3, 5, 15)
    assert row.ends_at - row.due_at == timedelta(hours=1)


def test_a_reschedule_that_breaks_the_ceiling_is_refused_with_the_reason(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    """Ceiling 2 days: visits on the 4th and 8th around one on the 6th; moving it to the
    7th leaves 3 days after the 4th."""
    make_work(due=local(2026, 3, 4), status="done", completed_at=local(2026, 3, 4))
    row = make_work(due=local(2026, 3, 6), window_days=1)
    make_work(due=local(2026, 3, 8))
    with pytest.raises(ValidationError) as caught:
        services.reschedule(row, place.supervisor, row.version, local(2026, 3, 7, 8))
    message = str(caught.value.fields["due_at"])
    assert "3 days after the previous visit on 2026-03-04" in message
    assert "ceiling of 2 days" in message
    services.reschedule(row, place.supervisor, row.version, local(2026, 3, 6, 16))
    db.session.commit()


def test_the_scheduler_marks_missed_planned_work_but_not_repairs(
    app: Flask, place: Place, make_work: Callable[..., WorkOrder]
) -> None:
    old = make_work(due=NOW - timedelta(days=3), window_days=1)
    repair = corrective.create_corrective(
        site=place.site,
        title="水泵漏水",
        description="",
        priority="urgent",
        equipment=place.pump,
        raised_at=NOW - timedelta(days=3),
    )
    started = make_work(due=NOW - timedelta(days=4), window_days=1, status="in_progress")
    assert services.mark_missed(NOW) == 1
    db.session.commit()
    assert (old.status, repair.status, started.status) == ("missed", "planned", "in_progress")
