"""Loading the 阳光花园 demo property. Flushes only: the caller commits or rolls back.

`load_demo` builds the site in steps that each add one part and record it in a
`DemoContext`, then runs `POST_LOAD_STEPS`: later features (plans from the
catalog, patrol routes, cleaning and greening lists, the schedule horizon) add
their demo data there, inside the same transaction, by looking things up in
the context instead of querying by name.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.audit.actor import Actor, acting_as
from app.contractors.models import Contractor
from app.core import clock
from app.demo.context import DemoContext, PostLoadStep
from app.demo.data import DEMO_TODAY
from app.demo.data.assets import ASSETS, DemoAsset
from app.demo.data.contractors import CONTRACTORS
from app.demo.data.people import DEMO_PASSWORD, STAFF, TEAMS, DemoStaff
from app.demo.data.second_site import (
    SECOND_ASSETS,
    SECOND_LOCATIONS,
    SECOND_SITE_ADDRESS,
    SECOND_SITE_CODE,
    SECOND_SITE_NAME,
    SECOND_STAFF,
    SECOND_TEAM,
)
from app.demo.data.site import (
    LOCATIONS,
    SITE_ADDRESS,
    SITE_CODE,
    SITE_NAME,
    SITE_SERVICE_LEVEL,
    SITE_TIMEZONE,
    DemoLocation,
)
from app.demo.history import create_demo_history
from app.demo.plans import create_demo_plans
from app.equipment.models import Criticality, Equipment, EquipmentStatus
from app.extensions import db
from app.people.licences import add_licence
from app.people.models import Team, User
from app.people.services import create_user
from app.people.site_roles import grant_site_role
from app.people.teams import add_membership
from app.rosters.models import StaffLeave
from app.sites.models import Location, Site
from schedules import PRESETS

DEMO_ACTOR = Actor(None, "demo")


class DemoError(ValueError):
    """The demo cannot be loaded into this database, with a message fit for the user."""


POST_LOAD_STEPS: tuple[PostLoadStep, ...] = (create_demo_plans, create_demo_history)
"""Run in order after the site, staff, contractors and assets exist.

A step flushes, never commits; if it raises, the whole load is rolled back.
"""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    title: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class DemoResult:
    created: bool  # False: the site was already there and nothing changed
    site_code: str
    counts: Mapping[str, int]
    logins: tuple[DemoLogin, ...]
    password: str


def demo_site() -> Site | None:
    return db.session.scalar(select(Site).where(Site.code == SITE_CODE))


def demo_logins() -> tuple[DemoLogin, ...]:
    staff = STAFF + SECOND_STAFF
    return tuple(DemoLogin(s.username, s.name, s.title, s.roles) for s in staff if s.login)


def load_demo(steps: Sequence[PostLoadStep] | None = None) -> DemoResult:
    """Create the demo site unless a site with its code exists; `steps` replaces POST_LOAD_STEPS."""
    if demo_site() is not None:
        return DemoResult(False, SITE_CODE, {}, demo_logins(), DEMO_PASSWORD)
    _check_no_clashes()
    with acting_as(DEMO_ACTOR):
        site = _create_site()
        ctx = DemoContext(site=site, shift=clock.local_today(site.timezone) - DEMO_TODAY)
        _create_locations(ctx)
        _create_org(ctx)
        _create_contractors(ctx)
        _create_assets(ctx)
        _create_second_site(ctx)
        for step in POST_LOAD_STEPS if steps is None else steps:
            step(ctx)
        db.session.flush()
    counts = {
        "locations": len(ctx.locations),
        "teams": len(ctx.teams),
        "staff": len(ctx.users),
        "licences": sum(len(s.licences) for s in STAFF),
        "contractors": len(ctx.contractors),
        "equipment": len(ctx.equipment),
    }
    return DemoResult(True, SITE_CODE, counts, demo_logins(), DEMO_PASSWORD)


def _near(ctx: DemoContext, day: date | None) -> date | None:
    """A near-term demo date, moved to the load day's neighbourhood."""
    return None if day is None else day + ctx.shift


def _crew_offset(team: Team, crew: int) -> int:
    """Crew number → days along the rotation cycle (crew 2 of 四班三运转 starts 4 days on)."""
    pattern = PRESETS.get(team.shift_pattern or "")
    return crew * pattern.team_step if pattern is not None else 0


def _check_no_clashes() -> None:
    """Usernames and contractor names are global, so a database with its own `admin` refuses."""
    usernames = [s.username for s in STAFF + SECOND_STAFF]
    taken = list(db.session.scalars(select(User.username).where(User.username.in_(usernames))))
    names = [c.name for c in CONTRACTORS]
    taken += db.session.scalars(select(Contractor.name).where(Contractor.name.in_(names)))
    if taken:
        raise DemoError(
            f"cannot load the demo: {', '.join(sorted(taken))} already exist(s) in this database"
        )


def _create_site() -> Site:
    site = Site(
        code=SITE_CODE,
        name=SITE_NAME,
        address=SITE_ADDRESS,
        timezone=SITE_TIMEZONE,
        service_level=SITE_SERVICE_LEVEL,
    )
    db.session.add(site)
    db.session.flush()
    return site


def _create_locations(ctx: DemoContext, tree: Sequence[DemoLocation] = LOCATIONS) -> None:
    def add(nodes: Sequence[DemoLocation], parent: Location | None) -> None:
        for index, node in enumerate(nodes):
            location = Location(
                site=ctx.site,
                parent=parent,
                code=node.code,
                name=node.name,
                kind=node.kind,
                sort_key=node.sort_key or f"{index:03d}",
            )
            db.session.add(location)
            ctx.locations[node.code] = location
            add(node.children, location)

    add(tree, None)
    db.session.flush()


def _create_org(ctx: DemoContext) -> None:
    """Teams first, then each person with memberships, licences and leave."""
    for team in TEAMS:
        ctx.teams[team.code] = Team(
            site_id=ctx.site.id,
            code=team.code,
            name=team.name,
            kind=team.kind,
            shift_pattern=team.shift_pattern,
        )
        db.session.add(ctx.teams[team.code])
    db.session.flush()
    for person in STAFF:
        ctx.users[person.username] = _create_person(ctx, person)


def _create_person(ctx: DemoContext, person: DemoStaff) -> User:
    user = create_user(
        person.username,
        person.name,
        list(person.roles),
        password=DEMO_PASSWORD if person.login else None,
        phone=person.phone,
        # the company's administrator sees every site; everyone else works at one
        site_ids=None if "admin" in person.roles else [ctx.site.id],
    )
    for code in person.teams:
        team = ctx.teams[code]
        add_membership(
            team,
            user,
            is_lead=code in person.leads,
            rotation_offset=_crew_offset(team, person.rotation_offset),
        )
    for licence in person.licences:
        add_licence(
            user,
            licence.kind,
            licence.number,
            _near(ctx, licence.expires_on),
            issued_on=_near(ctx, licence.issued_on),
        )
    for leave in person.leave:
        db.session.add(
            StaffLeave(
                user=user,
                starts_on=_near(ctx, leave.starts_on),
                ends_on=_near(ctx, leave.ends_on),
                kind=leave.kind,
                note=leave.note,
            )
        )
    db.session.flush()
    return user


def _create_second_site(first: DemoContext) -> None:
    """翠湖商务中心 with its own supervisor and technician, who see nothing of 阳光花园, and a
    regional manager who runs 翠湖 and may only look at 阳光花园 (roles per site)."""
    site = Site(code=SECOND_SITE_CODE, name=SECOND_SITE_NAME, address=SECOND_SITE_ADDRESS)
    db.session.add(site)
    db.session.flush()
    ctx = DemoContext(site=site, shift=first.shift)
    _create_locations(ctx, SECOND_LOCATIONS)
    code, name, kind = SECOND_TEAM
    ctx.teams[code] = Team(site_id=site.id, code=code, name=name, kind=kind)
    db.session.add(ctx.teams[code])
    db.session.flush()
    for person in SECOND_STAFF:
        user = _create_person(ctx, person)
        for role in person.roles_at_first_site:
            grant_site_role(user, user.version, first.site.id, role)
    for asset in SECOND_ASSETS:
        db.session.add(_equipment(ctx, asset))
    db.session.flush()


def _create_contractors(ctx: DemoContext) -> None:
    for c in CONTRACTORS:
        ctx.contractors[c.key] = Contractor(
            name=c.name,
            qualification=c.qualification,
            licence_number=c.licence_number,
            licence_expires_on=_near(ctx, c.licence_expires_on),
            contact_name=c.contact_name,
            contact_phone=c.contact_phone,
            contract_start=_near(ctx, c.contract_start),
            contract_end=_near(ctx, c.contract_end),
            scope=c.scope,
        )
        db.session.add(ctx.contractors[c.key])
    db.session.flush()


def _create_assets(ctx: DemoContext) -> None:
    for asset in ASSETS:
        ctx.equipment[asset.code] = _equipment(ctx, asset)
        db.session.add(ctx.equipment[asset.code])
    db.session.flush()


def _equipment(ctx: DemoContext, asset: DemoAsset) -> Equipment:
    return Equipment(
        site=ctx.site,
        asset_code=asset.code,
        name=asset.name,
        category=asset.category,
        type_key=asset.type_key,
        location=ctx.locations[asset.location],
        manufacturer=asset.manufacturer,
        model=asset.model,
        serial_number=asset.serial_number,
        installed_on=asset.installed_on,
        commissioned_on=asset.commissioned_on or asset.installed_on,
        warranty_until=_near(ctx, asset.warranty_until),
        status=EquipmentStatus(asset.status),
        criticality=Criticality(asset.criticality),
        maintainer_team=ctx.teams[asset.team] if asset.team else None,
        maintainer_contractor=ctx.contractors[asset.contractor] if asset.contractor else None,
        registration_number=asset.registration_number,
        next_inspection_on=_near(ctx, asset.next_inspection_on),
        attributes=dict(asset.attributes or {}),
        notes=asset.notes,
    )
