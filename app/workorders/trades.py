"""The trade of a work order: its plan's, or for a repair its asset's and team's.

No column: a visit belongs to the trade of the plan that made it (`plan_trade`); a
corrective job (维修) has no plan, so its asset's category and team decide.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.access.roles import can
from app.access.trades import leads_trade, trade_of, trades_of
from app.extensions import db
from app.people.models import TeamMembership, User
from app.plans.access import plan_trade
from app.workorders.models import WorkOrder

OnPaper = Callable[[WorkOrder], bool]


def work_order_trade(work_order: WorkOrder) -> str:
    if work_order.plan is not None:
        return plan_trade(work_order.plan)
    category = work_order.equipment.category if work_order.equipment is not None else None
    team_kind = work_order.team.kind if work_order.team is not None else None
    return trade_of(None, category, team_kind)


def manages_trade_of(user: User, work_order: WorkOrder) -> bool:
    """A lead manages (cancels, reassigns, signs off) only the work of trades they lead."""
    return can(user.roles, "work.manage") and leads_trade(user.roles, work_order_trade(work_order))


def on_paper_for(user: User) -> OnPaper:
    """Which work orders go on a sheet this user prints (a team's, a worker's, an area's).

    A lead signs the sheet off, so it holds her trades' work and her own visits: a
    cleaning lead printing 保洁部's sheet does not get the elevator's statutory visit
    that happens to be booked on her team. Anyone leading no trade (a technician) gets
    the work of the teams they belong to and their own visits, not another team's.
    """
    led = trades_of(user.roles)
    if led:
        return lambda order: order.assignee_id == user.id or work_order_trade(order) in led
    mine = select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)
    teams = set(db.session.scalars(mine))
    return lambda order: order.assignee_id == user.id or _team_of(order) in teams


def _team_of(order: WorkOrder) -> int | None:
    """The visit's team, or its plan's while nobody is booked (patrol rounds)."""
    if order.team_id is not None:
        return order.team_id
    return order.plan.team_id if order.plan is not None else None
