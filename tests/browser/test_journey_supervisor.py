"""Journey 1: a 工程主管 goes from an empty database to a scheduled, fully assigned building.

Before this work (issue 13) it took about 21 minutes and 327 clicks: programmes were
applied one asset at a time (225 clicks and 229 page loads for fifty assets), every
first visit fell on day one, and 83% of the work had nobody assigned. Here the
supervisor logs in, creates the site, two licensed technicians and their team,
imports a ledger of fifty assets written with Chinese type names (its two
contractors are offered in the dry run and created with the import),
and applies every programme in one preview and one confirmation, after a coverage
check that finds nothing unassigned. The test counts clicks, fields, characters and
page loads and turns them into a person's time with the rates in docs/usability.md.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from openpyxl import Workbook
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from app.core import clock
from app.equipment.models import Equipment
from app.extensions import db
from app.people.services import create_user
from app.plans.models import Plan
from app.workorders.models import WorkOrder
from tests.browser.conftest import (
    ACTION_TIMEOUT_MS,
    DEMO_MONDAY_MORNING,
    POSTGRES_URL,
    SIZES,
    Counter,
)

PASSWORD = "Gongcheng-2026"
RATES_FILE = Path(__file__).resolve().parents[2] / "docs" / "usability.md"
GOAL_SECONDS = 10 * 60  # issue 13
MAX_CLICKS = {"phone": 48, "desktop": 44}  # measured 43 and 40; the menu is a tap more on a phone
MAX_LOADS = 30  # measured 27 and 26


# --- the ledger the supervisor brings -------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    prefix: str
    count: int
    type_name: str  # as a 工程部 writes it: the catalog's Chinese name
    category: str
    location: str
    contractor: str = ""


LIFTS = "迅达电梯维保"
FIRE_SERVICE = "安平消防维保"
BUILDING = (
    Batch("DT", 4, "曳引与强制驱动电梯", "电梯/扶梯", "1号楼/1层", LIFTS),
    Batch("MHQ", 12, "干粉灭火器（组）", "消防", "1号楼/1层", FIRE_SERVICE),
    Batch("YJZM", 10, "消防应急照明和疏散指示系统", "消防", "1号楼/1层"),
    Batch("FHM", 4, "防火门", "消防", "1号楼/地下一层"),
    Batch("SXJ", 8, "摄像机", "视频监控", "1号楼/1层"),
    Batch("DYG", 6, "低压配电柜（箱）", "供配电", "1号楼/地下一层/配电房"),
    Batch("UPS", 2, "不间断电源（UPS）", "供配电", "1号楼/地下一层/配电房"),
    Batch("QWB", 4, "集水井及潜污泵", "给排水", "1号楼/地下一层/水泵房"),
)
ASSETS = sum(batch.count for batch in BUILDING)


def write_ledger(path: Path) -> Path:
    """The sheet a 工程部 keeps: Chinese headers, Chinese type names, last-done dates."""
    book = Workbook()
    sheet = book.active
    headers = ["资产编号", "名称", "类别", "设备类型", "位置", "维保单位", "投用日期", "技术参数"]
    sheet.append(headers)
    for batch in BUILDING:
        for n in range(1, batch.count + 1):
            name = f"{batch.type_name.split('（')[0]}{n:02d}"
            sheet.append(
                [f"{batch.prefix}-{n:02d}", name, batch.category, batch.type_name,
                 batch.location, batch.contractor, "2019-05-20", "上次保养=2026-02-16"]
            )  # fmt: skip
    book.save(path)
    return path


# --- the time model -------------------------------------------------------------------------


def read_rates(path: Path = RATES_FILE) -> dict[str, float]:
    """The `Key | Seconds` columns of the rates table in docs/usability.md."""
    rates = {}
    for key, seconds in re.findall(r"^\|[^|]+\| `(\w+)` \| ([\d.]+) \|", path.read_text(), re.M):
        rates[key] = float(seconds)
    return rates


class Journey(Counter):
    """Counter plus the fields, characters and files a person enters."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.fields = 0
        self.latin = 0
        self.chinese = 0
        self.files = 0

    def fill(self, locator: Locator, text: str) -> None:
        self.fields += 1
        self.chinese += sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        self.latin += sum(1 for ch in text if not "\u4e00" <= ch <= "\u9fff")
        locator.fill(text)

    def choose(self, locator: Locator, label: str) -> None:
        """Pick an option of a select: one tap to open it, one to choose."""
        self.clicks += 2
        locator.select_option(label=label)

    def tick(self, locator: Locator) -> None:
        self.clicks += 1
        locator.check()

    def pick_file(self, locator: Locator, path: Path) -> None:
        self.files += 1
        locator.set_input_files(str(path))

    def seconds(self, rates: dict[str, float]) -> float:
        act = rates["mental"] + rates["point"] + rates["press"]
        return (
            self.clicks * act
            + self.fields * act
            + self.latin * rates["keystroke"]
            + self.chinese * rates["pinyin_keys"] * rates["keystroke"]
            + self.loads * (rates["response"] + rates["orient"])
            + self.files * rates["file_pick"]
        )


# --- an empty Rounds --------------------------------------------------------------------------


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh database with nothing in it but the supervisor's account."""
    if POSTGRES_URL:
        pytest.skip("the demo server owns the PostgreSQL test database")
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "SECRET_KEY": "journey-secret",
            "ROUNDS_UPLOAD_DIR": str(tmp_path / "uploads"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    clock.pin(DEMO_MONDAY_MORNING)
    with application.app_context():
        upgrade()
        create_user("zhanggong", "张主管", ["supervisor"], password=PASSWORD)
        db.session.commit()
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def empty_server(empty_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, empty_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def journey_page(
    browser: Browser, empty_server: str, console_errors: list[str]
) -> Iterator[Callable[[str], Page]]:
    """A new browser context on the empty server (not the demo's), in Chinese."""
    contexts: list[BrowserContext] = []

    def open_(size: str) -> Page:
        context = browser.new_context(
            **SIZES[size], base_url=empty_server, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.on("pageerror", lambda exc: console_errors.append(f"{page.url}: {exc}"))
        return page

    yield open_
    for context in contexts:
        context.close()


# --- the journey ------------------------------------------------------------------------------


def _menu(journey: Journey, page: Page, size: str, item: str) -> None:
    if size == "phone":
        page.wait_for_load_state("load")  # the toggle works once its script has run
        journey.click(page.get_by_role("button", name="菜单"))
    journey.click(page.locator("#nav").get_by_role("link", name=item, exact=True))


def _log_in(journey: Journey, page: Page) -> None:
    page.goto("/login")
    journey.fill(page.get_by_label("用户名"), "zhanggong")
    journey.fill(page.get_by_label("密码"), PASSWORD)
    journey.click(page.get_by_role("button", name="登录"))
    page.wait_for_url(lambda url: "/login" not in url)


def _create_site(journey: Journey, page: Page, size: str) -> None:
    _menu(journey, page, size, "项目与位置")
    journey.click(page.get_by_role("link", name="新增项目"))
    journey.fill(page.get_by_label("编号"), "HY01")
    journey.fill(page.get_by_label("名称"), "海月花园")
    journey.click(page.get_by_role("button", name="保存"))
    expect(page.get_by_role("heading", name=re.compile("海月花园"))).to_be_visible()


TECHNICIANS = (
    ("zhang", "张师傅", "低压电工作业证", "T110101198001010011"),
    ("li", "李师傅", "消防设施操作员证", "X4403202100123"),
)


def _add_technicians(journey: Journey, page: Page, size: str) -> None:
    """Each technician with the licence they hold, from the staff list."""
    _menu(journey, page, size, "班组与人员")
    journey.click(page.get_by_role("link", name="员工名单"))
    for username, name, licence, number in TECHNICIANS:
        journey.click(page.get_by_role("link", name="新增员工"))
        journey.fill(page.get_by_label("用户名"), username)
        journey.fill(page.get_by_label("名称"), name)
        journey.tick(page.get_by_label("技术员"))
        journey.click(page.get_by_role("button", name="保存"))
        journey.click(page.get_by_role("link", name="添加证书"))
        journey.choose(page.get_by_label("类型"), licence)
        journey.fill(page.get_by_label("证号"), number)
        journey.click(page.get_by_role("button", name="保存"))
        expect(page.locator("main")).to_contain_text(licence)
        journey.click(page.get_by_role("link", name="员工", exact=True))  # the breadcrumb


def _create_team(journey: Journey, page: Page) -> None:
    """From the staff list: the team, then its two members (office hours: no pattern)."""
    journey.click(page.get_by_role("link", name="班组", exact=True))
    journey.click(page.get_by_role("link", name="新增班组"))
    journey.fill(page.get_by_label("编号"), "ENG")
    journey.fill(page.get_by_label("名称"), "工程部")
    journey.click(page.get_by_role("button", name="保存"))
    expect(page.get_by_role("heading", name=re.compile("工程部"))).to_be_visible()
    for username, name, _licence, _number in TECHNICIANS:
        journey.choose(page.get_by_label("员工", exact=True), f"{name} ({username})")
        journey.click(page.get_by_role("button", name="加入班组"))
        expect(page.locator("main")).to_contain_text(name)


def _import_ledger(journey: Journey, page: Page, size: str, sheet: Path) -> None:
    _menu(journey, page, size, "设备台账")
    journey.click(page.get_by_role("link", name="导入", exact=True))
    journey.pick_file(page.get_by_label("表格文件（.xlsx 或 .csv）"), sheet)
    journey.choose(page.get_by_label("项目"), "海月花园 (HY01)")
    journey.tick(page.get_by_label("自动创建缺少的位置"))
    journey.click(page.get_by_role("button", name="检查文件"))
    report = page.locator("#import-report")
    expect(report).to_contain_text(f"{ASSETS} 条新增")
    expect(report.locator("#type-mapping")).to_contain_text("曳引与强制驱动电梯")
    new_contractors = report.locator("#new-contractors")  # offered, ticked, created with it
    expect(new_contractors.get_by_label(LIFTS)).to_be_checked()
    expect(new_contractors.get_by_label(FIRE_SERVICE)).to_be_checked()
    journey.click(page.get_by_role("button", name="立即导入"))
    expect(page.get_by_role("alert").first).to_contain_text(f"新增 {ASSETS} 条")


def _apply_programmes(journey: Journey, page: Page) -> int:
    journey.click(page.get_by_role("link", name="批量应用保养计划"))
    preview = page.locator("#bulk-preview")
    expect(preview).to_contain_text(f"{ASSETS} 台设备")
    expect(page.locator("#coverage-ok")).to_be_visible()
    planned = int(re.search(r"\d+", page.locator("#bulk-confirm button").inner_text()).group())
    journey.click(page.locator("#bulk-confirm button"))
    expect(page.get_by_role("alert").first).to_contain_text(f"已创建 {planned} 个计划")
    return planned


def _nobodys(work: WorkOrder) -> bool:
    """Neither a person of ours nor the plan's contractor (contracted work goes to them)."""
    contractor = work.contractor_id or (work.plan.contractor_id if work.plan else None)
    return work.assignee_id is None and contractor is None


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_supervisor_schedules_a_fifty_asset_building_from_an_empty_database_in_minutes(
    journey_page: Callable[[str], Page], empty_app: Flask, tmp_path: Path, size: str
) -> None:
    sheet = write_ledger(tmp_path / "1号楼设备台账.xlsx")
    page = journey_page(size)
    journey = Journey(page)
    _log_in(journey, page)
    _create_site(journey, page, size)
    _add_technicians(journey, page, size)
    _create_team(journey, page)
    _import_ledger(journey, page, size, sheet)
    planned = _apply_programmes(journey, page)

    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Equipment)) == ASSETS
        assert db.session.scalar(select(func.count()).select_from(Plan)) == planned
        month = DEMO_MONDAY_MORNING + timedelta(days=28)
        first_weeks = db.session.scalars(select(WorkOrder).where(WorkOrder.due_at < month)).all()
        assert first_weeks, "the plans produced no work in the first four weeks"
        unassigned = [w for w in first_weeks if _nobodys(w)]
        why = {(w.plan.name if w.plan else "", str(w.reasons)) for w in unassigned}
        assert unassigned == [], f"{len(unassigned)} of {len(first_weeks)} unassigned: {why}"
        per_day: dict[Any, int] = {}
        for work in first_weeks:
            per_day[work.due_at.date()] = per_day.get(work.due_at.date(), 0) + 1
        assert max(per_day.values()) <= 3 * len(first_weeks) / 20, per_day  # no day-one pile

    minutes = journey.seconds(read_rates()) / 60
    print(
        f"journey 1 ({size}): {journey.clicks} clicks, {journey.fields} fields "
        f"({journey.latin} latin + {journey.chinese} chinese characters), "
        f"{journey.loads} page loads, {journey.files} file, ≈ {minutes:.1f} min"
    )
    assert journey.clicks <= MAX_CLICKS[size], journey.clicks
    assert journey.loads <= MAX_LOADS, journey.loads
    assert minutes * 60 <= GOAL_SECONDS, minutes


def test_the_rates_table_names_every_operator_the_estimate_uses() -> None:
    rates = read_rates()
    assert set(rates) >= {"mental", "point", "press", "keystroke", "pinyin_keys", "response",
                          "orient", "file_pick"}  # fmt: skip
    assert all(0 < value < 10 for value in rates.values())
