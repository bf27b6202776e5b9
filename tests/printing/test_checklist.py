"""The daily checklist: what a cleaning lead hands out in the morning and files at night."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.people.models import User
from app.printing import services
from app.printing.checklist import ChecklistSheet, TaskGroup, TaskRow, Visit, day_bounds
from app.printing.output import sheets_pdf
from app.printing.sheet import PrintInputError, SheetHead, Signature
from app.sites.models import Location
from app.workorders.models import WorkOrder
from tests.printing.conftest import DAY, Demo, page_png, page_sizes, pages, qr_codes


def _text(pdf: bytes) -> str:
    return "\n".join(pages(pdf))


def test_a_teams_checklist_lists_its_tasks_by_building_and_floor_in_chinese(demo: Demo) -> None:
    sheet = services.checklist("DEMO", DAY, locale="zh", team="CLN")
    pdf = sheets_pdf([sheet])
    text = _text(pdf)

    assert "每日作业检查表" in text
    assert "班组 保洁部" in text
    assert "2026年3月3日 周二" in text
    for task in ("地面清扫", "楼梯清扫", "轿厢地面及轿壁清洁", "垃圾清运"):
        assert task in text
    titles = [group.title for group in sheet.groups]
    assert titles.index("1号楼 · B1") < titles.index("1号楼 · 1F") < titles.index("1号楼 · 30F")
    assert titles.index("1号楼 · 30F") < titles.index("2号楼")
    assert f"共 {sum(len(g.rows) for g in sheet.groups)} 项任务" in text
    assert all(page_sizes(pdf)[i] == (595, 842) for i in range(len(page_sizes(pdf))))


def test_every_page_says_which_page_of_how_many_it_is(demo: Demo) -> None:
    texts = pages(sheets_pdf([services.checklist("DEMO", DAY, locale="zh", team="CLN")]))

    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in text
    # later pages repeat the column headings and say whose sheet they are
    assert "作业内容 / 位置" in texts[1]
    assert "保洁部 · 2026年3月3日 周二" in texts[1]


def test_the_checklist_comes_out_in_english_when_asked(demo: Demo) -> None:
    text = _text(sheets_pdf([services.checklist("DEMO", DAY, locale="en", team="CLN")]))

    assert "Daily checklist" in text
    assert "Sweep the floor" in text
    assert "Tue 3 Mar 2026" in text
    assert "Page 1 of" in text
    assert "第 1 页" not in text


def _synthetic(tasks: int) -> ChecklistSheet:
    rows = tuple(
        TaskRow(n, f"地面清扫{n}", "1号楼大堂", "每天", (Visit("09:00"),))
        for n in range(1, tasks + 1)
    )
    return ChecklistSheet(
        locale="zh",
        head=SheetHead(title="每日作业检查表", id_line="阳光花园 · 保洁部"),
        groups=(TaskGroup("1号楼", rows),),
        signatures=(Signature("作业人员签名"), Signature("领班检查签名")),
    )


@pytest.mark.parametrize(
    ("tasks", "expected_pages"), [(1, 1), (25, 1), (26, 2), (57, 2), (58, 3), (89, 3)]
)
def test_a_checklist_of_n_tasks_takes_the_pages_its_rows_need(
    app: Flask, tasks: int, expected_pages: int
) -> None:
    """Rows have a fixed height: 25 fit on the first page with the signatures, 32 on each
    further page; the rows and the signature block are never split."""
    texts = pages(sheets_pdf([_synthetic(tasks)]))

    assert len(texts) == expected_pages
    assert f"第 {expected_pages} 页 / 共 {expected_pages} 页" in texts[-1]
    assert "领班检查签名" in texts[-1]
    on_page = [{n for n in range(1, tasks + 1) if f"地面清扫{n} " in t} for t in texts]
    assert sorted(n for names in on_page for n in names) == list(range(1, tasks + 1))
    for names, text in zip(on_page, texts, strict=True):  # each row whole: name and time
        assert text.count("09:00") == len(names)


def test_a_workers_sheet_has_only_their_work_and_an_areas_only_what_lies_in_it(
    demo: Demo,
) -> None:
    team = services.checklist("DEMO", DAY, locale="zh", team="CLN")
    start, end = day_bounds(demo.site, DAY)
    cleaner = db.session.scalar(
        select(User)
        .join(WorkOrder, WorkOrder.assignee_id == User.id)
        .where(WorkOrder.team_id == demo.team("CLN").id, WorkOrder.due_at.between(start, end))
    )
    assert cleaner is not None

    worker = services.checklist("DEMO", DAY, locale="zh", worker=cleaner.username)
    area = services.checklist("DEMO", DAY, locale="zh", area="T1-1F")

    assert worker.head.fields[1].value == cleaner.name
    theirs = [row for group in team.groups for row in group.rows if cleaner.name in row.place]
    assert sum(len(g.rows) for g in worker.groups) == len(theirs) > 0
    assert all(cleaner.name not in row.place for g in worker.groups for row in g.rows)
    assert {g.title for g in area.groups} == {"1号楼 · 1F"}
    floor = db.session.scalar(select(Location).where(Location.code == "T1-1F"))
    assert floor is not None
    rooms = {child.name for child in floor.children}
    places = [row.place.split(" · ")[0] for group in area.groups for row in group.rows]
    assert places and set(places) <= rooms


def test_patrol_rounds_are_left_to_the_patrol_sheet(demo: Demo) -> None:
    sheet = services.checklist("DEMO", DAY, locale="zh", team="SEC")

    assert sheet.patrols_elsewhere > 0
    assert "巡更记录表" in _text(sheets_pdf([sheet]))


@pytest.mark.parametrize(
    ("day", "marker"),
    [
        (date(2026, 10, 1), "国庆节 · 法定节假日"),
        (date(2026, 2, 14), "调休上班"),
        (date(2026, 3, 3), None),
    ],
)
def test_holidays_and_make_up_working_days_are_marked_in_the_header(
    demo: Demo, day: date, marker: str | None
) -> None:
    sheet = services.checklist("DEMO", day, locale="zh", team="CLN")

    assert sheet.head.marker == marker


def test_the_qr_code_opens_the_sheet_in_rounds_for_entering_it_from_paper(
    demo: Demo, poppler: None, tmp_path: Path
) -> None:
    pdf = sheets_pdf([services.checklist("DEMO", DAY, locale="zh", team="CLN")])
    team = demo.team("CLN")
    base = current_app.config["ROUNDS_BASE_URL"]

    assert qr_codes(pdf, tmp_path) == [
        f"{base}/work/sheet?site={demo.site.id}&day=2026-03-03&team={team.id}"
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"team": "NOPE"}, "team"),
        ({}, "team"),
        ({"team": "CLN", "worker": "yangguifang"}, "team"),
        ({"worker": "nobody"}, "worker"),
        ({"area": "NOWHERE"}, "area"),
    ],
)
def test_bad_choices_are_refused_with_the_field_named(
    demo: Demo, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(PrintInputError) as refused:
        services.checklist("DEMO", DAY, locale="zh", **kwargs)

    assert list(refused.value.fields) == [field]


def test_a_page_of_the_checklist_is_kept_as_an_image_to_look_at(demo: Demo, poppler: None) -> None:
    for locale in ("zh", "en"):
        pdf = sheets_pdf([services.checklist("DEMO", DAY, locale=locale, team="CLN")])
        assert page_png(pdf, f"checklist-{locale}").stat().st_size > 10_000
