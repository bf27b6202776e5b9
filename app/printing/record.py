"""The maintenance record form (维护保养记录) of one work order.

A tiered visit (an elevator's quarterly visit standing in for a half-monthly one)
lists every tier's items, lowest tier first, exactly as the completion form asks
them (`app.workorders.checklist.items_for`). Readings print their unit and allowed
range. Before the visit the form is blank; once the visit is completed it carries
the recorded answers, times and names, so the same sheet serves as the paper copy
kept for the inspector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.equipment.models import Equipment
from app.plans.models import Plan
from app.printing.places import LocationTree
from app.printing.sheet import Field, SheetHead, Signature, app_url, local_stamp
from app.printing.tasks import TaskNames
from app.printing.words import Locale, Words, pick
from app.workorders.checklist import Item, Result, items_for, tier_plans
from app.workorders.models import WorkCompletion, WorkOrder

WORK_ORDER_PATH = "/work/{id}"
"""The work order's page in Rounds (also the feeds' link), where the visit is completed."""


@dataclass(frozen=True)
class Choice:
    label: str
    chosen: bool = False


@dataclass(frozen=True)
class RecordItem:
    key: str
    number: int
    name: str
    ref: str
    kind: str  # check | reading | choice | text
    standard: str  # "0.1–0.3 MPa" for readings
    unit: str
    choices: tuple[Choice, ...]
    key_item: bool
    photo: bool
    result: str | None = None  # pass | fail | na once filled
    value: str = ""  # a reading or a text answer
    remark: str = ""

    @property
    def fault(self) -> bool:
        return self.result == Result.FAIL


@dataclass(frozen=True)
class RecordSection:
    title: str
    items: tuple[RecordItem, ...]


@dataclass(frozen=True)
class RecordSheet:
    locale: Locale
    head: SheetHead
    sections: tuple[RecordSection, ...]
    filled: bool
    status_line: str
    work_done: str
    signatures: tuple[Signature, ...]
    check_choices: tuple[tuple[str, str], ...]  # (result key, label) for check items
    kind: str = "record"


def maintenance_record(work_order: WorkOrder, *, locale: Locale) -> RecordSheet:
    """The form for `work_order`, filled in from its completion when there is one."""
    t = Words(locale)
    names = TaskNames(locale)
    site = work_order.site
    completion: WorkCompletion | None = work_order.completion
    answers = {a.get("key"): a for a in (completion.answers if completion else ())}
    plans = {plan.id: plan for plan in tier_plans(work_order)}
    sections: list[RecordSection] = []
    number = 0
    for plan_id, items in _by_plan(items_for(work_order)):
        rows = []
        for item in items:
            number += 1
            rows.append(_row(number, item, answers.get(item.key), locale))
        title = names.name(plans.get(plan_id or 0), work_order.title) if plans else ""
        sections.append(RecordSection(title, tuple(rows)))
    timezone = site.timezone
    return RecordSheet(
        locale=locale,
        head=_head(work_order, locale, names, LocationTree(site.id)),
        sections=tuple(sections),
        filled=completion is not None,
        status_line=(
            t("filled", when=local_stamp(completion.finished_at, timezone))
            if completion
            else t("blank")
        ),
        work_done="\n".join(
            part
            for part in ((completion.note, completion.parts_used) if completion else ())
            if part
        ),
        signatures=_signatures(completion, t, timezone),
        check_choices=tuple(
            (key, t(f"result.{key}")) for key in (Result.PASS, Result.FAIL, Result.NA)
        ),
    )


def _by_plan(items: list[Item]) -> list[tuple[int | None, list[Item]]]:
    """Consecutive items of one tier plan form one section (items_for keeps chain order)."""
    sections: list[tuple[int | None, list[Item]]] = []
    for item in items:
        if not sections or sections[-1][0] != item.plan_id:
            sections.append((item.plan_id, []))
        sections[-1][1].append(item)
    return sections


def _row(number: int, item: Item, answer: Mapping[str, Any] | None, locale: Locale) -> RecordItem:
    choice_names = {key: pick(names, locale) for key, names in item.choices}
    chosen = answer.get("choice") if answer else None
    return RecordItem(
        key=item.key,
        number=number,
        name=pick(item.label_pair, locale),
        ref=item.ref or "",
        kind=item.kind,
        standard=item.limits_text,
        unit=item.unit or "",
        choices=tuple(Choice(label, key == chosen) for key, label in choice_names.items()),
        key_item=item.key_item,
        photo=item.photo_required,
        result=answer.get("result") if answer else None,
        value=_answer_value(answer),
        remark=str(answer.get("note") or "") if answer else "",
    )


def _answer_value(answer: Mapping[str, Any] | None) -> str:
    """What was written in the result box: a reading with its unit, or a text answer."""
    if not answer:
        return ""
    if answer.get("kind") == "reading" and answer.get("value") is not None:
        value = float(answer["value"])
        number = str(int(value)) if value.is_integer() else str(value)
        return f"{number} {answer.get('unit') or ''}".strip()
    if answer.get("kind") == "text":
        return str(answer.get("text") or "")
    return ""


def _head(work_order: WorkOrder, locale: Locale, names: TaskNames, tree: LocationTree) -> SheetHead:
    t = Words(locale)
    site = work_order.site
    equipment: Equipment | None = work_order.equipment
    plan: Plan | None = work_order.plan
    top = _top_tier(work_order) or plan
    visit = names.name(top, work_order.title)
    fields = [Field(t("site"), site.name)]
    if equipment is not None:
        fields += [
            Field(t("equipment"), f"{equipment.asset_code} {equipment.name}"),
            Field(t("location"), tree.path(equipment.location_id)),
        ]
        make = " ".join(part for part in (equipment.manufacturer, equipment.model) if part)
        if make:
            fields.append(Field(t("model"), make))
        if equipment.registration_number:
            fields.append(Field(t("registration"), equipment.registration_number))
        if equipment.registration_code:
            fields.append(Field(t("registration_code"), equipment.registration_code))
    elif work_order.location_id is not None:
        fields.append(Field(t("location"), tree.path(work_order.location_id)))
    fields += [
        Field(t("work_order"), f"#{work_order.id}"),
        Field(t("visit"), visit),
        Field(t("planned"), local_stamp(work_order.due_at, site.timezone)),
    ]
    maintainer = work_order.contractor or (plan.contractor if plan else None) or work_order.team
    if maintainer is not None:
        fields.append(Field(t("maintainer"), maintainer.name))
    if top is not None and top.legal_basis:
        fields.append(Field(t("legal_basis"), top.legal_basis))
    subject = f"{equipment.asset_code} {equipment.name}" if equipment else work_order.title
    return SheetHead(
        title=t("record.title"),
        id_line=f"{site.name} · {subject} · {visit} · #{work_order.id}",
        fields=tuple(fields),
        qr_url=app_url(WORK_ORDER_PATH.format(id=work_order.id)),
        qr_caption=t("scan_to_fill"),
    )


def _top_tier(work_order: WorkOrder) -> Plan | None:
    """The highest tier the visit carries (its name says what kind of visit it is)."""
    plans = tier_plans(work_order)
    return plans[-1] if plans else None


def _signatures(
    completion: WorkCompletion | None, t: Words, timezone: str
) -> tuple[Signature, ...]:
    if completion is None:
        return (Signature(t("sign.technician")), Signature(t("sign.safety_manager")))
    crew = "、".join(str(member.get("name") or "") for member in completion.crew or () if member)
    return (
        Signature(
            t("sign.technician"),
            completion.signature_name or crew,
            local_stamp(completion.signed_at or completion.finished_at, timezone),
        ),
        Signature(
            t("sign.safety_manager"),
            completion.safety_manager_name,
            local_stamp(completion.safety_manager_signed_at, timezone),
        ),
    )
