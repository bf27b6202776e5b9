"""What each feed scope shows: who may have it, which work-order rows it selects, and when.

One selection serves the cheap fingerprint query, the full build and the tests, so
the rows a feed is checked against are exactly the rows it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select

from app.access.objects import may_view, view_rule
from app.access.roles import can
from app.core.validation import N_, Msg
from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.disruptions import RULES
from app.feeds.models import FeedScope
from app.people.models import Team, TeamMembership, User
from app.plans.models import Plan
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder, WorkOrderKind, WorkOrderStatus

SCOPE_LABELS: dict[str, tuple[str, str]] = {
    FeedScope.PERSON: ("个人工单", "Person"),
    FeedScope.TEAM: ("班组", "Team"),
    FeedScope.SITE: ("项目", "Site"),
    FeedScope.EQUIPMENT: ("设备", "Equipment"),
    FeedScope.LOCATION: ("位置", "Location"),
    FeedScope.BUILDING: ("楼栋公告（业主）", "Building notices (residents)"),
}
HIDDEN_STATUSES = (WorkOrderStatus.CANCELLED.value, WorkOrderStatus.SKIPPED.value)
"""Never in a feed: a cancelled or skipped visit leaves the calendar (tech-notes §1.6)."""
PUBLIC_STATUSES = (  # planned work only: a repair is not announced in advance
    WorkOrderStatus.PLANNED.value,
    WorkOrderStatus.ASSIGNED.value,
    WorkOrderStatus.IN_PROGRESS.value,
    WorkOrderStatus.DONE.value,
    WorkOrderStatus.DONE_LATE.value,
)
"""A resident sees work that will happen or did; a missed visit cut nothing off."""
CODE_SEPARATOR = ":"
SLUG_MAX = 48


class TargetError(LookupError):
    """No such target, or an ambiguous code; `msg` says which, in the reader's language."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(str(msg))
        self.msg = msg


@dataclass(frozen=True)
class Target:
    """The thing a feed shows, as text for names and links."""

    scope: FeedScope
    id: int
    site_id: int | None
    code: str  # canonical, e.g. "tech1", "DEMO:ENG", "DEMO:T1"
    name: str  # for the calendar name, e.g. "阳光花园 工程部"
    team_ids: frozenset[int] = frozenset()  # members' teams (person) or members (team)


@dataclass(frozen=True)
class Window:
    """Due times from `start` (inclusive) to `end` (exclusive), aware UTC."""

    start: datetime
    end: datetime


def window_for(timezone: str, today: date, days_back: int, days_ahead: int) -> Window:
    """Whole local days, so the feed changes at most once a day by the clock alone."""
    zone = ZoneInfo(timezone)
    first = datetime.combine(today - timedelta(days=days_back), time(0), zone)
    last = datetime.combine(today + timedelta(days=days_ahead + 1), time(0), zone)
    return Window(first, last)


def slugify(*parts: str) -> str:
    """The readable last URL element: ASCII, lower case, short (clients name calendars by it)."""
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_MAX].strip("-")


# --- targets ---------------------------------------------------------------------------------


def _split(code: str) -> tuple[str | None, str]:
    code = code.strip()
    if CODE_SEPARATOR in code:
        site_code, _sep, rest = code.partition(CODE_SEPARATOR)
        return site_code.strip(), rest.strip()
    return None, code


def _one(rows: list[Any], code: str) -> Any:
    if not rows:
        raise TargetError(N_("Nothing has the code %(code)s.", code=code))
    if len(rows) > 1:
        raise TargetError(N_("Several sites use %(code)s; write SITE:CODE.", code=code))
    return rows[0]


def _site_scoped(model: Any, column: Any, code: str) -> Any:
    site_code, own = _split(code)
    stmt = select(model).join(Site, Site.id == model.site_id).where(column == own)
    if site_code is not None:
        stmt = stmt.where(Site.code == site_code)
    return _one(list(db.session.scalars(stmt)), code)


def resolve(scope: FeedScope, code: str | None, owner: User) -> Target:
    """A target from its code as people type it; a person feed defaults to the owner."""
    if scope is FeedScope.PERSON:
        if not code:
            return _person(owner)
        user = db.session.scalar(select(User).where(User.username == code.strip()))
        return _person(_one([user] if user else [], code))
    if not code:
        raise TargetError(N_("Enter a code for this calendar."))
    if scope is FeedScope.TEAM:
        return _team(_site_scoped(Team, Team.code, code))
    if scope is FeedScope.SITE:
        site = db.session.scalar(select(Site).where(Site.code == code.strip()))
        return _site(_one([site] if site else [], code))
    if scope is FeedScope.EQUIPMENT:
        return _equipment(_site_scoped(Equipment, Equipment.asset_code, code))
    location = _site_scoped(Location, Location.code, code)
    if scope is FeedScope.BUILDING and location.kind != "building":
        raise TargetError(N_("%(code)s is not a building.", code=code))
    return _location(scope, location)


def load(scope: str, target_id: int) -> Target | None:
    """The target a stored feed points at, or None once it is gone."""
    kind = FeedScope(scope)
    if kind is FeedScope.PERSON:
        user = db.session.get(User, target_id)
        return _person(user) if user is not None else None
    if kind is FeedScope.TEAM:
        team = db.session.get(Team, target_id)
        return _team(team) if team is not None else None
    if kind is FeedScope.SITE:
        site = db.session.get(Site, target_id)
        return _site(site) if site is not None else None
    if kind is FeedScope.EQUIPMENT:
        equipment = db.session.get(Equipment, target_id)
        return _equipment(equipment) if equipment is not None else None
    location = db.session.get(Location, target_id)
    if location is None or (kind is FeedScope.BUILDING and location.kind != "building"):
        return None
    return _location(kind, location)


def _person(user: User) -> Target:
    return Target(
        FeedScope.PERSON, user.id, None, user.username, user.name,
        frozenset(m.team_id for m in user.memberships),
    )  # fmt: skip


def _team(team: Team) -> Target:
    site = db.session.get(Site, team.site_id)
    assert site is not None
    return Target(
        FeedScope.TEAM, team.id, team.site_id, f"{site.code}{CODE_SEPARATOR}{team.code}",
        f"{site.name} {team.name}", frozenset(m.user_id for m in team.memberships),
    )  # fmt: skip


def _site(site: Site) -> Target:
    return Target(FeedScope.SITE, site.id, site.id, site.code, site.name)


def _equipment(equipment: Equipment) -> Target:
    site = db.session.get(Site, equipment.site_id)
    assert site is not None
    return Target(
        FeedScope.EQUIPMENT, equipment.id, equipment.site_id,
        f"{site.code}{CODE_SEPARATOR}{equipment.asset_code}",
        f"{equipment.name} ({equipment.asset_code})",
    )  # fmt: skip


def _location(scope: FeedScope, location: Location) -> Target:
    site = db.session.get(Site, location.site_id)
    assert site is not None
    return Target(
        scope, location.id, location.site_id, f"{site.code}{CODE_SEPARATOR}{location.code}",
        f"{site.name} {location.path}",
    )  # fmt: skip


def target_slug(target: Target) -> str:
    if target.scope is FeedScope.PERSON:
        return slugify(target.code, "work") or "work"
    return slugify(target.scope.value, target.code) or target.scope.value


@view_rule(Target)
def _may_read_target(owner: User, target: Target) -> bool:
    """A feed never shows more than its owner could see in Rounds itself: their own or
    their team's work, and a whole site, asset or place only for those who see the whole
    work board (a technician's `/work/board` is 403, so is their site feed). Residents'
    building notices show planned work without names, as the notice board does."""
    if not owner.active:
        return False
    roles = owner.roles
    if target.scope is FeedScope.PERSON:
        return target.id == owner.id or can(roles, "work.view")
    if target.scope is FeedScope.TEAM:
        return owner.id in target.team_ids or can(roles, "work.view")
    if target.scope is FeedScope.BUILDING:
        return can(roles, "plans.view") or can(roles, "work.view")
    return can(roles, "work.view")


def may_read(owner: User, target: Target) -> bool:
    """Checked when a link is made and again on every rebuild (rights changes raise the
    cache epoch), through the same `may_view` as every page."""
    return may_view(owner, target)


def choosable_teams(owner: User) -> list[tuple[str, str]]:
    """(code, name) of the teams the owner may subscribe to: their own, or every team for
    those who see all work."""
    stmt = select(Site.code, Site.name, Team.code, Team.name).join(Site, Site.id == Team.site_id)
    if not can(owner.roles, "work.view"):
        stmt = stmt.join(TeamMembership, TeamMembership.team_id == Team.id).where(
            TeamMembership.user_id == owner.id
        )
    rows = db.session.execute(stmt.order_by(Site.code, Team.code)).all()
    return [(f"{sc}{CODE_SEPARATOR}{tc}", f"{sn} {tn}") for sc, sn, tc, tn in rows]


# --- selection -------------------------------------------------------------------------------


def location_subtree(site_id: int, root_id: int) -> tuple[int, ...]:
    """The location and everything under it; one small query per site."""
    rows = db.session.execute(
        select(Location.id, Location.parent_id).where(Location.site_id == site_id)
    ).all()
    children: dict[int | None, list[int]] = {}
    for loc_id, parent_id in rows:
        children.setdefault(parent_id, []).append(loc_id)
    found, todo = [], [root_id]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(children.get(node, ()))
    return tuple(sorted(found))


def _disruptive() -> ColumnElement[bool]:
    type_key = func.coalesce(Plan.catalog_type_key, Equipment.type_key)
    clauses = [
        type_key == rule.type_key
        if rule.task_key is None
        else and_(type_key == rule.type_key, Plan.catalog_task_key == rule.task_key)
        for rule in RULES
    ]
    return or_(*clauses)


@dataclass(frozen=True)
class Selection:
    """One feed's rows — scope, target, window — as parameters of a prepared statement."""

    scope: str
    target_id: int
    window: Window
    locations: tuple[int, ...] = ()

    def params(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "target": self.target_id,
            "start": self.window.start,
            "end": self.window.end,
        }
        if needs_locations(self.scope):
            values["locations"] = list(self.locations or (self.target_id,))
        return values


def select_rows(stmt: Select[Any], scope: str) -> Select[Any]:
    """Narrow a SELECT over work_order to one feed's rows in its window.

    Only bound parameters (`Selection.params`), so each scope's statement is built and
    compiled once and the hot path just binds values.
    """
    kind = FeedScope(scope)
    target = bindparam("target")
    stmt = stmt.where(
        WorkOrder.due_at >= bindparam("start"),
        WorkOrder.due_at < bindparam("end"),
        WorkOrder.status.not_in(HIDDEN_STATUSES),
    )
    if kind is FeedScope.PERSON:
        return stmt.where(WorkOrder.assignee_id == target)
    if kind is FeedScope.TEAM:
        return stmt.where(WorkOrder.team_id == target)
    if kind is FeedScope.SITE:
        return stmt.where(WorkOrder.site_id == target)
    if kind is FeedScope.EQUIPMENT:
        return stmt.where(WorkOrder.equipment_id == target)
    stmt = stmt.where(WorkOrder.location_id.in_(bindparam("locations", expanding=True)))
    if kind is FeedScope.LOCATION:
        return stmt
    return (
        stmt.outerjoin(Plan, Plan.id == WorkOrder.plan_id)
        .outerjoin(Equipment, Equipment.id == WorkOrder.equipment_id)
        .where(
            WorkOrder.kind == WorkOrderKind.PLANNED.value,
            WorkOrder.status.in_(PUBLIC_STATUSES),
            _disruptive(),
        )
    )


def needs_locations(scope: str) -> bool:
    return scope in (FeedScope.LOCATION, FeedScope.BUILDING)
