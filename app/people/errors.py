"""The one error type of the people package's services."""

from typing import NoReturn

from app.core.validation import Msg, ValidationError


class PeopleError(ValidationError):
    """Bad input for a staff operation; `str()` gives a one-line English reason."""


def refuse(field: str, message: Msg) -> NoReturn:
    """Refuse the operation with one field's message; nothing has been changed."""
    raise PeopleError({field: message})
