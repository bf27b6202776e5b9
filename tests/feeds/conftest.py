"""A small estate with pinned work orders around the pinned clock (Mon 2026-03-02 09:00 Shanghai).

阳光花园: 1号楼 (B1/水泵房 with the water tank, 1F/大堂, the 2# lift) and 2号楼 (a booster
pump). Technicians 张伟 and 李强 in 工程部, cleaner 王芳 in 保洁部. Work orders are created
directly, with fixed times, so feeds and golden files never depend on the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.services import Issued, issue_feed
from app.people.models import Team, TeamMembership, User
from app.plans.models import Plan
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder
from tests.conftest import TEST_PASSWORD

SH = ZoneInfo("Asia/Shanghai")
BASE_URL = "https://rounds.example.cn"
GOLDEN = Path(__file__).parent / "golden"


def at(day: str, clock: str = "09:00") -> datetime:
    """A Shanghai wall time as aware UTC."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SH).astimezone(UTC)


def items(*names: str, key_items: int = 1) -> list[dict[str, object]]:
    return [
        {"key": f"i{n:02d}", "names": {"zh": name, "en": f"item {n}"}, "kind": "check",
         **({"key_item": True} if n <= key_items else {})}
        for n, name in enumerate(names, start=1)
    ]  # fmt: skip


@dataclass
class Estate:
    site: Site
    building1: Location
    building2: Location
    pump_room: Location
    lobby: Location
    eng: Team
    cleaning: Team
    tech1: User
    tech2: User
    cleaner: User
    lead: User
    lift: Equipment
    tank: Equipment
    pump: Equipment
    lift_plan: Plan
    lift_quarterly: Plan
    tank_plan: Plan
    lobby_plan: Plan
    pump_plan: Plan
    orders: dict[str, WorkOrder]


@pytest.fixture
def estate(
    app: Flask,
    create_site: Callable[..., Site],
    create_location: Callable[..., Location],
    create_user: Callable[..., User],
    create_team: Callable[..., Team],
    create_membership: Callable[..., TeamMembership],
    create_equipment: Callable[..., Equipment],
    create_plan: Callable[..., Plan],
    create_work_order: Callable[..., WorkOrder],
) -> Estate:
    app.config["ROUNDS_BASE_URL"] = BASE_URL
    site = create_site("DEMO", "阳光花园", service_level=2)
    b1 = create_location(site, "T1", "1号楼", "building")
    basement = create_location(site, "T1-B1", "B1", "floor", parent=b1)
    pump_room = create_location(site, "T1-B1-WP", "水泵房", "plant_room", parent=basement)
    ground = create_location(site, "T1-1F", "1F", "floor", parent=b1)
    lobby = create_location(site, "T1-LOBBY", "大堂", "lobby", parent=ground)
    b2 = create_location(site, "T2", "2号楼", "building")

    tech1 = create_user("zhangwei", "张伟", "technician", password=TEST_PASSWORD)
    tech2 = create_user("liqiang", "李强", "technician", password=TEST_PASSWORD)
    cleaner = create_user("wangfang", "王芳", "cleaner", password=TEST_PASSWORD)
    lead = create_user("zhaolei", "赵磊", "supervisor", password=TEST_PASSWORD)
    eng = create_team(site, "ENG", "工程部", "engineering")
    cleaning = create_team(site, "CLN", "保洁部", "cleaning")
    create_membership(eng, tech1)
    create_membership(eng, tech2)
    create_membership(cleaning, cleaner)

    lift = create_equipment(site, "T1-L2", "2#客梯", "elevator", location=b1,
                            type_key="traction_elevator")  # fmt: skip
    tank = create_equipment(site, "T1-WT", "生活水箱", "water", location=pump_room,
                            type_key="water_tank")  # fmt: skip
    pump = create_equipment(site, "T2-BP", "生活变频泵组", "water", location=b2,
                            type_key="booster_pump_set")  # fmt: skip

    def plan(name: str, kind: str, checklist: list[dict[str, object]], **kw: object) -> Plan:
        return create_plan(site, name, rrule="FREQ=MONTHLY", kind=kind, checklist=checklist, **kw)

    lift_plan = plan(
        "电梯半月保养", "maintenance",
        items("机房、滑轮间环境", "手动紧急操作装置", "驱动主机", "制动器各销轴部位",
              "制动器间隙", "编码器", "限速器各销轴部位", "层门和轿门旁路装置",
              "紧急电动运行", "轿顶", "轿顶检修开关、停止装置", key_items=2),
        equipment_id=lift.id, catalog_type_key="traction_elevator",
        catalog_task_key="half_monthly", tier_group="tsg", tier_level=1,
    )  # fmt: skip
    lift_quarterly = plan(
        "电梯季度保养", "maintenance", items("减速机润滑油", "制动衬"),
        equipment_id=lift.id, catalog_type_key="traction_elevator",
        catalog_task_key="quarterly", tier_group="tsg", tier_level=2,
    )  # fmt: skip
    tank_plan = plan(
        "水箱清洗消毒", "maintenance", items("已清洗、消毒", "出水口取样", "记录已存档"),
        equipment_id=tank.id, catalog_type_key="water_tank",
        catalog_task_key="clean_disinfect_test", notes="提前一天张贴停水通知; 联系: 物业前台",
    )  # fmt: skip
    lobby_plan = plan(
        "大堂保洁", "cleaning", items("地面", "玻璃门"), location_id=lobby.id
    )  # fmt: skip
    pump_plan = plan(
        "水泵月度检查", "maintenance", items("运行声音", "压力表"), equipment_id=pump.id,
        catalog_type_key="booster_pump_set", catalog_task_key="monthly_check",
    )  # fmt: skip

    orders: dict[str, WorkOrder] = {}

    def order(
        key: str, plan: Plan, start: datetime, minutes: int, *, title: str,
        status: str = "assigned", assignee: User | None = None, team: Team | None = None,
        location: Location | None = None, includes: list[str] | None = None, **kw: object,
    ) -> None:  # fmt: skip
        orders[key] = create_work_order(
            plan, start, title=title, duration=timedelta(minutes=minutes), status=status,
            location_id=location.id if location else None, includes=includes or [],
            assignee_id=assignee.id if assignee else None, team_id=team.id if team else None,
            **kw,
        )  # fmt: skip

    lift_title = "电梯半月保养 · 1号楼 2#客梯"
    tank_title = "水箱清洗消毒 · 1号楼 生活水箱"
    moved = {"holiday": "元宵节", "from": "2026-03-03", "to": "2026-03-10"}
    lift_by_tech1 = {"title": lift_title, "assignee": tech1, "team": eng, "location": b1}
    order("lift_mar03", lift_plan, at("2026-03-03", "09:00"), 120, **lift_by_tech1,
          includes=[str(lift_plan.id)], revision=1)  # fmt: skip
    order("tank_mar10", tank_plan, at("2026-03-10", "08:00"), 360, title=tank_title,
          assignee=tech1, team=eng, location=pump_room,
          reasons=[{"code": "holiday_moved", "params": moved}])  # fmt: skip
    order("lift_mar18", lift_plan, at("2026-03-18", "09:00"), 180,
          title="电梯季度保养 · 1号楼 2#客梯", assignee=tech2, team=eng, location=b1,
          includes=[str(lift_plan.id), str(lift_quarterly.id)],
          tier=str(lift_quarterly.id))  # fmt: skip
    order("lobby_mar02", lobby_plan, at("2026-03-02", "07:00"), 60,
          title="大堂保洁 · 1号楼/1F/大堂", status="done", assignee=cleaner, team=cleaning,
          location=lobby)  # fmt: skip
    order("lift_cancelled", lift_plan, at("2026-03-05", "09:00"), 60, **lift_by_tech1,
          status="cancelled")  # fmt: skip
    order("lift_skipped", lift_plan, at("2026-03-20", "09:00"), 60, **lift_by_tech1,
          status="skipped")  # fmt: skip
    order("lift_far", lift_plan, at("2026-07-01", "09:00"), 60, **lift_by_tech1)
    order("lift_feb10", lift_plan, at("2026-02-10", "09:00"), 60, **lift_by_tech1,
          status="done")  # fmt: skip
    order("lift_old", lift_plan, at("2026-01-15", "09:00"), 60, **lift_by_tech1,
          status="done")  # fmt: skip
    order("lift_missed", lift_plan, at("2026-02-20", "09:00"), 60, **lift_by_tech1,
          status="missed")  # fmt: skip
    order("pump_mar12", pump_plan, at("2026-03-12", "14:00"), 45,
          title="水泵月度检查 · 2号楼 生活变频泵组", assignee=tech2, team=eng,
          location=b2)  # fmt: skip
    order("tank_unassigned", tank_plan, at("2026-05-20", "08:00"), 360, title=tank_title,
          status="planned", team=eng, location=pump_room,
          provisional_calendar=True)  # fmt: skip
    db.session.commit()
    return Estate(
        site, b1, b2, pump_room, lobby, eng, cleaning, tech1, tech2, cleaner, lead, lift, tank,
        pump, lift_plan, lift_quarterly, tank_plan, lobby_plan, pump_plan, orders,
    )  # fmt: skip


SCOPE_TARGETS: dict[str, tuple[str, str | None]] = {
    # scope: (owner username, target code)
    "person": ("zhangwei", None),
    "team": ("zhangwei", "DEMO:ENG"),
    "site": ("zhaolei", "DEMO"),
    "equipment": ("zhaolei", "DEMO:T1-L2"),
    "location": ("zhaolei", "DEMO:T1"),
    "building": ("zhaolei", "DEMO:T1"),
}


@pytest.fixture
def issue(estate: Estate) -> Callable[..., Issued]:
    """`issue("team")` makes the scope's link for its usual owner and commits."""

    def make(scope: str, **settings: int | None) -> Issued:
        username, code = SCOPE_TARGETS[scope]
        owner = db.session.query(User).filter_by(username=username).one()
        issued = issue_feed(owner, scope, code, **settings)
        db.session.commit()
        return issued

    return make


def path_of(issued: Issued) -> str:
    return issued.url.removeprefix(BASE_URL)


@pytest.fixture
def fetch(client: FlaskClient) -> Callable[..., bytes]:
    def get(issued: Issued) -> bytes:
        response = client.get(path_of(issued))
        assert response.status_code == 200, response.status_code
        return response.get_data()

    return get
