"""Asset QR labels for the plant room and the history report for the inspector."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db
from app.printing import services
from app.printing.output import sheets_pdf
from app.printing.sheet import PrintInputError
from app.workorders.models import WorkCompletion, WorkOrder, WorkOrderStatus
from tests.printing.conftest import Demo, page_sizes, pages, qr_codes


def _in_service(demo: Demo) -> list[Equipment]:
    return list(
        db.session.scalars(
            select(Equipment)
            .where(Equipment.site_id == demo.site.id, Equipment.status != EquipmentStatus.RETIRED)
            .order_by(Equipment.asset_code)
        )
    )


def test_labels_come_24_to_an_a4_sheet_for_every_asset_in_service(demo: Demo) -> None:
    assets = _in_service(demo)
    sheet = services.labels("DEMO", locale="zh")
    pdf = sheets_pdf([sheet])
    texts = pages(pdf)

    assert [label.code for label in sheet.labels] == [a.asset_code for a in assets]
    assert len(texts) == math.ceil(len(assets) / 24)
    assert set(page_sizes(pdf)) == {(595, 842)}
    assert assets[0].asset_code in texts[0]
    assert assets[0].name in texts[0].replace("\n", "")  # names may wrap on the label
    assert assets[24].asset_code in texts[1]  # the 25th label starts the second sheet
    assert "第 1 页" not in texts[0]  # label stock has no page numbers


def test_every_label_qr_code_opens_its_equipment_page(
    demo: Demo, poppler: None, tmp_path: Path
) -> None:
    assets = _in_service(demo)[:24]
    pdf = sheets_pdf([services.labels("DEMO", locale="zh")])
    base = current_app.config["ROUNDS_BASE_URL"]

    assert sorted(qr_codes(pdf, tmp_path)) == sorted(f"{base}/equipment/{a.id}" for a in assets)


def test_labels_can_be_narrowed_to_a_category_or_named_assets(demo: Demo) -> None:
    lifts = services.labels("DEMO", locale="zh", category="elevator")
    two = services.labels("DEMO", locale="en", asset_codes=["EL-T1-01", "EL-T1-02"])

    assert lifts.labels and all(label.code.startswith(("EL-", "ES-")) for label in lifts.labels)
    assert [label.code for label in two.labels] == ["EL-T1-01", "EL-T1-02"]
    with pytest.raises(PrintInputError, match="NOPE-1"):
        services.labels("DEMO", locale="zh", asset_codes=["EL-T1-01", "NOPE-1"])
    with pytest.raises(PrintInputError):
        services.labels("DEMO", locale="zh", category="spaceships")


def test_the_history_of_an_asset_lists_its_work_with_results_and_totals(demo: Demo) -> None:
    visit = db.session.scalars(
        select(WorkOrder)
        .where(
            WorkOrder.equipment_id == demo.lift.id,
            WorkOrder.completed_at.is_(None),
            WorkOrder.due_at < datetime(2026, 3, 31, 16, tzinfo=UTC),
        )
        .order_by(WorkOrder.due_at, WorkOrder.id)
    ).first()
    assert visit is not None
    finished = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    db.session.add(
        WorkCompletion(
            work_order=visit,
            finished_at=finished,
            signature_name="王师傅",
            answers=[
                {"key": "hm05", "names": {"zh": "制动器间隙", "en": "Brake"}, "result": "fail"}
            ],
            note="制动衬磨损，已报修",
        )
    )
    visit.status = WorkOrderStatus.DONE.value
    db.session.commit()

    sheet = services.history(
        "DEMO", date(2026, 3, 1), date(2026, 3, 31), locale="zh", asset="EL-T1-01"
    )
    text = "\n".join(pages(sheets_pdf([sheet])))

    orders = db.session.scalars(
        select(WorkOrder)
        .where(
            WorkOrder.equipment_id == demo.lift.id,
            WorkOrder.due_at >= datetime(2026, 2, 28, 16, tzinfo=UTC),
            WorkOrder.due_at < datetime(2026, 3, 31, 16, tzinfo=UTC),
        )
        .order_by(WorkOrder.due_at, WorkOrder.id)
    ).all()
    assert len(sheet.rows) == len(orders) >= 1
    done = sheet.rows[orders.index(visit)]
    assert (done.status, done.by, done.findings) == ("已完成", "王师傅", "制动器间隙")
    assert done.done_at == "2026-03-03 11:00"
    assert done.note == "制动衬磨损，已报修"
    assert "设备维护履历" in text and "EL-T1-01 1号楼1号客梯" in text
    finished = sum(1 for o in orders if o.status == WorkOrderStatus.DONE.value)
    assert f"合计 {len(orders)}" in text and f"已完成 {finished}" in text


def test_a_categorys_history_names_each_asset(demo: Demo) -> None:
    sheet = services.history(
        "DEMO", date(2026, 3, 1), date(2026, 3, 31), locale="en", category="elevator"
    )

    assets = {row.asset.split()[0] for row in sheet.rows}
    assert len(assets) > 1 and all(a.startswith(("EL-", "ES-")) for a in assets)
    assert "Equipment history" in pages(sheets_pdf([sheet]))[0]


@pytest.mark.parametrize(
    ("first", "last", "kwargs"),
    [
        (date(2026, 3, 31), date(2026, 3, 1), {"asset": "EL-T1-01"}),
        (date(2024, 1, 1), date(2026, 3, 1), {"asset": "EL-T1-01"}),
        (date(2026, 3, 1), date(2026, 3, 31), {}),
        (date(2026, 3, 1), date(2026, 3, 31), {"asset": "EL-T1-01", "category": "elevator"}),
        (date(2026, 3, 1), date(2026, 3, 31), {"asset": "NOPE"}),
    ],
)
def test_a_bad_history_request_is_refused(
    demo: Demo, first: date, last: date, kwargs: dict[str, str]
) -> None:
    with pytest.raises(PrintInputError):
        services.history("DEMO", first, last, locale="zh", **kwargs)
