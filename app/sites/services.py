"""Sites and their location trees. Services validate and flush; callers commit.

Location names must be unique among siblings and may not contain "/", so a path
such as 1号楼/B1/水泵房 names exactly one location: the equipment importer and the
ledger rely on that.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import select

from app.access.roles import PERMISSIONS
from app.access.scoping import UNSCOPED, current_scope, scoped_to, widen_scope
from app.core.signals import service_level_changed
from app.core.text import check_lines, clean_code, clean_name
from app.core.validation import (
    N_,
    UNSET,
    Problems,
    Unset,
    check_version,
    pick,
)
from app.extensions import db
from app.sites.models import SERVICE_LEVELS, Location, Site, SiteMembership
from app.vocab.location_kinds import LOCATION_KINDS

PATH_SEPARATOR = "/"
CODE_MAX = 32
LOCATION_CODE_MAX = 64
NAME_MAX = 200


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    """Only IANA names such as Asia/Shanghai; file paths and abbreviations are refused."""
    return name in _timezones()


# --- sites -----------------------------------------------------------------------------------


def get_site(site_id: int) -> Site | None:
    return db.session.get(Site, site_id)


def list_sites() -> list[Site]:
    return list(db.session.scalars(select(Site).order_by(Site.code)))


def _check_site(
    site: Site | None, code: str, name: str, address: str, timezone: str, service_level: int
) -> None:
    problems = Problems()
    check_lines(problems, code=code, name=name, address=address)
    if not code:
        problems.add("code", N_("Enter a code."))
    elif len(code) > CODE_MAX:
        problems.add("code", N_("At most %(n)d characters.", n=CODE_MAX))
    else:
        with scoped_to(UNSCOPED):  # codes are unique across sites the user cannot see too
            other = db.session.scalar(select(Site).where(Site.code == code))
        if other is not None and other is not site:
            problems.add("code", N_("Another site already uses the code %(code)s.", code=code))
    if not name:
        problems.add("name", N_("Enter a name."))
    elif len(name) > NAME_MAX:
        problems.add("name", N_("At most %(n)d characters.", n=NAME_MAX))
    if len(address) > 400:
        problems.add("address", N_("At most %(n)d characters.", n=400))
    if not is_valid_timezone(timezone):
        problems.add("timezone", N_("Use an IANA time zone such as Asia/Shanghai."))
    if service_level not in SERVICE_LEVELS:
        problems.add("service_level", N_("Choose service level 1, 2 or 3."))
    problems.raise_if_any()


def create_site(
    code: str,
    name: str,
    *,
    address: str = "",
    timezone: str = "Asia/Shanghai",
    service_level: int = 2,
) -> Site:
    code, name, address = clean_code(code), clean_name(name), clean_name(address)
    timezone = timezone.strip()
    _check_site(None, code, name, address, timezone, service_level)
    site = Site(
        code=code, name=name, address=address, timezone=timezone, service_level=service_level
    )
    db.session.add(site)
    db.session.flush()
    _join_creator(site)
    return site


def _join_creator(site: Site) -> None:
    """A site's supervisor who creates a site becomes its member, so they can run it."""
    scope = current_scope()
    if scope.site_ids is None or scope.user_id is None:
        return  # company-level users and the CLI already see every site
    # with the role that let them create it (the request's scope was narrowed to it)
    granting = select(SiteMembership.role).where(
        SiteMembership.user_id == scope.user_id,
        SiteMembership.role.in_(PERMISSIONS["sites.edit"]),
    )
    for role in sorted(set(db.session.scalars(granting))):
        db.session.add(SiteMembership(user_id=scope.user_id, site_id=site.id, role=role))
    db.session.flush()
    widen_scope(site.id)


def update_site(
    site: Site,
    version: int | None,
    *,
    code: str | Unset = UNSET,
    name: str | Unset = UNSET,
    address: str | Unset = UNSET,
    timezone: str | Unset = UNSET,
    service_level: int | Unset = UNSET,
) -> Site:
    """Change the given fields of a site edited at `version`."""
    check_version(site, version)
    new_code = clean_code(pick(code, site.code))
    new_name = clean_name(pick(name, site.name))
    new_address = clean_name(pick(address, site.address))
    new_timezone = pick(timezone, site.timezone).strip()
    new_level = pick(service_level, site.service_level)
    _check_site(site, new_code, new_name, new_address, new_timezone, new_level)
    site.code, site.name, site.address = new_code, new_name, new_address
    level_changed = new_level != site.service_level
    site.timezone, site.service_level = new_timezone, new_level
    db.session.flush()
    if level_changed:  # the area plans follow, in this same transaction
        service_level_changed.send(None, site_id=site.id)
    return site


# --- locations -------------------------------------------------------------------------------


def get_location(location_id: int) -> Location | None:
    return db.session.get(Location, location_id)


def _site_locations(site_id: int) -> list[Location]:
    return list(
        db.session.scalars(
            select(Location)
            .where(Location.site_id == site_id)
            .order_by(Location.sort_key, Location.name, Location.id)
        )
    )


def _check_location(
    site: Site,
    location: Location | None,
    code: str,
    name: str,
    kind: str,
    parent_id: int | None,
    sort_key: str,
) -> Location | None:
    """Every rule for a location; returns the validated parent."""
    problems = Problems()
    check_lines(problems, code=code, name=name, sort_key=sort_key)
    if not code:
        problems.add("code", N_("Enter a code."))
    elif len(code) > LOCATION_CODE_MAX:
        problems.add("code", N_("At most %(n)d characters.", n=LOCATION_CODE_MAX))
    else:
        other = db.session.scalar(
            select(Location).where(Location.site_id == site.id, Location.code == code)
        )
        if other is not None and other is not location:
            problems.add(
                "code", N_("Another location of this site already uses %(code)s.", code=code)
            )
    if not name:
        problems.add("name", N_("Enter a name."))
    elif PATH_SEPARATOR in name:
        problems.add("name", N_("A name may not contain “/”: it separates levels in paths."))
    elif len(name) > NAME_MAX:
        problems.add("name", N_("At most %(n)d characters.", n=NAME_MAX))
    if kind not in LOCATION_KINDS:
        problems.add("kind", N_("Choose a kind from the list."))
    if len(sort_key) > 64:
        problems.add("sort_key", N_("At most %(n)d characters.", n=64))

    parent: Location | None = None
    if parent_id is not None:
        parent = db.session.get(Location, parent_id)
        if parent is None or parent.site_id != site.id:
            problems.add("parent_id", N_("Choose a parent location of the same site."))
            parent = None
        elif location is not None and location.id is not None and _is_within(parent, location):
            problems.add(
                "parent_id", N_("A location cannot be moved under itself or its own children.")
            )
            parent = None

    if name and "name" not in problems and "parent_id" not in problems:
        sibling = db.session.scalar(
            select(Location).where(
                Location.site_id == site.id,
                Location.parent_id.is_(None)
                if parent_id is None
                else Location.parent_id == parent_id,
                Location.name == name,
            )
        )
        if sibling is not None and sibling is not location:
            problems.add(
                "name", N_("Another location at this level is already called %(name)s.", name=name)
            )
    problems.raise_if_any()
    return parent


def _is_within(node: Location, ancestor: Location) -> bool:
    """True if `node` is `ancestor` or below it; bounded so a corrupt loop cannot hang us."""
    current: Location | None = node
    for _ in range(10_000):
        if current is None:
            return False
        if current.id == ancestor.id:
            return True
        current = current.parent
    return True


def create_location(
    site: Site,
    code: str,
    name: str,
    kind: str,
    *,
    parent_id: int | None = None,
    sort_key: str = "",
) -> Location:
    code, name, sort_key = clean_code(code), clean_name(name), clean_name(sort_key)
    parent = _check_location(site, None, code, name, kind, parent_id, sort_key)
    location = Location(
        site=site, parent=parent, code=code, name=name, kind=kind, sort_key=sort_key
    )
    db.session.add(location)
    db.session.flush()
    return location


def update_location(
    location: Location,
    version: int | None,
    *,
    code: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    parent_id: int | Unset | None = UNSET,
    sort_key: str | Unset = UNSET,
) -> Location:
    """Change the given fields; a new `parent_id` moves the location (None = top level)."""
    check_version(location, version)
    new_code = clean_code(pick(code, location.code))
    new_name = clean_name(pick(name, location.name))
    new_kind = pick(kind, location.kind)
    new_parent_id = pick(parent_id, location.parent_id)
    new_sort_key = clean_name(pick(sort_key, location.sort_key))
    parent = _check_location(
        location.site, location, new_code, new_name, new_kind, new_parent_id, new_sort_key
    )
    location.code, location.name, location.kind = new_code, new_name, new_kind
    location.sort_key = new_sort_key
    location.parent = parent
    db.session.flush()
    return location


def move_location(location: Location, version: int | None, parent_id: int | None) -> Location:
    """Move a location (with everything below it) under another parent of the same site."""
    return update_location(location, version, parent_id=parent_id)


@dataclass
class LocationNode:
    """One location with its children, for showing a site's tree without extra queries."""

    location: Location
    depth: int
    children: list["LocationNode"] = field(default_factory=list)

    def walk(self) -> Iterator["LocationNode"]:
        yield self
        for child in self.children:
            yield from child.walk()


def site_tree(site: Site) -> list[LocationNode]:
    """The site's top-level locations with their subtrees, loaded in one query."""
    by_parent: dict[int | None, list[Location]] = {}
    for location in _site_locations(site.id):
        by_parent.setdefault(location.parent_id, []).append(location)

    def build(parent_id: int | None, depth: int) -> list[LocationNode]:
        return [
            LocationNode(loc, depth, build(loc.id, depth + 1))
            for loc in by_parent.get(parent_id, [])
        ]

    return build(None, 0)


def flat_tree(site: Site) -> list[LocationNode]:
    """Depth-first list of the tree, e.g. for an indented parent select."""
    return [node for root in site_tree(site) for node in root.walk()]


def split_path(path: str) -> list[str]:
    """ "1号楼 / B1/水泵房" → ["1号楼", "B1", "水泵房"]; blanks around levels are ignored."""
    return [part.strip() for part in path.strip().strip(PATH_SEPARATOR).split(PATH_SEPARATOR)]


def find_location_by_path(site: Site | int, path: str) -> Location | None:
    """The location whose names from the top level down are exactly `path`, or None.

    One query: only locations named like one of the path's levels are loaded.
    """
    parts = split_path(path)
    if not parts or any(not part for part in parts):
        return None
    site_id = site if isinstance(site, int) else site.id
    candidates = db.session.scalars(
        select(Location).where(Location.site_id == site_id, Location.name.in_(set(parts)))
    )
    index = {(loc.parent_id, loc.name): loc for loc in candidates}
    parent_id: int | None = None
    found: Location | None = None
    for part in parts:
        found = index.get((parent_id, part))
        if found is None:
            return None
        parent_id = found.id
    return found


def location_paths(site: Site | int) -> dict[str, Location]:
    """Every path of a site → its location, for bulk lookups such as a ledger import."""
    site_id = site if isinstance(site, int) else site.id
    by_id = {loc.id: loc for loc in _site_locations(site_id)}
    paths: dict[int, str] = {}

    def path_of(loc: Location) -> str:
        if loc.id not in paths:
            parent = by_id.get(loc.parent_id) if loc.parent_id is not None else None
            prefix = path_of(parent) + PATH_SEPARATOR if parent is not None else ""
            paths[loc.id] = prefix + loc.name
        return paths[loc.id]

    return {path_of(loc): loc for loc in by_id.values()}


def location_choices(site: Site) -> list[tuple[int, str]]:
    """(id, indented name) pairs in tree order."""
    return [
        (node.location.id, "\u2003" * node.depth + node.location.name) for node in flat_tree(site)
    ]


def locations_of(site: Site) -> list[Location]:
    return _site_locations(site.id)
