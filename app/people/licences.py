"""Staff licences (操作证) and their expiry. Services flush; callers commit."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.signals import staff_changed
from app.core.validation import (
    N_,
    UNSET,
    Problems,
    Unset,
    check_version,
    pick,
)
from app.extensions import db
from app.people.errors import PeopleError
from app.people.models import (
    Licence,
    User,
)
from app.vocab.expiry import company_today
from app.vocab.licences import LICENCE_KINDS


def get_licence(licence_id: int) -> Licence | None:
    return db.session.get(Licence, licence_id)


def _check_licence(kind: str, number: str, issued_on: date | None, expires_on: date | None) -> None:
    problems = Problems()
    if kind not in LICENCE_KINDS:
        problems.add("kind", N_("Choose a kind from the list."))
    if len(number) > 64:
        problems.add("number", N_("At most %(n)d characters.", n=64))
    if issued_on is not None and expires_on is not None and expires_on < issued_on:
        problems.add("expires_on", N_("The expiry date is before the issue date."))
    problems.raise_if_any(PeopleError)


def add_licence(
    user: User, kind: str, number: str, expires_on: date | None, issued_on: date | None = None
) -> Licence:
    """Record a licence; future visits that need its kind may now go to its holder."""
    number = number.strip()
    _check_licence(kind, number, issued_on, expires_on)
    licence = Licence(
        user=user, kind=kind, number=number, expires_on=expires_on, issued_on=issued_on
    )
    db.session.add(licence)
    db.session.flush()
    staff_changed.send(None, user_ids=[user.id], licence_kinds={kind})
    return licence


def update_licence(
    licence: Licence,
    version: int | None,
    *,
    kind: str | Unset = UNSET,
    number: str | Unset = UNSET,
    issued_on: date | Unset | None = UNSET,
    expires_on: date | Unset | None = UNSET,
) -> Licence:
    """Record a renewal or correct a licence, e.g. a new expiry after re-examination."""
    check_version(licence, version)
    new_kind = pick(kind, licence.kind)
    new_number = pick(number, licence.number).strip()
    new_issued = pick(issued_on, licence.issued_on)
    new_expires = pick(expires_on, licence.expires_on)
    _check_licence(new_kind, new_number, new_issued, new_expires)
    kinds = {licence.kind, new_kind}
    rostered = (new_kind, new_expires) != (licence.kind, licence.expires_on)
    licence.kind, licence.number = new_kind, new_number
    licence.issued_on, licence.expires_on = new_issued, new_expires
    db.session.flush()
    if rostered:  # eligibility is kind and expiry; the number and issue date decide nothing
        staff_changed.send(None, user_ids=[licence.user.id], licence_kinds=kinds)
    return licence


def delete_licence(licence: Licence, version: int | None) -> None:
    """Remove a licence; the holder's future visits that needed it go to someone else."""
    check_version(licence, version)
    user, kind = licence.user, licence.kind
    db.session.delete(licence)
    db.session.flush()
    staff_changed.send(None, user_ids=[user.id], licence_kinds={kind})


def expiring_licences(within_days: int, today: date | None = None) -> list[Licence]:
    """Licences of active staff that expire within `within_days` or have already expired.

    Soonest first, so whoever books the re-examinations starts at the top.
    """
    today = today or company_today()
    limit = today + timedelta(days=within_days)
    stmt = (
        select(Licence)
        .join(User)
        .options(selectinload(Licence.user))
        .where(User.active.is_(True), Licence.expires_on.is_not(None), Licence.expires_on <= limit)
        .order_by(Licence.expires_on, Licence.id)
    )
    return list(db.session.scalars(stmt))
