"""The stale-edit wording: names who last changed the record, read from the audit trail.

It lives in the web layer because it needs `audit`, which sits above `core`; `core`
only declares the `StaleEdit` error and a hook for its wording, and `create_app`
plugs this one in.
"""

from flask_babel import format_datetime
from flask_babel import gettext as _

from app.audit.services import last_change
from app.core.validation import StaleEdit


def name_the_last_editor(exc: StaleEdit) -> str:
    """Who changed the record and when, in the user's language."""
    entry = last_change(exc.entity, exc.entity_id)
    if entry is None:
        return _("Someone else changed this record meanwhile. Your changes were not saved.")
    return _(
        "%(who)s changed this record at %(when)s while you were editing. "
        "Your changes were not saved.",
        who=entry.actor,
        when=format_datetime(entry.at, "short"),
    )


def init_app() -> None:
    """Make every `StaleEdit.message()` name the last editor."""
    StaleEdit.describe = staticmethod(name_the_last_editor)
