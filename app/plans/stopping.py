"""Stopping a plan with a stated reason, noted in the audit log with what it cost.

A statutory plan (法定) stopped by mistake silently drops legally required visits, so
it needs a reason, and the log keeps who stopped it, why, and how many visits went.
"""

from __future__ import annotations

from app.audit.services import note
from app.core.validation import N_, Problems, ValidationError
from app.plans.access import is_statutory
from app.plans.models import Plan
from app.plans.services import deactivate_plan

REASON_MAX = 500


class ReasonMissing(ValidationError):
    """A statutory plan was to be stopped without saying why."""


def needs_reason(plan: Plan) -> bool:
    return is_statutory(plan)


def stop_plan(plan: Plan, expected_version: int | None, reason: str, visits_going: int) -> Plan:
    """Stop a plan; statutory ones need `reason`. `visits_going` is the count the user was
    shown (`app.scheduling.stopping.visits_that_go`), kept in the log with the reason."""
    reason = reason.strip()
    problems = Problems()
    if needs_reason(plan) and not reason:
        problems.add("reason", N_("Say why this statutory plan stops."))
    elif len(reason) > REASON_MAX:
        problems.add("reason", N_("Keep the reason under 500 characters."))
    problems.raise_if_any(ReasonMissing)
    was_active = plan.active
    deactivate_plan(plan, expected_version)
    if was_active:
        note(
            Plan.__tablename__,
            plan.id,
            "deactivate",
            {"reason": reason, "future_visits_deleted": visits_going},
        )
    return plan
