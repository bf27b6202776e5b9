"""The home page: a short overview that sends each role where it works."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from app.auth.permissions import AUTHENTICATED, requires
from app.equipment.models import STATUS_LABELS, EquipmentStatus
from app.equipment.queries import equipment_count_by_status
from app.sites.queries import sites_by_code

bp = Blueprint("main", __name__)


@bp.route("/")
@requires(AUTHENTICATED)
def index() -> ResponseReturnValue:
    """The home page: equipment by status and the sites, to send each role on."""
    return render_template(
        "main/index.html",
        counts=equipment_count_by_status(),
        statuses=list(EquipmentStatus),
        status_labels=STATUS_LABELS,
        sites=sites_by_code(),
    )
