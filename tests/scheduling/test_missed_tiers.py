"""A missed visit that carried quarterly (or rarer) items hands them to the next visit.

Marking work missed re-plans the tier chain in the same transaction: the next visit is
usually already stored, planned while the missed one could still be done, and it must
carry the items now, not only after someone completes a later visit.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import generate
from app.workorders.models import WorkOrder
from app.workorders.services import mark_missed

from .conftest import World
from .kit import SHANGHAI, work_orders


def _after(base: Plan, row: WorkOrder) -> list[WorkOrder]:
    return [w for w in work_orders(base) if w.due_at > row.due_at and w.status != "skipped"]


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
