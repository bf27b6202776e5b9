"""The checklist of a visit and the one set of rules for its answers.

A tiered visit (an elevator's annual visit replacing a half-monthly one) carries
the union of its tiers' items: `includes` lists the plans in chain order and each
plan's checklist snapshot is taken in turn. The answer rules (which values are
valid, which items may not be left out, what counts as a failure) live here once
and serve the phone form, the paper-sheet entry and the API alike.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.core.validation import N_, Problems
from app.extensions import db
from app.plans.models import Plan
from app.vocab.units import unit_words
from app.workorders.models import WorkOrder
from schedules import ReasonCode


class Result:
    PASS = "pass"
    FAIL = "fail"
    NA = "na"


CHECK_RESULTS = (Result.PASS, Result.FAIL, Result.NA)


@dataclass(frozen=True)
class Item:
    """One checklist item as the plan snapshot stores it (the catalog's shape)."""

    key: str
    names: Mapping[str, str]
    kind: str = "check"
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    choices: tuple[tuple[str, Mapping[str, str]], ...] = ()
    photo_required: bool = False
    key_item: bool = False
    ref: str | None = None
    plan_id: int | None = None

    @property
    def label_pair(self) -> tuple[str, str]:
        zh = self.names.get("zh") or self.names.get("en") or self.key
        return zh, self.names.get("en") or zh

    @property
    def required(self) -> bool:
        """Key items and photo items may never be left out."""
        return self.photo_required or self.key_item

    @property
    def limits_text(self) -> str:
        low = _number_text(self.min)
        high = _number_text(self.max)
        unit = f" {unit_words(self.unit)}" if self.unit else ""
        if low and high:
            return f"{low}–{high}{unit}"
        if low:
            return f"≥ {low}{unit}"
        if high:
            return f"≤ {high}{unit}"
        return ""

    def out_of_range(self, value: float) -> bool:
        return (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any], plan_id: int | None = None) -> Item:
        choices = tuple(
            (str(c.get("key")), dict(c.get("names") or {})) for c in data.get("choices") or ()
        )
        return cls(
            key=str(data.get("key") or ""),
            names=dict(data.get("names") or {}),
            kind=str(data.get("kind") or "check"),
            unit=data.get("unit"),
            min=_float_or_none(data.get("min")),
            max=_float_or_none(data.get("max")),
            choices=choices,
            photo_required=bool(data.get("photo_required")),
            key_item=bool(data.get("key_item")),
            ref=data.get("ref"),
            plan_id=plan_id,
        )


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def own_tiers(work_order: WorkOrder) -> list[str]:
    """The tier keys whose items the visit still does: a missed visit whose quarterly (or
    rarer) items the visit carrying them has already done (`tier_done_elsewhere`) keeps
    only its base. Its `includes` stay what was planned: the schedule kept that promise."""
    includes = [str(key) for key in work_order.includes or ()]
    done = ReasonCode.TIER_DONE_ELSEWHERE.value
    if any(reason.get("code") == done for reason in work_order.reasons or ()):
        return includes[:1]
    return includes


def tier_plans(work_order: WorkOrder) -> list[Plan]:
    """The plans whose items the visit carries: its tiers in chain order, or its own plan."""
    ids = [int(key) for key in own_tiers(work_order) if key.isdigit()]
    if not ids:
        return [work_order.plan] if work_order.plan is not None else []
    found = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def items_for(work_order: WorkOrder) -> list[Item]:
    """The union of the tiers' items, first occurrence of a key winning."""
    items: list[Item] = []
    seen: set[str] = set()
    for plan in tier_plans(work_order):
        for raw in plan.checklist or ():
            item = Item.from_json(raw, plan.id)
            if item.key and item.key not in seen:
                seen.add(item.key)
                items.append(item)
    return items


@dataclass
class RawAnswer:
    """What a person entered for one item, as text (form, paper sheet or API)."""

    result: str = ""  # check items: pass / fail / na
    value: str = ""  # readings
    choice: str = ""
    text: str = ""
    note: str = ""


@dataclass
class Evaluated:
    answers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [a for a in self.answers if a["result"] == Result.FAIL]


def parse_number(text: str) -> float | None:
    """A reading as typed on a phone: "0.35", "0,35", " 12 " → float; None if not a number."""
    cleaned = text.strip().replace("，", ",").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def item_field(key: str) -> str:
    """The field name that errors about an item are reported under (form and API)."""
    return f"item__{key}"


def _answer_json(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "names": dict(item.names),
        "kind": item.kind,
        "unit": item.unit,
        "min": item.min,
        "max": item.max,
        "ref": item.ref,
        "plan_id": item.plan_id,
        "key_item": item.key_item,
        "result": Result.NA,
        "value": None,
        "choice": None,
        "text": "",
        "note": "",
        "out_of_range": False,
    }


def _evaluate_one(item: Item, raw: RawAnswer, problems: Problems) -> dict[str, Any]:
    answer = _answer_json(item)
    answer["note"] = raw.note.strip()[:500]
    name = item_field(item.key)
    cannot_skip = N_("This item cannot be left out.")
    if item.kind == "reading":
        if not raw.value.strip():
            if item.required:
                problems.add(name, N_("Enter the reading; this item cannot be left out."))
            return answer
        value = parse_number(raw.value)
        if value is None:
            problems.add(name, N_("Enter a number, e.g. 0.35."))
            return answer
        answer["value"] = value
        answer["out_of_range"] = item.out_of_range(value)
        answer["result"] = Result.FAIL if answer["out_of_range"] else Result.PASS
    elif item.kind == "choice":
        keys = [key for key, _names in item.choices]
        if not raw.choice:
            if item.required:
                problems.add(name, cannot_skip)
            return answer
        if raw.choice not in keys:
            problems.add(name, N_("Pick one of the listed answers."))
            return answer
        answer["choice"] = raw.choice
        answer["result"] = Result.PASS
    elif item.kind == "text":
        text = raw.text.strip()
        if not text:
            if item.required:
                problems.add(name, cannot_skip)
            return answer
        answer["text"] = text[:2000]
        answer["result"] = Result.PASS
    else:
        if raw.result not in CHECK_RESULTS:
            problems.add(name, N_("Mark this item as passed or failed."))
            return answer
        if raw.result == Result.NA and item.required:
            problems.add(name, cannot_skip)
            return answer
        answer["result"] = raw.result
    return answer


def evaluate(
    items: Sequence[Item],
    raw: Mapping[str, RawAnswer],
    photo_items: Collection[str],
    problems: Problems,
) -> Evaluated:
    """Check every answer; problems are collected per item, nothing is raised here."""
    result = Evaluated()
    for item in items:
        answer = _evaluate_one(item, raw.get(item.key, RawAnswer()), problems)
        if item.photo_required and item.key not in photo_items:
            problems.add(item_field(item.key), N_("Add a photo for this item."))
        result.answers.append(answer)
    return result
