"""`check`: ONE validation of equipment input for the form, the import and the API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from app.catalog import CatalogError
from app.catalog.current import current_catalog
from app.core.text import clean_name, line_problem
from app.core.validation import N_, Msg
from app.equipment.inputs import Checked, EquipmentInput, PendingLocation
from app.equipment.lookups import Lookups
from app.equipment.models import Criticality, Equipment, EquipmentStatus
from app.equipment.parsing import (
    CATEGORY_LABELS,
    CLEANERS,
    CRITICALITY_CHOICES,
    DATE_FIELDS,
    MAX_LENGTHS,
    MULTILINE_FIELDS,
    STATUS_CHOICES,
    TEXT_FIELDS,
    choice_text,
    normalise_choice,
    parse_attributes,
    parse_date,
)
from app.extensions import db
from app.sites.models import Site

REGISTRATION_CODE = re.compile(r"[0-9]{20}")
"""注册代码 of special equipment: 20 digits, printed on its 使用标志 and kept in the register."""


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
    return Msg(texts[kind].msgid, {"value": raw, "choices": choice_text(choices)})


def check(
    data: EquipmentInput, current: Equipment | None = None, lookups: Lookups | None = None
) -> Checked:
    """Validate and resolve `data`; every problem is reported, not just the first."""
    lookups = lookups or Lookups()
    result = Checked()
    errors, values = result.errors, result.values
    _check_text(data, result)
    _check_choices(data, result)
    _check_dates(data, result)
    attributes, problem = parse_attributes(data.attributes)
    if problem:
        errors["attributes"] = problem
    values["attributes"] = attributes
    _check_site(data, current, lookups, result)
    if values.get("category") and values.get("type_key") and "type_key" not in errors:
        problem = check_type_key(values["type_key"], values["category"])
        if problem:
            errors["type_key"] = problem
    return result


def _check_text(data: EquipmentInput, result: Checked) -> None:
    """Cleaned text fields: within their lengths, the code and name present."""
    errors, values = result.errors, result.values
    text = {name: CLEANERS.get(name, clean_name)(getattr(data, name)) for name in TEXT_FIELDS}
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
    code = text["registration_code"]
    if code and "registration_code" not in errors and not REGISTRATION_CODE.fullmatch(code):
        errors["registration_code"] = N_(
            "%(value)s is not a registration code (注册代码): that is 20 digits; the "
            "registration certificate no. (使用登记证号, e.g. 梯11沪A0001(18)) has its own field",
            value=code,
        )
    values.update({k: v for k, v in text.items() if k != "type_key"})
    values["type_key"] = text["type_key"] or None


def _check_choices(data: EquipmentInput, result: Checked) -> None:
    """Category (required), status and criticality, as keys or labels in either language."""
    errors, values = result.errors, result.values
    category = str(data.category or "").strip()
    if not category:
        errors["category"] = N_(
            "required; choose one of: %(choices)s", choices=choice_text(CATEGORY_LABELS)
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


def _check_dates(data: EquipmentInput, result: Checked) -> None:
    """Each date readable and real, and the dates in the order things happen."""
    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        parsed, problem = parse_date(getattr(data, name))
        if problem:
            result.errors[name] = problem
        else:
            dates[name] = parsed
            result.values[name] = parsed
    _check_date_order(dates, result.errors)


def _check_site(
    data: EquipmentInput, current: Equipment | None, lookups: Lookups, result: Checked
) -> None:
    """The site, the references within it, and an asset code not used there already."""
    errors, values = result.errors, result.values
    site, problem = lookups.site(data.site_id)
    if problem:
        errors["site_id"] = problem
    if site is None:
        return
    values["site"] = site
    _check_references(data, site, lookups, result)
    code = values["asset_code"]
    if code and "asset_code" not in errors:
        other = asset_code_taken(site, code, current.id if current else None)
        if other is not None:
            errors["asset_code"] = N_(
                "%(code)s is already used in site %(site)s by %(name)s",
                code=code,
                site=site.code,
                name=other.name,
            )


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
