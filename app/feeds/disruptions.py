"""What residents need to know about: planned work that cuts water, power or a lift.

The public building feed shows only these visits. A visit counts when its plan's
catalog type (or, for custom plans and repairs, the equipment's ledger type) and
its catalog task match a rule below; a rule without a task matches every task of
that type (any work on a lift takes it out of service). The list is deliberately
short: a resident calendar full of routine checks would be ignored.

Kept as plain data, like the other vocabularies, so the SQL filter and the
resident-facing wording come from one table.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class DisruptionKind(enum.StrEnum):
    WATER = "water"
    ELEVATOR = "elevator"
    POWER = "power"


class Disruption(NamedTuple):
    kind: DisruptionKind
    summary: tuple[str, str]  # (zh, en), first words of the resident's event
    advice: tuple[str, str]  # (zh, en), the resident-facing description


DISRUPTIONS: dict[DisruptionKind, Disruption] = {
    d.kind: d
    for d in (
        Disruption(
            DisruptionKind.WATER,
            ("计划停水", "Water off"),
            (
                "二次供水水箱清洗消毒期间暂停供水，请提前储水；恢复供水后请先放水片刻。",
                "The water tank is cleaned and disinfected: please store water beforehand "
                "and run the tap for a moment when the supply is back.",
            ),
        ),
        Disruption(
            DisruptionKind.ELEVATOR,
            ("电梯暂停使用", "Lift out of service"),
            (
                "电梯维护保养期间暂停使用，请走楼梯或使用其他电梯。",
                "The lift is out of service for maintenance; please use the stairs or "
                "another lift.",
            ),
        ),
        Disruption(
            DisruptionKind.POWER,
            ("计划停电", "Power off"),
            (
                "供配电设备检修试验期间计划停电，请提前关闭大功率电器。",
                "Planned power cut for switchgear or transformer work; please switch off "
                "heavy appliances beforehand.",
            ),
        ),
    )
}


class DisruptionRule(NamedTuple):
    type_key: str
    task_key: str | None  # None: every task on that type
    kind: DisruptionKind


RULES: tuple[DisruptionRule, ...] = (
    DisruptionRule("water_tank", "clean_disinfect_test", DisruptionKind.WATER),
    DisruptionRule("traction_elevator", None, DisruptionKind.ELEVATOR),
    DisruptionRule("hydraulic_elevator", None, DisruptionKind.ELEVATOR),
    DisruptionRule("escalator", None, DisruptionKind.ELEVATOR),
    DisruptionRule("transformer", "outage_maintenance", DisruptionKind.POWER),
    DisruptionRule("transformer", "preventive_test", DisruptionKind.POWER),
    DisruptionRule("hv_switchgear", "preventive_test", DisruptionKind.POWER),
)


def disruption_for(type_key: str | None, task_key: str | None) -> Disruption | None:
    """The disruption a visit causes, if any; `type_key` is the plan's catalog type or the
    equipment's ledger type."""
    for rule in RULES:
        if rule.type_key == type_key and rule.task_key in (None, task_key):
            return DISRUPTIONS[rule.kind]
    return None
