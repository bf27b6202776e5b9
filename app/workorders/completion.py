"""Recording a visit as done: one validation for the phone form, paper sheets and the API.

A completion is saved whole or not at all. The same work can never be recorded
twice: the completion row is unique per work order and the work order's version
guards its status, so when two people save at once the second gets
`AlreadyCompleted` naming who was first, never a server error.

Completing a visit of a plan that counts from its last visit (a completion anchor,
"15 days after it was last done"; a statutory ceiling; a tier chain) re-plans that
plan's untouched future visits from the real completion, in the same transaction;
other fixed plans keep their grid and cost nothing extra.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.core import clock
from app.core.signals import one_replan, visits_completed
from app.core.validation import N_, Msg, Problems, ValidationError, check_version
from app.extensions import db
from app.people.models import User
from app.plans.models import Plan
from app.workorders import corrective, files
from app.workorders.checklist import (
    Item,
    RawAnswer,
    Result,
    evaluate,
    item_field,
    items_for,
    tier_plans,
)
from app.workorders.files import Upload
from app.workorders.models import (
    OPEN_STATUSES,
    AttachmentKind,
    WorkCompletion,
    WorkOrder,
    WorkOrderStatus,
)
from app.workorders.services import (
    Action,
    AlreadyCompleted,
    check_may_work_on,
    clean_reason,
    day_bounds,
    require,
    skip,
    touch,
)
from app.workorders.sheets import check_sheet_scope
from app.workorders.trades import manages_trade_of

REPORT_PERFORMERS = frozenset({"licensed_contractor", "authority_inspection"})
STATUTORY = "statutory"
ELEVATOR = "elevator"
CLOCK_SLACK = timedelta(minutes=5)
TEXT_MAX = 2000
NAME_MAX = 100
PHOTOS_FIELD = "photos"


@dataclass(frozen=True)
class RecordRules:
    """What this kind of visit must record besides the checklist."""

    corrective: bool = False  # cause and parts used
    elevator: bool = False  # TSG T5002: maintenance unit, technicians, safety manager
    needs_report: bool = False  # contractor's statutory test: report number + PDF
    statutory: bool = False  # kept for good
    min_crew: int = 1


def _needs_report(plan: Plan) -> bool:
    """Statutory tests done by outside bodies (tank cleaning, lightning, annual fire test,
    elevator periodic inspection) end in a numbered report; routine tiered visits do not."""
    return (
        plan.performer in REPORT_PERFORMERS
        and plan.criticality == STATUTORY
        and not plan.tier_group
    )


def rules_for(work_order: WorkOrder) -> RecordRules:
    if work_order.is_corrective:
        return RecordRules(corrective=True)
    plans = tier_plans(work_order)
    elevator = work_order.equipment is not None and work_order.equipment.category == ELEVATOR
    needs_report = any(_needs_report(p) for p in plans)
    statutory = elevator or needs_report or any(p.criticality == STATUTORY for p in plans)
    crew = max((p.crew_size or 1 for p in plans), default=1) if elevator else 1
    return RecordRules(
        elevator=elevator, needs_report=needs_report, statutory=statutory, min_crew=crew
    )


@dataclass
class CompletionInput:
    """Everything a person enters to record a visit, as plain values."""

    answers: dict[str, RawAnswer] = field(default_factory=dict)
    note: str = ""
    crew_user_ids: list[int] = field(default_factory=list)
    crew_names: list[str] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    signature_name: str = ""
    signature_data_url: str = ""
    photos: list[tuple[str | None, Upload]] = field(default_factory=list)  # (item key, file)
    cause: str = ""
    parts_used: str = ""
    maintenance_unit: str = ""
    safety_manager_name: str = ""
    safety_manager_signed: bool = False
    report_number: str = ""
    report_file: Upload | None = None
    from_paper: bool = False


def photo_field(item_key: str | None) -> str:
    return item_field(item_key) if item_key else PHOTOS_FIELD


@dataclass
class _Checked:
    answers: list[dict[str, object]]
    crew: list[dict[str, object]]
    started_at: datetime | None
    finished_at: datetime
    photos: list[tuple[str | None, Upload]]
    signature: bytes | None


def good_photos(data: CompletionInput) -> list[tuple[str | None, Upload]]:
    """The photos that pass the type and size check (kept when the form is refused)."""
    return [(key, up) for key, up in data.photos if files.photo_problem(up) is None]


def _text(problems: Problems, name: str, value: str, limit: int = TEXT_MAX) -> str:
    text = value.strip()
    if len(text) > limit:
        problems.add(name, N_("At most %(n)d characters.", n=limit))
    return text


def _crew(data: CompletionInput, user: User, problems: Problems) -> list[dict[str, object]]:
    crew: list[dict[str, object]] = []
    for user_id in dict.fromkeys(data.crew_user_ids):
        member = db.session.get(User, user_id)
        if member is None:
            problems.add("crew_user_ids", N_("Unknown member of staff."))
            continue
        crew.append({"user_id": member.id, "name": member.name})
    for name in data.crew_names:
        if name.strip():
            crew.append({"user_id": None, "name": name.strip()[:NAME_MAX]})
    if not crew and not data.from_paper:
        crew.append({"user_id": user.id, "name": user.name})
    return crew


def check(
    work_order: WorkOrder,
    items: Sequence[Item],
    rules: RecordRules,
    data: CompletionInput,
    user: User,
) -> _Checked:
    """Every rule of a completion; raises `ValidationError` listing all bad fields."""
    problems = Problems()
    now = clock.utcnow()
    photos: list[tuple[str | None, Upload]] = []
    for key, upload in data.photos:
        if problem := files.photo_problem(upload):
            problems.add(photo_field(key), problem)
        else:
            photos.append((key, upload))
    photo_items = {key for key, _up in photos if key}
    evaluated = evaluate(items, data.answers, photo_items, problems)

    finished = data.finished_at or now
    if finished > now + CLOCK_SLACK:
        problems.add("finished_at", N_("The finish time is in the future."))
    started = data.started_at or work_order.started_at
    if started is not None and started > finished:
        problems.add("started_at", N_("The start must be before the finish."))

    crew = _crew(data, user, problems)
    if rules.elevator and len(crew) < rules.min_crew:
        problems.add(
            "crew_names",
            N_("Name at least %(n)d technicians for this visit.", n=rules.min_crew),
        )
    if not data.signature_name.strip():
        problems.add("signature_name", N_("Sign with your name."))
    _text(problems, "signature_name", data.signature_name, NAME_MAX)
    signature, sig_problem = files.signature_png(data.signature_data_url)
    if sig_problem is not None:
        problems.add("signature_data_url", sig_problem)
    _text(problems, "note", data.note)

    if rules.corrective and not data.cause.strip():
        problems.add("cause", N_("Say what caused the fault."))
    if rules.elevator and not data.maintenance_unit.strip():
        problems.add("maintenance_unit", N_("Name the maintenance unit (维保单位)."))
    if data.safety_manager_signed and not data.safety_manager_name.strip():
        problems.add("safety_manager_name", N_("Name the safety manager who signs."))
    if rules.needs_report:
        if not data.report_number.strip():
            problems.add("report_number", N_("Enter the report number."))
        if data.report_file is None:
            problems.add("report_file", N_("Attach the report (PDF)."))
        elif problem := files.report_problem(data.report_file):
            problems.add("report_file", problem)
    problems.raise_if_any()
    return _Checked(evaluated.answers, crew, started, finished, photos, signature)


def _apply(
    work_order: WorkOrder,
    rules: RecordRules,
    data: CompletionInput,
    checked: _Checked,
    user: User,
) -> WorkCompletion:
    now = clock.utcnow()
    late = checked.finished_at > work_order.window_end
    completion = WorkCompletion(
        work_order=work_order,
        completed_by_id=user.id,
        started_at=checked.started_at,
        finished_at=checked.finished_at,
        late=late,
        answers=[dict(a) for a in checked.answers],  # a copy: job ids are added after the flush
        note=data.note.strip(),
        crew=checked.crew,
        signature_name=data.signature_name.strip(),
        signed_at=now,
        cause=data.cause.strip(),
        parts_used=data.parts_used.strip(),
        statutory=rules.statutory,
        maintenance_unit=data.maintenance_unit.strip(),
        safety_manager_name=data.safety_manager_name.strip(),
        safety_manager_signed_at=now if data.safety_manager_signed else None,
        report_number=data.report_number.strip(),
        from_paper=data.from_paper,
    )
    db.session.add(completion)
    work_order.status = (WorkOrderStatus.DONE_LATE if late else WorkOrderStatus.DONE).value
    work_order.completed_at = checked.finished_at
    work_order.started_at = work_order.started_at or checked.started_at
    touch(work_order)
    return completion


def _store_files(
    work_order: WorkOrder,
    completion: WorkCompletion,
    data: CompletionInput,
    checked: _Checked,
    user: User,
) -> None:
    for key, upload in checked.photos:
        files.store(
            upload,
            work_order,
            AttachmentKind.PHOTO,
            item_key=key,
            completion=completion,
            uploaded_by=user,
        )
    if checked.signature is not None:
        files.store(
            Upload("signature.png", checked.signature),
            work_order,
            AttachmentKind.SIGNATURE,
            completion=completion,
            uploaded_by=user,
        )
    if data.report_file is not None:
        files.store(
            data.report_file,
            work_order,
            AttachmentKind.REPORT,
            completion=completion,
            uploaded_by=user,
        )


def _save(work_order: WorkOrder) -> None:
    """Flush; a second completion (unique row or stale version) becomes `AlreadyCompleted`.

    The failed flush leaves the session unusable, so it is rolled back here: the
    caller can then still read who completed the work, and nothing is half-saved.
    """
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise AlreadyCompleted(db.session.get(WorkOrder, work_order.id) or work_order) from None


def complete(work_order: WorkOrder, user: User, data: CompletionInput) -> WorkCompletion:
    """Record the visit as done (late after its window) and raise one job per failure.

    No version check against the form: a reassignment or reschedule meanwhile must not
    throw away a technician's answers. Only a second completion is refused. Sends
    `visits_completed`: plans counting from their last visit re-plan in this transaction.
    """
    check_may_work_on(user, work_order)
    require(Action.COMPLETE, work_order)
    items = items_for(work_order)
    rules = rules_for(work_order)
    checked = check(work_order, items, rules, data, user)
    completion = _apply(work_order, rules, data, checked, user)
    _save(work_order)
    jobs = corrective.raise_for_failures(work_order, checked.answers)  # type: ignore[arg-type]
    _store_files(work_order, completion, data, checked, user)
    db.session.flush()
    if jobs or any("corrective_id" in a for a in checked.answers):
        completion.answers = corrective.link_new_jobs(checked.answers, jobs)  # type: ignore[arg-type]
        db.session.flush()
    visits_completed.send(None, work_orders=[work_order])
    return completion


def sign_off(
    completion: WorkCompletion, user: User, version: int | None, safety_manager_name: str
) -> WorkCompletion:
    """The user's safety manager (使用单位安全管理员) countersigns an elevator record later."""
    check_version(completion, version)
    if not manages_trade_of(user, completion.work_order):
        raise ValidationError({"safety_manager_name": N_("Only a supervisor can sign off.")})
    name = safety_manager_name.strip()
    if not name:
        raise ValidationError({"safety_manager_name": N_("Name the safety manager who signs.")})
    if completion.safety_manager_signed_at is not None:
        raise ValidationError({"safety_manager_name": N_("This record is already signed off.")})
    completion.safety_manager_name = name[:NAME_MAX]
    completion.safety_manager_signed_at = clock.utcnow()
    db.session.flush()
    return completion


# --- paper sheets: "all done except ..." -----------------------------------------------------


@dataclass
class SheetException:
    """What differs from "done, all passed" for one work order on a returned sheet."""

    not_done: bool = False  # not done at all: skipped, with `reason`
    reason: str = ""
    failed_items: list[str] = field(default_factory=list)
    readings: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass
class SheetResult:
    done: list[WorkOrder] = field(default_factory=list)
    skipped: list[WorkOrder] = field(default_factory=list)
    jobs: int = 0


SHEET_STATUSES = (*[s.value for s in OPEN_STATUSES], WorkOrderStatus.MISSED.value)


def sheet_work_orders(
    site_id: int, team_id: int | None, day: date, tz_name: str, location_id: int | None = None
) -> list[WorkOrder]:
    """The open work of one team (or area) on one day: the rows of a printed daily sheet."""
    start, end = day_bounds(day, ZoneInfo(tz_name))
    stmt = select(WorkOrder).where(
        WorkOrder.site_id == site_id,
        WorkOrder.due_at >= start,
        WorkOrder.due_at < end,
        WorkOrder.status.in_(SHEET_STATUSES),
    )
    if team_id is not None:
        stmt = stmt.where(WorkOrder.team_id == team_id)
    if location_id is not None:
        stmt = stmt.where(
            or_(
                WorkOrder.location_id == location_id,
                WorkOrder.equipment.has(location_id=location_id),
            )
        )
    return list(db.session.scalars(stmt.order_by(WorkOrder.due_at, WorkOrder.id)))


def paper_answers(items: Sequence[Item], exception: SheetException) -> dict[str, RawAnswer]:
    """Checks pass unless listed as failed; readings as written; other items left out."""
    answers: dict[str, RawAnswer] = {}
    for item in items:
        if item.kind == "reading":
            answers[item.key] = RawAnswer(value=exception.readings.get(item.key, ""))
        elif item.kind == "check":
            failed = item.key in exception.failed_items
            answers[item.key] = RawAnswer(result=Result.FAIL if failed else Result.PASS)
    return answers


def sheet_field(work_order: WorkOrder, name: str) -> str:
    return f"wo{work_order.id}.{name}"


def _sheet_problems(work_order: WorkOrder, error: ValidationError) -> dict[str, Msg]:
    return {sheet_field(work_order, name): msg for name, msg in error.fields.items()}


def complete_sheet(
    work_orders: Sequence[WorkOrder],
    exceptions: Mapping[int, SheetException],
    user: User,
    finished_at: datetime | None,
) -> SheetResult:
    """A lead enters a returned paper sheet: every row done unless listed as an exception.

    All rows are checked first and nothing is saved if any is refused, so a sheet is
    entered whole (the page lists every problem with its row). Completion-anchored plans
    are re-planned once the whole sheet is in, so an early row's re-planning never moves
    a later row of the same sheet.
    """
    check_sheet_scope(user, work_orders)
    problems: dict[str, Msg] = {}
    plans: list[tuple[WorkOrder, CompletionInput | None, str]] = []
    for work_order in work_orders:
        exception = exceptions.get(work_order.id, SheetException())
        try:
            check_may_work_on(user, work_order)
            if exception.not_done:
                require(Action.SKIP, work_order)
                reason = clean_reason("reason", exception.reason, N_("Say why it was not done."))
                plans.append((work_order, None, reason))
                continue
            require(Action.COMPLETE, work_order)
            items = items_for(work_order)
            data = CompletionInput(
                answers=paper_answers(items, exception),
                note=exception.note,
                crew_user_ids=[work_order.assignee_id] if work_order.assignee_id else [],
                finished_at=finished_at,
                signature_name=user.name,
                from_paper=True,
            )
            check(work_order, items, rules_for(work_order), data, user)
            plans.append((work_order, data, ""))
        except ValidationError as exc:
            problems.update(_sheet_problems(work_order, exc))
    if problems:
        raise ValidationError(problems)
    result = SheetResult()
    with one_replan():  # twenty visits of one plan on a sheet re-plan it once
        for work_order, data, reason in plans:
            if data is None:
                skip(work_order, user, work_order.version, reason)
                result.skipped.append(work_order)
            else:
                completion = complete(work_order, user, data)
                result.done.append(work_order)
                result.jobs += len(completion.failed_answers)
    return result
