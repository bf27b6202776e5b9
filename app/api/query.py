"""Query-string values the declared parameters do not type: a bad one is a 422 naming it."""

from datetime import date

from flask import request

from app.api.errors import ApiError


def date_arg(name: str) -> date | None:
    """`?name=YYYY-MM-DD` as a date; None when absent or empty."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            422, "invalid", f"{name} must be a date YYYY-MM-DD", {name: raw[:40]}
        ) from None
