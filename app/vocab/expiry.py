"""When a licence or qualification needs attention: expired (red) or expiring soon (amber).

Staff licences and contractor qualifications share the rule, so the ledger, the
staff list and the contractor list highlight the same dates the same way.
"""

import enum
from datetime import date

from flask import current_app

from app.core import clock

WARNING_DAYS = 60


class ExpiryStatus(enum.StrEnum):
    NONE = "none"
    OK = "ok"
    SOON = "soon"
    EXPIRED = "expired"


def company_today() -> date:
    """Today in the company's time zone (the pinnable clock, never the server's date)."""
    return clock.local_today(current_app.config["ROUNDS_TIMEZONE"])


def expiry_status(expires_on: date | None, today: date | None = None) -> ExpiryStatus:
    """Valid through `expires_on` itself; amber fewer than WARNING_DAYS days ahead."""
    if expires_on is None:
        return ExpiryStatus.NONE
    today = today or company_today()
    if expires_on < today:
        return ExpiryStatus.EXPIRED
    if (expires_on - today).days < WARNING_DAYS:
        return ExpiryStatus.SOON
    return ExpiryStatus.OK
