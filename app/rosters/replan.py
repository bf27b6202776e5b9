"""After a roster change, the untouched future visits of the plans it can reach follow it.

Who may be given a plan's visits: its named assignee, then the members of its team —
the plan's own, else the team that maintains its equipment (`team_of` in
app/scheduling/generation.py). A person's duties come from every team they belong
to, so a change to one person (leave, licence, rotation, leaving a team, being
deactivated) reaches the plans of all their teams and the plans naming them.

Only flushes (through `regenerate_plans`): the roster change and the schedule it
causes commit together, by whoever commits the change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import ColumnElement, and_, or_, select

from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.plans.models import Plan
from app.scheduling.generation import GenerationResult, regenerate_plans


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


def replan(
    team_ids: Collection[int] = (),
    user_ids: Collection[int] = (),
    licence_kinds: Collection[str] | None = None,
) -> GenerationResult | None:
    """Regenerate the plans `staffed_plans` finds, in one flush-only run; None if none."""
    plans = staffed_plans(team_ids, user_ids, licence_kinds)
    return regenerate_plans(plans) if plans else None


def replan_team(team: Team) -> GenerationResult | None:
    """After a team's shift pattern changed: its plans, and every plan of its members
    (their duties moved, and they may serve other teams or be named on plans)."""
    members = db.session.scalars(
        select(TeamMembership.user_id).where(TeamMembership.team_id == team.id)
    )
    return replan(team_ids=[team.id], user_ids=list(members))


def replan_person(
    user: User, licence_kinds: Collection[str] | None = None
) -> GenerationResult | None:
    """After a change to one person (leave, rotation, licence, active, name in reasons)."""
    return replan(user_ids=[user.id], licence_kinds=licence_kinds)


def replan_membership(team: Team, user: User) -> GenerationResult | None:
    """After someone joined or left a team: the team's plans (who may go changed) and the
    person's (their duties now come from a different set of teams)."""
    return replan(team_ids=[team.id], user_ids=[user.id])


def replan_people(users: Iterable[User]) -> GenerationResult | None:
    """After a change to several people at once (a deleted team's members)."""
    return replan(user_ids=[user.id for user in users])
