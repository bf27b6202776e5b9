"""An asset's change log as a person reads it: each field by its label, each value by
what it names (the location's path, the contractor's name, "在用" for `in_service`),
never an id, a raw key or a Python dict.

The audit log stores ids and keys on purpose (names change, keys do not); this module
turns them into words at read time, in the reader's language.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.audit.models import AuditEntry
from app.catalog.current import current_catalog
from app.contractors.models import Contractor
from app.core.i18n import label, value_words
from app.equipment.parsing import CATEGORY_LABELS, CRITICALITY_CHOICES, STATUS_CHOICES
from app.extensions import db
from app.people.models import Team
from app.sites.models import Location, Site
from app.vocab.attributes import attribute_words

# Bookkeeping a reader has no use for.
HIDDEN_FIELDS = frozenset({"id"})


@dataclass(frozen=True)
class ChangeLine:
    field: str
    before: str | None  # None when the record was created: only the new value is shown
    after: str


def _named(model: type[Any], attribute: str) -> Callable[[Any], str]:
    def name(value: Any) -> str:
        row = db.session.get(model, value) if isinstance(value, int) else None
        return (
            str(getattr(row, attribute)) if row is not None else _("(deleted, #%(id)s)", id=value)
        )

    return name


def _catalog_type(key: Any) -> str:
    try:
        return label(current_catalog().type(str(key)).names)
    except KeyError:
        return str(key)


def _choice(labels: Mapping[str, tuple[str, str]]) -> Callable[[Any], str]:
    return lambda key: label(labels[key]) if key in labels else str(key)


def _attributes(value: Any) -> str:
    if not isinstance(value, dict):
        return _plain(value)
    return (
        "; ".join(f"{attribute_words(key)} = {_attributes(item)}" for key, item in value.items())
        or "—"
    )


def _plain(value: Any) -> str:
    return value_words(value)


VALUE_WORDS: dict[str, Callable[[Any], str]] = {
    "site_id": _named(Site, "name"),
    "location_id": _named(Location, "path"),
    "maintainer_team_id": _named(Team, "name"),
    "maintainer_contractor_id": _named(Contractor, "name"),
    "type_key": _catalog_type,
    "category": _choice(CATEGORY_LABELS),
    "status": _choice(STATUS_CHOICES),
    "criticality": _choice(CRITICALITY_CHOICES),
    "attributes": _attributes,
}


def _words(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    return VALUE_WORDS.get(field, _plain)(value)


def change_lines(entry: AuditEntry, labels: Mapping[str, str]) -> list[ChangeLine]:
    """The entry's changes in words, labelled with the form's field labels."""
    return [
        ChangeLine(
            field=labels.get(field, field),
            before=None if entry.action == "create" else _words(field, before),
            after=_words(field, after),
        )
        for field, (before, after) in entry.changes.items()
        if field not in HIDDEN_FIELDS
    ]
