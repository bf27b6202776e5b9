"""The home page: a short overview that sends each role where it works."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from app.auth.permissions import AUTHENTICATED, requires
from app.equipment.models import STATUS_LABELS, Equipment, EquipmentStatus
from app.extensions import db
from app.sites.models import Site

bp = Blueprint("main", __name__)


@bp.route("/")
@requires(AUTHENTICATED)
def index() -> ResponseReturnValue:
    """The home page: equipment by status and the sites, to send each role on."""
    rows = db.session.execute(select(Equipment.status, func.count()).group_by(Equipment.status))
    counts = {status: count for status, count in rows}
    sites = db.session.scalars(select(Site).order_by(Site.code)).all()
    return render_template(
        "main/index.html",
        counts=counts,
        statuses=list(EquipmentStatus),
        status_labels=STATUS_LABELS,
        sites=sites,
    )
