"""Which plans a roster change can reach: the question the scheduler's `staff_changed`
receiver (app/scheduling/receivers.py) asks before it re-plans them.

Who may be given a plan's visits: its named assignee, then the members of its team —
the plan's own, else the team that maintains its equipment (`team_of` in
app/scheduling/generation/rows.py). A person's duties come from every team they belong
to, so a change to one person (leave, licence, rotation, leaving a team, being
deactivated) reaches the plans of all their teams and the plans naming them.

Read-only: people and rosters send `app.core.signals.staff_changed`; the receiver
re-plans in the same session, so the change and its schedule commit together.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, or_, select

from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import TeamMembership, User
from app.plans.models import Plan


def staffed_plans(
    team_ids: Collection[int] = (),
    user_ids: Collection[int] = (),
    licence_kinds: Collection[str] | None = None,
) -> list[Plan]:
    """Active plans whose visits may go to members of `team_ids` or to the people `user_ids`
    (through any of their teams, or named).

    With `licence_kinds`, only plans that need one of those licences — plus grouped
    plans, whose group's base decides the licence and is redone with the group anyway.
    """
    people = list(user_ids)
    teams = set(team_ids)
    if people:
        teams.update(
            db.session.scalars(
                select(TeamMembership.team_id).where(TeamMembership.user_id.in_(people))
            )
        )
    reaches: list[ColumnElement[bool]] = []
    if teams:
        maintained = select(Equipment.id).where(Equipment.maintainer_team_id.in_(teams))
        reaches.append(Plan.team_id.in_(teams))
        reaches.append(and_(Plan.team_id.is_(None), Plan.equipment_id.in_(maintained)))
    if people:
        reaches.append(Plan.assignee_id.in_(people))
    if not reaches:
        return []
    stmt = select(Plan).where(Plan.active.is_(True), or_(*reaches))
    if licence_kinds is not None:
        stmt = stmt.where(
            or_(Plan.licence_kind.in_(list(licence_kinds)), Plan.tier_group.is_not(None))
        )
    return list(db.session.scalars(stmt.order_by(Plan.id)))


def plans_staffed_by_team(team_id: int) -> list[Plan]:
    """Active plans of the team, or of equipment it maintains when the plan names no team."""
    return staffed_plans(team_ids=[team_id])


def plans_staffed_by(user: User) -> list[Plan]:
    """Active plans whose visits this person may be given: named, or through a team."""
    return staffed_plans(user_ids=[user.id])
