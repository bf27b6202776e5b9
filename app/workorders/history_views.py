"""An asset's work history: the ledger page's partial and the full paged history."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.auth.permissions import requires
from app.equipment.models import Equipment
from app.extensions import db
from app.workorders.charts import trend_chart
from app.workorders.history import EquipmentHistory, equipment_history
from app.workorders.pages import bp, int_arg

HISTORY_PAGE_SIZE = 50
PARTIAL_ROWS = 15


def equipment_work_history(equipment: Equipment, limit: int = PARTIAL_ROWS) -> dict[str, Any]:
    """For `_equipment_history.html` on the ledger page: the last year with charts."""
    history = equipment_history(equipment, limit=limit, viewer=current_user)
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
    """One asset's full work history, with readings over time."""
    equipment = db.get_or_404(Equipment, equipment_id)
    page = int_arg("page") or 1
    history = equipment_history(
        equipment,
        limit=HISTORY_PAGE_SIZE,
        offset=(page - 1) * HISTORY_PAGE_SIZE,
        viewer=current_user,
    )
    pages = max(1, -(-history.total // HISTORY_PAGE_SIZE))
    return render_template(
        "workorders/equipment_history.html",
        eq=equipment,
        page=page,
        pages=pages,
        wh=_history_context(history),
    )
