"""A reference portfolio for benchmarks: 20 sites, 20,000 assets, 60,000 plans at scale 1.

Deterministic from a seed, written with Core bulk inserts and explicit ids (so two
databases built from one seed are identical). Per site, at scale 1:

* 100 elevators: a TSG T5002 tier group (half-monthly every 15 days ⊂ quarterly ⊂
  half-yearly ⊂ annual, 15-day ceiling, holidays → next working day), by contractor;
* 250 fire assets: monthly inspection (licensed in-house) + annual test (contractor);
* 200 water assets: weekly inspection, monthly maintenance, half-yearly tank cleaning;
* 200 power assets: monthly inspection (electricians), half-yearly infrared, annual test;
* 150 HVAC assets: filter every 30 days after the last change (completion anchor),
  quarterly service, monthly cooling-tower cleaning in season (Apr–Oct);
* 100 generators: weekly no-load run, yearly load test, age bands (twice a year at 10+);
* 50 security patrol rounds a day (holidays ignored, round robin on a 4-team roster);
* 200 cleaning lists (120 daily, 60 weekly, 20 monthly) on a two-shift cleaning team.

Teams: engineering (四班三运转, 16), electricians (行政班, 6, one licence expired),
fire (行政班, 4), security (四班三运转, 24), cleaning (两班倒, 20); a few leaves.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, text

from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Licence, Team, TeamMembership, User
from app.plans.models import Plan
from app.rosters.models import StaffLeave
from app.sites.models import Location, Site

SITES = 20
STARTS = dt.date(2025, 1, 1)
INSERT_CHUNK = 5000


@dataclass
class Counts:
    sites: int = 0
    equipment: int = 0
    plans: int = 0
    people: int = 0
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Ids:
    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        value = self._next.get(table, 0) + 1
        self._next[table] = value
        return value


@dataclass(frozen=True)
class _Task:
    name: str
    rrule: str
    policy: str = "next"
    time: dt.time = dt.time(9)
    team: str | None = None
    licence: str | None = None
    performer: str = "in_house"
    anchor: str = "fixed"
    ceiling: int | None = None
    tolerance: int = 0
    seasons: tuple[dict[str, Any], ...] = ()
    age_bands: tuple[dict[str, Any], ...] = ()
    strategy: str = "fixed"
    task_key: str | None = None


COOLING_SEASON = {"from": "04-01", "to": "10-31", "label": {"zh": "制冷季", "en": "cooling"}}
ELEVATOR = (
    _Task("电梯半月保养", "FREQ=DAILY;INTERVAL=15", ceiling=15, performer="licensed_contractor"),
    _Task("电梯季度保养", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", performer="licensed_contractor"),
    _Task("电梯半年保养", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15", performer="licensed_contractor"),
    _Task("电梯年度保养", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=15", performer="licensed_contractor"),
)
PROGRAMMES: dict[str, tuple[int, tuple[_Task, ...]]] = {
    "fire": (
        250,
        (
            _Task("灭火器月检", "FREQ=MONTHLY;BYMONTHDAY=5", team="fire",
                  licence="fire_facility_operator", tolerance=3),
            _Task("消防设施年度检测", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=9",
                  performer="licensed_contractor"),
        ),
    ),
    "water": (
        200,
        (
            _Task("水泵周巡检", "FREQ=WEEKLY;BYDAY=MO", policy="previous", team="engineering",
                  strategy="round_robin"),
            _Task("水泵月保养", "FREQ=MONTHLY;BYMONTHDAY=20", team="engineering",
                  strategy="least_loaded"),
            _Task("水箱清洗消毒", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=10",
                  performer="licensed_contractor"),
        ),
    ),
    "power": (
        200,
        (
            _Task("配电柜月检", "FREQ=MONTHLY;BYMONTHDAY=12", team="electricians",
                  licence="electrician_lv"),
            _Task("红外测温", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=18", team="electricians",
                  licence="electrician_lv"),
            _Task("预防性试验", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=28",
                  performer="licensed_contractor"),
        ),
    ),
    "hvac": (
        150,
        (
            _Task("滤网更换", "FREQ=DAILY;INTERVAL=30", anchor="completion", team="engineering"),
            _Task("空调季度保养", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=8", team="engineering"),
            _Task("冷却塔清洗", "FREQ=MONTHLY;BYMONTHDAY=25", team="engineering",
                  seasons=(COOLING_SEASON,)),
        ),
    ),
    "power_generator": (
        100,
        (
            _Task("发电机空载试运行", "FREQ=WEEKLY;BYDAY=FR", team="engineering", time=dt.time(14)),
            _Task("发电机带载试验", "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=3", team="engineering",
                  age_bands=({"min_years": 0, "rrule": "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=3"},
                             {"min_years": 10, "rrule": "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=3"})),
        ),
    ),
}  # fmt: skip
TEAMS = (
    ("engineering", "工程部", "engineering", "four_team_three_shift", 16, ()),
    ("electricians", "电工班", "engineering", "office_week", 6, ("electrician_lv",)),
    ("fire", "消防班", "security", "office_week", 4, ("fire_facility_operator",)),
    ("security", "秩序维护部", "security", "four_team_three_shift", 24, ()),
    ("cleaning", "保洁部", "cleaning", "two_shift", 20, ()),
)


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def build(scale: float = 1.0, seed: int = 2026) -> Counts:
    """Insert the portfolio into the current app's database and commit."""
    rng = random.Random(seed)
    ids = _Ids()
    counts = Counts()
    rows: dict[str, list[dict[str, Any]]] = {}

    def add(table: str, **values: Any) -> int:
        if table == "team_membership":  # keyed by (team, user), no id of its own
            rows.setdefault(table, []).append(values)
            return 0
        row_id = ids(table)
        rows.setdefault(table, []).append({"id": row_id, **values})
        return row_id

    for number in range(1, SITES + 1):
        _site(add, rng, number, scale, counts)
        _flush(rows)
    _fix_sequences()
    db.session.commit()
    return counts


def _site(add: Any, rng: random.Random, number: int, scale: float, counts: Counts) -> None:
    site_id = add("site", code=f"S{number:02d}", name=f"项目{number:02d}", timezone="Asia/Shanghai")
    counts.sites += 1
    buildings = [
        add("location", site_id=site_id, code=f"S{number}-B{b}", name=f"{b}号楼", kind="building")
        for b in range(1, 11)
    ]
    rooms = [
        add("location", site_id=site_id, parent_id=rng.choice(buildings),
            code=f"S{number}-R{r}", name=f"设备间{r}", kind="room")
        for r in range(1, 41)
    ]  # fmt: skip
    teams: dict[str, int] = {}
    for key, name, kind, pattern, size, licences in TEAMS:
        team_id = add(
            "team", site_id=site_id, code=key, name=name, kind=kind, shift_pattern=pattern
        )
        teams[key] = team_id
        step = 2 if pattern == "four_team_three_shift" else 7 if pattern == "two_shift" else 0
        for member in range(scaled(size, max(scale, 0.25))):
            user_id = add(
                "user_account", username=f"s{number}-{key}-{member}", name=f"{name}{member}"
            )
            counts.people += 1
            offset = (member % 4) * step if step == 2 else (member % 2) * step
            add("team_membership", team_id=team_id, user_id=user_id, rotation_offset=offset)
            for kind_key in licences:
                expired = member == 0
                expires = dt.date(2025, 6, 30) if expired else dt.date(2030, 12, 31)
                add("licence", user_id=user_id, kind=kind_key, expires_on=expires)
            if rng.random() < 0.15:
                first = STARTS + dt.timedelta(days=365 + rng.randrange(300))
                add("staff_leave", user_id=user_id, starts_on=first,
                    ends_on=first + dt.timedelta(days=rng.randrange(2, 10)))  # fmt: skip
    asset = 0

    def equipment(category: str, label: str) -> int:
        nonlocal asset
        asset += 1
        room = rng.choice(rooms)
        commissioned = dt.date(2008 + rng.randrange(17), rng.randrange(1, 13), rng.randrange(1, 29))
        equipment_id = add(
            "equipment", site_id=site_id, asset_code=f"{category[:2].upper()}-{asset:05d}",
            name=f"{label}{asset}", category=category.split("_")[0], location_id=room,
            commissioned_on=commissioned,
        )  # fmt: skip
        counts.equipment += 1
        return equipment_id

    for index in range(scaled(100, scale)):
        equipment_id = equipment("elevator", "客梯")
        for level, task in enumerate(ELEVATOR, start=1):
            _plan(add, counts, site_id, task, teams, equipment_id=equipment_id,
                  tier_group="tsg-t5002", tier_level=level, offset=index % 15)  # fmt: skip
    for category, (count, tasks) in PROGRAMMES.items():
        for index in range(scaled(count, scale)):
            equipment_id = equipment(category, category)
            for task in tasks:
                _plan(add, counts, site_id, task, teams, equipment_id=equipment_id,
                      offset=index % 7)  # fmt: skip
    for index in range(scaled(50, scale)):
        at = dt.time(index % 24, (index * 7) % 60)
        task = _Task(f"巡更{index}", "FREQ=DAILY", policy="ignore", team="security", time=at,
                     strategy="round_robin")  # fmt: skip
        _plan(add, counts, site_id, task, teams, location_id=rng.choice(buildings), kind="patrol")
    for index in range(scaled(200, scale)):
        rule = (
            "FREQ=DAILY"
            if index < 120 * scale
            else ("FREQ=WEEKLY;BYDAY=WE" if index < 180 * scale else "FREQ=MONTHLY;BYMONTHDAY=1")
        )
        task = _Task(f"保洁{index}", rule, policy="ignore", team="cleaning",
                     time=dt.time(7 + index % 10), strategy="least_loaded")  # fmt: skip
        _plan(add, counts, site_id, task, teams, location_id=rng.choice(rooms), kind="cleaning")


def _plan(
    add: Any,
    counts: Counts,
    site_id: int,
    task: _Task,
    teams: dict[str, int],
    *,
    equipment_id: int | None = None,
    location_id: int | None = None,
    tier_group: str | None = None,
    tier_level: int | None = None,
    offset: int = 0,
    kind: str = "maintenance",
) -> None:
    add(
        "plan",
        site_id=site_id,
        equipment_id=equipment_id,
        location_id=location_id,
        name=task.name,
        kind=kind,
        catalog_task_key=task.task_key,
        tier_group=tier_group,
        tier_level=tier_level,
        rrule=task.rrule,
        anchor=task.anchor,
        starts_on=STARTS + dt.timedelta(days=offset),
        time_of_day=task.time,
        tolerance_before_days=task.tolerance,
        tolerance_after_days=task.tolerance,
        ceiling_days=task.ceiling,
        holiday_policy=task.policy,
        seasons=list(task.seasons),
        age_bands=list(task.age_bands),
        performer=task.performer,
        licence_kind=task.licence,
        team_id=teams.get(task.team) if task.team else None,
        assignment_strategy=task.strategy,
    )
    counts.plans += 1


_TABLES: dict[str, Table] = {
    model.__tablename__: model.__table__  # type: ignore[misc]
    for model in (Site, Location, Team, User, TeamMembership, Licence, StaffLeave, Equipment, Plan)
}
_ORDER = tuple(_TABLES)


def _flush(rows: dict[str, list[dict[str, Any]]]) -> None:
    for name in _ORDER:
        batch = rows.pop(name, [])
        for chunk in _chunks(batch):
            db.session.execute(insert(_TABLES[name]), chunk)
    db.session.commit()


def _chunks(batch: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    # One key set per executemany: fill the optional keys so every row has them all.
    keys = sorted({k for row in batch for k in row})
    filled = [{k: row.get(k) for k in keys} for row in batch]
    for start in range(0, len(filled), INSERT_CHUNK):
        yield filled[start : start + INSERT_CHUNK]


def _fix_sequences() -> None:
    """PostgreSQL sequences did not see the explicit ids; move them past the data."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in _ORDER:
        if name == "team_membership":
            continue
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )
