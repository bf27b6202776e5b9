"""Rounds scheduling engine: plain-Python plans in, occurrences (work orders) out.

Imports neither Flask nor SQLAlchemy nor `app`. The app maps its rows onto these
types, calls `generate` (or `generate_batches`) and stores each `Occurrence` under
the unique key (plan key, `slot`). See schedules/README.md.
"""

from schedules.assignment import AssignmentRule, Licence, StaffAssigner, StaffMember, Strategy
from schedules.calendar import CalendarOverrides, DayKind, DayOverride, WorkCalendar
from schedules.calendar_file import CalendarFileError, parse_overrides
from schedules.cleaning import (
    Area,
    CleaningTask,
    Frequency,
    ServiceLevel,
    TaskLine,
    daily_task_lists,
)
from schedules.engine import Assigner, Assignment, generate, generate_batches
from schedules.loads import LoadLedger
from schedules.occurrences import Occurrence, Status
from schedules.outages import Outage, Staggered, stagger_outages
from schedules.patrols import Checkpoint, PatrolRound, PatrolRoute, patrol_rounds
from schedules.periods import Period, implied_limits
from schedules.plans import AgeBand, Anchor, HolidayPolicy, LastVisit, Plan, Tier
from schedules.reasons import Reason, ReasonCode
from schedules.recurrence import RuleError, parse_rule
from schedules.roster import Duty, Leave, Roster, Team, build_roster
from schedules.seasons import SeasonWindow
from schedules.shifts import PRESETS, RotationPattern, Shift
from schedules.slots import ledger_phased

__all__ = [
    "PRESETS",
    "AgeBand",
    "Anchor",
    "Area",
    "Assigner",
    "Assignment",
    "AssignmentRule",
    "CalendarFileError",
    "CalendarOverrides",
    "Checkpoint",
    "CleaningTask",
    "DayKind",
    "DayOverride",
    "Duty",
    "Frequency",
    "HolidayPolicy",
    "LastVisit",
    "Leave",
    "Licence",
    "LoadLedger",
    "Occurrence",
    "Outage",
    "PatrolRound",
    "PatrolRoute",
    "Period",
    "Plan",
    "Reason",
    "ReasonCode",
    "Roster",
    "RotationPattern",
    "RuleError",
    "SeasonWindow",
    "ServiceLevel",
    "Shift",
    "StaffAssigner",
    "StaffMember",
    "Staggered",
    "Status",
    "Strategy",
    "TaskLine",
    "Team",
    "Tier",
    "WorkCalendar",
    "build_roster",
    "daily_task_lists",
    "generate",
    "generate_batches",
    "implied_limits",
    "ledger_phased",
    "parse_overrides",
    "parse_rule",
    "patrol_rounds",
    "stagger_outages",
]
