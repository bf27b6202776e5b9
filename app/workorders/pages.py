"""What every work page shares: the blueprint, the work order a user may see, refusals,
the engine's reasons in the user's language, and reading the query string.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.access.objects import may_edit, may_view
from app.core.i18n import is_english
from app.core.validation import StaleEdit
from app.extensions import db
from app.workorders.models import KIND_LABELS, PRIORITY_LABELS, STATUS_LABELS, WorkOrder
from app.workorders.services import NotYours, TransitionError
from schedules.reasons import Reason

bp = Blueprint("work", __name__, url_prefix="/work")


@bp.app_context_processor
def _vocabularies() -> dict[str, Any]:
    return {
        "work_status_labels": STATUS_LABELS,
        "work_kind_labels": KIND_LABELS,
        "work_priority_labels": PRIORITY_LABELS,
    }


def tz_name() -> str:
    return str(current_app.config["ROUNDS_TIMEZONE"])


def site_tz(work_order: WorkOrder) -> ZoneInfo:
    return ZoneInfo(work_order.site.timezone)


def work_order_for(work_order_id: int) -> WorkOrder:
    work_order = db.get_or_404(WorkOrder, work_order_id)
    if not may_view(current_user, work_order):
        abort(403)
    return work_order


def editable_work_order_for(work_order_id: int) -> WorkOrder:
    """The work order, if the user may change it: its own people or a lead of its trade."""
    work_order = work_order_for(work_order_id)
    if not may_edit(current_user, work_order):
        abort(403)
    return work_order


def to_detail(work_order: WorkOrder) -> ResponseReturnValue:
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


def refused(exc: Exception, work_order: WorkOrder) -> ResponseReturnValue:
    """A refused action (already rolled back by `save`): explain it on the work order's page."""
    if isinstance(exc, NotYours):
        abort(403)
    if isinstance(exc, TransitionError | StaleEdit):
        flash(exc.message(), "warning")
    return to_detail(work_order)


def int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
