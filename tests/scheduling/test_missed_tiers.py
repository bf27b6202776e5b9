"""A missed visit that carried quarterly (or rarer) items hands them to the next visit.

Marking work missed re-plans the tier chain in the same transaction: the next visit is
usually already stored, planned while the missed one could still be done, and it must
carry the items now, not only after someone completes a later visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from app.core import clock
from app.extensions import db
from app.people.models import User
from app.plans.models import Plan
from app.scheduling.generation import generate
from app.workorders.checklist import RawAnswer, Result, items_for
from app.workorders.completion import CompletionInput, complete
from app.workorders.models import WorkOrder
from app.workorders.services import mark_missed
from schedules import Reason

from .conftest import World
from .kit import SHANGHAI, work_orders


def _after(base: Plan, row: WorkOrder) -> list[WorkOrder]:
    """The visits due after `row`, in the order they are due (a made-up visit keeps its
    later slot)."""
    later = [w for w in work_orders(base) if w.due_at > row.due_at and w.status != "skipped"]
    return sorted(later, key=lambda w: w.due_at)


@pytest.mark.parametrize("anchor", ["fixed", "completion"])
def test_a_missed_quarterly_visit_puts_its_items_on_the_next_stored_visit(
    world: World, elevator_group: list[Plan], anchor: str
) -> None:
    base, quarterly, *_ = elevator_group
    base.anchor = anchor
    db.session.commit()
    with clock.pinned(dt.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)):
        generate()
    april = next(w for w in work_orders(base) if w.tier == str(quarterly.id))
    following = _after(base, april)[0]
    assert following.includes == [str(base.id)]

    with clock.pinned(april.window_end + dt.timedelta(minutes=1)):
        assert mark_missed(clock.utcnow()) >= 1
    db.session.commit()

    db.session.refresh(april)
    assert april.status == "missed"
    carrying = _after(base, april)[0]
    assert carrying.id == following.id, "the stored row is updated in place"
    assert str(quarterly.id) in carrying.includes
    assert any(r["code"] == "tier_carried" for r in carrying.reasons)
    assert any(r["code"] == "tier_made_up" for r in carrying.reasons), "not two weeks on"
    later = _after(base, carrying)
    assert all(str(quarterly.id) not in w.includes for w in later if w.due_at.month < 7)


def test_a_missed_half_monthly_visit_re_plans_nothing(
    world: World, elevator_group: list[Plan]
) -> None:
    base, *_ = elevator_group
    with clock.pinned(dt.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)):
        generate()
    plain = next(w for w in work_orders(base) if len(w.includes) == 1)
    stored = {w.id: (w.due_at, w.revision, tuple(w.includes)) for w in work_orders(base)}
    with clock.pinned(plain.window_end + dt.timedelta(minutes=1)):
        mark_missed(clock.utcnow())
    db.session.commit()
    after = {w.id: (w.due_at, w.revision, tuple(w.includes)) for w in work_orders(base)}
    changed = {i for i in stored if stored[i] != after.get(i)}
    assert changed <= {w.id for w in work_orders(base) if w.status == "missed"}


QUARTERLY_ITEM = {"key": "q_brake", "names": {"zh": "制动器：检查", "en": "Brake: check"}}


def _missed_with_carrier(base: Plan, quarterly: Plan) -> tuple[WorkOrder, WorkOrder]:
    """The April quarterly visit, missed, and the visit that now carries its items."""
    quarterly.checklist = [QUARTERLY_ITEM]
    db.session.commit()
    with clock.pinned(dt.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)):
        generate()
    april = next(w for w in work_orders(base) if w.tier == str(quarterly.id))
    with clock.pinned(april.window_end + dt.timedelta(minutes=1)):
        mark_missed(clock.utcnow())
    db.session.commit()
    carrier = next(w for w in _after(base, april) if str(quarterly.id) in w.includes)
    return april, carrier


def _done(row: WorkOrder, user: User, at: dt.datetime) -> None:
    """Completed at `at`, every item the visit shows passed."""
    answers = {item.key: RawAnswer(result=Result.PASS) for item in items_for(row) if item.key}
    crew = ["维保员甲", "维保员乙"]
    data = CompletionInput(
        answers=answers, crew_names=crew, signature_name=user.name, maintenance_unit="维保公司"
    )
    with clock.pinned(at):
        complete(row, user, data)
    db.session.commit()


def _said(row: WorkOrder) -> list[str]:
    return [Reason.from_json(r).render("zh") for r in row.reasons]


def test_a_missed_visit_completed_after_its_carrier_records_only_its_own_items(
    world: World, elevator_group: list[Plan], create_user: Callable[..., User]
) -> None:
    base, quarterly, *_ = elevator_group
    supervisor = create_user("chen", "陈主管", "supervisor")
    april, carrier = _missed_with_carrier(base, quarterly)
    _done(carrier, supervisor, carrier.due_at + dt.timedelta(hours=1))

    db.session.refresh(april)
    assert april.status == "missed"
    assert str(quarterly.id) in april.includes, "what was planned there stays on record"
    assert QUARTERLY_ITEM["key"] not in {item.key for item in items_for(april)}
    assert april.title.startswith(base.name)
    done_on = carrier.due_at.astimezone(SHANGHAI).date().isoformat()
    assert f"电梯季度保养项目已于 {done_on} 完成，本次不再重复" in _said(april)

    _done(april, supervisor, carrier.due_at + dt.timedelta(hours=2))
    assert april.status == "done_late"
    assert april.includes == [str(base.id)]
    assert str(quarterly.id) in carrier.includes, "the carrier keeps what it did"


def test_a_missed_visit_completed_late_is_the_quarterly_visit_and_its_due_carrier_drops_it(
    world: World, elevator_group: list[Plan], create_user: Callable[..., User]
) -> None:
    base, quarterly, *_ = elevator_group
    supervisor = create_user("chen", "陈主管", "supervisor")
    april, carrier = _missed_with_carrier(base, quarterly)
    # the carrier is already due (no re-plan may change it) when the late visit is recorded
    _done(april, supervisor, carrier.due_at + dt.timedelta(minutes=30))

    assert april.status == "done_late"
    assert str(quarterly.id) in april.includes
    db.session.refresh(carrier)
    assert carrier.status != "done"
    assert carrier.includes == [str(base.id)]
    assert QUARTERLY_ITEM["key"] not in {item.key for item in items_for(carrier)}
    assert carrier.title.startswith(base.name)
    assert not any(r["code"] == "tier_carried" for r in carrier.reasons)
    done_on = (carrier.due_at + dt.timedelta(minutes=30)).astimezone(SHANGHAI).date()
    assert f"电梯季度保养项目已于 {done_on.isoformat()} 完成，本次不再重复" in _said(carrier)
