"""Bulk apply page: choose assets, see one preview with the coverage check, confirm once.

The selection travels in the query string (GET shows the preview) and as hidden
fields (POST confirms), so the confirmation applies exactly the preview shown.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permissions import requires
from app.core.validation import ValidationError
from app.equipment.parsing import CATEGORY_LABELS
from app.plans.access import check_all_yours
from app.plans.display import engine_locale, local_text
from app.plans.forms import ApplyForm
from app.plans.programmes.bulk import (
    BulkPreview,
    Scope,
    Selection,
    StartMode,
    apply_bulk,
    preview_bulk,
)
from app.plans.programmes.coverage import GapCause
from app.plans.recurrence import describe_rrule
from app.plans.views import bp
from app.sites.queries import sites_by_code
from app.sites.services import location_choices
from app.vocab.licences import LICENCE_KINDS
from app.web.forms import save

GAP_TEXTS = {
    GapCause.NO_CONTRACTOR: (
        _l("Contracted work, but no maintenance contractor is set for this asset."),
        _l("Set the contractor"),
    ),
    GapCause.NO_TEAM: (_l("No team of this site does this kind of work."), _l("Create a team")),
    GapCause.NO_MEMBERS: (_l("The team has nobody in it."), _l("Add members")),
    GapCause.NO_LICENCE: (
        _l("Nobody in the team holds the licence this work needs."),
        _l("Give a licence"),
    ),
    GapCause.SHIFT: (
        _l("The team's shift does not cover this time, or not every day."),
        _l("Change the shift"),
    ),
}


def _selection() -> tuple[Selection | None, dict[str, str]]:
    sites = sites_by_code()
    site_id = request.values.get("site_id", type=int)
    if site_id is None and len(sites) == 1:
        site_id = sites[0].id
    if site_id is None:
        return None, {}
    scope_raw = request.values.get("scope", Scope.UNPLANNED.value)
    starts_raw = request.values.get("starts", StartMode.LEVEL.value)
    errors: dict[str, str] = {}
    if (
        scope_raw not in Scope.__members__.values()
        or starts_raw not in StartMode.__members__.values()
    ):
        errors["scope"] = _("Not a valid value.")
        scope_raw, starts_raw = Scope.UNPLANNED.value, StartMode.LEVEL.value
    selection = Selection(
        site_id=site_id,
        scope=Scope(scope_raw),
        category=request.values.get("category") or None,
        location_id=request.values.get("location_id", type=int),
        equipment_ids=tuple(request.values.getlist("equipment_id", type=int)),
        starts=StartMode(starts_raw),
    )
    return selection, errors


def _fix_url(cause: GapCause, equipment_id: int, team_id: int | None, site_id: int) -> str:
    if cause is GapCause.NO_CONTRACTOR:
        return url_for("equipment.edit", equipment_id=equipment_id)
    if cause is GapCause.NO_TEAM or team_id is None:
        return url_for("people.new_team", site_id=site_id)
    if cause is GapCause.SHIFT:
        return url_for("people.edit_team", team_id=team_id)
    return url_for("people.team", team_id=team_id)


@bp.route("/apply-bulk", methods=["GET", "POST"])
@requires("plans.edit")
def apply_bulk_page() -> ResponseReturnValue:
    """Catalog programmes for many assets at once: one preview, one confirmation."""
    selection, errors = _selection()
    form = ApplyForm()
    preview: BulkPreview | None = None
    status = 200
    if selection is not None and not errors:
        if request.method == "POST" and form.validate_on_submit():
            saved, created = save(
                lambda: check_all_yours(current_user, apply_bulk(selection)),
                explain=lambda exc: errors.update(_messages(exc)),
            )
            if saved and created is not None:
                flash(_("%(n)d plans created.", n=len(created)), "success")
                return redirect(url_for("plans.index", site_id=selection.site_id))
            status = 422
        try:
            preview = preview_bulk(selection)
        except ValidationError as exc:
            errors.update(_messages(exc))
            status = 422
    elif errors:
        status = 422
    site_id = selection.site_id if selection is not None else None
    site = next((s for s in sites_by_code() if s.id == site_id), None)
    return render_template(
        "plans/apply_bulk.html",
        form=form,
        selection=selection,
        preview=preview,
        errors=errors,
        sites=sites_by_code(),
        site=site,
        categories=CATEGORY_LABELS,
        locations=location_choices(site) if site is not None else [],
        gap_texts=GAP_TEXTS,
        licences=LICENCE_KINDS,
        fix_url=_fix_url,
        describe=lambda rrule: describe_rrule(rrule, engine_locale()),
        local_text=local_text,
        scopes=Scope,
        starts=StartMode,
    ), status


def _messages(exc: Exception) -> dict[str, str]:
    if isinstance(exc, ValidationError):
        return {name: msg.translated() for name, msg in exc.fields.items()}
    return {"_": str(exc)}
