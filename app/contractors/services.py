"""Contractors (外委单位): qualification, contact and contract period. Services flush only.

A contractor whose qualification (资质) has lapsed may not legally service
elevators or fire systems, so its expiry is tracked like a staff licence.
"""

from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from app.contractors.models import Contractor
from app.core.text import check_lines, clean_code, clean_name
from app.core.validation import (
    N_,
    UNSET,
    Problems,
    Unset,
    ValidationError,
    check_version,
    count_references,
    phone_problem,
    pick,
)
from app.extensions import db
from app.vocab.expiry import company_today

_LIMITS = {
    "name": 200,
    "qualification": 200,
    "licence_number": 100,
    "contact_name": 100,
    "contact_phone": 32,
}


class ContractorError(ValidationError):
    """Bad input for a contractor; nothing was changed."""


def get_contractor(contractor_id: int) -> Contractor | None:
    return db.session.get(Contractor, contractor_id)


def contractors_query() -> Select[tuple[Contractor]]:
    return select(Contractor).order_by(Contractor.name, Contractor.id)


def list_contractors() -> list[Contractor]:
    return list(db.session.scalars(contractors_query()))


def _check(
    contractor: Contractor | None,
    texts: dict[str, str],
    contract_start: date | None,
    contract_end: date | None,
) -> None:
    problems = Problems()
    check_lines(problems, name=texts["name"], licence_number=texts["licence_number"])
    name = texts["name"]
    if not name:
        problems.add("name", N_("Enter a name."))
    else:
        other = db.session.scalar(select(Contractor).where(Contractor.name == name))
        if other is not None and other is not contractor:
            problems.add("name", N_("Another contractor is already called %(name)s.", name=name))
    for field, limit in _LIMITS.items():
        if len(texts[field]) > limit:
            problems.add(field, N_("At most %(n)d characters.", n=limit))
    if problem := phone_problem(texts["contact_phone"]):
        problems.add("contact_phone", problem)
    if contract_start and contract_end and contract_end < contract_start:
        problems.add("contract_end", N_("The contract cannot end before it starts."))
    problems.raise_if_any(ContractorError)


def create_contractor(
    name: str,
    *,
    qualification: str = "",
    licence_number: str = "",
    licence_expires_on: date | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contract_start: date | None = None,
    contract_end: date | None = None,
    scope: str = "",
) -> Contractor:
    texts = {
        "name": clean_name(name),
        "qualification": qualification.strip(),
        "licence_number": clean_code(licence_number),
        "contact_name": clean_name(contact_name),
        "contact_phone": contact_phone.strip(),
    }
    _check(None, texts, contract_start, contract_end)
    contractor = Contractor(
        **texts,
        licence_expires_on=licence_expires_on,
        contract_start=contract_start,
        contract_end=contract_end,
        scope=scope.strip(),
    )
    db.session.add(contractor)
    db.session.flush()
    return contractor


def update_contractor(
    contractor: Contractor,
    version: int | None,
    *,
    name: str | Unset = UNSET,
    qualification: str | Unset = UNSET,
    licence_number: str | Unset = UNSET,
    licence_expires_on: date | Unset | None = UNSET,
    contact_name: str | Unset = UNSET,
    contact_phone: str | Unset = UNSET,
    contract_start: date | Unset | None = UNSET,
    contract_end: date | Unset | None = UNSET,
    scope: str | Unset = UNSET,
) -> Contractor:
    """Change the given fields of a contractor edited at `version` (None clears a date)."""
    check_version(contractor, version)
    texts = {
        "name": clean_name(pick(name, contractor.name)),
        "qualification": pick(qualification, contractor.qualification).strip(),
        "licence_number": clean_code(pick(licence_number, contractor.licence_number)),
        "contact_name": clean_name(pick(contact_name, contractor.contact_name)),
        "contact_phone": pick(contact_phone, contractor.contact_phone).strip(),
    }
    new_start = pick(contract_start, contractor.contract_start)
    new_end = pick(contract_end, contractor.contract_end)
    _check(contractor, texts, new_start, new_end)
    for field, value in texts.items():
        setattr(contractor, field, value)
    contractor.licence_expires_on = pick(licence_expires_on, contractor.licence_expires_on)
    contractor.contract_start, contractor.contract_end = new_start, new_end
    contractor.scope = pick(scope, contractor.scope).strip()
    db.session.flush()
    return contractor


def delete_contractor(contractor: Contractor, version: int | None) -> None:
    """Remove a contractor nothing points at; equipment and plans keep it alive."""
    check_version(contractor, version)
    used = count_references(contractor)
    if used:
        raise ContractorError(
            {
                "_": N_(
                    "This contractor is still used by %(n)d records; reassign them first.", n=used
                )
            }
        )
    db.session.delete(contractor)
    db.session.flush()


def expiring_contractors(within_days: int, today: date | None = None) -> list[Contractor]:
    """Contractors whose qualification expires or whose contract ends within `within_days`.

    Already lapsed ones are included: they need action even more. Soonest first.
    """
    today = today or company_today()
    limit = today + timedelta(days=within_days)
    stmt = select(Contractor).where(
        or_(Contractor.licence_expires_on <= limit, Contractor.contract_end <= limit)
    )
    found = list(db.session.scalars(stmt))
    return sorted(found, key=lambda c: (min(d for d in _dates(c) if d is not None), c.name))


def _dates(contractor: Contractor) -> tuple[date | None, date | None]:
    return contractor.licence_expires_on, contractor.contract_end
