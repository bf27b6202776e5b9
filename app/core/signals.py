"""The named signals of "something changed that re-plans work", and one-re-plan batches.

Domain packages below `scheduling` (people, rosters, plans, work orders, calendars,
equipment)
send these instead of calling the scheduler, which imports all of them; the
scheduling package connects its receivers at app start
(`app.scheduling.receivers.connect_replans`, called by `create_app`).

Receivers run synchronously, in the sender's database session, and only flush: a
change and the re-plan it causes commit together or roll back together, by
whoever owns the commit point. A sender reads the receiver's `GenerationResult`
(or None) back through `replan`.

Inside `one_replan()` receivers only note which plans they would redo; leaving the
block redoes them all in one run. A paper sheet completing twenty visits, or a
change touching several teams, regenerates each plan once.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from blinker import Namespace, Signal

from app.extensions import db

_replans = Namespace()

plan_changed = _replans.signal(
    "plan-changed", doc="A plan's rule, staffing or state changed. kwargs: plans (Plan or id)."
)
staff_changed = _replans.signal(
    "staff-changed",
    doc="Staff, licences, memberships or rosters changed. kwargs: team_ids, user_ids, "
    "licence_kinds (None = any licence).",
)
visits_completed = _replans.signal(
    "visits-completed", doc="Work orders were completed. kwargs: work_orders."
)
visits_missed = _replans.signal(
    "visits-missed",
    doc="Planned work orders were marked missed (their window closed). kwargs: work_orders.",
)
equipment_dates_changed = _replans.signal(
    "equipment-dates-changed",
    doc="An asset's ledger dates that plans count from changed (下次法定检验, commissioning, "
    "component dates). kwargs: equipment_ids.",
)
calendar_changed = _replans.signal(
    "calendar-changed", doc="A site's (or, with site None, every site's) calendar changed."
)
service_level_changed = _replans.signal(
    "service-level-changed",
    doc="A site's service level changed; its area plans follow. kwargs: site_id.",
)

_BATCH_KEY = "rounds.replan_batch"


def replan(signal: Signal, sender: object = None, **kwargs: Any) -> Any:
    """Send `signal` and return the first receiver's answer (None if nobody answered)."""
    for _receiver, answer in signal.send(sender, **kwargs):
        if answer is not None:
            return answer
    return None


@contextmanager
def one_replan() -> Iterator[None]:
    """Re-plan once, on leaving the block, every plan the signals inside it reached.

    Nested blocks join the outermost one. On an exception nothing is re-planned: the
    caller rolls the change back anyway.
    """
    info = db.session.info
    if _BATCH_KEY in info:
        yield
        return
    pending: set[int] = set()
    info[_BATCH_KEY] = pending
    try:
        yield
    finally:
        info.pop(_BATCH_KEY, None)
    if pending:
        plan_changed.send(None, plans=sorted(pending))


def hold(plan_ids: Iterable[int]) -> bool:
    """For receivers: note the plans in the open `one_replan` block; False when none is open."""
    pending = db.session.info.get(_BATCH_KEY)
    if pending is None:
        return False
    pending.update(plan_ids)
    return True
