"""Work-order forms: they parse what was typed and uploaded; the rules live in the services.

The completion form is built per visit: one field per checklist item, named
`item__<key>` (the name the service reports problems under), plus the fields that
kind of record needs (cause for repairs, report for statutory tests, the
maintenance unit and safety manager for elevators).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FileField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.i18n import label
from app.people.models import User
from app.web.forms import ServiceForm, VersionField, optional_int
from app.workorders import files
from app.workorders.checklist import Item, RawAnswer, Result, item_field
from app.workorders.completion import (
    PHOTOS_FIELD,
    CompletionInput,
    RecordRules,
    SheetException,
)
from app.workorders.files import Upload

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
KEPT_SEPARATOR = ","


def aware(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A naive datetime-local value read as the site's wall clock."""
    if value is None:
        return None
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


class ReasonForm(ServiceForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 3})
    version = VersionField()
    submit = SubmitField(_l("Save"))


class ReassignForm(ServiceForm):
    assignee_id = SelectField(_l("Person"), coerce=optional_int, validate_choice=False)
    team_id = SelectField(_l("Team"), coerce=optional_int, validate_choice=False)
    version = VersionField()
    submit = SubmitField(_l("Reassign"))


class RescheduleForm(ServiceForm):
    due_at = DateTimeLocalField(_l("New time"), format=DATETIME_FORMAT)
    version = VersionField()
    submit = SubmitField(_l("Move"))


class SignOffForm(ServiceForm):
    safety_manager_name = StringField(_l("Safety manager"))
    version = VersionField()
    submit = SubmitField(_l("Sign off"))


class ActionForm(FlaskForm):
    """A button with the version, e.g. Start."""

    version = VersionField()


def _check_choices(item: Item) -> list[SelectChoice]:
    choices = [SelectChoice(Result.PASS, _l("Pass")), SelectChoice(Result.FAIL, _l("Fail"))]
    if not item.required:
        choices.append(SelectChoice(Result.NA, _l("N/A")))
    return choices


def _item_fields(item: Item) -> dict[str, Any]:
    name = item_field(item.key)
    title = label(item.label_pair)
    fields: dict[str, Any] = {}
    if item.kind == "reading":
        render_kw: dict[str, Any] = {"inputmode": "decimal", "autocomplete": "off"}
        if item.min is not None:
            render_kw["data-min"] = item.min
        if item.max is not None:
            render_kw["data-max"] = item.max
        fields[name] = StringField(title, validators=[Optional()], render_kw=render_kw)
    elif item.kind == "choice":
        fields[name] = RadioField(
            title,
            choices=[
                SelectChoice(key, label((n.get("zh", key), n.get("en", key))))
                for key, n in item.choices
            ],
            validators=[Optional()],
            validate_choice=False,
        )
    elif item.kind == "text":
        fields[name] = TextAreaField(title, validators=[Optional()], render_kw={"rows": 2})
    else:
        fields[name] = RadioField(
            title, choices=_check_choices(item), validators=[Optional()], validate_choice=False
        )
    fields[f"note__{item.key}"] = StringField(_l("Remark"), validators=[Optional()])
    fields[f"photo__{item.key}"] = MultipleFileField(_l("Photo"), render_kw={"accept": "image/*"})
    return fields


def completion_form_class(
    items: Sequence[Item], rules: RecordRules, crew_choices: Sequence[SelectChoice]
) -> type[FlaskForm]:
    """The form for one visit: its items, then what its kind of record needs."""
    fields: dict[str, Any] = {}
    for item in items:
        fields.update(_item_fields(item))
    if rules.corrective:
        fields["cause"] = TextAreaField(_l("Cause"), render_kw={"rows": 2})
        fields["parts_used"] = TextAreaField(
            _l("Parts used"), description=_l("Part, quantity"), render_kw={"rows": 2}
        )
    fields["note"] = TextAreaField(_l("Note"), render_kw={"rows": 2})
    fields[PHOTOS_FIELD] = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})
    if rules.needs_report:
        fields["report_number"] = StringField(_l("Report number"))
        fields["report_file"] = FileField(
            _l("Report (PDF)"), render_kw={"accept": "application/pdf"}
        )
    if rules.elevator:
        fields["maintenance_unit"] = StringField(_l("Maintenance unit"))
    fields["crew_user_ids"] = SelectMultipleField(
        _l("Crew"),
        coerce=int,
        choices=list(crew_choices),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    fields["crew_names"] = StringField(
        _l("Other crew"), description=_l("Names, separated by commas")
    )
    fields["started_at"] = DateTimeLocalField(
        _l("Started"), format=DATETIME_FORMAT, validators=[Optional()]
    )
    fields["finished_at"] = DateTimeLocalField(
        _l("Finished"), format=DATETIME_FORMAT, validators=[Optional()]
    )
    if rules.elevator:
        fields["safety_manager_name"] = StringField(_l("Safety manager (user)"))
        fields["safety_manager_signed"] = BooleanField(_l("The safety manager signs now"))
    fields["signature_name"] = StringField(_l("Signed by"))
    fields["signature_data_url"] = HiddenField()
    fields["kept"] = HiddenField()
    fields["submit"] = SubmitField(_l("Record as done"))
    return type("CompletionForm", (FlaskForm,), fields)


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.replace("，", ",").replace("、", ",").split(",") if n.strip()]


def _uploads(storages: Sequence[FileStorage]) -> list[Upload]:
    return [Upload(fs.filename or "file", fs.read()) for fs in storages if fs and fs.filename]


def kept_uploads(kept: str) -> list[tuple[str | None, Upload, str]]:
    """Photos staged by an earlier, refused submission: (item key, file, token)."""
    result = []
    for entry in kept.split(KEPT_SEPARATOR):
        key, _sep, token = entry.partition("|")
        upload = files.unstage(token) if token else None
        if upload is not None:
            result.append((key or None, upload, token))
    return result


def completion_input(
    form: FlaskForm, items: Sequence[Item], file_data: MultiDict[str, FileStorage], tz: ZoneInfo
) -> CompletionInput:
    """What the form says, as the service's input (files read, times made aware)."""
    answers: dict[str, RawAnswer] = {}
    photos: list[tuple[str | None, Upload]] = []
    for item in items:
        value = form[item_field(item.key)].data or ""
        raw = RawAnswer(note=form[f"note__{item.key}"].data or "")
        if item.kind == "reading":
            raw.value = value
        elif item.kind == "choice":
            raw.choice = value
        elif item.kind == "text":
            raw.text = value
        else:
            raw.result = value
        answers[item.key] = raw
        photos += [(item.key, up) for up in _uploads(file_data.getlist(f"photo__{item.key}"))]
    photos += [(None, up) for up in _uploads(file_data.getlist(PHOTOS_FIELD))]
    photos += [(key, up) for key, up, _token in kept_uploads(form["kept"].data or "")]
    report = _uploads(file_data.getlist("report_file")) if "report_file" in form else []

    def text(name: str) -> str:
        return (form[name].data or "") if name in form else ""

    return CompletionInput(
        answers=answers,
        note=text("note"),
        crew_user_ids=list(form["crew_user_ids"].data or []),
        crew_names=_names(text("crew_names")),
        started_at=aware(form["started_at"].data, tz),
        finished_at=aware(form["finished_at"].data, tz),
        signature_name=text("signature_name"),
        signature_data_url=text("signature_data_url"),
        photos=photos,
        cause=text("cause"),
        parts_used=text("parts_used"),
        maintenance_unit=text("maintenance_unit"),
        safety_manager_name=text("safety_manager_name"),
        safety_manager_signed=bool(form["safety_manager_signed"].data)
        if "safety_manager_signed" in form
        else False,
        report_number=text("report_number"),
        report_file=report[0] if report else None,
    )


def keep_good_photos(form: FlaskForm, good: Sequence[tuple[str | None, Upload]]) -> int:
    """After a refusal: stage the photos that passed, so the user need not take them again."""
    previous = {token for _k, _u, token in kept_uploads(form["kept"].data or "")}
    for token in previous:
        files.discard_staged(token)
    entries = [f"{key or ''}|{files.stage(upload)}" for key, upload in good]
    form["kept"].data = KEPT_SEPARATOR.join(entries)
    return len(entries)


def crew_choices(members: Sequence[User]) -> list[SelectChoice]:
    return [SelectChoice(m.id, m.name) for m in members]


def sheet_exceptions(
    data: Mapping[str, Any] | MultiDict[str, str], ids: Sequence[int]
) -> dict[int, SheetException]:
    """The exceptions typed on the paper-sheet page, per work order id."""
    getlist = data.getlist if isinstance(data, MultiDict) else (lambda k: [data.get(k)])
    result: dict[int, SheetException] = {}
    for wo_id in ids:
        prefix = f"wo{wo_id}."
        exception = SheetException(
            not_done=bool(data.get(prefix + "not_done")),
            reason=data.get(prefix + "reason") or "",
            failed_items=[v for v in getlist(prefix + "failed") if v],
            readings={
                key.removeprefix(prefix + "reading."): value
                for key, value in data.items()
                if key.startswith(prefix + "reading.") and value
            },
            note=data.get(prefix + "note") or "",
        )
        result[wo_id] = exception
    return result
