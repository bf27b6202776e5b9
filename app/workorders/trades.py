"""The trade of a work order: its plan's, or for a repair its asset's and team's.

No column: a visit belongs to the trade of the plan that made it (`plan_trade`); a
corrective job (维修) has no plan, so its asset's category and team decide.
"""

from __future__ import annotations

from app.access.roles import can
from app.access.trades import leads_trade, trade_of
from app.people.models import User
from app.plans.access import plan_trade
from app.workorders.models import WorkOrder


def work_order_trade(work_order: WorkOrder) -> str:
    if work_order.plan is not None:
        return plan_trade(work_order.plan)
    category = work_order.equipment.category if work_order.equipment is not None else None
    team_kind = work_order.team.kind if work_order.team is not None else None
    return trade_of(None, category, team_kind)


def manages_trade_of(user: User, work_order: WorkOrder) -> bool:
    """A lead manages (cancels, reassigns, signs off) only the work of trades they lead."""
    roles = user.roles_at(work_order.site_id)
    return can(roles, "work.manage") and leads_trade(roles, work_order_trade(work_order))
