"""The corrective jobs that the demo history's failures raise, dated when they happened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.demo.history.book import Book, Failure, Visit, completion_row
from app.demo.history.tables import CONTRACTOR_CREWS, OUTSIDE_CREW
from app.extensions import db
from app.workorders.corrective import due_for, link_new_jobs, raise_for_failures
from app.workorders.models import Priority, WorkOrder, WorkOrderStatus


def stored_ids(plan_ids: list[int], now: datetime) -> dict[tuple[int, datetime], int]:
    rows = db.session.execute(
        select(WorkOrder.id, WorkOrder.plan_id, WorkOrder.slot).where(
            WorkOrder.plan_id.in_(plan_ids), WorkOrder.due_at <= now
        )
    )
    return {(row.plan_id, row.slot): row.id for row in rows}


def raise_jobs(
    book: Book, visits: Sequence[Visit], ids: dict[tuple[int, datetime], int]
) -> list[dict[str, Any]]:
    """One corrective job per failed item, raised by the corrective service in the order
    the failures happened and dated then; returns the completion rows of repaired ones."""
    failing = [v for v in visits if v.failure is not None and v.completion is not None]
    failing.sort(key=lambda v: v.completion["finished_at"])  # type: ignore[index]
    repairs: list[tuple[WorkOrder, Failure]] = []
    for visit in failing:
        assert visit.completion is not None and visit.failure is not None
        source = db.session.get(WorkOrder, ids[visit.key])
        assert source is not None
        answers = visit.completion["answers"]
        jobs = raise_for_failures(source, answers)
        raised = visit.completion["finished_at"]
        for job in jobs:
            _backdate(job, raised, visit.failure)
            repairs.append((job, visit.failure))
        db.session.flush()
        visit.completion["answers"] = link_new_jobs(answers, jobs)
    return [_repair(book, job, failure) for job, failure in repairs if failure.repaired_at]


def _backdate(job: WorkOrder, raised: datetime, failure: Failure) -> None:
    """The job as the service raised it at the visit, repaired later or still open."""
    due = due_for(job.priority or Priority.NORMAL.value, raised)
    job.created_at = raised
    job.window_start = raised
    job.due_at = job.ends_at = job.window_end = due
    job.equipment_down = failure.down
    if failure.repaired_at is not None:
        late = failure.repaired_at > due
        job.status = (WorkOrderStatus.DONE_LATE if late else WorkOrderStatus.DONE).value
        job.started_at = failure.repaired_at - timedelta(minutes=failure.rng.randint(30, 120))
        job.completed_at = failure.repaired_at
        job.revision = 1
        job.updated_at = failure.repaired_at


def _repair(book: Book, job: WorkOrder, failure: Failure) -> dict[str, Any]:
    """The completion row of a repaired job: who fixed it, the cause and the parts."""
    assert failure.repaired_at is not None and job.started_at is not None
    rng = failure.rng
    if job.contractor_id is not None:
        outside = CONTRACTOR_CREWS.get(
            book.contractor_keys.get(job.contractor_id, ""), OUTSIDE_CREW
        )
        names = rng.sample(outside, min(2, len(outside)))
        crew = [{"user_id": None, "name": name} for name in names]
        recorder = book.safety_manager.id
        signature = names[0]
    else:
        recorder = book.member(job.team_id, rng) or book.safety_manager.id
        crew = [{"user_id": recorder, "name": book.names.get(recorder, "")}]
        signature = book.names.get(recorder, "")
    return {
        **completion_row(
            recorder, job.started_at, failure.repaired_at, crew=crew, signature=signature
        ),
        "work_order_id": job.id,
        "late": job.status == WorkOrderStatus.DONE_LATE.value,
        "cause": failure.cause,
        "parts_used": failure.parts,
    }
