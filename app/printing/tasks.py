"""Task names and frequencies of plans in the sheet's language, looked up once per plan.

A plan's own name is Chinese only ("1号楼大堂 地面清扫"); the catalog it came from
knows the task in both languages, so sheets take the name from there and fall
back to the plan's name without its place (the sheet prints the place itself).
"""

from __future__ import annotations

from app.plans.models import Plan
from app.plans.programmes import current_unit
from app.plans.recurrence import describe_rrule
from app.printing.words import Locale, pick


class TaskNames:
    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._names: dict[int, str] = {}
        self._frequencies: dict[int, str] = {}

    def name(self, plan: Plan | None, fallback: str) -> str:
        if plan is None:
            return fallback
        found = self._names.get(plan.id)
        if found is None:
            found = self._names[plan.id] = self._lookup(plan)
        return found

    def _lookup(self, plan: Plan) -> str:
        unit = current_unit(plan) if plan.catalog_task_key else None
        if unit is None:
            owner = (
                plan.equipment.name
                if plan.equipment
                else plan.location.name
                if plan.location
                else ""
            )
            return plan.name.removeprefix(owner).strip() or plan.name
        season = ""
        if unit.season is not None:
            label = pick(unit.season.label, self.locale)
            season = f" ({label})" if self.locale == "en" else f"（{label}）"
        return pick(unit.names, self.locale) + season

    def frequency(self, plan: Plan | None) -> str:
        if plan is None:
            return ""
        found = self._frequencies.get(plan.id)
        if found is None:
            found = self._frequencies[plan.id] = describe_rrule(plan.rrule, self.locale)
        return found
