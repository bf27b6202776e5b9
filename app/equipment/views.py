"""Ledger pages: list, detail, create / edit / retire and export (import: import_views.py)."""

import io
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.audit.services import history_of
from app.auth.permissions import requires
from app.core import clock
from app.core.validation import StaleEdit, ValidationError
from app.equipment.exporting import FORMATS, export_ledger
from app.equipment.forms import EquipmentForm, RetireForm
from app.equipment.models import Equipment
from app.equipment.services import (
    ACTIVE,
    CATEGORY_LABELS,
    CRITICALITY_CHOICES,
    SORTS,
    STATUS_CHOICES,
    ConflictError,
    EquipmentInput,
    LedgerFilter,
    create_equipment,
    ledger_query,
    retire_equipment,
    update_equipment,
)
from app.extensions import db
from app.sites.models import Site
from app.sites.queries import sites_by_code, top_level_locations
from app.web.forms import save, show_errors

bp = Blueprint("equipment", __name__, url_prefix="/equipment")

ANY_STATUS = "any"


@bp.app_context_processor
def _vocabularies() -> dict[str, Any]:
    return {
        "category_labels": CATEGORY_LABELS,
        "status_labels": STATUS_CHOICES,
        "criticality_labels": CRITICALITY_CHOICES,
    }


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/")
@requires("ledger.view")
def index() -> ResponseReturnValue:
    """The equipment ledger, filtered and sorted."""
    status = request.args.get("status") or ACTIVE
    flt = LedgerFilter(
        site_id=_int_arg("site"),
        building_id=_int_arg("building"),
        category=request.args.get("category") or None,
        status=None if status == ANY_STATUS else status,
        q=request.args.get("q") or None,
        sort=request.args.get("sort") or "code",
    )
    page = db.paginate(
        ledger_query(flt),
        page=_int_arg("page") or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "equipment/index.html",
        page=page,
        flt=flt,
        status=status,
        sites=sites_by_code(),
        buildings=top_level_locations(flt.site_id),
        sorts=list(SORTS),
        any_status=ANY_STATUS,
        active_status=ACTIVE,
    )


def _get(equipment_id: int) -> Equipment:
    return db.get_or_404(Equipment, equipment_id)


@bp.route("/<int:equipment_id>")
@requires("ledger.view")
def detail(equipment_id: int) -> ResponseReturnValue:
    """One asset: its record and who changed it when."""
    eq = _get(equipment_id)
    labels = {field.short_name: field.label.text for field in EquipmentForm(formdata=None)}
    return render_template(
        "equipment/detail.html",
        eq=eq,
        history=history_of(Equipment.__tablename__, eq.id, limit=20),
        field_labels=labels,
        today=clock.local_today(eq.site.timezone),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("ledger.edit")
def create() -> ResponseReturnValue:
    """Add an asset to the ledger."""
    form = EquipmentForm()
    form.fill_choices()
    if request.method == "GET":
        form.fill_from(EquipmentInput(site_id=_int_arg("site")))
    elif form.validate_on_submit():
        saved, eq = save(lambda: create_equipment(form.to_input()), form)
        if saved and eq is not None:
            flash(_("Equipment %(code)s added.", code=eq.asset_code), "success")
            return redirect(url_for(".detail", equipment_id=eq.id))
    status = 422 if request.method == "POST" else 200
    return render_template("equipment/form.html", form=form, eq=None), status


def _conflict_text(exc: StaleEdit, form: EquipmentForm | None = None) -> str:
    """Who changed the record and when (shared wording), plus which fields they touched."""
    text = exc.message()
    if isinstance(exc, ConflictError) and exc.changed_fields:
        names = [
            str(form[f].label.text) if form is not None and f in form else f
            for f in exc.changed_fields
        ]
        text += " " + _("They changed: %(fields)s.", fields=", ".join(names))
    return text


@dataclass
class _Refusal:
    """How a refused edit or retirement shows: the text above the form, the version to resend."""

    form: EquipmentForm | RetireForm
    text: str | None = None

    def for_edit(self, exc: StaleEdit | ValidationError) -> None:
        if isinstance(exc, ValidationError):
            show_errors(self.form, exc)
            return
        self.text = _conflict_text(exc, self.form)  # type: ignore[arg-type]
        self._reload_version(exc)

    def for_retire(self, exc: StaleEdit | ValidationError) -> None:
        if isinstance(exc, ValidationError):
            self.text = "; ".join(m.translated() for m in exc.fields.values())
            return
        self.text = _conflict_text(exc) + " " + _("Check the record before retiring it.")
        self._reload_version(exc)

    def _reload_version(self, exc: StaleEdit) -> None:
        if isinstance(exc, ConflictError):
            self.form.version.data = exc.current_version


@bp.route("/<int:equipment_id>/edit", methods=["GET", "POST"])
@requires("ledger.edit")
def edit(equipment_id: int) -> ResponseReturnValue:
    """Change an asset; a concurrent edit is explained, naming who changed what."""
    eq = _get(equipment_id)
    form = EquipmentForm()
    form.fill_choices()
    refusal = _Refusal(form)
    if request.method == "GET":
        form.fill_from(EquipmentInput.from_equipment(eq))
        form.version.data = eq.version
    elif form.validate_on_submit():
        version = form.version.data or 0
        if save(lambda: update_equipment(eq, form.to_input(), version), explain=refusal.for_edit):
            flash(_("Equipment %(code)s saved.", code=eq.asset_code), "success")
            return redirect(url_for(".detail", equipment_id=eq.id))
    conflict = refusal.text
    status = 200 if request.method == "GET" else (409 if conflict else 422)
    eq = _get(equipment_id)
    return render_template("equipment/form.html", form=form, eq=eq, conflict=conflict), status


@bp.route("/<int:equipment_id>/retire", methods=["GET", "POST"])
@requires("ledger.edit")
def retire(equipment_id: int) -> ResponseReturnValue:
    """Retire an asset: it leaves the schedules, its record is kept."""
    eq = _get(equipment_id)
    form = RetireForm()
    refusal = _Refusal(form)
    if request.method == "GET":
        form.version.data = eq.version
    elif form.validate_on_submit():
        version, reason = form.version.data or 0, form.reason.data or ""
        if save(lambda: retire_equipment(eq, version, reason), explain=refusal.for_retire):
            flash(
                _("Equipment %(code)s retired; its record is kept.", code=eq.asset_code), "success"
            )
            return redirect(url_for(".detail", equipment_id=eq.id))
    problem = refusal.text
    eq = _get(equipment_id)
    status = 200 if request.method == "GET" else 409 if problem else 422
    return render_template("equipment/retire.html", form=form, eq=eq, problem=problem), status


@bp.route("/export.<fmt>")
@requires("ledger.view")
def export(fmt: str) -> ResponseReturnValue:
    """Download the ledger (one site or all) as xlsx or CSV."""
    if fmt not in FORMATS:
        abort(404)
    site = db.session.get(Site, _int_arg("site") or 0)
    stamp = clock.local_today(current_app.config["ROUNDS_TIMEZONE"]).strftime("%Y%m%d")
    name = f"equipment-{site.code if site else 'all'}-{stamp}.{fmt}"
    mimetype = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv"
    )
    return send_file(
        io.BytesIO(export_ledger(fmt, site)),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
    )
