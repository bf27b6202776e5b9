"""Resolving references in equipment input: sites, locations (created on request), maintainers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select

from app.contractors.models import Contractor
from app.contractors.services import ContractorError, create_contractor
from app.core.text import clean_name, line_problem
from app.core.validation import N_, Msg, ValidationError
from app.equipment.inputs import EquipmentInvalid, PendingLocation, Ref
from app.equipment.parsing import split_location_path
from app.extensions import db
from app.people.models import Team
from app.sites.models import Location, Site
from app.sites.services import NAME_MAX as LOCATION_NAME_MAX
from app.sites.services import PATH_SEPARATOR, create_location, location_paths

CONTRACTOR_NAME_MAX = 200


class Lookups:
    """Resolves references to sites, locations, teams and contractors, caching per call site.

    One import checks thousands of rows; loading each site's location tree once keeps
    that fast while the single-record form uses a fresh instance.
    """

    def __init__(
        self,
        create_locations: bool = False,
        offer_contractors: bool = False,
        create_contractors: Iterable[str] = (),
    ) -> None:
        self.create_locations = create_locations
        self.offer_contractors = offer_contractors
        """A dry run notes unknown contractors (to offer creating them) instead of refusing."""
        self.create_contractors = frozenset(create_contractors)
        """Unknown contractor names the user chose to create along with the import."""
        self.new_contractors: dict[str, int] = {}
        """Unknown contractor name → rows naming it, in the order first seen."""
        self._contractors: dict[str, Contractor] = {}
        self._sites_by_code: dict[str, Site | None] = {}
        self._paths: dict[int, dict[str, Location]] = {}
        self._codes: dict[int, dict[str, Location]] = {}

    # sites
    def site(self, ref: Ref) -> tuple[Site | None, Msg | None]:
        if ref is None or ref == "":
            return None, N_("choose the site")
        if isinstance(ref, int):
            site = db.session.get(Site, ref)
            return (site, None) if site else (None, N_("no site with id %(id)d", id=ref))
        code = ref.strip()
        if code not in self._sites_by_code:
            site = db.session.scalar(select(Site).where(Site.code == code))
            if site is None:
                site = db.session.scalar(select(Site).where(func.lower(Site.code) == code.lower()))
            self._sites_by_code[code] = site
        found = self._sites_by_code[code]
        return (found, None) if found else (None, N_("no site with code %(code)s", code=code))

    # locations
    def _tree(self, site: Site) -> tuple[dict[str, Location], dict[str, Location]]:
        """The site's locations by path and by code, loaded once (the sites service's map)."""
        if site.id not in self._paths:
            paths = location_paths(site)
            self._paths[site.id] = paths
            self._codes[site.id] = {loc.code: loc for loc in paths.values()}
        return self._paths[site.id], self._codes[site.id]

    def _missing_reason(self, site: Site, parts: list[str]) -> Msg:
        paths, _codes = self._tree(site)
        for depth in range(len(parts) - 1, 0, -1):
            prefix = PATH_SEPARATOR.join(parts[:depth])
            if prefix in paths:
                return N_(
                    "no location %(path)s in site %(site)s: %(parent)s has no %(child)s",
                    path=PATH_SEPARATOR.join(parts),
                    site=site.code,
                    parent=prefix,
                    child=parts[depth],
                )
        return N_(
            "no location %(path)s in site %(site)s: there is no %(top)s at the top level",
            path=PATH_SEPARATOR.join(parts),
            site=site.code,
            top=parts[0],
        )

    def location(
        self, site: Site, ref: Ref
    ) -> tuple[Location | PendingLocation | None, Msg | None]:
        if ref is None or ref == "":
            return None, None
        if isinstance(ref, int):
            loc = db.session.get(Location, ref)
            if loc is None:
                return None, N_("no location with id %(id)d", id=ref)
            if loc.site_id != site.id:
                return None, N_(
                    "%(path)s belongs to site %(other)s, not %(site)s",
                    path=loc.path,
                    other=loc.site.code,
                    site=site.code,
                )
            return loc, None
        paths, codes = self._tree(site)
        parts = split_location_path(ref)
        path = PATH_SEPARATOR.join(parts)
        if path in paths:
            return paths[path], None
        if ref.strip() in codes:
            return codes[ref.strip()], None
        if not all(parts):
            return None, N_("%(path)s has an empty level; write it like 1号楼/B1/水泵房", path=ref)
        too_long = [part for part in parts if len(part) > LOCATION_NAME_MAX]
        if too_long:
            return None, N_(
                "%(name)s is too long for a location name: at most %(limit)d characters",
                name=too_long[0],
                limit=LOCATION_NAME_MAX,
            )
        if self.create_locations:
            return PendingLocation(site, path), None
        return None, self._missing_reason(site, parts)

    def ensure_location(self, pending: PendingLocation) -> Location:
        """Create the missing tail of a location path (import with --create-locations).

        Levels get the kinds building / floor / room by depth; the sites service
        checks each new location as it would a hand-made one.
        """
        site = pending.site
        paths, codes = self._tree(site)
        parts = split_location_path(pending.path)
        parent: Location | None = None
        for depth, name in enumerate(parts):
            prefix = PATH_SEPARATOR.join(parts[: depth + 1])
            if prefix in paths:
                parent = paths[prefix]
                continue
            code = _unique_code(prefix, codes)
            try:
                parent = create_location(
                    site,
                    code,
                    name,
                    ("building", "floor", "room")[min(depth, 2)],
                    parent_id=parent.id if parent else None,
                    sort_key=name[:64],
                )
            except ValidationError as exc:
                reason = "; ".join(str(m) for m in exc.fields.values())
                raise EquipmentInvalid(
                    {
                        "location_id": N_(
                            "cannot create location %(path)s: %(reason)s",
                            path=prefix,
                            reason=reason,
                        )
                    }
                ) from exc
            paths[prefix] = parent
            codes[code] = parent
        assert parent is not None
        return parent

    # maintainers
    def team(self, site: Site, ref: Ref) -> tuple[Team | None, Msg | None]:
        if ref is None or ref == "":
            return None, None
        if isinstance(ref, int):
            team = db.session.get(Team, ref)
            if team is None:
                return None, N_("no team with id %(id)d", id=ref)
        else:
            text = ref.strip()
            team = db.session.scalar(
                select(Team).where(Team.site_id == site.id, Team.code == text)
            ) or db.session.scalar(select(Team).where(Team.site_id == site.id, Team.name == text))
            if team is None:
                return None, N_("no team %(team)s in site %(site)s", team=text, site=site.code)
        if team.site_id != site.id:
            return None, N_(
                "team %(team)s works at another site, not %(site)s",
                team=team.name,
                site=site.code,
            )
        return team, None

    def contractor(self, ref: Ref) -> tuple[Contractor | None, Msg | None]:
        if ref is None or ref == "":
            return None, None
        if isinstance(ref, int):
            found = db.session.get(Contractor, ref)
            return (found, None) if found else (None, N_("no contractor with id %(id)d", id=ref))
        text = clean_name(ref)
        found = self._contractors.get(text) or db.session.scalar(
            select(Contractor).where(Contractor.name == text)
        )
        if found is not None:
            return found, None
        if problem := line_problem(text) or _name_too_long(text):
            return None, problem
        if self.offer_contractors:
            self.new_contractors[text] = self.new_contractors.get(text, 0) + 1
            return None, None
        if text in self.create_contractors:
            return self._create_contractor(text)
        return None, N_("no contractor named %(name)s", name=text)

    def _create_contractor(self, name: str) -> tuple[Contractor | None, Msg | None]:
        """Create a contractor the user ticked; it is written with the import or not at all."""
        try:
            contractor = create_contractor(name)
        except ContractorError as exc:
            reason = "; ".join(str(m) for m in exc.fields.values())
            return None, N_(
                "cannot create contractor %(name)s: %(reason)s", name=name, reason=reason
            )
        self._contractors[name] = contractor
        self.new_contractors[name] = self.new_contractors.get(name, 0) + 1
        return contractor, None


def _name_too_long(name: str) -> Msg | None:
    if len(name) <= CONTRACTOR_NAME_MAX:
        return None
    return N_(
        "too long: at most %(limit)d characters, this has %(length)d",
        limit=CONTRACTOR_NAME_MAX,
        length=len(name),
    )


def _unique_code(wanted: str, taken: Mapping[str, Location]) -> str:
    base = wanted[:60]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}~{n}"
    return code
