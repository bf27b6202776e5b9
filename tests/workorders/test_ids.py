"""Work-order ids are feed UIDs (``wo-<id>@host``): a deleted visit's id is never given again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete

from app.extensions import db
from app.workorders.models import WorkOrder

from .conftest import NOW


def test_a_new_visit_never_gets_the_id_of_a_deleted_one(
    make_work: Callable[..., WorkOrder],
) -> None:
    make_work(NOW + timedelta(days=1))
    newest = make_work(NOW + timedelta(days=2))
    deleted_id = newest.id
    # Regeneration deletes rows with Core statements, like this.
    db.session.execute(delete(WorkOrder).where(WorkOrder.id == deleted_id))
    db.session.commit()

    replacement = make_work(NOW + timedelta(days=3))

    assert replacement.id > deleted_id
