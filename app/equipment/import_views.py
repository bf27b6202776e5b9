"""Ledger import pages: check a file, confirm it, follow a background import; the template."""

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import requires
from app.equipment.forms import ApplyImportForm, ImportForm
from app.equipment.import_jobs import ImportJob, load_job, start_job
from app.equipment.importing import ImportFileError, ImportReport, import_equipment
from app.equipment.template import FILENAME, template_choices, template_workbook
from app.equipment.uploads import discard, load, stash
from app.extensions import db
from app.web.forms import save
from app.worker.queue import queue_of

bp = Blueprint("equipment_import", __name__, url_prefix="/equipment/import")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _preview(
    report: ImportReport | None, form: Any, apply_form: ApplyImportForm | None, error: str | None
) -> str:
    return render_template(
        "equipment/import.html",
        form=form,
        report=report,
        apply_form=apply_form,
        error=error,
    )


@bp.route("", methods=["GET", "POST"])
@requires("ledger.import")
def upload() -> ResponseReturnValue:
    """Check an uploaded ledger file and preview what importing it would change."""
    form = ImportForm()
    form.fill_choices()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _preview(None, form, None, None), status
    file = form.file.data
    filename = file.filename or "upload"
    data = file.read()
    site_code = form.site_code.data or None
    try:
        report = import_equipment(
            filename,
            data,
            site_code=site_code,
            dry_run=True,
            create_locations=bool(form.create_locations.data),
        )
    except ImportFileError as exc:
        db.session.rollback()
        return _preview(None, form, None, exc.message.translated()), 422
    db.session.rollback()
    apply_form = None
    if not report.problems:
        apply_form = ApplyImportForm(
            formdata=None,
            token=stash(filename, data),
            filename=filename,
            site_code=site_code or "",
            create_locations="1" if form.create_locations.data else "",
            rows=report.checked_rows,
        )
        apply_form.offer_contractors(report.new_contractors)
    return _preview(report, form, apply_form, None), 200 if apply_form else 422


class _NotApplied(Exception):
    """Some rows could not be written; raised so `save` rolls the partial import back."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import not applied")
        self.report = report


def _apply_now(apply_form: ApplyImportForm, filename: str, data: bytes) -> ImportReport:
    report = import_equipment(
        filename,
        data,
        site_code=apply_form.site_code.data or None,
        dry_run=False,
        create_locations=bool(apply_form.create_locations.data),
        create_contractors=apply_form.create_contractors.data or [],
    )
    if not report.applied:
        raise _NotApplied(report)
    return report


def _queue(apply_form: ApplyImportForm, token: str, filename: str) -> ResponseReturnValue:
    """Hand a large import to the task queue and show its page."""
    start_job(
        token,
        filename,
        user_id=current_user.id,
        user_label=current_user.username,
        site_code=apply_form.site_code.data or "",
        create_locations=bool(apply_form.create_locations.data),
        create_contractors=apply_form.create_contractors.data or [],
    )
    db.session.rollback()  # the task writes in its own transaction; hold no lock here
    queue_of(current_app._get_current_object()).import_ledger(token, filename)  # type: ignore[attr-defined]
    return redirect(url_for(".job", token=token, filename=filename))


@bp.route("/apply", methods=["POST"])
@requires("ledger.import")
def apply() -> ResponseReturnValue:
    """Import a checked ledger file: every row or none; a large one on the task queue."""
    apply_form = ApplyImportForm()
    form = ImportForm(formdata=None)
    form.fill_choices()
    if not apply_form.validate_on_submit():
        abort(400)
    token, filename = apply_form.token.data or "", apply_form.filename.data or ""
    data = load(token, filename)
    if data is None:
        return _preview(None, form, None, _("The checked file has expired; upload it again.")), 410
    if (apply_form.rows.data or 0) > current_app.config["ROUNDS_IMPORT_BACKGROUND_ROWS"]:
        return _queue(apply_form, token, filename)
    try:
        saved, report = save(lambda: _apply_now(apply_form, filename, data))
    except ImportFileError as exc:
        return _preview(None, form, None, exc.message.translated()), 422
    except _NotApplied as exc:
        return _preview(exc.report, form, None, None), 422
    if not saved or report is None:
        return _preview(None, form, None, None), 422
    discard(token, filename)
    flash(
        _(
            "Imported %(file)s: %(new)d new, %(changed)d changed, %(same)d unchanged.",
            file=filename,
            new=report.count("create"),
            changed=report.count("update"),
            same=report.count("unchanged"),
        ),
        "success",
    )
    return redirect(url_for("equipment.index"))


def _own_job(token: str, filename: str) -> ImportJob:
    """The job, if the current user started it; anyone else gets 404, not a hint."""
    job = load_job(token, filename)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


@bp.route("/jobs/<token>/<filename>")
@requires("ledger.import")
def job(token: str, filename: str) -> ResponseReturnValue:
    """Progress and outcome of an import running on the task queue."""
    found = _own_job(token, filename)
    if found.finished:
        discard(token, filename)
    return render_template("equipment/import_job.html", job=found)


@bp.route("/template.xlsx")
@requires("ledger.import")
def template() -> ResponseReturnValue:
    """An empty ledger sheet with drop-downs of the allowed values."""
    return send_file(
        io.BytesIO(template_workbook(template_choices())),
        mimetype=XLSX,
        as_attachment=True,
        download_name=FILENAME,
    )
