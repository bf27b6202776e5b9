"""The scheduler's answers to the re-plan signals of `app.core.signals`.

Connected once at app start by `create_app` (`connect_replans`), so the packages
that send (people, rosters, plans, work orders, calendars) never import the
scheduler, which imports them. Every receiver only flushes: the change that sent
the signal and the schedule it causes commit together.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import select

from app.core import signals
from app.extensions import db
from app.plans import programmes
from app.plans.models import Plan
from app.rosters.replan import staffed_plans
from app.scheduling.generation import GenerationResult, regenerate_plans, regenerate_site
from app.scheduling.handover import settle_carried_tiers
from app.scheduling.mapping import ANCHOR_ALIASES
from app.sites.models import Site
from app.workorders.models import WorkOrder
from schedules import Anchor


def connect_replans() -> None:
    """Connect every receiver; connecting again (a second app in tests) changes nothing."""
    signals.plan_changed.connect(plans_changed)
    signals.staff_changed.connect(staff_changed)
    signals.visits_completed.connect(visits_completed)
    signals.visits_missed.connect(visits_missed)
    signals.calendar_changed.connect(calendar_changed)
    signals.service_level_changed.connect(service_level_changed)
    signals.equipment_dates_changed.connect(equipment_dates_changed)


def _replan(plans: Iterable[Plan | int]) -> GenerationResult | None:
    """Redo these plans now, or note them for the open `one_replan` block; None if none."""
    listed = list(plans)
    if not listed:
        return None
    db.session.flush()  # a plan added in this change gets its id before it is noted
    if signals.hold(p if isinstance(p, int) else p.id for p in listed):
        return None
    return regenerate_plans(listed)


def plans_changed(sender: object, *, plans: Iterable[Plan | int]) -> GenerationResult | None:
    return _replan(plans)


def staff_changed(
    sender: object,
    *,
    team_ids: Collection[int] = (),
    user_ids: Collection[int] = (),
    licence_kinds: Collection[str] | None = None,
) -> GenerationResult | None:
    """The plans whose visits those teams or people may be given (see `staffed_plans`)."""
    return _replan(staffed_plans(team_ids, user_ids, licence_kinds))


def equipment_dates_changed(
    sender: object, *, equipment_ids: Collection[int]
) -> GenerationResult | None:
    """The active plans of assets whose ledger dates moved (下次法定检验 above all)."""
    plan_ids = db.session.scalars(
        select(Plan.id).where(Plan.equipment_id.in_(list(equipment_ids)), Plan.active.is_(True))
    ).all()
    return _replan(sorted(plan_ids))


def counts_from_last_visit(plan: Plan) -> bool:
    """Whether a plan's future depends on when its last visit was really done.

    Completion anchors restart there; a ceiling counts from it (a late visit pulls the
    next one earlier); a tier chain must not repeat the tier that visit covered.
    """
    completion = ANCHOR_ALIASES.get(plan.anchor) is Anchor.COMPLETION
    return completion or bool(plan.ceiling_days) or plan.tier_group is not None


def visits_completed(
    sender: object, *, work_orders: Iterable[WorkOrder]
) -> GenerationResult | None:
    """Re-plan the plans of just-completed visits that count from them.

    Their next visits count from when the work was really done, not from the slot it
    was planned for. A tier a missed visit handed on is done by whichever of the two is
    completed first: the other, still open, drops it (`settle_carried_tiers`).
    """
    work_orders = list(work_orders)
    settle_carried_tiers(work_orders)
    plan_ids = sorted(
        {
            row.plan_id
            for row in work_orders
            if row.plan is not None and counts_from_last_visit(row.plan)
        }
    )
    return _replan(plan_ids)


def visits_missed(sender: object, *, work_orders: Iterable[WorkOrder]) -> GenerationResult | None:
    """Re-plan the tier chains whose missed visits carried higher tier items.

    Their next visit may already be stored, planned before this one was missed; it
    carries the missed quarterly (or rarer) items now, not only after the next completion.
    """
    plan_ids = sorted(
        {
            row.plan_id
            for row in work_orders
            if row.plan_id is not None and len(row.includes or ()) > 1
        }
    )
    return _replan(plan_ids)


def calendar_changed(sender: object, *, site: Site | None) -> GenerationResult:
    """Every plan the changed calendar covers, in the transaction of the change."""
    return regenerate_site(site)


def service_level_changed(sender: object, *, site_id: int) -> None:
    """The site's cleaning, greening and patrol plans take the new level's frequencies;
    the plan_changed signal that sends re-plans them."""
    programmes.relevel_site(site_id)
