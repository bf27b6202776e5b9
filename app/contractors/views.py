"""Contractors in the browser: thin views over contractors.services."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.auth.permissions import requires
from app.contractors import services
from app.contractors.forms import ContractorForm
from app.contractors.models import Contractor
from app.extensions import db
from app.vocab.expiry import expiry_status
from app.web.forms import page_status, save

bp = Blueprint("contractors", __name__, url_prefix="/contractors")
bp.add_app_template_global(expiry_status, "expiry_status")


def _contractor(contractor_id: int) -> Contractor:
    return db.get_or_404(Contractor, contractor_id)


@bp.route("/")
@requires("contractors.view")
def index() -> ResponseReturnValue:
    """Contractors, with their licences' expiry at a glance."""
    return render_template("contractors/index.html", contractors=services.list_contractors())


@bp.route("/new", methods=["GET", "POST"])
@requires("contractors.edit")
def new() -> ResponseReturnValue:
    """Add a contractor."""
    form = ContractorForm()
    if form.validate_on_submit():
        saved, contractor = save(lambda: services.create_contractor(**form.values()), form)
        if saved and contractor is not None:
            flash(_("Contractor saved."), "success")
            return redirect(url_for("contractors.detail", contractor_id=contractor.id))
    return render_template(
        "contractors/form.html",
        form=form,
        title=_("New contractor"),
        back=url_for("contractors.index"),
    ), page_status(form)


@bp.route("/<int:contractor_id>")
@requires("contractors.view")
def detail(contractor_id: int) -> ResponseReturnValue:
    """One contractor's record."""
    return render_template("contractors/detail.html", contractor=_contractor(contractor_id))


@bp.route("/<int:contractor_id>/edit", methods=["GET", "POST"])
@requires("contractors.edit")
def edit(contractor_id: int) -> ResponseReturnValue:
    """Change a contractor (refused if someone else changed it meanwhile)."""
    contractor = _contractor(contractor_id)
    form = ContractorForm(obj=contractor)
    if form.validate_on_submit():
        saved, _saved_contractor = save(
            lambda: services.update_contractor(contractor, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Contractor saved."), "success")
            return redirect(url_for("contractors.detail", contractor_id=contractor.id))
    return render_template(
        "contractors/form.html",
        form=form,
        title=_("Edit %(name)s", name=contractor.name),
        back=url_for("contractors.detail", contractor_id=contractor.id),
        delete_url=url_for("contractors.delete", contractor_id=contractor.id),
        delete_version=contractor.version,
    ), page_status(form)


@bp.route("/<int:contractor_id>/delete", methods=["POST"])
@requires("contractors.edit")
def delete(contractor_id: int) -> ResponseReturnValue:
    """Delete a contractor that nothing refers to any more."""
    contractor = _contractor(contractor_id)
    version = request.form.get("version", type=int)
    if save(lambda: services.delete_contractor(contractor, version)):
        flash(_("Contractor deleted."), "success")
        return redirect(url_for("contractors.index"))
    return redirect(url_for("contractors.detail", contractor_id=contractor_id))
