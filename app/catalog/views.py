"""Browse the catalog: families, types with their programmes, tasks and checklists, libraries."""

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from app.auth.permissions import requires
from app.catalog.current import current_catalog
from app.vocab.categories import CATEGORIES
from app.vocab.licences import LICENCE_KINDS
from app.vocab.location_kinds import LOCATION_KINDS

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@bp.route("/")
@requires("catalog.view")
def index() -> ResponseReturnValue:
    """The maintenance catalog: equipment types and the task libraries they use."""
    catalog = current_catalog()
    return render_template("catalog/index.html", catalog=catalog, categories=CATEGORIES)


@bp.route("/types/<type_key>")
@requires("catalog.view")
def type_detail(type_key: str) -> ResponseReturnValue:
    """One equipment type and the tasks the catalog gives it."""
    try:
        equipment_type = current_catalog().type(type_key)
    except KeyError:
        abort(404)
    return render_template(
        "catalog/type.html",
        type=equipment_type,
        categories=CATEGORIES,
        licences=LICENCE_KINDS,
    )


@bp.route("/libraries/<library_key>")
@requires("catalog.view")
def library(library_key: str) -> ResponseReturnValue:
    """One area library: patrol routes, cleaning or greening tasks."""
    catalog = current_catalog()
    if library_key == "patrol" and catalog.patrol is not None:
        return render_template("catalog/patrol.html", library=catalog.patrol, kinds=LOCATION_KINDS)
    area_library = {"cleaning": catalog.cleaning, "greening": catalog.greening}.get(library_key)
    if area_library is None:
        abort(404)
    return render_template("catalog/areas.html", library=area_library, kinds=LOCATION_KINDS)
