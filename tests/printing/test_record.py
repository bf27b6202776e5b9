"""The maintenance record: blank for the visit, filled in once the visit is recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import current_app

from app.core.validation import Problems
from app.extensions import db
from app.printing import services
from app.printing.output import sheets_pdf
from app.printing.sheet import PrintInputError
from app.workorders.checklist import RawAnswer, evaluate, items_for
from app.workorders.models import WorkCompletion, WorkOrder, WorkOrderStatus
from tests.printing.conftest import Demo, page_png, pages, qr_codes

TIERS = ["半月维护保养", "季度维护保养", "半年维护保养", "年度维护保养"]
FINISHED = datetime(2026, 3, 3, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai


@pytest.fixture
def annual_visit(demo: Demo) -> WorkOrder:
    return demo.annual_visit()


def _complete(visit: WorkOrder) -> None:
    items = items_for(visit)
    raw = {item.key: RawAnswer(result="pass") for item in items if item.kind == "check"}
    raw["hm05"] = RawAnswer(result="fail", note="制动衬磨损")
    raw["hm23"] = RawAnswer(value="3")
    raw["hm29"] = RawAnswer(value="6")  # under the 7 mm minimum
    answers = evaluate(items, raw, {item.key for item in items}, Problems()).answers
    db.session.add(
        WorkCompletion(
            work_order=visit,
            finished_at=FINISHED,
            answers=answers,
            note="更换1楼层门锁紧元件",
            crew=[{"user_id": None, "name": "王师傅"}, {"user_id": None, "name": "李工"}],
            signature_name="王师傅",
            signed_at=FINISHED,
            statutory=True,
            maintenance_unit="上海恒升电梯工程有限公司",
            safety_manager_name="周志强",
            safety_manager_signed_at=FINISHED,
        )
    )
    visit.status = WorkOrderStatus.DONE.value
    visit.completed_at = FINISHED
    db.session.commit()


def test_an_annual_visit_prints_every_tiers_items_in_chain_order(annual_visit: WorkOrder) -> None:
    sheet = services.record(annual_visit.id, locale="zh")
    texts = pages(sheets_pdf([sheet]))
    text = "\n".join(texts)

    assert [section.title for section in sheet.sections] == TIERS
    assert sum(len(s.items) for s in sheet.sections) == len(items_for(annual_visit))
    assert "维护保养记录" in text
    assert "空白表（现场填写）" in text
    assert "EL-T1-01 1号楼1号客梯" in text
    assert "年度维护保养" in text and "使用登记证号" in text
    assert "层门锁紧元件啮合长度" in text
    assert "≥ 7 mm" in text  # a reading prints its allowed range and unit
    for number, page in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in page
        assert "检查项目" in page  # the table header repeats on every page
    assert "维保人员签名" in texts[-1] and "使用单位安全管理员签名" in texts[-1]


def test_after_the_visit_the_record_carries_the_answers_names_and_times(
    annual_visit: WorkOrder, poppler: None
) -> None:
    _complete(annual_visit)

    sheet = services.record(annual_visit.id, locale="zh")
    pdf = sheets_pdf([sheet])
    text = "\n".join(pages(pdf))

    items = {item.key: item for section in sheet.sections for item in section.items}
    assert items["hm29"].value == "6 mm"
    assert items["hm29"].fault  # under its minimum: marked as a fault
    assert items["hm05"].result == "fail"
    assert items["hm05"].remark == "制动衬磨损"
    assert items["hm01"].result == "pass"
    assert "已完成 2026-03-03 10:30" in text
    assert "空白表" not in text
    assert "6 mm" in text and "制动衬磨损" in text and "更换1楼层门锁紧元件" in text
    assert "王师傅" in text and "周志强" in text
    page_png(pdf, "record-filled-zh", page=1)


def test_the_record_comes_out_in_english(annual_visit: WorkOrder) -> None:
    text = "\n".join(pages(sheets_pdf([services.record(annual_visit.id, locale="en")])))

    assert "Maintenance record" in text
    assert "Annual maintenance" in text
    assert "Blank form" in text
    assert "Page 1 of" in text


def test_the_records_qr_code_opens_the_work_order(
    annual_visit: WorkOrder, poppler: None, tmp_path: Path
) -> None:
    pdf = sheets_pdf([services.record(annual_visit.id, locale="zh")])

    assert qr_codes(pdf, tmp_path) == [
        f"{current_app.config['ROUNDS_BASE_URL']}/work/{annual_visit.id}"
    ]


def test_a_missing_work_order_is_refused(demo: Demo) -> None:
    with pytest.raises(PrintInputError) as refused:
        services.record(987654, locale="zh")

    assert list(refused.value.fields) == ["work_order"]
