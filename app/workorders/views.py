"""Work pages: 我的工作 on the phone, the checklist form, supervisors' board and paper sheets.

Thin over the services: each view parses, calls one service, commits or explains.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.permissions import requires
from app.core import clock
from app.core.forms import attempt, page_status, show_errors
from app.core.i18n import is_english, label
from app.core.validation import StaleEdit, ValidationError
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.sites.models import Location, Site
from app.workorders import completion, files, forms, services, sheets
from app.workorders.charts import trend_chart
from app.workorders.checklist import Item, item_field, items_for, parse_number, tier_plans
from app.workorders.files import path_of
from app.workorders.history import EquipmentHistory, equipment_history
from app.workorders.models import (
    FINISHED_STATUSES,
    KIND_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    WorkAttachment,
    WorkOrder,
)
from app.workorders.services import (
    AlreadyCompleted,
    BoardFilter,
    NotYours,
    TransitionError,
)
from schedules.reasons import Reason

bp = Blueprint("work", __name__, url_prefix="/work")

HISTORY_PAGE_SIZE = 50
PARTIAL_ROWS = 15


@bp.app_context_processor
def _vocabularies() -> dict[str, Any]:
    return {
        "work_status_labels": STATUS_LABELS,
        "work_kind_labels": KIND_LABELS,
        "work_priority_labels": PRIORITY_LABELS,
    }


def _tz_name() -> str:
    return str(current_app.config["ROUNDS_TIMEZONE"])


def _site_tz(work_order: WorkOrder) -> ZoneInfo:
    return ZoneInfo(work_order.site.timezone)


def _work_order(work_order_id: int) -> WorkOrder:
    work_order = db.get_or_404(WorkOrder, work_order_id)
    if not services.may_view(current_user, work_order):
        abort(403)
    return work_order


def _to_detail(work_order: WorkOrder) -> ResponseReturnValue:
    return redirect(url_for("work.detail", work_order_id=work_order.id))


def reason_texts(work_order: WorkOrder) -> list[str]:
    """The engine's reasons (moved for a holiday, reassigned...) in the user's language."""
    locale = "en" if is_english() else "zh"
    texts = []
    for data in work_order.reasons or ():
        try:
            texts.append(Reason.from_json(data).render(locale))
        except (KeyError, ValueError, AssertionError):
            continue
    return texts


def _refused(exc: Exception, work_order: WorkOrder) -> ResponseReturnValue:
    """A refused action: explain it on the work order's page."""
    db.session.rollback()
    if isinstance(exc, NotYours):
        abort(403)
    if isinstance(exc, TransitionError | StaleEdit):
        flash(exc.message(), "warning")
    return _to_detail(work_order)


# --- lists -----------------------------------------------------------------------------------


@bp.route("/")
@requires("work.own")
def my_work() -> ResponseReturnValue:
    work = services.my_work(current_user, _tz_name())
    return render_template(
        "workorders/my_work.html",
        work=work,
        tz=ZoneInfo(_tz_name()),
        today=clock.local_today(_tz_name()),
        is_overdue=services.is_overdue,
        my_sheet=sheets.my_sheet(current_user),
    )


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/board")
@requires("work.view")
def board() -> ResponseReturnValue:
    flt = BoardFilter(
        site_id=_int_arg("site"),
        team_id=_int_arg("team"),
        day=_date_arg("day"),
        kind=request.args.get("kind") or None,
        state=request.args.get("state") or "open",
    )
    page = db.paginate(
        services.board_query(flt, _tz_name()),
        page=_int_arg("page") or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "workorders/board.html",
        page=page,
        flt=flt,
        sites=db.session.scalars(select(Site).order_by(Site.code)).all(),
        teams=db.session.scalars(select(Team).order_by(Team.site_id, Team.code)).all(),
        tz=ZoneInfo(_tz_name()),
        is_overdue=services.is_overdue,
    )


# --- one work order --------------------------------------------------------------------------


@bp.route("/<int:work_order_id>")
@requires("work.own")
def detail(work_order_id: int) -> ResponseReturnValue:
    work_order = _work_order(work_order_id)
    record = work_order.completion
    return render_template(
        "workorders/detail.html",
        wo=work_order,
        record=record,
        tz=_site_tz(work_order),
        reasons=reason_texts(work_order),
        tiers=tier_plans(work_order) if work_order.includes else [],
        jobs=services.correctives_of(work_order),
        request_files=db.session.scalars(
            select(WorkAttachment).where(
                WorkAttachment.work_order_id == work_order.id,
                WorkAttachment.completion_id.is_(None),
            )
        ).all(),
        may_work=services.may_work_on(current_user, work_order),
        may_manage=services.may_manage(current_user),
        is_overdue=services.is_overdue(work_order),
        actions=services.ALLOWED,
        rules=completion.rules_for(work_order),
        form=forms.ActionForm(version=work_order.version),
    )


@bp.route("/<int:work_order_id>/start", methods=["POST"])
@requires("work.own")
def start(work_order_id: int) -> ResponseReturnValue:
    work_order = _work_order(work_order_id)
    form = forms.ActionForm()
    try:
        services.start(work_order, current_user, form.version.data)
    except (TransitionError, NotYours, StaleEdit) as exc:
        return _refused(exc, work_order)
    db.session.commit()
    return redirect(url_for("work.complete", work_order_id=work_order.id))


def _crew_members(work_order: WorkOrder) -> list[User]:
    members: dict[int, User] = {}
    if work_order.team_id is not None:
        stmt = (
            select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id == work_order.team_id, User.active.is_(True))
            .order_by(User.name)
        )
        members.update({u.id: u for u in db.session.scalars(stmt)})
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
    work_order = _work_order(work_order_id)
    if not services.may_work_on(current_user, work_order):
        abort(403)
    if work_order.status not in services.ALLOWED[services.Action.COMPLETE]:
        if work_order.status in FINISHED_STATUSES:
            flash(AlreadyCompleted(work_order).message(), "info")
        else:
            flash(TransitionError(services.Action.COMPLETE, work_order.status).message(), "warning")
        return _to_detail(work_order)
    tz = _site_tz(work_order)
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
        try:
            completion.complete(work_order, current_user, data)
        except ValidationError as exc:
            db.session.rollback()
            show_errors(form, exc)
            if forms.keep_good_photos(form, completion.good_photos(data)):
                flash(_("The photos that were fine are kept; add the refused ones again."), "info")
            status = 422
        except AlreadyCompleted as exc:
            flash(exc.message(), "warning")
            return _to_detail(work_order)
        except (TransitionError, NotYours) as exc:
            return _refused(exc, work_order)
        else:
            db.session.commit()
            for token in kept:
                files.discard_staged(token)
            jobs = services.correctives_of(work_order)
            flash(_("Recorded as done."), "success")
            if jobs:
                flash(_("%(n)d repair jobs were raised.", n=len(jobs)), "warning")
            return redirect(url_for("work.my_work"))
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


def _reason_page(work_order: WorkOrder, action: str, title: str, call: Any) -> ResponseReturnValue:
    form = forms.ReasonForm(version=work_order.version)
    if form.validate_on_submit():
        try:
            saved, _result = attempt(form, lambda: call(form.reason.data or "", form.version.data))
        except (TransitionError, NotYours) as exc:
            return _refused(exc, work_order)
        if saved:
            flash(_("Saved."), "success")
            return _to_detail(work_order)
    return render_template(
        "workorders/reason.html", wo=work_order, form=form, title=title, action=action
    ), page_status(form)


@bp.route("/<int:work_order_id>/skip", methods=["GET", "POST"])
@requires("work.own")
def skip(work_order_id: int) -> ResponseReturnValue:
    work_order = _work_order(work_order_id)
    return _reason_page(
        work_order,
        "skip",
        _("Skip this work"),
        lambda reason, version: services.skip(work_order, current_user, version, reason),
    )


@bp.route("/<int:work_order_id>/cancel", methods=["GET", "POST"])
@requires("work.manage")
def cancel(work_order_id: int) -> ResponseReturnValue:
    work_order = _work_order(work_order_id)
    return _reason_page(
        work_order,
        "cancel",
        _("Cancel this work"),
        lambda reason, version: services.cancel(work_order, current_user, version, reason),
    )


@bp.route("/<int:work_order_id>/reassign", methods=["GET", "POST"])
@requires("work.manage")
def reassign(work_order_id: int) -> ResponseReturnValue:
    work_order = _work_order(work_order_id)
    form = forms.ReassignForm(
        version=work_order.version,
        assignee_id=work_order.assignee_id,
        team_id=work_order.team_id,
    )
    teams = db.session.scalars(
        select(Team).where(Team.site_id == work_order.site_id).order_by(Team.code)
    ).all()
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    form.team_id.choices = [(None, "—"), *[(t.id, t.name) for t in teams]]
    form.assignee_id.choices = [(None, "—"), *[(u.id, u.name) for u in people]]
    if form.validate_on_submit():
        try:
            saved, _result = attempt(
                form,
                lambda: services.reassign(
                    work_order,
                    current_user,
                    form.version.data,
                    form.assignee_id.data,
                    form.team_id.data,
                ),
            )
        except (TransitionError, NotYours) as exc:
            return _refused(exc, work_order)
        if saved:
            flash(_("Reassigned."), "success")
            return _to_detail(work_order)
    return render_template(
        "workorders/simple_form.html", wo=work_order, form=form, title=_("Reassign")
    ), page_status(form)


@bp.route("/<int:work_order_id>/reschedule", methods=["GET", "POST"])
@requires("work.manage")
def reschedule(work_order_id: int) -> ResponseReturnValue:
    work_order = _work_order(work_order_id)
    tz = _site_tz(work_order)
    form = forms.RescheduleForm(
        version=work_order.version,
        due_at=work_order.due_at.astimezone(tz).replace(tzinfo=None),
    )
    if form.validate_on_submit():
        due = forms.aware(form.due_at.data, tz)
        try:
            saved, _result = attempt(
                form,
                lambda: services.reschedule(
                    work_order, current_user, form.version.data, due or work_order.due_at
                ),
            )
        except (TransitionError, NotYours) as exc:
            return _refused(exc, work_order)
        if saved:
            flash(_("Moved."), "success")
            return _to_detail(work_order)
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
    work_order = _work_order(work_order_id)
    record = work_order.completion
    if record is None:
        abort(404)
    form = forms.SignOffForm(version=record.version)
    if form.validate_on_submit():
        saved, _result = attempt(
            form,
            lambda: completion.sign_off(
                record, current_user, form.version.data, form.safety_manager_name.data or ""
            ),
        )
        if saved:
            flash(_("Signed off."), "success")
            return _to_detail(work_order)
    return render_template(
        "workorders/simple_form.html",
        wo=work_order,
        form=form,
        title=_("Safety manager sign-off"),
    ), page_status(form)


# --- paper sheets ----------------------------------------------------------------------------


@bp.route("/sheet", methods=["GET", "POST"])
@requires("work.manage")
def sheet() -> ResponseReturnValue:
    """Enter a returned daily paper checklist: everything done except what is listed."""
    site_id = _int_arg("site")
    sites = db.session.scalars(select(Site).order_by(Site.code)).all()
    site = db.session.get(Site, site_id) if site_id else (sites[0] if len(sites) == 1 else None)
    choice = sheets.sheet_choice(
        current_user, site.id if site else None, site.timezone if site else _tz_name(),
        _int_arg("team"), _date_arg("day"),
    )  # fmt: skip
    day, team_id = choice.day, (choice.team.id if choice.team else None)
    location_id = _int_arg("location")
    orders: list[WorkOrder] = []
    if site is not None:
        orders = completion.sheet_work_orders(site.id, team_id, day, site.timezone, location_id)
    status = 200
    errors: dict[int, list[str]] = {}
    if request.method == "POST" and site is not None:
        finished = forms.aware(_datetime_form("finished_at"), ZoneInfo(site.timezone))
        exceptions = forms.sheet_exceptions(request.form, [o.id for o in orders])
        try:
            result = completion.complete_sheet(orders, exceptions, current_user, finished)
        except ValidationError as exc:
            db.session.rollback()
            errors = _row_errors(exc, orders)
            status = 422
        except AlreadyCompleted as exc:
            flash(exc.message(), "warning")
            status = 409
        except (TransitionError, NotYours) as exc:
            db.session.rollback()
            flash(exc.message(), "warning")
            status = 409
        else:
            db.session.commit()
            flash(
                _(
                    "Sheet entered: %(done)d done, %(skipped)d not done, %(jobs)d repair jobs.",
                    done=len(result.done),
                    skipped=len(result.skipped),
                    jobs=result.jobs,
                ),
                "success",
            )
            return redirect(request.full_path)
        orders = (
            completion.sheet_work_orders(site.id, team_id, day, site.timezone, location_id)
            if status == 409
            else orders
        )
    teams = sheets.sheet_teams(current_user, site.id) if site else []
    areas = (
        db.session.scalars(
            select(Location)
            .where(Location.site_id == site.id, Location.parent_id.is_(None))
            .order_by(Location.sort_key)
        ).all()
        if site
        else []
    )
    return render_template(
        "workorders/sheet.html",
        site=site,
        sites=sites,
        teams=teams,
        any_team=sheets.may_enter_any_team(current_user),
        areas=areas,
        day=day,
        team_id=team_id,
        location_id=location_id,
        orders=orders,
        items={o.id: items_for(o) for o in orders},
        errors=errors,
        form_values=request.form,
        tz=ZoneInfo(site.timezone) if site else ZoneInfo(_tz_name()),
        now=clock.utcnow().astimezone(ZoneInfo(_tz_name())).replace(tzinfo=None, second=0),
    ), status


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


# --- files -----------------------------------------------------------------------------------


@bp.route("/files/<int:attachment_id>")
@requires("work.own")
def file(attachment_id: int) -> ResponseReturnValue:
    """A photo, signature or report, only for those who may see its work order."""
    attachment = db.get_or_404(WorkAttachment, attachment_id)
    _work_order(attachment.work_order_id)
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


# --- an asset's history ----------------------------------------------------------------------


def equipment_work_history(equipment: Equipment, limit: int = PARTIAL_ROWS) -> dict[str, Any]:
    """For `_equipment_history.html` on the ledger page: the last year with charts."""
    history = equipment_history(equipment, limit=limit)
    return _history_context(history)


def _history_context(history: EquipmentHistory) -> dict[str, Any]:
    tz = ZoneInfo(history.equipment.site.timezone)
    charts = [
        (series, trend_chart(series, history.since, history.until, tz)) for series in history.series
    ]
    return {"history": history, "charts": charts, "tz": tz}


bp.add_app_template_global(equipment_work_history, "equipment_work_history")


@bp.route("/equipment/<int:equipment_id>/history", endpoint="equipment_history")
@requires("ledger.view")
def equipment_history_page(equipment_id: int) -> ResponseReturnValue:
    equipment = db.get_or_404(Equipment, equipment_id)
    page = _int_arg("page") or 1
    history = equipment_history(
        equipment, limit=HISTORY_PAGE_SIZE, offset=(page - 1) * HISTORY_PAGE_SIZE
    )
    pages = max(1, -(-history.total // HISTORY_PAGE_SIZE))
    return render_template(
        "workorders/equipment_history.html",
        eq=equipment,
        page=page,
        pages=pages,
        wh=_history_context(history),
    )
