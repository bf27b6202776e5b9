"""The working-day calendar page: a year at a glance, provisional years flagged.

An override saved or removed here reschedules the untouched future work orders it
reaches, after the override itself is committed.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from app.auth.permissions import requires
from app.calendars.forms import OverrideForm
from app.calendars.models import CalendarOverride
from app.calendars.queries import overrides_of
from app.calendars.services import (
    CalendarInputError,
    change_override,
    site_calendar,
    withdraw_override,
    year_days,
)
from app.core import clock
from app.extensions import db
from app.sites.models import Site
from app.sites.queries import site_with_code, sites_by_code
from app.web.forms import save

bp = Blueprint("calendars", __name__, url_prefix="/calendar")


def _site_from_args() -> Site | None:
    code = request.args.get("site")
    if not code:
        return None
    site = site_with_code(code)
    if site is None:
        abort(404)
    return site


@bp.route("/")
@requires("plans.view")
def index() -> ResponseReturnValue:
    """One year's calendar of a site (or the company): holidays, make-up workdays, overrides."""
    site = _site_from_args()
    tz = site.timezone if site else "Asia/Shanghai"
    year = request.args.get("year", type=int) or clock.local_today(tz).year
    if not 1990 <= year <= 2100:
        abort(404)
    calendar = site_calendar(site)
    overrides = overrides_of(site)
    return render_template(
        "calendars/index.html",
        site=site,
        sites=sites_by_code(),
        year=year,
        provisional=calendar.is_provisional(year),
        days=year_days(calendar, year, str(get_locale())),
        overrides=overrides,
        form=OverrideForm(),
    )


@bp.route("/overrides", methods=["POST"])
@requires("sites.edit")
def add_override() -> ResponseReturnValue:
    """Mark a day as holiday or workday, then move the future work it affects."""
    site = _site_from_args()
    form = OverrideForm()
    if form.validate_on_submit():
        day, kind, note = form.day.data, form.kind.data, form.note.data or ""
        try:
            saved, updated = save(lambda: change_override(site, day, kind, note))  # type: ignore[arg-type]
        except CalendarInputError as exc:
            saved, updated = False, None
            flash(str(exc), "danger")
        if saved and updated is not None:
            flash(_("Saved; %(n)d future work orders updated.", n=updated), "success")
        elif saved:
            flash(_("Saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    year = form.day.data.year if form.day.data else clock.local_today("Asia/Shanghai").year
    return redirect(url_for(".index", site=site.code if site else None, year=year))


@bp.route("/overrides/<int:override_id>/delete", methods=["POST"])
@requires("sites.edit")
def delete_override(override_id: int) -> ResponseReturnValue:
    """Remove a day's override, then move the future work it affects."""
    row = db.session.get(CalendarOverride, override_id)
    if row is None:
        abort(404)
    site = row.site
    year = row.day.year
    saved, updated = save(lambda: withdraw_override(row))
    if saved:
        flash(_("Removed; %(n)d future work orders updated.", n=updated), "success")
    return redirect(url_for(".index", site=site.code if site else None, year=year))
