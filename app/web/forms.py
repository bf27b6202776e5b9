"""Form pieces shared by every edit page: the hidden version, and service errors next to fields.

Forms only parse input (dates, numbers, choices); the rules live in the services.
`save` runs the service call, commits on success, and otherwise puts each
message next to its field (or explains a stale edit), leaving nothing half-saved.
"""

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

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


class Saved(NamedTuple, Generic[T]):
    """What `save` did: unpack it as `(saved, result)`, or test it as a bool (saved or not)."""

    saved: bool
    result: T | None

    def __bool__(self) -> bool:
        return self.saved


Explain = Callable[[StaleEdit | ValidationError], None]


def save(
    action: Callable[[], T], form: FlaskForm | None = None, *, explain: Explain | None = None
) -> Saved[T]:
    """The pages' one commit point (as Indico's `RH.process`): run one service call and commit.

    On refusal nothing is half-saved: the session is rolled back and the user told why.
    A stale edit is flashed (the form answers 409); invalid input goes next to the form's
    fields, or is flashed when there is no form (422). A page that shows refusals its own
    way passes `explain`. Any other exception is rolled back and raised for the view.
    """
    try:
        result = action()
    except (StaleEdit, ValidationError) as exc:
        db.session.rollback()
        if explain is None:
            _explain(exc, form)
        else:
            explain(exc)
        if isinstance(form, ServiceForm):
            form.answer_status = 409 if isinstance(exc, StaleEdit) else 422
        return Saved(False, None)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return Saved(True, result)


def _explain(exc: StaleEdit | ValidationError, form: FlaskForm | None) -> None:
    if isinstance(exc, StaleEdit):
        flash(exc.message(), "warning")
    elif form is not None:
        show_errors(form, exc)
    else:
        for msg in exc.fields.values():
            flash(msg.translated(), "danger")


def page_status(form: ServiceForm) -> int:
    """The status a form page answers with: 200, or why the submission was refused."""
    if form.answer_status != 200:
        return form.answer_status
    return 422 if form.errors else 200
