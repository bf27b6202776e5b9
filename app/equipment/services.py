"""Equipment ledger rules: ONE validation for the web form, the spreadsheet import and the API.

Callers hand over an `EquipmentInput` of plain values as the user wrote them: ids
from forms and the API, codes / location paths / names from spreadsheets. `check`
resolves and validates them once, so every entry point refuses the same things
with the same words. Services flush; the caller commits (or rolls back).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import last_change
from app.catalog import CatalogError
from app.catalog.current import current_catalog
from app.contractors.models import Contractor
from app.core import clock
from app.core.bounds import MAX_JSON_BYTES, structure_problem
from app.core.text import clean_code, clean_name, clean_text, line_problem
from app.core.validation import N_, Msg, StaleEdit, ValidationError
from app.equipment.models import (
    CRITICALITY_LABELS,
    STATUS_LABELS,
    Criticality,
    Equipment,
    EquipmentStatus,
)
from app.extensions import db
from app.people.models import Team
from app.sites.models import Location, Site
from app.sites.services import NAME_MAX as LOCATION_NAME_MAX
from app.sites.services import PATH_SEPARATOR, create_location, location_paths, split_path
from app.vocab.categories import CATEGORIES

Ref = int | str | None
"""A reference to another record: an id (forms, API) or what a person writes (imports)."""

DateInput = date | str | None

CATEGORY_LABELS: dict[str, tuple[str, str]] = {k: (c.zh, c.en) for k, c in CATEGORIES.items()}
STATUS_CHOICES: dict[str, tuple[str, str]] = {s.value: lbl for s, lbl in STATUS_LABELS.items()}
CRITICALITY_CHOICES: dict[str, tuple[str, str]] = {
    c.value: lbl for c, lbl in CRITICALITY_LABELS.items()
}

MAX_LENGTHS = {
    "asset_code": 64,
    "name": 200,
    "type_key": 64,
    "manufacturer": 200,
    "model": 200,
    "serial_number": 200,
    "registration_number": 64,
}
TEXT_FIELDS = (
    "asset_code",
    "name",
    "type_key",
    "manufacturer",
    "model",
    "serial_number",
    "registration_number",
    "notes",
)
MULTILINE_FIELDS = frozenset({"notes"})
_CLEANERS = {
    "notes": clean_text,
    "asset_code": clean_code,
    "type_key": clean_code,
    "serial_number": clean_code,
    "registration_number": clean_code,
}
"""How each text field is cleaned; the rest are names (see app/core/text.py)."""
"""Every other text field is one line: it ends up in calendar lines, CSV cells and titles."""
COMPONENT_DATES = "component_dates"
"""Attribute mapping a catalog age rule's component (governor, manufacture) to its ISO date."""
DATE_FIELDS = ("installed_on", "commissioned_on", "warranty_until", "next_inspection_on")
_SEPARATOR_VARIANTS = re.compile(r"[／\\]")
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$"
)


@dataclass
class EquipmentInput:
    """Equipment data as entered; every field optional here, `check` says what is missing."""

    site_id: Ref = None
    asset_code: str = ""
    name: str = ""
    category: str = ""
    type_key: str = ""
    location_id: Ref = None
    manufacturer: str = ""
    model: str = ""
    serial_number: str = ""
    installed_on: DateInput = None
    commissioned_on: DateInput = None
    warranty_until: DateInput = None
    status: str = EquipmentStatus.IN_SERVICE.value
    criticality: str = Criticality.MEDIUM.value
    maintainer_team_id: Ref = None
    maintainer_contractor_id: Ref = None
    registration_number: str = ""
    next_inspection_on: DateInput = None
    attributes: Mapping[str, Any] | str | None = None
    notes: str = ""

    @classmethod
    def from_equipment(cls, eq: Equipment) -> EquipmentInput:
        """The record's current values, so partial edits (PATCH, imports) overlay them."""
        return cls(
            site_id=eq.site_id,
            asset_code=eq.asset_code,
            name=eq.name,
            category=eq.category,
            type_key=eq.type_key or "",
            location_id=eq.location_id,
            manufacturer=eq.manufacturer,
            model=eq.model,
            serial_number=eq.serial_number,
            installed_on=eq.installed_on,
            commissioned_on=eq.commissioned_on,
            warranty_until=eq.warranty_until,
            status=eq.status.value,
            criticality=eq.criticality.value,
            maintainer_team_id=eq.maintainer_team_id,
            maintainer_contractor_id=eq.maintainer_contractor_id,
            registration_number=eq.registration_number,
            next_inspection_on=eq.next_inspection_on,
            attributes=dict(eq.attributes or {}),
            notes=eq.notes,
        )

    def updated(self, changes: Mapping[str, Any]) -> EquipmentInput:
        """A copy with some fields replaced; unknown keys are a programming error."""
        unknown = set(changes) - set(INPUT_FIELDS)
        if unknown:
            raise KeyError(f"unknown equipment fields {sorted(unknown)}")
        values = {f: getattr(self, f) for f in INPUT_FIELDS}
        values.update(changes)
        return EquipmentInput(**values)


INPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(EquipmentInput))


class EquipmentInvalid(ValidationError):
    """Some fields are wrong; `fields` maps each field name to a plain-words reason."""


class ConflictError(StaleEdit):
    """The record changed since the user loaded it; says who did it so they can reconcile.

    A `StaleEdit`, so the API answers 409 and pages explain it like every other domain.
    """

    def __init__(
        self,
        equipment_id: int,
        current_version: int,
        changed_by: str | None,
        changed_at: datetime | None,
        changed_fields: list[str] | None = None,
    ) -> None:
        super().__init__(Equipment.__tablename__, equipment_id, current_version)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changed_fields = changed_fields or []

    @property
    def current_version(self) -> int:
        return self.version


@dataclass
class PendingLocation:
    """A location path that does not exist yet and will be created (imports only)."""

    site: Site
    path: str


@dataclass
class Checked:
    """Outcome of `check`: errors by field, or values ready to set on the model."""

    errors: dict[str, Msg] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    pending_location: PendingLocation | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def differences(self, eq: Equipment) -> list[str]:
        """Which fields would change on `eq` (for import previews and "unchanged" counts)."""
        changed = [k for k, v in self.values.items() if getattr(eq, k) != v]
        if self.pending_location is not None:
            changed.append("location")
        return changed


def _choice_text(choices: Mapping[str, tuple[str, str]]) -> str:
    return ", ".join(f"{key} ({zh})" for key, (zh, _en) in choices.items())


def normalise_choice(raw: str, choices: Mapping[str, tuple[str, str]]) -> str | None:
    """Accept a key or its zh/en label, as people write either in spreadsheets."""
    text = raw.strip()
    folded = text.casefold()
    for key, (zh, en) in choices.items():
        if folded in (key.casefold(), en.casefold()) or text == zh:
            return key
    return None


def parse_date(raw: DateInput | datetime) -> tuple[date | None, Msg | None]:
    """A real calendar date from a date, or from text such as 2026-03-01, 2026/3/1, 2026年3月1日."""
    if raw is None:
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    text = str(raw).strip()
    if not text:
        return None, None
    match = _DATE_RE.match(text)
    if match is None:
        return None, N_(
            "%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01", value=text
        )
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return None, N_(
            "%(value)s is not a real date: there is no month %(month)d", value=text, month=month
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return None, N_(
            "%(value)s is not a real date: %(month)s has only %(days)d days",
            value=text,
            month=f"{year}-{month:02d}",
            days=days,
        )
    if not 1900 <= year <= 2199:
        return None, N_("%(value)s: the year %(year)d looks wrong", value=text, year=year)
    return date(year, month, day), None


def parse_attributes(raw: Mapping[str, Any] | str | None) -> tuple[dict[str, Any], Msg | None]:
    """Technical parameters: a JSON object, or one `key=value` per line (or separated by ;)."""
    if raw is None:
        return {}, None
    if isinstance(raw, Mapping):
        data: Any = dict(raw)
    else:
        text = raw.strip()
        if not text:
            return {}, None
        if text.startswith("{"):
            if len(text.encode()) > MAX_JSON_BYTES:
                return {}, N_("too large: at most %(n)d bytes", n=MAX_JSON_BYTES)
            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                return {}, N_("this is not valid JSON; write one key=value per line instead")
        else:
            data = {}
            for part in re.split(r"[;；\n]", text):
                if not part.strip():
                    continue
                key, sep, value = part.partition("=")
                if not sep or not key.strip():
                    return {}, N_(
                        "%(part)s is not key=value; write one key=value per line",
                        part=part.strip(),
                    )
                data[key.strip()] = value.strip()
    if not isinstance(data, dict):
        return {}, N_("technical parameters must be key=value pairs")
    problem = structure_problem(data)
    if problem is not None:
        return {}, problem
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_JSON_BYTES:
        return {}, N_("too large: at most %(n)d bytes", n=MAX_JSON_BYTES)
    if not _is_json(data):
        return {}, N_("technical parameters must be text, numbers, lists or objects (JSON)")
    return data, _component_dates_problem(data.get(COMPONENT_DATES))


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def _component_dates_problem(value: Any) -> Msg | None:
    """`component_dates` feeds the catalog's age rules (governor age...): dates must be real."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return N_(
            '%(key)s must map each component to a date, e.g. {"governor": "2019-07-02"}',
            key=COMPONENT_DATES,
        )
    for component, written in value.items():
        day, problem = parse_date(written if isinstance(written, str) else str(written))
        if problem is not None:
            return N_(
                "%(key)s.%(component)s: %(problem)s",
                key=COMPONENT_DATES,
                component=component,
                problem=str(problem),
            )
        if day is None or written != day.isoformat():
            return N_(
                "%(key)s.%(component)s: write the date as YYYY-MM-DD, e.g. 2019-07-02",
                key=COMPONENT_DATES,
                component=component,
            )
    return None


def split_location_path(path: str) -> list[str]:
    """Levels of a written path; full-width ／ and \\ count as / (Chinese keyboards)."""
    return split_path(_SEPARATOR_VARIANTS.sub(PATH_SEPARATOR, path))


class Lookups:
    """Resolves references to sites, locations, teams and contractors, caching per call site.

    One import checks thousands of rows; loading each site's location tree once keeps
    that fast while the single-record form uses a fresh instance.
    """

    def __init__(self, create_locations: bool = False) -> None:
        self.create_locations = create_locations
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
        text = ref.strip()
        found = db.session.scalar(select(Contractor).where(Contractor.name == text))
        if found is None:
            return None, N_("no contractor named %(name)s", name=text)
        return found, None


def _unique_code(wanted: str, taken: Mapping[str, Location]) -> str:
    base = wanted[:60]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}~{n}"
    return code


def asset_code_taken(site: Site, asset_code: str, exclude_id: int | None) -> Equipment | None:
    stmt = select(Equipment).where(Equipment.site_id == site.id, Equipment.asset_code == asset_code)
    if exclude_id is not None:
        stmt = stmt.where(Equipment.id != exclude_id)
    return db.session.scalar(stmt.limit(1))


def _unknown_choice(kind: str, raw: str, choices: Mapping[str, tuple[str, str]]) -> Msg:
    texts = {
        "category": N_("unknown category %(value)s; choose one of: %(choices)s"),
        "status": N_("unknown status %(value)s; choose one of: %(choices)s"),
        "criticality": N_("unknown criticality %(value)s; choose one of: %(choices)s"),
    }
    return Msg(texts[kind].msgid, {"value": raw, "choices": _choice_text(choices)})


def check(
    data: EquipmentInput, current: Equipment | None = None, lookups: Lookups | None = None
) -> Checked:
    """Validate and resolve `data`; every problem is reported, not just the first."""
    lookups = lookups or Lookups()
    result = Checked()
    errors, values = result.errors, result.values

    text = {
        name: _CLEANERS.get(name, clean_name)(value)
        for name in TEXT_FIELDS
        for value in (getattr(data, name),)
    }
    for name in TEXT_FIELDS:
        problem = None if name in MULTILINE_FIELDS else line_problem(text[name])
        if problem is not None:
            errors[name] = problem
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit:
            errors[name] = N_(
                "too long: at most %(limit)d characters, this has %(length)d",
                limit=limit,
                length=len(text[name]),
            )
    for name in ("asset_code", "name"):
        if not text[name]:
            errors[name] = N_("required")
    values.update({k: v for k, v in text.items() if k != "type_key"})
    values["type_key"] = text["type_key"] or None

    category = str(data.category or "").strip()
    if not category:
        errors["category"] = N_(
            "required; choose one of: %(choices)s", choices=_choice_text(CATEGORY_LABELS)
        )
    else:
        values["category"] = normalise_choice(category, CATEGORY_LABELS)
        if values["category"] is None:
            errors["category"] = _unknown_choice("category", category, CATEGORY_LABELS)

    status = str(data.status or "").strip() or EquipmentStatus.IN_SERVICE.value
    key = normalise_choice(status, STATUS_CHOICES)
    if key is None:
        errors["status"] = _unknown_choice("status", status, STATUS_CHOICES)
    else:
        values["status"] = EquipmentStatus(key)
    criticality = str(data.criticality or "").strip() or Criticality.MEDIUM.value
    key = normalise_choice(criticality, CRITICALITY_CHOICES)
    if key is None:
        errors["criticality"] = _unknown_choice("criticality", criticality, CRITICALITY_CHOICES)
    else:
        values["criticality"] = Criticality(key)

    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        parsed, problem = parse_date(getattr(data, name))
        if problem:
            errors[name] = problem
        else:
            dates[name] = parsed
            values[name] = parsed
    _check_date_order(dates, errors)

    attributes, problem = parse_attributes(data.attributes)
    if problem:
        errors["attributes"] = problem
    values["attributes"] = attributes

    site, problem = lookups.site(data.site_id)
    if problem:
        errors["site_id"] = problem
    if site is not None:
        values["site"] = site
        _check_references(data, site, lookups, result)
        code = text["asset_code"]
        if code and "asset_code" not in errors:
            other = asset_code_taken(site, code, current.id if current else None)
            if other is not None:
                errors["asset_code"] = N_(
                    "%(code)s is already used in site %(site)s by %(name)s",
                    code=code,
                    site=site.code,
                    name=other.name,
                )

    if values.get("category") and values.get("type_key") and "type_key" not in errors:
        problem = check_type_key(values["type_key"], values["category"])
        if problem:
            errors["type_key"] = problem
    return result


def _check_date_order(dates: Mapping[str, date | None], errors: dict[str, Msg]) -> None:
    installed = dates.get("installed_on")
    commissioned = dates.get("commissioned_on")
    warranty = dates.get("warranty_until")
    inspection = dates.get("next_inspection_on")
    if installed and commissioned and commissioned < installed:
        errors["commissioned_on"] = N_(
            "commissioned on %(day)s, before it was installed on %(installed)s",
            day=commissioned.isoformat(),
            installed=installed.isoformat(),
        )
    start = commissioned or installed
    if warranty and start and warranty < start:
        errors["warranty_until"] = N_(
            "the warranty ends on %(day)s, before the equipment was put into use on %(start)s",
            day=warranty.isoformat(),
            start=start.isoformat(),
        )
    if inspection and installed and inspection < installed:
        errors["next_inspection_on"] = N_(
            "the next inspection on %(day)s is before the installation on %(installed)s",
            day=inspection.isoformat(),
            installed=installed.isoformat(),
        )


def _check_references(data: EquipmentInput, site: Site, lookups: Lookups, result: Checked) -> None:
    errors, values = result.errors, result.values
    location, problem = lookups.location(site, data.location_id)
    if problem:
        errors["location_id"] = problem
    elif isinstance(location, PendingLocation):
        result.pending_location = location
    else:
        values["location"] = location
    team, problem = lookups.team(site, data.maintainer_team_id)
    if problem:
        errors["maintainer_team_id"] = problem
    else:
        values["maintainer_team"] = team
    contractor, problem = lookups.contractor(data.maintainer_contractor_id)
    if problem:
        errors["maintainer_contractor_id"] = problem
    else:
        values["maintainer_contractor"] = contractor


def check_type_key(type_key: str, category: str) -> Msg | None:
    """The catalog type must exist and belong to the equipment's category."""
    try:
        catalog = current_catalog()
    except CatalogError:
        return N_(
            "the catalog has errors, so %(value)s cannot be checked; fix the catalog first",
            value=type_key,
        )
    try:
        equipment_type = catalog.type(type_key)
    except KeyError:
        known = ", ".join(t.key for t in catalog.types_in_category(category)) or "—"
        return N_(
            "unknown catalog type %(value)s; types for this category: %(known)s",
            value=type_key,
            known=known,
        )
    if equipment_type.category != category:
        return N_(
            "%(value)s is a type of category %(type_category)s, not %(category)s",
            value=type_key,
            type_category=equipment_type.category,
            category=category,
        )
    return None


def validate(
    data: EquipmentInput, current: Equipment | None = None, lookups: Lookups | None = None
) -> dict[str, Msg]:
    """Field errors in plain words; empty when `data` may be saved."""
    return check(data, current, lookups).errors


def _apply(eq: Equipment, checked: Checked, lookups: Lookups) -> None:
    """Set the checked values in one go, so one save is one flush and one version step."""
    with db.session.no_autoflush:
        location = (
            lookups.ensure_location(checked.pending_location)
            if checked.pending_location is not None
            else None
        )
        for key, value in checked.values.items():
            if getattr(eq, key) != value:
                setattr(eq, key, value)
        if location is not None:
            eq.location = location


def create_equipment(data: EquipmentInput, lookups: Lookups | None = None) -> Equipment:
    lookups = lookups or Lookups()
    checked = check(data, None, lookups)
    if not checked.ok:
        raise EquipmentInvalid(checked.errors)
    eq = Equipment()
    _apply(eq, checked, lookups)
    db.session.add(eq)
    db.session.flush()
    return eq


def conflict_for(equipment_id: int, current_version: int) -> ConflictError:
    entry = last_change(Equipment.__tablename__, equipment_id)
    return ConflictError(
        equipment_id,
        current_version,
        entry.actor if entry else None,
        entry.at if entry else None,
        sorted(entry.changes) if entry else [],
    )


def _flush_or_conflict(eq: Equipment) -> None:
    """Flush; a concurrent writer (StaleDataError) becomes a ConflictError.

    The failed flush leaves the transaction unusable, so it is rolled back here to
    read who changed the record; the whole unit of work is void anyway.
    """
    equipment_id = eq.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Equipment, equipment_id, populate_existing=True)
        raise conflict_for(equipment_id, fresh.version if fresh else 0) from None


def update_equipment(
    eq: Equipment, data: EquipmentInput, expected_version: int, lookups: Lookups | None = None
) -> Equipment:
    """Save an edit made against `expected_version`; a stale one raises ConflictError."""
    if eq.version != expected_version:
        raise conflict_for(eq.id, eq.version)
    lookups = lookups or Lookups()
    checked = check(data, eq, lookups)
    if not checked.ok:
        raise EquipmentInvalid(checked.errors)
    _apply(eq, checked, lookups)
    _flush_or_conflict(eq)
    return eq


def retire_equipment(eq: Equipment, expected_version: int, reason: str = "") -> Equipment:
    """Mark as retired (报废); records are kept for the audit trail, never deleted."""
    if eq.version != expected_version:
        raise conflict_for(eq.id, eq.version)
    if eq.status == EquipmentStatus.RETIRED:
        raise EquipmentInvalid({"status": N_("already retired")})
    reason = clean_text(reason)
    today = clock.local_today(eq.site.timezone)
    eq.status = EquipmentStatus.RETIRED
    if reason:
        note = f"[{today.isoformat()}] {reason}"
        eq.notes = f"{eq.notes}\n{note}" if eq.notes else note
    _flush_or_conflict(eq)
    return eq


# Listing -----------------------------------------------------------------------------------

ACTIVE = "active"
"""Status filter meaning "everything except retired", the ledger's default view."""

SORTS = {
    "code": (Equipment.asset_code,),
    "name": (Equipment.name,),
    "category": (Equipment.category,),
    "status": (Equipment.status,),
    "next_inspection": (Equipment.next_inspection_on,),
}


@dataclass
class LedgerFilter:
    site_id: int | None = None
    site_code: str | None = None
    building_id: int | None = None
    category: str | None = None
    status: str | None = None
    q: str | None = None
    sort: str = "code"


def descendant_ids(root: Location) -> list[int]:
    """The location and everything below it, loaded with one query per site."""
    rows = db.session.execute(
        select(Location.id, Location.parent_id).where(Location.site_id == root.site_id)
    ).all()
    children: dict[int, list[int]] = {}
    for loc_id, parent_id in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(loc_id)
    found, stack = [], [root.id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def ledger_query(flt: LedgerFilter) -> Select[tuple[Equipment]]:
    """The ledger list for the page and the API: filters, search and a stable order."""
    stmt = select(Equipment)
    if flt.site_id is not None:
        stmt = stmt.where(Equipment.site_id == flt.site_id)
    if flt.site_code:
        stmt = stmt.join(Site, Site.id == Equipment.site_id).where(Site.code == flt.site_code)
    if flt.building_id is not None:
        building = db.session.get(Location, flt.building_id)
        ids = descendant_ids(building) if building else []
        stmt = stmt.where(Equipment.location_id.in_(ids))
    if flt.category:
        stmt = stmt.where(Equipment.category == flt.category)
    if flt.status == ACTIVE:
        stmt = stmt.where(Equipment.status != EquipmentStatus.RETIRED)
    elif flt.status:
        stmt = stmt.where(Equipment.status == flt.status)
    if flt.q and flt.q.strip():
        needle = flt.q.strip().lower()
        columns: Iterable[Any] = (
            Equipment.asset_code,
            Equipment.name,
            Equipment.model,
            Equipment.serial_number,
            Equipment.registration_number,
        )
        stmt = stmt.where(or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns)))
    descending = flt.sort.startswith("-")
    columns_for_sort = SORTS.get(flt.sort.lstrip("-"), SORTS["code"])
    order: list[Any] = []
    for column in columns_for_sort:
        if column is Equipment.next_inspection_on:
            order.append(column.is_(None))
        order.append(column.desc() if descending else column.asc())
    order += [Equipment.asset_code, Equipment.id]
    return stmt.order_by(*order)
