"""Work order actions that ask why or what: skip, cancel, reassign, reschedule, sign off."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.permissions import requires
from app.people.queries import active_people, teams_by_code
from app.web.forms import page_status, save
from app.workorders import completion, forms, services
from app.workorders.models import WorkOrder
from app.workorders.pages import bp, editable_work_order_for, refused, site_tz, to_detail
from app.workorders.services import NotYours, TransitionError


def _reason_page(work_order: WorkOrder, action: str, title: str, call: Any) -> ResponseReturnValue:
    form = forms.ReasonForm(version=work_order.version)
    if form.validate_on_submit():
        try:
            saved, _result = save(lambda: call(form.reason.data or "", form.version.data), form)
        except (TransitionError, NotYours) as exc:
            return refused(exc, work_order)
        if saved:
            flash(_("Saved."), "success")
            return to_detail(work_order)
    return render_template(
        "workorders/reason.html", wo=work_order, form=form, title=title, action=action
    ), page_status(form)


@bp.route("/<int:work_order_id>/skip", methods=["GET", "POST"])
@requires("work.own")
def skip(work_order_id: int) -> ResponseReturnValue:
    """Skip a visit, with the reason."""
    work_order = editable_work_order_for(work_order_id)
    return _reason_page(
        work_order,
        "skip",
        _("Skip this work"),
        lambda reason, version: services.skip(work_order, current_user, version, reason),
    )


@bp.route("/<int:work_order_id>/cancel", methods=["GET", "POST"])
@requires("work.manage")
def cancel(work_order_id: int) -> ResponseReturnValue:
    """Cancel a work order, with the reason."""
    work_order = editable_work_order_for(work_order_id)
    return _reason_page(
        work_order,
        "cancel",
        _("Cancel this work"),
        lambda reason, version: services.cancel(work_order, current_user, version, reason),
    )


@bp.route("/<int:work_order_id>/reassign", methods=["GET", "POST"])
@requires("work.manage")
def reassign(work_order_id: int) -> ResponseReturnValue:
    """Give a work order to another team or person."""
    work_order = editable_work_order_for(work_order_id)
    form = forms.ReassignForm(
        version=work_order.version,
        assignee_id=work_order.assignee_id,
        team_id=work_order.team_id,
    )
    teams = teams_by_code(work_order.site_id)
    form.team_id.choices = [SelectChoice(None, "—"), *(SelectChoice(t.id, t.name) for t in teams)]
    form.assignee_id.choices = [
        SelectChoice(None, "—"),
        *(SelectChoice(u.id, u.name) for u in active_people()),
    ]
    if form.validate_on_submit():
        try:
            saved, _result = save(
                lambda: services.reassign(
                    work_order,
                    current_user,
                    form.version.data,
                    form.assignee_id.data,
                    form.team_id.data,
                ),
                form,
            )
        except (TransitionError, NotYours) as exc:
            return refused(exc, work_order)
        if saved:
            flash(_("Reassigned."), "success")
            return to_detail(work_order)
    return render_template(
        "workorders/simple_form.html", wo=work_order, form=form, title=_("Reassign")
    ), page_status(form)


@bp.route("/<int:work_order_id>/reschedule", methods=["GET", "POST"])
@requires("work.manage")
def reschedule(work_order_id: int) -> ResponseReturnValue:
    """Move a work order to another day."""
    work_order = editable_work_order_for(work_order_id)
    tz = site_tz(work_order)
    form = forms.RescheduleForm(
        version=work_order.version,
        due_at=work_order.due_at.astimezone(tz).replace(tzinfo=None),
    )
    if form.validate_on_submit():
        due = forms.aware(form.due_at.data, tz)
        try:
            saved, _result = save(
                lambda: services.reschedule(
                    work_order, current_user, form.version.data, due or work_order.due_at
                ),
                form,
            )
        except (TransitionError, NotYours) as exc:
            return refused(exc, work_order)
        if saved:
            flash(_("Moved."), "success")
            return to_detail(work_order)
    window = (
        f"{work_order.window_start.astimezone(tz):%Y-%m-%d %H:%M} – "
        f"{work_order.window_end.astimezone(tz):%Y-%m-%d %H:%M}"
    )
    return render_template(
        "workorders/simple_form.html",
        wo=work_order,
        form=form,
        title=_("Reschedule"),
        hint=_("Allowed window: %(window)s", window=window),
    ), page_status(form)


@bp.route("/<int:work_order_id>/sign-off", methods=["GET", "POST"])
@requires("work.manage")
def sign_off(work_order_id: int) -> ResponseReturnValue:
    """The safety manager signs off a statutory inspection's record."""
    work_order = editable_work_order_for(work_order_id)
    record = work_order.completion
    if record is None:
        abort(404)
    form = forms.SignOffForm(version=record.version)
    if form.validate_on_submit():
        saved, _result = save(
            lambda: completion.sign_off(
                record, current_user, form.version.data, form.safety_manager_name.data or ""
            ),
            form,
        )
        if saved:
            flash(_("Signed off."), "success")
            return to_detail(work_order)
    return render_template(
        "workorders/simple_form.html",
        wo=work_order,
        form=form,
        title=_("Safety manager sign-off"),
    ), page_status(form)
