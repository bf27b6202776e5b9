"""Plan pages: list, detail, custom plans with a 12-month preview, and applying the catalog.

Thin over plans.services / plans.programmes: views parse, call one service, commit.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access.objects import may_edit
from app.auth.permissions import requires
from app.catalog.current import current_catalog
from app.contractors.queries import contractors_by_name
from app.core import clock
from app.core.i18n import label
from app.core.validation import StaleEdit, ValidationError
from app.equipment.models import Equipment
from app.equipment.queries import equipment_of_site
from app.extensions import db
from app.people.queries import active_people, teams_by_name
from app.plans import programmes, services, stopping
from app.plans.access import check_all_yours, check_still_yours, is_statutory
from app.plans.display import engine_locale, local_text
from app.plans.forms import (
    ApplyForm,
    PlanForm,
    StopPlanForm,
    plan_form_for,
    row_name,
    task_choices,
)
from app.plans.models import Plan, PlanKind
from app.plans.programmes import CONTRACTED, TaskChoice, choice_key
from app.plans.recurrence import describe_rrule
from app.scheduling.preview import PlanPreview, preview_plan
from app.scheduling.promises import plan_promises
from app.scheduling.stopping import visits_that_go
from app.sites.models import Location, Site
from app.sites.queries import sites_by_code
from app.sites.services import location_choices
from app.web.forms import page_status, save, show_errors
from app.workorders.queries import upcoming_work_of_plans
from schedules import HolidayPolicy

bp = Blueprint("plans", __name__, url_prefix="/plans")

PREVIEW_MONTHS = 12
UPCOMING_LIMIT = 20


def _plan(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


def _editable_plan(plan_id: int) -> Plan:
    """The plan, if the user leads its trade (and, when statutory, its performer allows)."""
    plan = _plan(plan_id)
    if not may_edit(current_user, plan):
        abort(403)
    return plan


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)


def _active_arg() -> bool | None:
    value = request.args.get("active", "1")
    return {"1": True, "0": False}.get(value)


@bp.route("/")
@requires("plans.view")
def index() -> ResponseReturnValue:
    """Plans, filtered by site, kind, team or asset."""
    flt = services.PlanFilter(
        site_id=_int_arg("site_id"),
        kind=request.args.get("kind") or None,
        team_id=_int_arg("team_id"),
        equipment_id=_int_arg("equipment_id"),
        location_id=_int_arg("location_id"),
        active=_active_arg(),
        text=(request.args.get("q") or "").strip(),
    )
    page = db.paginate(
        services.plans_query(flt),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "plans/index.html",
        page=page,
        flt=flt,
        active_arg=request.args.get("active", "1"),
        sites=sites_by_code(),
        teams=teams_by_name(flt.site_id),
        equipment=db.session.get(Equipment, flt.equipment_id) if flt.equipment_id else None,
        kinds=services.KIND_LABELS,
        describe=_describe,
        page_url=_page_url,
    )


def _page_url(number: int) -> str:
    return url_for("plans.index", **{**request.args.to_dict(), "page": number})


def _describe(rrule: str) -> str:
    return describe_rrule(rrule, engine_locale())


@bp.route("/<int:plan_id>")
@requires("plans.view")
def detail(plan_id: int) -> ResponseReturnValue:
    """One plan: its rule, checklist and upcoming visits."""
    plan = _plan(plan_id)
    siblings = services.tier_siblings(plan)
    plan_ids = [plan.id, *(p.id for p in siblings)]
    now = clock.utcnow()
    upcoming = upcoming_work_of_plans(plan_ids, now, UPCOMING_LIMIT)
    return render_template(
        "plans/detail.html",
        plan=plan,
        siblings=siblings,
        upcoming=upcoming,
        promises=plan_promises(plan, siblings, now),
        changes=programmes.catalog_changes(plan),
        describe=_describe,
        locale=engine_locale(),
        kinds=services.KIND_LABELS,
        policies=services.HOLIDAY_POLICY_LABELS,
        policy_help=services.HOLIDAY_POLICY_HELP,
        strategies=services.STRATEGY_LABELS,
        field_text=_field_text,
        local_text=local_text,
        may_edit=may_edit(current_user, plan),
    )


def _field_text(name: str, value: Any) -> str:
    """A catalog-change value as a supervisor reads it."""
    if value is None or value == []:
        return "—"
    if name == "rrule":
        return _describe(str(value))
    if name == "holiday_policy":
        return label(services.HOLIDAY_POLICY_LABELS.get(value, (value, value)))
    if name == "seasons":
        return ", ".join(f"{s.get('from')}..{s.get('to')}" for s in value)
    if name == "age_bands":
        return "; ".join(
            f"≥{b.get('min_years')}: "
            + (_describe(b["rrule"]) if b.get("rrule") else _("no visits"))
            for b in value
        )
    return str(value)


def _form_choices(site: Site) -> dict[str, Any]:
    return {
        "equipment": [(e.id, str(e)) for e in equipment_of_site(site.id)],
        "locations": location_choices(site),
        "teams": [(t.id, t.name) for t in teams_by_name(site.id)],
        "people": [(u.id, u.name) for u in active_people()],
        "contractors": [(c.id, c.name) for c in contractors_by_name()],
    }


def _preview(form: PlanForm, plan: Plan | None, site: Site) -> PlanPreview | None:
    """The 12-month dry run of the form's values, or None when they are invalid."""
    try:
        draft = services.draft_plan(form.to_input(site.id), plan)
    except ValidationError as exc:
        show_errors(form, exc)
        form.answer_status = 422
        return None
    return preview_plan(draft, months=PREVIEW_MONTHS)


def _render_form(
    form: PlanForm, site: Site, plan: Plan | None, preview: PlanPreview | None
) -> ResponseReturnValue:
    return render_template(
        "plans/form.html",
        form=form,
        site=site,
        plan=plan,
        preview=preview,
        policy_help=services.HOLIDAY_POLICY_HELP,
        local_text=local_text,
        locale=engine_locale(),
        title=_("Edit plan") if plan else _("New plan"),
    ), page_status(form)


@bp.route("/new", methods=["GET", "POST"])
@requires("plans.edit")
def new() -> ResponseReturnValue:
    """Create a custom plan at a site."""
    site_id = _int_arg("site_id")
    sites = sites_by_code()
    if site_id is None and len(sites) == 1:
        site_id = sites[0].id
    site = db.session.get(Site, site_id) if site_id is not None else None
    if site is None:
        return render_template("plans/choose_site.html", sites=sites)
    form = PlanForm(**_form_choices(site))
    if request.method == "GET":
        form.equipment_id.data = _int_arg("equipment_id")
        form.location_id.data = _int_arg("location_id")
        form.starts_on.data = clock.local_today(site.timezone)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = _preview(form, None, site)
        else:
            saved, plan = save(
                lambda: check_still_yours(
                    current_user, services.create_custom_plan(form.to_input(site.id))
                ),
                form,
            )
            if saved and plan is not None:
                flash(_("Plan saved."), "success")
                return redirect(url_for("plans.detail", plan_id=plan.id))
    return _render_form(form, site, None, preview)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("plans.edit")
def edit(plan_id: int) -> ResponseReturnValue:
    """Change a plan; its untouched future work is re-planned."""
    plan = _editable_plan(plan_id)
    form = PlanForm(**plan_form_for(plan, **_form_choices(plan.site)))
    if request.method == "GET":
        form.fill(services.input_from_plan(plan))
        form.version.data = plan.version
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = _preview(form, plan, plan.site)
        else:
            saved, _saved_plan = save(
                lambda: check_still_yours(
                    current_user,
                    services.update_plan(plan, form.to_input(plan.site_id), form.version.data),
                ),
                form,
            )
            if saved:
                flash(_("Plan saved."), "success")
                return redirect(url_for("plans.detail", plan_id=plan.id))
    return _render_form(form, plan.site, plan, preview)


@bp.route("/<int:plan_id>/preview")
@requires("plans.view")
def preview(plan_id: int) -> ResponseReturnValue:
    """Dry run: the plan's next visits with holiday moves and reasons."""
    plan = _plan(plan_id)
    return render_template(
        "plans/preview.html",
        plan=plan,
        preview=preview_plan(plan, months=PREVIEW_MONTHS),
        describe=_describe,
        local_text=local_text,
        locale=engine_locale(),
    )


def _version_arg() -> int | None:
    return request.form.get("version", type=int)


def _state_change(plan: Plan, action: Any, done: str) -> ResponseReturnValue:
    version = _version_arg()
    if save(lambda: action(plan, version)):
        flash(done, "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/<int:plan_id>/deactivate", methods=["GET", "POST"])
@requires("plans.edit")
def deactivate(plan_id: int) -> ResponseReturnValue:
    """Stop a plan after seeing how many future visits go (and, if statutory, saying why)."""
    plan = _editable_plan(plan_id)
    form = StopPlanForm()
    going = visits_that_go(plan.id, clock.utcnow())
    if request.method == "GET":
        form.version.data = plan.version
    elif form.validate_on_submit():
        reason = form.reason.data or ""
        if save(lambda: stopping.stop_plan(plan, form.version.data, reason, going), form):
            flash(_("Plan stopped."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template(
        "plans/deactivate.html",
        plan=plan,
        form=form,
        going=going,
        statutory=is_statutory(plan),
    ), page_status(form)


@bp.route("/<int:plan_id>/reactivate", methods=["POST"])
@requires("plans.edit")
def reactivate(plan_id: int) -> ResponseReturnValue:
    """Start a stopped plan again."""
    return _state_change(_editable_plan(plan_id), services.reactivate_plan, _("Plan active again."))


@bp.route("/<int:plan_id>/catalog-update", methods=["POST"])
@requires("plans.edit")
def catalog_update(plan_id: int) -> ResponseReturnValue:
    """Apply the catalog's newer tasks to a plan made from it."""
    return _state_change(
        _editable_plan(plan_id), programmes.apply_catalog_update, _("Catalog changes applied.")
    )


# --- applying the catalog ------------------------------------------------------------------


def _apply_target() -> tuple[Equipment | None, Location | None]:
    equipment_id, location_id = _int_arg("equipment_id"), _int_arg("location_id")
    if equipment_id is not None:
        return db.get_or_404(Equipment, equipment_id), None
    if location_id is not None:
        return None, db.get_or_404(Location, location_id)
    abort(404)


def _apply_programme(
    equipment: Equipment | None,
    location: Location | None,
    type_key: str | None,
    choices: dict[str, TaskChoice],
) -> list[Plan]:
    if equipment is not None:
        created = programmes.apply_programme(equipment, type_key, choices)
    else:
        created = programmes.apply_area_programme(location, choices)  # type: ignore[arg-type]
    return check_all_yours(current_user, created)


def _texts_by_field(exc: StaleEdit | ValidationError) -> dict[str, str]:
    """Service messages per field; a stale edit names no field, so it is flashed instead."""
    if isinstance(exc, StaleEdit):
        flash(exc.message(), "warning")
        return {}
    return {name: msg.translated() for name, msg in exc.fields.items()}


@bp.route("/apply", methods=["GET", "POST"])
@requires("plans.edit")
def apply() -> ResponseReturnValue:
    """One asset's catalog programme, or one location's cleaning, greening and patrols."""
    equipment, location = _apply_target()
    site = equipment.site if equipment is not None else location.site  # type: ignore[union-attr]
    type_key = request.args.get("type_key") or None
    form = ApplyForm()
    errors: dict[str, str] = {}
    try:
        if equipment is not None:
            rows = programmes.programme_for(equipment, type_key)
        else:
            rows = programmes.area_programme_for(location)  # type: ignore[arg-type]
    except ValidationError as exc:
        rows = []
        errors = _texts_by_field(exc)
    status = 200
    if rows and form.validate_on_submit():
        choices, unreadable = task_choices(request.form, rows)
        errors = {name: _("Not a valid value.") for name in unreadable}
        if not errors:
            saved, created = save(
                lambda: _apply_programme(equipment, location, type_key, choices),
                explain=lambda exc: errors.update(_texts_by_field(exc)),
            )
            if saved and created is not None:
                flash(
                    ngettext("%(num)d plan created.", "%(num)d plans created.", len(created)),
                    "success",
                )
                args = (
                    {"equipment_id": equipment.id}
                    if equipment is not None
                    else {"location_id": location.id}  # type: ignore[union-attr]
                )
                return redirect(url_for("plans.index", **args))
        status = 422
    catalog_types = []
    if equipment is not None and (errors.get("type_key") or not equipment.type_key):
        catalog_types = list(current_catalog().types_in_category(equipment.category))
    return render_template(
        "plans/apply.html",
        form=form,
        equipment=equipment,
        location=location,
        site=site,
        rows=rows,
        errors=errors,
        type_key=type_key,
        catalog_types=catalog_types,
        choice_key=choice_key,
        row_name=row_name,
        teams=teams_by_name(site.id),
        people=active_people(),
        policies=services.HOLIDAY_POLICY_LABELS,
        performers=services.PERFORMER_LABELS,
        contracted=CONTRACTED,
        describe=_describe,
        kinds=services.KIND_LABELS,
        holiday_ignore=HolidayPolicy.IGNORE.value,
        patrol=PlanKind.PATROL.value,
    ), status
