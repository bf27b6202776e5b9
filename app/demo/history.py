"""A year of work already done on the demo's equipment, so history pages, reading trends
and repair records have something to show from the first login.

What it does, after `create_demo_plans`:

* every maintenance and inspection plan of an asset starts about a year earlier, by
  whole periods of its rule (a weekly Monday plan stays on Mondays, a monthly one on
  the same day), so the future the plans step generated keeps its dates; lift tier
  chains start 14 months back (see `TIER_CHAIN_BACK`);
* the engine, through the scheduling mapping, gives the visits of the past 365 days
  (tiers, holidays, ceilings and rosters as they really are); each is recorded as
  done with answers in the completion code's own shape, a few late or missed;
* readings follow a gentle seasonal drift from a seeded RNG (`random.Random(asset
  code)`, so the same load day gives the same history); a few fail, and each failure
  raises its one corrective job through the corrective service, most of them repaired;
* the plans whose future depends on the past (completion anchors, ceilings, tier
  chains, round robin) are regenerated, flush only, so they count from the last
  demo completion.

Daily and more frequent plans keep every visit of the last week and one a week before
that (on the load day's weekday): a year of every-two-hours rounds would triple the
load time and tell a visitor nothing more, while a weekly point still draws a year's
trend. Visits are stored, not every one the rule made.

History is seed data: work orders and completions are written with bulk inserts and
make no audit entries (the audit log says what people did, and nobody did this). The
corrective jobs and the plans' new start dates go through the ORM and are audited as
done by "demo". Everything flushes inside the load's transaction; nothing commits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select

from app.core import clock
from app.core.validation import Problems
from app.demo.context import DemoContext
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan, PlanKind
from app.scheduling.generation import (
    SiteContext,
    assigner_for,
    group_members,
    plan_facts,
    regenerate_plan,
    row_for,
    team_of,
)
from app.scheduling.mapping import PlanFacts, Unit, base_of
from app.workorders.checklist import Item, RawAnswer, Result, evaluate, items_for
from app.workorders.completion import RecordRules, rules_for
from app.workorders.corrective import (
    due_for,
    link_new_jobs,
    priority_for_failure,
    raise_for_failures,
)
from app.workorders.models import Priority, WorkCompletion, WorkOrder, WorkOrderStatus
from schedules import Anchor, Assigner, Assignment, Occurrence, Status, Strategy, parse_rule
from schedules import generate as engine_generate

HISTORY = timedelta(days=365)
KINDS = (PlanKind.MAINTENANCE.value, PlanKind.INSPECTION.value)
TIER_CHAIN_BACK = relativedelta(years=1, months=2)
"""Tier chains (TSG T5002 半月/季度/半年/年度) start 14 months back as one group, so
that the year of history shows every tier done at least once and the last higher-tier
visit lies two months back."""
FULL_WEEK = 7  # days before the load day in which daily plans keep every visit
SAFETY_MANAGER = "supervisor"  # the user's safety manager (使用单位安全管理员) of the demo

MISSED_RATE = 0.03
LATE_RATE = 0.05
FAIL_RATE = 0.015
FREQUENT_FAIL_RATE = 0.004  # daily and more often: many more visits, each a quick look
OUT_OF_RANGE_RATE = 0.02  # of visits with a reading that can cross a limit
LATE_DAYS = (1, 3)
REPAIR_HOURS = {Priority.URGENT.value: (1, 2), Priority.HIGH.value: (2, 20)}
REPAIR_HOURS_NORMAL = (4, 60)
PARTS_WAIT_SHARE = 0.2  # of normal repairs, those waiting for parts, past the 72 h SLA
PARTS_WAIT_HOURS = (80, 200)
SIGN_OFF_DAYS = (1, 3)
SIGN_OFF_FROM = time(9, 30)

# rrule FREQ indexes of `schedules.parse_rule`
YEARLY, MONTHLY, WEEKLY, DAILY = 0, 1, 2, 3

FAIL_NOTE = "现场发现异常，已报修"
CONTRACTOR_CREWS: dict[str, tuple[str, ...]] = {
    "elevator": ("黄志刚", "陈晓东", "李国华", "吴建平"),
    "fire": ("陆文斌", "何志明", "孙海涛"),
}
AUTHORITY_CREW = ("检验员 刘强", "检验员 高峰")
OUTSIDE_CREW = ("外委技术员 赵磊", "外委技术员 钱鹏", "外委技术员 郑凯")
REPORT_PREFIX = "BG"
TEXT_ANSWERS: dict[str, str] = {
    "pi02": "报告编号 {report}，结论：合格",
    "st01": "自检报告 {report}，结论：合格",
    "h03": "设备运行正常，无火警、故障信息，交接清楚",
    "m01": "各系统功能检查正常",
}
TEXT_DEFAULT = "正常"


class Typical(NamedTuple):
    """Where a healthy reading lies, and how far the seasons move it along that band."""

    low: float
    high: float
    decimals: int = 1
    season: float = 0.2  # +: highest in July, -: highest in January (fraction of the band)


# The catalog gives limits for few readings; these are what a healthy asset shows.
TYPICAL: dict[tuple[str, str], Typical] = {
    ("traction_elevator", "hm23"): Typical(2, 8, 0, 0),
    ("traction_elevator", "hm29"): Typical(8, 11, 1, 0),
    ("traction_elevator", "gc01"): Typical(2.0, 2.2, 2, 0),
    ("escalator", "q01"): Typical(0.3, 1.6, 1, 0),
    ("water_tank", "w01"): Typical(2, 8, 0),
    ("water_tank", "w02"): Typical(0.2, 0.6, 2),
    ("water_tank", "w05"): Typical(7.0, 7.8, 1),
    ("water_tank", "w07"): Typical(5, 40, 0, 0.5),
    ("water_tank", "w08"): Typical(0.1, 0.4, 2, -0.3),
    ("booster_pump_set", "d01"): Typical(0.52, 0.62, 3, -0.5),
    ("booster_pump_set", "d02"): Typical(14, 22, 1, 0.6),
    ("booster_pump_set", "m01"): Typical(0.40, 0.46, 2, 0),
    ("booster_pump_set", "q02"): Typical(50, 200, 0, -0.3),
    ("booster_pump_set", "y03"): Typical(2000, 8000, 0, 0),
    ("fire_pump", "w03"): Typical(0.85, 1.0, 2, 0),
    ("fire_pump", "q01"): Typical(38, 42, 1, 0),
    ("fire_pump", "q02"): Typical(0.85, 0.95, 2, 0),
    ("jockey_pump", "d01"): Typical(0.62, 0.66, 2, 0),
    ("jockey_pump", "d02"): Typical(0.70, 0.74, 2, 0),
    ("jockey_pump", "d03"): Typical(0, 6, 0, 0.3),
    ("jockey_pump", "m01"): Typical(0.6, 0.7, 2, 0),
    ("fire_water_tank", "t01"): Typical(7, 12, 1, 0.6),
    ("fire_water_tank", "t02"): Typical(6, 10, 1, 0.6),
    ("fire_water_tank", "q01"): Typical(0.18, 0.28, 2, -0.3),
    ("fire_alarm_panel", "b01"): Typical(35, 60, 0, 0),
    ("sprinkler_alarm_valve", "q02"): Typical(0.10, 0.20, 2, 0),
    ("emergency_lighting", "m02"): Typical(35, 60, 0, 0),
    ("emergency_lighting", "y01"): Typical(60, 90, 0, 0),
    ("transformer", "d01"): Typical(55, 85, 1, 0.7),
    ("transformer", "d02"): Typical(600, 1100, 0, 0.7),
    ("transformer", "i01"): Typical(60, 90, 1, 0.7),
    ("lv_switchgear", "l01"): Typical(18, 28, 0, 0),
    ("lv_switchgear", "l02"): Typical(15, 35, 0, 0),
    ("diesel_generator", "w02"): Typical(26.5, 27.8, 1, -0.2),
    ("diesel_generator", "h01"): Typical(35, 45, 0, 0),
    ("diesel_generator", "h02"): Typical(1.0, 1.5, 1, 0),
    ("diesel_generator", "h03"): Typical(5.0, 6.5, 1, -0.3),
    ("ups", "y01"): Typical(20, 35, 0, 0),
    ("lightning_protection", "t01"): Typical(1.5, 4.5, 1, -0.3),
    ("lightning_protection", "t02"): Typical(2, 8, 1, -0.3),
    ("nvr", "d03"): Typical(32, 45, 0, 0),
    ("barrier_gate", "d03"): Typical(95, 99.5, 1, -0.2),
    ("chiller", "d01"): Typical(0.30, 0.38, 2, 0.3),
    ("chiller", "d02"): Typical(0.9, 1.2, 2, 0.7),
    ("chiller", "d03"): Typical(7, 12, 1, 0.3),
    ("chiller", "d04"): Typical(180, 320, 0, 0.7),
    ("cooling_tower", "m01"): Typical(20, 100, 0, -0.3),
    ("public_lighting", "m01"): Typical(0, 3, 0, -0.3),
    ("landscape_lighting", "m01"): Typical(0, 3, 0, -0.3),
}


class Repair(NamedTuple):
    """What a repair found and used, for failed items whose name mentions a keyword."""

    keywords: tuple[str, ...]
    cause: str
    parts: str
    stops: bool = False  # the fault takes the asset out of service until repaired


# First match on the failed item's Chinese name wins, so the specific come first.
REPAIRS: tuple[Repair, ...] = (
    Repair(
        ("啮合", "门锁", "层门"), "层门锁紧元件啮合深度不足，已调整锁钩并复测", "锁钩弹簧 1只", True
    ),
    Repair(("扶手",), "扶手带驱动轮磨损打滑，已更换", "扶手驱动轮 1只", True),
    Repair(("制动",), "制动器闸瓦磨损，已调整制动间隙并试验", "制动闸瓦 1副", True),
    Repair(("检修开关", "停止装置"), "停止开关触点接触不良，已更换", "急停开关 1只", True),
    Repair(("围裙板", "梯级", "踏板"), "梯级与围裙板间隙超标，已调整", "", True),
    Repair(("张紧", "链"), "张紧开关位置偏移，已调整并试验", ""),
    Repair(("报警装置", "对讲系统"), "轿内对讲线路接触不良，已重新压接", "对讲话机 1只", True),
    Repair(("接地电阻", "防静电"), "接地引下线连接处锈蚀，已除锈紧固复测", "镀锌扁钢 2 m"),
    Repair(("室温", "水温"), "伴热带温控器故障，已更换并加强保温", "温控器 1只"),
    Repair(("灭火器", "器头", "喷射"), "灭火器器头损坏，已送修充装并临时替换", "干粉灭火器 1具"),
    Repair(("启动",), "控制回路接触器触点烧蚀，已更换后试验正常", "接触器 1只", True),
    Repair(("切换",), "备用泵切换不成功，控制柜中间继电器故障，已更换", "中间继电器 2只"),
    Repair(("振动", "声响", "异响"), "电机轴承磨损异响，已更换轴承", "轴承 2只"),
    Repair(("压力",), "压力表失准，已更换并校验", "压力表 1只"),
    Repair(("控制阀", "全开"), "控制阀被误关，已恢复全开并加锁", "阀门锁具 1把"),
    Repair(("渗漏", "漏"), "阀门密封老化渗漏，已更换密封件", "密封垫 2只"),
    Repair(("浮球", "高水位"), "浮球开关卡滞，已清理并更换", "浮球开关 1只"),
    Repair(("容积", "液位", "水位"), "液位控制阀失灵，已检修", "浮球阀 1只"),
    Repair(("人孔", "上锁"), "人孔盖锁损坏，已更换", "不锈钢挂锁 1把"),
    Repair(("闭门器", "顺序器"), "闭门器失效，已更换", "闭门器 1只"),
    Repair(("应急照明",), "应急照明控制器联动模块故障，已更换", "联动模块 1块"),
    Repair(("电池", "电源", "放电"), "蓄电池容量不足，已更换", "蓄电池组 1组"),
    Repair(("清洁", "清洗", "杂物", "污染"), "积尘、杂物未清理到位，已重新清理", ""),
    Repair(("通道", "录像", "保存天数"), "硬盘坏道导致录像缺失，已更换硬盘", "监控硬盘 8 TB 1块"),
    Repair(("防砸", "地感"), "地感线圈接线松动，已重新接线并调试", "接线端子 2只", True),
    Repair(("闸杆",), "闸杆固定螺栓松动，已紧固并调整平衡弹簧", "螺栓 4套"),
    Repair(("呼叫", "通话", "开锁"), "门口机按键板损坏，已更换", "按键板 1块"),
    Repair(("电锁", "门禁", "门状态"), "电锁锁舌卡滞，已更换电锁", "电控锁 1把"),
    Repair(("排水",), "排水沟杂物堵塞，已清理疏通", ""),
    Repair(("防虫网",), "防虫网破损，已更换", "不锈钢防虫网 1片"),
    Repair(("温度", "过热", "异味"), "接线端子松动发热，已紧固并复测温度", "铜接线端子 3只"),
    Repair(("仪表", "读数", "指示"), "仪表指示失准，已校验更换", "仪表 1只"),
    Repair(("记录",), "值班记录不完整，已补记并对值班员再培训", ""),
    Repair(("自动状态",), "联动控制器被置于手动，已恢复自动并加强交接检查", ""),
    Repair(("润滑",), "传动部件缺油，已清洁润滑", "润滑脂 1支"),
    Repair(("感应开关",), "感应开关损坏，已更换", "人体感应开关 1只"),
    Repair(("线路",), "线路接头松动，已紧固", "接线端子 4只"),
    Repair(("灯",), "灯具驱动电源损坏，已更换", "LED驱动电源 2只"),
)
REPAIR_DEFAULT = Repair((), "部件老化失效，已更换并复测正常", "配件 1套")


@dataclass
class _Failure:
    """One failed item of a visit and how its repair went (decided when it failed)."""

    key: str
    repaired_at: datetime | None  # None: still open on the load day
    cause: str
    parts: str
    down: bool
    rng: random.Random


@dataclass
class _Visit:
    row: dict[str, Any]
    completion: dict[str, Any] | None = None
    failure: _Failure | None = None

    @property
    def key(self) -> tuple[int, datetime]:
        return self.row["plan_id"], self.row["slot"]


@dataclass
class _Checklist:
    items: list[Item]
    rules: RecordRules


@dataclass
class _Book:
    """What recording needs to look up, built once per load."""

    ctx: DemoContext
    context: SiteContext
    now: datetime
    plans: dict[int, Plan]
    rngs: dict[str, random.Random] = field(default_factory=dict)
    checklists: dict[tuple[int, tuple[str, ...]], _Checklist] = field(default_factory=dict)
    # (asset, item) → until when a repair job raised for it stays open
    open_jobs: dict[tuple[int, str], datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.ctx.site.timezone)
        self.today = self.now.astimezone(self.tz).date()
        self.pool = self.context.site_pool()
        self.equipment = {e.id: e for e in self.ctx.equipment.values()}
        self.names = {u.id: u.name for u in self.ctx.users.values()}
        self.contractor_keys = {c.id: key for key, c in self.ctx.contractors.items()}
        self.contractor_names = {c.id: c.name for c in self.ctx.contractors.values()}
        self.safety_manager = self.ctx.users[SAFETY_MANAGER]

    def rng(self, asset_code: str) -> random.Random:
        if asset_code not in self.rngs:
            self.rngs[asset_code] = random.Random(asset_code)
        return self.rngs[asset_code]

    def member(self, team_id: int | None, rng: random.Random) -> int | None:
        members = self.pool.members_of(team_id) if team_id is not None else ()
        return rng.choice(members) if members else None

    def checklist(self, unit: Unit, occurrence: Occurrence) -> _Checklist:
        """The items and record rules of a visit, asked of the completion code itself."""
        key = (unit.base.id or 0, occurrence.includes)
        if key not in self.checklists:
            probe = WorkOrder(
                includes=list(occurrence.includes),
                plan=self.plans[unit.base.id or 0],
                equipment=self.equipment.get(unit.base.equipment_id or 0),
            )
            self.checklists[key] = _Checklist(items_for(probe), rules_for(probe))
        return self.checklists[key]

    def outside_crew(self, unit: Unit) -> tuple[str, ...] | None:
        """Names of the outside people who do the work, or None for our own staff."""
        base = unit.base
        contractor_id = base.contractor_id
        if contractor_id is None and base.performer == "licensed_contractor":
            equipment = self.equipment.get(base.equipment_id or 0)
            contractor_id = equipment.maintainer_contractor_id if equipment else None
        if contractor_id is not None:
            return CONTRACTOR_CREWS.get(self.contractor_keys.get(contractor_id, ""), OUTSIDE_CREW)
        if base.performer == "authority_inspection":
            return AUTHORITY_CREW
        if base.performer == "licensed_contractor":
            return OUTSIDE_CREW
        return None

    def maintenance_unit(self, unit: Unit) -> str:
        equipment = self.equipment.get(unit.base.equipment_id or 0)
        contractor_id = unit.base.contractor_id or (
            equipment.maintainer_contractor_id if equipment else None
        )
        return self.contractor_names.get(contractor_id or 0, "")


def create_demo_history(ctx: DemoContext) -> None:
    """Record the past year of the demo's equipment plans as done (see the module doc)."""
    now = clock.utcnow()
    plans = list(
        db.session.scalars(
            select(Plan)
            .where(
                Plan.site_id == ctx.site.id,
                Plan.kind.in_(KINDS),
                Plan.equipment_id.is_not(None),
                Plan.active.is_(True),
            )
            .order_by(Plan.id)
        )
    )
    if not plans:
        return
    _start_earlier(plans)
    context = SiteContext(ctx.site)
    book = _Book(ctx, context, now, {p.id: p for p in plans})
    units = _units(context, plans)
    visits = [visit for unit in units for visit in _visits(book, unit)]
    visits.sort(key=lambda v: (v.row["due_at"], v.row["plan_id"]))
    db.session.execute(insert(WorkOrder.__table__), [v.row for v in visits])
    ids = _stored_ids([u.base.id for u in units if u.base.id is not None], now)
    jobs = _raise_jobs(book, visits, ids)
    completions = [
        {**v.completion, "work_order_id": ids[v.key]} for v in visits if v.completion is not None
    ]
    if completions or jobs:
        db.session.execute(insert(WorkCompletion.__table__), completions + jobs)
    for unit in units:
        if _follows_history(unit):
            regenerate_plan(unit.base.id or 0)


# --- plans and units -------------------------------------------------------------------------


def _start_earlier(plans: Sequence[Plan]) -> None:
    """Each plan starts a year or more back, by whole rule periods; a tier chain as one."""
    for plan in plans:
        if plan.tier_group:
            plan.starts_on = plan.starts_on - TIER_CHAIN_BACK
        else:
            plan.starts_on = plan.starts_on - _periods_back(plan.rrule)
    db.session.flush()


def _periods_back(rrule: str) -> relativedelta:
    """The least whole number of the rule's periods covering a year."""
    rule = parse_rule(rrule)
    interval = rule.interval
    if rule.freq == YEARLY:
        return relativedelta(years=interval)
    if rule.freq == MONTHLY:
        return relativedelta(months=interval * math.ceil(12 / interval))
    if rule.freq == WEEKLY:
        return relativedelta(weeks=interval * math.ceil(HISTORY.days / (7 * interval)))
    if rule.freq == DAILY:
        return relativedelta(days=interval * math.ceil(HISTORY.days / interval))
    return relativedelta(days=HISTORY.days)  # hourly rules: whole days keep their phase


def _units(context: SiteContext, plans: Sequence[Plan]) -> list[Unit]:
    """Plans as the engine schedules them: one unit per plan or tier chain."""
    facts = plan_facts(p.id for p in plans)
    groups = group_members(facts)
    members: list[list[PlanFacts]] = []
    seen: set[int] = set()
    for plan in facts:
        chain = groups.get(plan.group_key, [plan]) if plan.group_key else [plan]
        base = base_of(chain)
        if base.id is not None and base.id not in seen:
            seen.add(base.id)
            members.append(chain)
    return context.units(members, [])


def _follows_history(unit: Unit) -> bool:
    """Whether the unit's future depends on what was done or when the plan started.

    Completion-anchored plans, ceilings and round robin count from the last visits
    (`generation.unit_history`); tier chains and age bands have grids a whole number
    of the base rule's periods cannot keep in phase. Any other plan started whole
    periods earlier has the future the plans step stored already.
    """
    plan = unit.plan
    return bool(
        plan.anchor is Anchor.COMPLETION
        or plan.ceiling_days
        or plan.tiers
        or plan.age_bands
        or unit.base.assignment_strategy == Strategy.ROUND_ROBIN.value
    )


def _frequent(rrule: str) -> bool:
    """Daily or more often: thinned to a visit a week before the last week."""
    rule = parse_rule(rrule)
    return rule.freq > DAILY or (rule.freq == DAILY and rule.interval == 1)


class _Thinning:
    """Which visits of a daily (or hourly) plan are stored: all in the last week, else the
    first of each day a whole number of weeks before the load day."""

    def __init__(self, today: date, tz: ZoneInfo) -> None:
        self.today = today
        self.tz = tz
        self.days: set[date] = set()
        self.kept: dict[datetime, bool] = {}

    def keep(self, due: datetime) -> bool:
        if due not in self.kept:
            self.kept[due] = self._first_keep(due)
        return self.kept[due]

    def _first_keep(self, due: datetime) -> bool:
        day = due.astimezone(self.tz).date()
        back = (self.today - day).days
        if back < FULL_WEEK:
            return True
        if back % 7 or day in self.days:
            return False
        self.days.add(day)
        return True


@dataclass(frozen=True)
class _KeptOnly:
    """Assigns only the visits that are stored: a dropped daily visit takes nobody's turn
    and costs no roster look-up."""

    inner: Assigner
    thinning: _Thinning

    def assign(self, due: datetime, ends: datetime) -> Assignment:
        return self.inner.assign(due, ends) if self.thinning.keep(due) else Assignment()


# --- visits ----------------------------------------------------------------------------------


def _visits(book: _Book, unit: Unit) -> Iterator[_Visit]:
    """The unit's stored visits of the past year, recorded as they went."""
    equipment = book.equipment[unit.base.equipment_id or 0]
    rng = book.rng(equipment.asset_code)
    thinning = _Thinning(book.today, book.tz) if _frequent(unit.base.rrule) else None
    assigner: Assigner | None = assigner_for(unit, book.pool, None)
    if assigner is not None and thinning is not None:
        assigner = _KeptOnly(assigner, thinning)
    start = book.now - HISTORY
    end = book.now + timedelta(microseconds=1)  # a visit due right now is today's work
    for occurrence in engine_generate(
        unit.plan, book.context.calendar, start, end, assigner=assigner
    ):
        if occurrence.due > book.now:
            continue  # generation stores it with the future
        if thinning is not None and not thinning.keep(occurrence.due):
            continue
        visit = _Visit({**row_for(unit, occurrence, book.now), "started_at": None})
        if occurrence.status is Status.PLANNED:
            _record(book, unit, occurrence, visit, rng)
        yield visit


def _record(
    book: _Book, unit: Unit, occurrence: Occurrence, visit: _Visit, rng: random.Random
) -> None:
    """Done (mostly in time), late or missed; a visit not finished by now stays open."""
    plan = book.plans[unit.base.id or 0]
    checklist = book.checklist(unit, occurrence)
    strict = bool(plan.ceiling_days) or checklist.rules.statutory
    frequent = _frequent(unit.base.rrule)
    roll = rng.random()
    duration = occurrence.ends - occurrence.due
    lead = rng.uniform(0, 0.25)
    work = rng.uniform(0.6, 1.0) * (1 - lead)
    started = max(occurrence.due, _minute(occurrence.due + duration * lead))
    finished = _minute(occurrence.due + duration * (lead + work))
    row = visit.row
    if not strict and roll < MISSED_RATE and occurrence.window_end < book.now:
        row.update(status=WorkOrderStatus.MISSED.value, revision=1)
        return
    late = not strict and not frequent and roll < MISSED_RATE + LATE_RATE
    if late:
        delay = timedelta(days=rng.randint(*LATE_DAYS))
        if finished + delay <= book.now:
            started, finished = started + delay, finished + delay
        else:
            late = False
    if finished > book.now:
        return  # today's work, not done yet
    report = _report_number(finished, rng)
    answers, failure = _answers(book, unit, occurrence, checklist, finished, report, rng)
    visit.failure = failure
    status = WorkOrderStatus.DONE_LATE if late else WorkOrderStatus.DONE
    row.update(
        status=status.value,
        started_at=started,
        completed_at=finished,
        touched=True,
        revision=1,
    )
    visit.completion = _completion(
        book, unit, occurrence, checklist.rules, answers, started, finished, late, report, rng
    )


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def _completion(
    book: _Book,
    unit: Unit,
    occurrence: Occurrence,
    rules: RecordRules,
    answers: list[dict[str, Any]],
    started: datetime,
    finished: datetime,
    late: bool,
    report: str,
    rng: random.Random,
) -> dict[str, Any]:
    """The completion row: who did it, who signed, and the statutory record fields."""
    plan = book.plans[unit.base.id or 0]
    size = max(rules.min_crew, plan.crew_size or 1)
    outside = book.outside_crew(unit)
    team_id = team_of(unit)
    if outside is not None:
        names = rng.sample(outside, min(size, len(outside)))
        recorder = book.member(team_id, rng) or book.safety_manager.id
        crew = [{"user_id": None, "name": name} for name in names]
        signature = names[0]
    else:
        lead = int(occurrence.assignee) if occurrence.assignee else book.member(team_id, rng)
        recorder = lead or book.safety_manager.id
        others = [m for m in book.pool.members_of(team_id or 0) if m != recorder]
        helpers = rng.sample(others, min(size - 1, len(others)))
        crew = [{"user_id": u, "name": book.names.get(u, "")} for u in (recorder, *helpers)]
        signature = book.names.get(recorder, "")
    signed_off = _sign_off(finished, book.tz, rng)
    elevator = rules.elevator
    return {
        **_completion_row(recorder, started, finished, crew=crew, signature=signature),
        "late": late,
        "answers": answers,
        "statutory": rules.statutory,
        "maintenance_unit": book.maintenance_unit(unit) if elevator else "",
        "safety_manager_name": book.safety_manager.name if elevator else "",
        "safety_manager_signed_at": signed_off if elevator and signed_off <= book.now else None,
        "report_number": report if rules.needs_report else "",
    }


def _sign_off(finished: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """The safety manager countersigns in office hours a day or so after the visit."""
    day = finished.astimezone(tz).date() + timedelta(days=rng.randint(*SIGN_OFF_DAYS))
    at = datetime.combine(day, SIGN_OFF_FROM, tz) + timedelta(minutes=rng.randint(0, 360))
    return at.astimezone(UTC)


def _report_number(finished: datetime, rng: random.Random) -> str:
    return f"{REPORT_PREFIX}-{finished:%Y%m%d}-{rng.randint(100, 999)}"


# --- answers ---------------------------------------------------------------------------------


def _season(day: date) -> float:
    """-1 in mid-January, +1 in mid-July."""
    return -math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)


def _typical(type_key: str, item: Item) -> Typical:
    known = TYPICAL.get((type_key, item.key))
    if known is not None:
        return known
    low, high = item.min, item.max
    if low is not None and high is not None:
        span = high - low
        return Typical(low + 0.2 * span, high - 0.2 * span)
    if low is not None:
        return Typical(low * 1.2 if low else 1, low * 1.6 if low else 5)
    if high is not None:
        return Typical(high * 0.3, high * 0.7)
    return Typical(1, 10)


def _reading(typical: Typical, day: date, rng: random.Random) -> float:
    share = 0.5 + 0.5 * typical.season * _season(day) + rng.gauss(0, 0.12)
    share = min(max(share, 0.03), 0.97)
    return round(typical.low + (typical.high - typical.low) * share, typical.decimals)


def _text(value: float, typical: Typical) -> str:
    return f"{value:.{typical.decimals}f}"


def _breach(item: Item, typical: Typical, rng: random.Random) -> float | None:
    """A reading just past a limit that can really be crossed, or None."""
    if item.min is not None and item.min > 0:
        value = round(item.min * rng.uniform(0.7, 0.95), typical.decimals)
    elif item.max is not None and not (item.unit == "%" and item.max >= 100):
        value = round(item.max * rng.uniform(1.05, 1.3) + 10**-typical.decimals, typical.decimals)
    else:
        return None
    return value if item.out_of_range(value) else None


def _answers(
    book: _Book,
    unit: Unit,
    occurrence: Occurrence,
    checklist: _Checklist,
    finished: datetime,
    report: str,
    rng: random.Random,
) -> tuple[list[dict[str, Any]], _Failure | None]:
    """Answers as the completion code writes them; rarely one item fails."""
    equipment = book.equipment[unit.base.equipment_id or 0]
    type_key = equipment.type_key or ""
    day = occurrence.due.astimezone(book.tz).date()
    raw: dict[str, RawAnswer] = {}
    breaches: dict[str, str] = {}
    for item in checklist.items:
        if item.kind == "reading":
            typical = _typical(type_key, item)
            raw[item.key] = RawAnswer(value=_text(_reading(typical, day, rng), typical))
            if (value := _breach(item, typical, rng)) is not None:
                breaches[item.key] = _text(value, typical)
        elif item.kind == "choice":
            raw[item.key] = RawAnswer(choice=item.choices[0][0] if item.choices else "")
        elif item.kind == "text":
            raw[item.key] = RawAnswer(
                text=TEXT_ANSWERS.get(item.key, TEXT_DEFAULT).format(report=report)
            )
        else:
            raw[item.key] = RawAnswer(result=Result.PASS)
    rate = FREQUENT_FAIL_RATE if _frequent(unit.base.rrule) else FAIL_RATE
    roll = rng.random()
    failing: list[Item] = []
    if breaches and roll < OUT_OF_RANGE_RATE:
        failing = [i for i in checklist.items if i.key in breaches]
    elif roll >= 1 - rate:
        failing = [i for i in checklist.items if i.kind == "check"]
    failure = _fail(book, equipment, failing, raw, breaches, finished, rng) if failing else None
    photos = {item.key for item in checklist.items if item.photo_required}
    answers = evaluate(checklist.items, raw, photos, Problems()).answers
    return answers, failure


def _fail(
    book: _Book,
    equipment: Equipment,
    items: Sequence[Item],
    raw: dict[str, RawAnswer],
    breaches: dict[str, str],
    finished: datetime,
    rng: random.Random,
) -> _Failure | None:
    """Fail one of `items` (readings past their limit, or checks) unless a job raised for
    it is still open then: one failure makes one job."""
    free = [i for i in items if book.open_jobs.get((equipment.id, i.key), finished) <= finished]
    if not free:
        return None
    item = rng.choice(free)
    if item.key in breaches:
        raw[item.key] = RawAnswer(value=breaches[item.key], note=FAIL_NOTE)
    else:
        raw[item.key] = RawAnswer(result=Result.FAIL, note=FAIL_NOTE)
    priority = priority_for_failure({"key_item": item.key_item})
    low, high = REPAIR_HOURS.get(priority, REPAIR_HOURS_NORMAL)
    if priority == Priority.NORMAL.value and rng.random() < PARTS_WAIT_SHARE:
        low, high = PARTS_WAIT_HOURS
    fixed = _minute(finished + timedelta(hours=rng.uniform(low, high)))
    repaired = fixed if fixed <= book.now else None
    repair = _repair_for(item)
    job_rng = random.Random(f"{equipment.asset_code}:{finished.isoformat()}:{item.key}")
    book.open_jobs[(equipment.id, item.key)] = repaired or book.now + HISTORY
    return _Failure(item.key, repaired, repair.cause, repair.parts, repair.stops, job_rng)


def _repair_for(item: Item) -> Repair:
    name = item.label_pair[0]
    return next((r for r in REPAIRS if any(k in name for k in r.keywords)), REPAIR_DEFAULT)


# --- storing ---------------------------------------------------------------------------------


def _stored_ids(plan_ids: list[int], now: datetime) -> dict[tuple[int, datetime], int]:
    rows = db.session.execute(
        select(WorkOrder.id, WorkOrder.plan_id, WorkOrder.slot).where(
            WorkOrder.plan_id.in_(plan_ids), WorkOrder.due_at <= now
        )
    )
    return {(row.plan_id, row.slot): row.id for row in rows}


def _raise_jobs(
    book: _Book, visits: Sequence[_Visit], ids: dict[tuple[int, datetime], int]
) -> list[dict[str, Any]]:
    """One corrective job per failed item, raised by the corrective service in the order
    the failures happened and dated then; returns the completion rows of repaired ones."""
    failing = [v for v in visits if v.failure is not None and v.completion is not None]
    failing.sort(key=lambda v: v.completion["finished_at"])  # type: ignore[index]
    repairs: list[tuple[WorkOrder, _Failure]] = []
    for visit in failing:
        assert visit.completion is not None and visit.failure is not None
        source = db.session.get(WorkOrder, ids[visit.key])
        assert source is not None
        answers = visit.completion["answers"]
        jobs = raise_for_failures(source, answers)
        raised = visit.completion["finished_at"]
        for job in jobs:
            _backdate(job, raised, visit.failure)
            repairs.append((job, visit.failure))
        db.session.flush()
        visit.completion["answers"] = link_new_jobs(answers, jobs)
    return [_repair(book, job, failure) for job, failure in repairs if failure.repaired_at]


def _backdate(job: WorkOrder, raised: datetime, failure: _Failure) -> None:
    """The job as the service raised it at the visit, repaired later or still open."""
    due = due_for(job.priority or Priority.NORMAL.value, raised)
    job.created_at = raised
    job.window_start = raised
    job.due_at = job.ends_at = job.window_end = due
    job.equipment_down = failure.down
    if failure.repaired_at is not None:
        late = failure.repaired_at > due
        job.status = (WorkOrderStatus.DONE_LATE if late else WorkOrderStatus.DONE).value
        job.started_at = failure.repaired_at - timedelta(minutes=failure.rng.randint(30, 120))
        job.completed_at = failure.repaired_at
        job.revision = 1
        job.updated_at = failure.repaired_at


def _repair(book: _Book, job: WorkOrder, failure: _Failure) -> dict[str, Any]:
    """The completion row of a repaired job: who fixed it, the cause and the parts."""
    assert failure.repaired_at is not None and job.started_at is not None
    rng = failure.rng
    if job.contractor_id is not None:
        outside = CONTRACTOR_CREWS.get(
            book.contractor_keys.get(job.contractor_id, ""), OUTSIDE_CREW
        )
        names = rng.sample(outside, min(2, len(outside)))
        crew = [{"user_id": None, "name": name} for name in names]
        recorder = book.safety_manager.id
        signature = names[0]
    else:
        recorder = book.member(job.team_id, rng) or book.safety_manager.id
        crew = [{"user_id": recorder, "name": book.names.get(recorder, "")}]
        signature = book.names.get(recorder, "")
    return {
        **_completion_row(
            recorder, job.started_at, failure.repaired_at, crew=crew, signature=signature
        ),
        "work_order_id": job.id,
        "late": job.status == WorkOrderStatus.DONE_LATE.value,
        "cause": failure.cause,
        "parts_used": failure.parts,
    }


def _completion_row(
    completed_by: int,
    started: datetime,
    finished: datetime,
    *,
    crew: list[dict[str, Any]],
    signature: str,
) -> dict[str, Any]:
    """Every column of a completion row (a bulk insert names them all), signed at the finish."""
    return {
        "completed_by_id": completed_by,
        "started_at": started,
        "finished_at": finished,
        "late": False,
        "answers": [],
        "note": "",
        "crew": crew,
        "signature_name": signature,
        "signed_at": finished,
        "cause": "",
        "parts_used": "",
        "statutory": False,
        "maintenance_unit": "",
        "safety_manager_name": "",
        "safety_manager_signed_at": None,
        "report_number": "",
        "from_paper": False,
        "created_at": finished,
        "updated_at": finished,
        "version": 1,
    }
