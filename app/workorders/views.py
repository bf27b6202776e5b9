"""Work pages: 我的工作 on the phone, the board, one work order and its checklist form.

Thin over the services: each view parses, calls one service, and `save` commits or
explains. Actions with a reason live in `action_views`, paper sheets in `sheet_views`,
an asset's history in `history_views`; importing this module registers them all.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

# Imported for their routes: they register on the same `work` blueprint.
import app.workorders.action_views
import app.workorders.history_views
import app.workorders.sheet_views  # noqa: F401
from app.auth.permissions import requires
from app.core import clock
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db
from app.people.models import User
from app.people.queries import active_members_of, teams_by_code
from app.sites.queries import sites_by_code
from app.web.forms import save, show_errors
from app.workorders import completion, files, forms, services, sheets
from app.workorders.checklist import Item, items_for, parse_number, tier_plans
from app.workorders.files import path_of
from app.workorders.models import FINISHED_STATUSES, WorkAttachment, WorkOrder
from app.workorders.pages import (
    bp,
    date_arg,
    int_arg,
    reason_texts,
    refused,
    site_tz,
    to_detail,
    tz_name,
    work_order_for,
)
from app.workorders.queries import request_files_of
from app.workorders.services import AlreadyCompleted, BoardFilter, NotYours, TransitionError
from app.workorders.trades import manages_trade_of

# --- lists -----------------------------------------------------------------------------------


@bp.route("/")
@requires("work.own")
def my_work() -> ResponseReturnValue:
    """The logged-in user's work for today and the coming days."""
    work = services.my_work(current_user, tz_name())
    return render_template(
        "workorders/my_work.html",
        work=work,
        tz=ZoneInfo(tz_name()),
        today=clock.local_today(tz_name()),
        is_overdue=services.is_overdue,
        my_sheet=sheets.my_sheet(current_user),
    )


@bp.route("/board")
@requires("work.view")
def board() -> ResponseReturnValue:
    """All work orders, filtered by site, team, status and date."""
    flt = BoardFilter(
        site_id=int_arg("site"),
        team_id=int_arg("team"),
        day=date_arg("day"),
        kind=request.args.get("kind") or None,
        state=request.args.get("state") or "open",
    )
    page = db.paginate(
        services.board_query(flt, tz_name()),
        page=int_arg("page") or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "workorders/board.html",
        page=page,
        flt=flt,
        sites=sites_by_code(),
        teams=teams_by_code(),
        tz=ZoneInfo(tz_name()),
        is_overdue=services.is_overdue,
    )


# --- one work order --------------------------------------------------------------------------


@bp.route("/<int:work_order_id>")
@requires("work.own")
def detail(work_order_id: int) -> ResponseReturnValue:
    """One work order: what, where, why this day, and its record."""
    work_order = work_order_for(work_order_id)
    record = work_order.completion
    return render_template(
        "workorders/detail.html",
        wo=work_order,
        record=record,
        tz=site_tz(work_order),
        reasons=reason_texts(work_order),
        tiers=tier_plans(work_order) if work_order.includes else [],
        jobs=services.correctives_of(work_order),
        request_files=request_files_of(work_order),
        may_work=services.may_work_on(current_user, work_order),
        may_manage=manages_trade_of(current_user, work_order),
        is_overdue=services.is_overdue(work_order),
        actions=services.ALLOWED,
        rules=completion.rules_for(work_order),
        form=forms.ActionForm(version=work_order.version),
    )


@bp.route("/<int:work_order_id>/start", methods=["POST"])
@requires("work.own")
def start(work_order_id: int) -> ResponseReturnValue:
    """Start a work order, then go to its completion form."""
    work_order = work_order_for(work_order_id)
    version = forms.ActionForm().version.data
    try:
        saved = save(lambda: services.start(work_order, current_user, version))
    except (TransitionError, NotYours) as exc:
        return refused(exc, work_order)
    if not saved:
        return to_detail(work_order)
    return redirect(url_for("work.complete", work_order_id=work_order.id))


def _crew_members(work_order: WorkOrder) -> list[User]:
    members: dict[int, User] = {}
    if work_order.team_id is not None:
        members.update({u.id: u for u in active_members_of(work_order.team_id)})
    for person in (work_order.assignee, current_user):
        if person is not None and person.id not in members:
            members[person.id] = person
    return list(members.values())


def _fill_defaults(form: Any, work_order: WorkOrder, tz: ZoneInfo) -> None:
    form.signature_name.data = current_user.name
    form.finished_at.data = clock.utcnow().astimezone(tz).replace(tzinfo=None, second=0)
    form.started_at.data = services.likely_start(work_order).astimezone(tz).replace(tzinfo=None)
    form.crew_user_ids.data = [current_user.id]
    if "maintenance_unit" in form:
        maintainer = work_order.contractor or (
            work_order.equipment.maintainer_contractor if work_order.equipment else None
        )
        form.maintenance_unit.data = maintainer.name if maintainer else ""


def _out_of_range(form: Any, items: list[Item]) -> dict[str, bool]:
    """Readings outside their limits in the submitted form (the page marks them at once)."""
    marks = {}
    for item in items:
        if item.kind == "reading":
            value = parse_number(form[f"item__{item.key}"].data or "")
            marks[item.key] = value is not None and item.out_of_range(value)
    return marks


@bp.route("/<int:work_order_id>/complete", methods=["GET", "POST"])
@requires("work.own")
def complete(work_order_id: int) -> ResponseReturnValue:
    """Record a visit as done: checklist answers, readings, photos, signature."""
    work_order = work_order_for(work_order_id)
    if not services.may_work_on(current_user, work_order):
        abort(403)
    if work_order.status not in services.ALLOWED[services.Action.COMPLETE]:
        if work_order.status in FINISHED_STATUSES:
            flash(AlreadyCompleted(work_order).message(), "info")
        else:
            flash(TransitionError(services.Action.COMPLETE, work_order.status).message(), "warning")
        return to_detail(work_order)
    tz = site_tz(work_order)
    items = items_for(work_order)
    rules = completion.rules_for(work_order)
    form_class = forms.completion_form_class(
        items, rules, forms.crew_choices(_crew_members(work_order))
    )
    form = form_class()
    status = 200
    if request.method == "GET":
        _fill_defaults(form, work_order, tz)
    elif form.validate_on_submit():
        data = forms.completion_input(form, items, request.files, tz)
        kept = [token for _k, _u, token in forms.kept_uploads(form.kept.data or "")]
        refusals: list[StaleEdit | ValidationError] = []
        try:
            saved = save(
                lambda: completion.complete(work_order, current_user, data),
                explain=refusals.append,
            )
        except (TransitionError, NotYours) as exc:
            return refused(exc, work_order)
        if saved:
            return _recorded_as_done(work_order, kept)
        if isinstance(refusals[0], StaleEdit):  # someone else completed it first
            return refused(refusals[0], work_order)
        show_errors(form, refusals[0])
        if forms.keep_good_photos(form, completion.good_photos(data)):
            flash(_("The photos that were fine are kept; add the refused ones again."), "info")
        status = 422
    else:
        status = 422
    return render_template(
        "workorders/complete.html",
        wo=work_order,
        form=form,
        items=items,
        rules=rules,
        out_of_range=_out_of_range(form, items),
        tz=tz,
        reasons=reason_texts(work_order),
        kept_count=len([e for e in (form.kept.data or "").split(",") if e]),
    ), status


def _recorded_as_done(work_order: WorkOrder, kept: list[str]) -> ResponseReturnValue:
    for token in kept:
        files.discard_staged(token)
    jobs = services.correctives_of(work_order)
    flash(_("Recorded as done."), "success")
    if jobs:
        flash(_("%(n)d repair jobs were raised.", n=len(jobs)), "warning")
    return redirect(url_for("work.my_work"))


# --- files -----------------------------------------------------------------------------------


@bp.route("/files/<int:attachment_id>")
@requires("work.own")
def file(attachment_id: int) -> ResponseReturnValue:
    """A photo, signature or report, only for those who may see its work order."""
    attachment = db.get_or_404(WorkAttachment, attachment_id)
    work_order_for(attachment.work_order_id)
    path = path_of(attachment)
    if path is None:
        abort(404)
    inline = attachment.content_type in ("image/jpeg", "image/png", "image/webp", "application/pdf")
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=not inline,
        download_name=attachment.filename,
        max_age=3600,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
