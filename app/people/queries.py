"""Reads of teams and staff for pages and pick-lists, named for what they fetch."""

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.people.models import Team, TeamMembership, User


def teams_by_name(site_id: int | None = None) -> Sequence[Team]:
    """One site's teams, or every site's (grouped by site), by name."""
    stmt = select(Team).order_by(Team.site_id, Team.name)
    if site_id is not None:
        stmt = stmt.where(Team.site_id == site_id)
    return db.session.scalars(stmt).all()


def teams_by_code(site_id: int | None = None) -> Sequence[Team]:
    """One site's teams, or every site's (grouped by site), by code as printed on sheets."""
    stmt = select(Team).order_by(Team.site_id, Team.code)
    if site_id is not None:
        stmt = stmt.where(Team.site_id == site_id)
    return db.session.scalars(stmt).all()


def active_people() -> Sequence[User]:
    """Everyone who can still be given work, by name."""
    return db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()


def active_members_of(team_id: int) -> Sequence[User]:
    stmt = (
        select(User)
        .join(TeamMembership, TeamMembership.user_id == User.id)
        .where(TeamMembership.team_id == team_id, User.active.is_(True))
        .order_by(User.name)
    )
    return db.session.scalars(stmt).all()
