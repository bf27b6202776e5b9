"""Who may see and change a plan: the plan's trade and, when statutory, its performer.

Registered with `app.access.objects` (imported by the composition root), so the plan
pages, the API and everything else ask `may_view`/`may_edit` and never re-decide.
"""

from __future__ import annotations

from app.access.objects import Person, edit_rule, may_edit, view_rule
from app.access.roles import can
from app.access.trades import leads_trade, may_edit_statutory, trade_of
from app.core.validation import N_, ValidationError
from app.extensions import db
from app.plans.models import Plan

STATUTORY = "statutory"


def plan_trade(plan: Plan) -> str:
    """The plan's trade, from its kind, asset category and team (no column of its own)."""
    category = plan.equipment.category if plan.equipment is not None else None
    team_kind = plan.team.kind if plan.team is not None else None
    return trade_of(plan.kind, category, team_kind)


def is_statutory(plan: Plan) -> bool:
    return plan.criticality == STATUTORY


class OutsideYourTrades(ValidationError):
    """A new or changed plan would belong to a trade the user does not lead."""


def check_still_yours(user: Person, plan: Plan) -> Plan:
    """After a create or an edit, before the commit: refuse a plan that lands outside the
    user's trades (a cleaning lead giving a plan the elevator or 工程部), so `save` rolls
    the whole change back and says why next to the team."""
    db.session.flush()
    db.session.expire(plan, ["team", "equipment"])  # re-read after their ids changed
    if not may_edit(user, plan):
        raise OutsideYourTrades(
            {"team_id": N_("This plan would belong to a trade you do not lead.")}
        )
    return plan


def check_all_yours(user: Person, plans: list[Plan]) -> list[Plan]:
    """After applying a programme, before the commit: every plan it made must be in the
    user's trades (a cleaning lead cannot apply the elevator's statutory programme), or
    the whole apply is refused and rolled back, naming the plans."""
    db.session.flush()
    outside = [plan.name for plan in plans if not may_edit(user, plan)]
    if outside:
        raise OutsideYourTrades(
            {
                "programme": N_(
                    "These plans would belong to a trade you do not lead: %(names)s",
                    names="、".join(outside[:5]) + ("…" if len(outside) > 5 else ""),
                )
            }
        )
    return plans


@view_rule(Plan)
def _may_view_plan(user: Person, plan: Plan) -> bool:
    return can(user.roles, "plans.view")


@edit_rule(Plan)
def _may_edit_plan(user: Person, plan: Plan) -> bool:
    """A lead changes only their trades' plans; statutory ones only if the performer allows."""
    roles = user.roles
    if not can(roles, "plans.edit") or not leads_trade(roles, plan_trade(plan)):
        return False
    return not is_statutory(plan) or may_edit_statutory(roles, plan.performer)
