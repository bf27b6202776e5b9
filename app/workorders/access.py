"""Who may see and change one work order, registered with `app.access.objects`.

Seeing: those who see the whole board, and the people doing the work. Changing: the
people doing it, and leads of its trade (`services.may_work_on`). Web pages, the API,
printed records and the paper-sheet entry all ask through `may_view`/`may_edit`.
"""

from __future__ import annotations

from app.access.objects import Person, edit_rule, view_rule
from app.workorders import services
from app.workorders.models import WorkOrder


@view_rule(WorkOrder)
def _may_view_work_order(user: Person, work_order: WorkOrder) -> bool:
    return services.may_view(user, work_order)  # type: ignore[arg-type]


@edit_rule(WorkOrder)
def _may_edit_work_order(user: Person, work_order: WorkOrder) -> bool:
    return services.may_work_on(user, work_order)  # type: ignore[arg-type]
