"""Sites and location trees in the browser: thin views over sites.services."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.auth.permissions import requires
from app.extensions import db
from app.plans import programmes
from app.plans.display import engine_locale
from app.plans.recurrence import describe_rrule
from app.sites import services
from app.sites.forms import LocationForm, SiteForm
from app.sites.models import SERVICE_LEVELS, Location, Site
from app.vocab.location_kinds import LOCATION_KINDS
from app.web.forms import page_status, save

bp = Blueprint("sites", __name__, url_prefix="/sites")


def _site(site_id: int) -> Site:
    return db.get_or_404(Site, site_id)


def _location(site: Site, location_id: int) -> Location:
    location = db.session.get(Location, location_id)
    if location is None or location.site_id != site.id:
        abort(404)
    return location


@bp.route("/")
@requires("sites.view")
def index() -> ResponseReturnValue:
    """The company's sites."""
    return render_template(
        "sites/index.html", sites=services.list_sites(), service_levels=SERVICE_LEVELS
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("sites.edit")
def new_site() -> ResponseReturnValue:
    """Add a site."""
    form = SiteForm()
    if form.validate_on_submit():
        saved, site = save(lambda: services.create_site(**form.values()), form)
        if saved and site is not None:
            flash(_("Site saved."), "success")
            return redirect(url_for("sites.detail", site_id=site.id))
    return render_template("sites/form.html", form=form, title=_("New site")), page_status(form)


@bp.route("/<int:site_id>")
@requires("sites.view")
def detail(site_id: int) -> ResponseReturnValue:
    """One site and its location tree."""
    site = _site(site_id)
    return render_template(
        "sites/detail.html",
        site=site,
        tree=services.site_tree(site),
        kinds=LOCATION_KINDS,
        service_levels=SERVICE_LEVELS,
    )


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@requires("sites.edit")
def edit_site(site_id: int) -> ResponseReturnValue:
    """Change a site (refused if someone else changed it meanwhile)."""
    site = _site(site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        level = form.service_level.data
        if level != site.service_level and request.form.get("confirm") != "1":
            return _level_preview(site, form, level)
        saved, _site_saved = save(
            lambda: services.update_site(site, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Site saved."), "success")
            return redirect(url_for("sites.detail", site_id=site.id))
    return render_template(
        "sites/form.html",
        form=form,
        title=_("Edit site"),
        back=url_for("sites.detail", site_id=site_id),
    ), page_status(form)


def _level_preview(site: Site, form: SiteForm, level: int) -> ResponseReturnValue:
    """What a new service level changes in the site's area plans, before it is saved."""
    return render_template(
        "sites/level_preview.html",
        form=form,
        site=site,
        level=level,
        service_levels=SERVICE_LEVELS,
        changes=programmes.level_changes(site.id, level),
        describe=lambda rule: describe_rrule(rule, engine_locale()),
        back=url_for("sites.edit_site", site_id=site.id),
    )


def _parent_choices(site: Site, moving: Location | None = None) -> list[tuple[int, str]]:
    """Indented tree; a location being edited cannot be put under itself or its children."""
    excluded: set[int] = set()
    if moving is not None:
        for root in services.site_tree(site):
            for node in root.walk():
                if node.location.id == moving.id:
                    excluded = {n.location.id for n in node.walk()}
    return [(i, name) for i, name in services.location_choices(site) if i not in excluded]


@bp.route("/<int:site_id>/locations/new", methods=["GET", "POST"])
@requires("sites.edit")
def new_location(site_id: int) -> ResponseReturnValue:
    """Add a location (building, floor, room, area) to a site."""
    site = _site(site_id)
    form = LocationForm(_parent_choices(site))
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent_id", type=int)
    if form.validate_on_submit():
        saved, _location_saved = save(lambda: services.create_location(site, **form.values()), form)
        if saved:
            flash(_("Location saved."), "success")
            return redirect(url_for("sites.detail", site_id=site.id))
    return render_template(
        "sites/form.html",
        form=form,
        title=_("New location in %(site)s", site=site.name),
        back=url_for("sites.detail", site_id=site.id),
    ), page_status(form)


@bp.route("/<int:site_id>/locations/<int:location_id>/edit", methods=["GET", "POST"])
@requires("sites.edit")
def edit_location(site_id: int, location_id: int) -> ResponseReturnValue:
    """Change a location (refused if someone else changed it meanwhile)."""
    site = _site(site_id)
    location = _location(site, location_id)
    form = LocationForm(_parent_choices(site, location), obj=location)
    if form.validate_on_submit():
        saved, _location_saved = save(
            lambda: services.update_location(location, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Location saved."), "success")
            return redirect(url_for("sites.detail", site_id=site.id))
    return render_template(
        "sites/form.html",
        form=form,
        title=_("Edit location %(path)s", path=location.path),
        back=url_for("sites.detail", site_id=site.id),
    ), page_status(form)
