"""Form pieces shared by every edit page: the hidden version, and service errors next to fields.

Forms only parse input (dates, numbers, choices); the rules live in the services.
`attempt` runs the service call, commits on success, and otherwise puts each
message next to its field (or explains a stale edit), leaving nothing half-saved.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, SubmitField

from app.core.bounds import in_range
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db

T = TypeVar("T")

_NOT_VALUES = frozenset({"csrf_token", "version"})


class VersionField(HiddenField):
    """The record version the form was loaded with, sent back so stale edits are refused."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            self.data = int(valuelist[0]) if valuelist else None
        except (TypeError, ValueError):
            self.data = None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


def optional_int(value: Any) -> int | None:
    """Coerce for selects whose first choice is "none"."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if not in_range(number):
        raise ValueError("not an id the database can hold")  # the field reports an invalid choice
    return number


class ServiceForm(FlaskForm):
    """A form whose fields are named like the keyword arguments of its service function."""

    answer_status: int = 200

    def values(self, *names: str) -> dict[str, Any]:
        """Field data for the service call; missing text becomes "" (all of them if no names)."""
        fields = [self._fields[n] for n in names] if names else list(self._fields.values())
        return {
            field.short_name: _data(field)
            for field in fields
            if field.short_name not in _NOT_VALUES and not isinstance(field, SubmitField)
        }


def _data(field: Field) -> Any:
    if isinstance(field, StringField) and field.data is None:
        return ""
    return field.data


def show_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show each service message next to its field, in the user's language.

    Messages for fields the form does not show (or hidden ones) are flashed instead,
    so no error is ever swallowed.
    """
    for name, msg in error.fields.items():
        field = form._fields.get(name)
        if field is None or isinstance(field, HiddenField):
            flash(msg.translated(), "danger")
        else:
            field.errors = [*field.errors, msg.translated()]
    form._errors = None  # WTForms caches form.errors; let it see the new ones


def attempt(form: ServiceForm, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service call for a submitted form and commit; on refusal explain why.

    Returns (saved, result). The form's `answer_status` becomes 409 for a stale edit and
    422 for invalid input, for the page to answer with.
    """
    try:
        result = action()
    except StaleEdit as exc:
        db.session.rollback()
        flash(exc.message(), "warning")
        form.answer_status = 409
        return False, None
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc)
        form.answer_status = 422
        return False, None
    db.session.commit()
    return True, result


def page_status(form: ServiceForm) -> int:
    """The status a form page answers with: 200, or why the submission was refused."""
    if form.answer_status != 200:
        return form.answer_status
    return 422 if form.errors else 200


def run_action(action: Callable[[], object]) -> bool:
    """For buttons without form fields (remove, delete): commit, or flash why not."""
    try:
        action()
    except StaleEdit as exc:
        db.session.rollback()
        flash(exc.message(), "warning")
        return False
    except ValidationError as exc:
        db.session.rollback()
        for msg in exc.fields.values():
            flash(msg.translated(), "danger")
        return False
    db.session.commit()
    return True
