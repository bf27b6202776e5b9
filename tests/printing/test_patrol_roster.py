"""Patrol sheets per shift and roster grids for the notice board."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.plans.models import Plan, PlanKind
from app.printing import services
from app.printing.output import sheets_pdf
from app.printing.sheet import PrintInputError
from app.workorders.models import WorkOrder
from schedules.wallclock import localize, zone
from tests.printing.conftest import DAY, Demo, page_sizes, pages, qr_codes

LANDSCAPE = (842, 595)


def _rounds_in(demo: Demo, start: datetime, hours: int) -> int:
    return len(
        db.session.scalars(
            select(WorkOrder.id)
            .join(Plan, Plan.id == WorkOrder.plan_id)
            .where(
                Plan.kind == PlanKind.PATROL.value,
                WorkOrder.team_id == demo.team("SEC").id,
                WorkOrder.due_at >= start,
                WorkOrder.due_at < start + timedelta(hours=hours),
            )
        ).all()
    )


def test_a_patrol_sheet_has_a_row_per_round_and_a_column_per_checkpoint(demo: Demo) -> None:
    sheet = services.patrol("DEMO", "SEC", DAY, locale="zh", shift="early")
    texts = pages(sheets_pdf([sheet]))
    text = "\n".join(texts)
    early = localize(datetime.combine(DAY, datetime.min.time().replace(hour=7)), zone(
        "Asia/Shanghai"), "Asia/Shanghai")  # fmt: skip

    assert [s.title for s in sheet.shifts] == ["早班 07:00–15:00"]
    rounds = [r for route in sheet.shifts[0].routes for r in route.rounds]
    assert len(rounds) == _rounds_in(demo, early, 8) > 0
    route = sheet.shifts[0].routes[0]
    assert route.checkpoints and all(len(r.times) == len(route.checkpoints) for r in route.rounds)
    first = route.rounds[0]
    assert first.times[0] == first.starts  # the first checkpoint is reached at the start
    assert "巡更记录表" in text and "异常情况" in text and "巡逻人员签名" in texts[-1]
    for checkpoint in route.checkpoints:
        assert checkpoint.name in text
    assert set(page_sizes(sheets_pdf([sheet]))) == {LANDSCAPE}
    assert f"第 1 页 / 共 {len(texts)} 页" in texts[0]


def test_without_a_shift_every_shift_of_the_pattern_is_printed(demo: Demo) -> None:
    sheet = services.patrol("DEMO", "SEC", DAY, locale="en")

    assert [s.title.split()[0] for s in sheet.shifts] == ["early", "middle", "night"]
    assert "Patrol sheet" in pages(sheets_pdf([sheet]))[0]


def test_an_unknown_shift_is_refused_naming_the_shifts_there_are(demo: Demo) -> None:
    with pytest.raises(PrintInputError) as refused:
        services.patrol("DEMO", "SEC", DAY, locale="zh", shift="day12")

    assert "early, middle, night" in str(refused.value)


def test_the_patrol_sheets_qr_code_names_the_team_day_and_shift(
    demo: Demo, poppler: None, tmp_path: Path
) -> None:
    pdf = sheets_pdf([services.patrol("DEMO", "SEC", DAY, locale="zh", shift="night")])
    base = current_app.config["ROUNDS_BASE_URL"]
    team = demo.team("SEC").id

    assert qr_codes(pdf, tmp_path) == [
        f"{base}/work/sheet?site={demo.site.id}&team={team}&day=2026-03-03&shift=night"
    ]


def test_a_month_roster_marks_spring_festival_and_the_make_up_saturdays(demo: Demo) -> None:
    sheet = services.roster("DEMO", "SEC", locale="zh", start=date(2026, 2, 10), span="month")
    pdf = sheets_pdf([sheet])
    text = "\n".join(pages(pdf))

    assert len(sheet.days) == 28
    by_day = {int(d.number): d for d in sheet.days}
    assert by_day[17].mark == "春节" and by_day[17].rest
    assert by_day[14].mark == "班" and by_day[14].makeup and not by_day[14].rest  # 调休
    assert by_day[28].mark == "班"
    assert "春节 · 法定节假日" in (sheet.head.marker or "")
    assert "调休上班" in (sheet.head.marker or "")
    members = [m.user.name for m in demo.team("SEC").memberships]
    assert {row.name for row in sheet.rows} >= set(members)
    assert all(len(row.cells) == 28 for row in sheet.rows)
    assert {c.code for row in sheet.rows for c in row.cells} <= {"早", "中", "夜", "休", "假"}
    assert "排班表" in text and "早 = 早班 07:00+8h" in text
    assert set(page_sizes(pdf)) == {LANDSCAPE}


def test_a_week_roster_lists_each_persons_work(demo: Demo) -> None:
    sheet = services.roster("DEMO", "CLN", locale="zh", start=DAY, span="week")

    assert [d.number for d in sheet.days] == [str(n) for n in range(2, 9)]
    work = [w for row in sheet.rows for c in row.cells for w in c.work]
    assert work and any("地面清扫" in w for w in work)
    assert (
        "Roster"
        in pages(sheets_pdf([services.roster("DEMO", "CLN", locale="en", start=DAY, span="week")]))[
            0
        ]
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": DAY, "span": "year"}, "span"),
        ({"first_day": date(2026, 3, 1), "last_day": date(2026, 4, 15)}, "period"),
        ({"first_day": date(2026, 3, 9), "last_day": date(2026, 3, 1)}, "period"),
    ],
)
def test_a_roster_longer_than_a_month_or_backwards_is_refused(
    demo: Demo, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(PrintInputError) as refused:
        services.roster("DEMO", "SEC", locale="zh", **kwargs)  # type: ignore[arg-type]

    assert list(refused.value.fields) == [field]
