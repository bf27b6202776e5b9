"""Repair request pages: the front desk, the resident's QR page and the public status lookup.

The public pages need no login but keep CSRF, answer only status (no staff names),
and the QR form is rate-limited per address (see repairs.services).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.access.objects import may_view
from app.audit.actor import Actor, acting_as
from app.auth.permissions import PUBLIC, requires
from app.equipment.models import Equipment
from app.extensions import db
from app.repairs import services
from app.repairs.forms import DeskRepairForm, LookupForm, PublicRepairForm
from app.repairs.models import CHANNEL_LABELS, Channel, RepairRequest
from app.sites.queries import sites_by_code
from app.web.forms import save

bp = Blueprint("repairs", __name__)

PUBLIC_ACTOR = Actor(None, "public (QR)")


@bp.app_context_processor
def _vocabularies() -> dict[str, object]:
    return {"repair_states": services.PUBLIC_STATES, "repair_channels": CHANNEL_LABELS}


@bp.route("/repairs/")
@requires("repairs.view")
def index() -> ResponseReturnValue:
    """Repair requests, newest first."""
    page = db.paginate(
        services.requests_query(),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "repairs/index.html",
        page=page,
        tz=ZoneInfo(current_app.config["ROUNDS_TIMEZONE"]),
        public_state=services.public_state,
    )


@bp.route("/repairs/new", methods=["GET", "POST"])
@requires("repairs.create")
def new() -> ResponseReturnValue:
    """The front desk enters a repair request for a resident."""
    form = DeskRepairForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in sites_by_code()]
    status = 200
    if form.validate_on_submit():
        saved, repair = save(
            lambda: services.create_request(form.desk_input(), Channel.DESK, current_user), form
        )
        if saved and repair is not None:
            flash(_("Repair request %(ref)s created.", ref=repair.reference), "success")
            return redirect(_after_filing(repair))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("repairs/new.html", form=form), status


def _after_filing(repair: RepairRequest) -> str:
    """The new job's page for those who may open it; otherwise the list it now heads."""
    if may_view(current_user, repair.work_order):
        return url_for("work.detail", work_order_id=repair.work_order_id)
    return url_for("repairs.index")


def _public_request(form: PublicRepairForm, equipment: Equipment, client: str) -> RepairRequest:
    """A resident's report, once the network is under its limit; the resident is the actor."""
    services.check_rate(client)
    with acting_as(PUBLIC_ACTOR):
        return services.create_request(
            form.to_input(equipment.site_id, equipment.id), Channel.QR, None, client
        )


@bp.route("/r/<site_code>/<asset_code>", methods=["GET", "POST"])
@requires(PUBLIC)
def report(site_code: str, asset_code: str) -> ResponseReturnValue:
    """What a resident sees after scanning an asset's QR label (报修)."""
    equipment = services.equipment_for_qr(site_code, asset_code)
    if equipment is None:
        abort(404)
    form = PublicRepairForm()
    status = 200
    if form.validate_on_submit():
        client = services.client_key(request.remote_addr or "")
        try:
            saved, repair = save(lambda: _public_request(form, equipment, client), form)
        except services.RateLimited:
            flash(_("Too many reports from this network; please wait a few minutes."), "warning")
            status = 429
        else:
            if saved and repair is not None:
                return redirect(url_for("repairs.status", ref=repair.reference, new=1))
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("repairs/report.html", form=form, equipment=equipment), status


@bp.route("/r/status")
@requires(PUBLIC)
def status() -> ResponseReturnValue:
    """Look up a reference number: status only, no staff names."""
    form = LookupForm(request.args)
    found = services.public_status(form.ref.data) if form.ref.data else None
    code = 404 if form.ref.data and found is None else 200
    return render_template(
        "repairs/status.html",
        form=form,
        found=found,
        just_sent=bool(request.args.get("new")),
        tz=ZoneInfo(current_app.config["ROUNDS_TIMEZONE"]),
    ), code
