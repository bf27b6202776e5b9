"""Entering a returned daily paper checklist: everything done except what is listed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import requires
from app.core import clock
from app.core.i18n import label
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db
from app.sites.models import Site
from app.sites.queries import sites_by_code, top_level_locations
from app.web.forms import save
from app.workorders import completion, forms, sheets
from app.workorders.checklist import item_field, items_for
from app.workorders.models import WorkOrder
from app.workorders.pages import bp, date_arg, int_arg, tz_name
from app.workorders.services import NotYours, TransitionError


@bp.route("/sheet", methods=["GET", "POST"])
@requires("work.manage")
def sheet() -> ResponseReturnValue:
    """Enter a returned daily paper checklist: everything done except what is listed."""
    site_id = int_arg("site")
    sites = sites_by_code()
    site = db.session.get(Site, site_id) if site_id else (sites[0] if len(sites) == 1 else None)
    choice = sheets.sheet_choice(
        current_user, site.id if site else None, site.timezone if site else tz_name(),
        int_arg("team"), date_arg("day"),
    )  # fmt: skip
    day, team_id = choice.day, (choice.team.id if choice.team else None)
    location_id = int_arg("location")
    orders: list[WorkOrder] = []
    if site is not None:
        orders = completion.sheet_work_orders(site.id, team_id, day, site.timezone, location_id)
    status, errors = 200, {}
    if request.method == "POST" and site is not None:
        refused = _enter_sheet(site, orders)
        if refused is None:
            return redirect(request.full_path)
        status, errors = refused
        if status == 409:  # someone else got there first: show the work as it is now
            orders = completion.sheet_work_orders(site.id, team_id, day, site.timezone, location_id)
    teams = sheets.sheet_teams(current_user, site.id) if site else []
    areas = top_level_locations(site.id) if site else []
    return render_template(
        "workorders/sheet.html",
        site=site,
        sites=sites,
        teams=teams,
        any_team=sheets.may_enter_any_team(current_user, site.id if site else None),
        areas=areas,
        day=day,
        team_id=team_id,
        location_id=location_id,
        orders=orders,
        items={o.id: items_for(o) for o in orders},
        errors=errors,
        form_values=request.form,
        tz=ZoneInfo(site.timezone) if site else ZoneInfo(tz_name()),
        now=clock.utcnow().astimezone(ZoneInfo(tz_name())).replace(tzinfo=None, second=0),
    ), status


def _enter_sheet(site: Site, orders: list[WorkOrder]) -> tuple[int, dict[int, list[str]]] | None:
    """Save the sheet (None), or the status and per-row errors explaining why not."""
    finished = forms.aware(_datetime_form("finished_at"), ZoneInfo(site.timezone))
    exceptions = forms.sheet_exceptions(request.form, [o.id for o in orders])
    refusals: list[StaleEdit | ValidationError] = []
    try:
        saved, result = save(
            lambda: completion.complete_sheet(orders, exceptions, current_user, finished),
            explain=refusals.append,
        )
    except (TransitionError, NotYours) as exc:
        flash(exc.message(), "warning")
        return 409, {}
    if saved and result is not None:
        flash(
            _(
                "Sheet entered: %(done)d done, %(skipped)d not done, %(jobs)d repair jobs.",
                done=len(result.done),
                skipped=len(result.skipped),
                jobs=result.jobs,
            ),
            "success",
        )
        return None
    if isinstance(refusals[0], ValidationError):
        return 422, _row_errors(refusals[0], orders)
    flash(refusals[0].message(), "warning")
    return 409, {}


def _row_errors(exc: ValidationError, orders: list[WorkOrder]) -> dict[int, list[str]]:
    """Sheet problems ("wo12.item__d03") by work order id, naming the item, translated."""
    names = {(o.id, item_field(i.key)): label(i.label_pair) for o in orders for i in items_for(o)}
    rows: dict[int, list[str]] = {}
    for name, msg in exc.fields.items():
        head, _dot, field_name = name.partition(".")
        if not (head.startswith("wo") and head[2:].isdigit()):
            flash(msg.translated(), "danger")
            continue
        item = names.get((int(head[2:]), field_name))
        text = f"{item}: {msg.translated()}" if item else msg.translated()
        rows.setdefault(int(head[2:]), []).append(text)
    return rows


def _datetime_form(name: str) -> datetime | None:
    try:
        return datetime.strptime(request.form.get(name, ""), forms.DATETIME_FORMAT)
    except ValueError:
        return None
