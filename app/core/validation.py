"""Validation and stale-edit errors raised by services, rendered by forms, the API and the CLI.

Services check every rule once and raise `ValidationError` with one message per
field; each caller renders it its own way (next to a form field in the user's
language, as a 422 `fields` object, or as a one-line CLI reason). Messages stay
msgid + parameters until rendered, so a CLI without a request still gets English.
"""

import enum
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar, Final, NamedTuple, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db

T = TypeVar("T")


class Msg(NamedTuple):
    """A user-facing message kept untranslated until someone renders it."""

    msgid: str
    params: Mapping[str, Any]

    def __str__(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid

    def translated(self) -> str:
        """In the current user's language; needs a request or app context."""
        return _(self.msgid, **self.params)


def N_(msgid: str, **params: Any) -> Msg:
    """Mark a msgid for extraction without translating it yet."""
    return Msg(msgid, params)


class ValidationError(ValueError):
    """Bad input: field name → message; nothing has been changed."""

    def __init__(self, fields: Mapping[str, Msg]) -> None:
        self.fields: dict[str, Msg] = dict(fields)
        super().__init__("; ".join(f"{name}: {msg}" for name, msg in self.fields.items()))


class Problems:
    """Collects every bad field first, so a form shows all its errors at once."""

    def __init__(self) -> None:
        self.fields: dict[str, Msg] = {}

    def add(self, field: str, message: Msg) -> None:
        self.fields.setdefault(field, message)

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def raise_if_any(self, error: type[ValidationError] = ValidationError) -> None:
        if self.fields:
            raise error(self.fields)


def _anonymous_stale_edit(exc: "StaleEdit") -> str:
    return _("Someone else changed this record meanwhile. Your changes were not saved.")


class StaleEdit(Exception):
    """The caller edited an older version of the record than the one stored."""

    def __init__(self, entity: str, entity_id: int, version: int) -> None:
        super().__init__(f"{entity} {entity_id} is now at version {version}")
        self.entity = entity
        self.entity_id = entity_id
        self.version = version

    # The wording hook: the web layer (`app.web.stale_edit`) installs one naming the last
    # editor from the audit trail, which `core` cannot import without depending on `audit`.
    describe: ClassVar[Callable[["StaleEdit"], str]] = staticmethod(_anonymous_stale_edit)

    def message(self) -> str:
        """Who changed the record and when, in the user's language (see `describe`)."""
        return type(self).describe(self)


def check_version(record: Any, expected: int | None) -> None:
    """Refuse an edit made against an older version (optimistic locking, checked up front)."""
    if expected is None or record.version != expected:
        raise StaleEdit(record.__tablename__, record.id, record.version)


class Unset(enum.Enum):
    """Marks an update argument that was not given (distinct from None = clear it)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


def given(value: object) -> bool:
    return value is not UNSET


def pick(value: T | Unset, current: T) -> T:
    """The new value if one was given, else the current one."""
    return current if isinstance(value, Unset) else value


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")


def phone_problem(phone: str) -> Msg | None:
    """Chinese mobiles, landlines with area code and extensions; empty is allowed."""
    if phone and not _PHONE.match(phone):
        return N_("Use digits, spaces, dashes or a leading +, e.g. 138 0013 8000.")
    return None


def parse_iso_date(field: str, value: str | None) -> date | None:
    """A YYYY-MM-DD string from JSON or a CSV cell; None/empty stays None."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: N_("Use a date like 2026-03-31.")}) from None


def count_references(record: Any, ignore: frozenset[str] = frozenset()) -> int:
    """Rows in any table that point at `record` through a foreign key.

    Found from the metadata, so a delete is refused even for tables added later
    (plans, work orders...) instead of silently nulling their references.
    """
    table = record.__table__
    total = 0
    for other in db.metadata.tables.values():
        if other.name in ignore:
            continue
        for fk in other.foreign_keys:
            if fk.column.table is table:
                value = getattr(record, fk.column.key)
                stmt = select(func.count()).select_from(other).where(fk.parent == value)
                total += db.session.scalar(stmt) or 0
    return total
