"""Staff leave: add and remove, then let the future work of that person follow.

Services flush; callers commit. A leave that reaches into the future regenerates
every active plan the person could be given (as its named assignee or through a
team), so their untouched visits go to someone on duty — or show as unassigned
with the reason — before anyone turns up to an empty plant room.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from app.core import clock
from app.core.signals import staff_changed
from app.core.validation import N_, Problems, ValidationError, check_version
from app.extensions import db
from app.people.models import User
from app.rosters.models import StaffLeave

LEAVE_KINDS: dict[str, tuple[str, str]] = {
    "annual": ("年假", "Annual leave"),
    "sick": ("病假", "Sick leave"),
    "personal": ("事假", "Personal leave"),
    "in_lieu": ("调休", "Time off in lieu"),
    "training": ("培训", "Training"),
    "other": ("其他", "Other"),
}
MAX_LEAVE_DAYS = 366
NOTE_MAX = 200


class LeaveError(ValidationError):
    """Bad leave input; one message per field, nothing was saved."""


def leaves_of(user: User, first_day: date | None = None) -> list[StaffLeave]:
    stmt = select(StaffLeave).where(StaffLeave.user_id == user.id)
    if first_day is not None:
        stmt = stmt.where(StaffLeave.ends_on >= first_day)
    return list(db.session.scalars(stmt.order_by(StaffLeave.starts_on)))


def add_leave(
    user: User, starts_on: date | None, ends_on: date | None, kind: str, note: str = ""
) -> StaffLeave:
    """Record leave from `starts_on` to `ends_on` inclusive; overlapping leave is refused."""
    problems = Problems()
    note = note.strip()
    if starts_on is None:
        problems.add("starts_on", N_("Enter the first day."))
    if ends_on is None:
        problems.add("ends_on", N_("Enter the last day."))
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            problems.add("ends_on", N_("The last day must not be before the first day."))
        elif (ends_on - starts_on).days >= MAX_LEAVE_DAYS:
            problems.add("ends_on", N_("At most %(n)d days at once.", n=MAX_LEAVE_DAYS))
        else:
            clash = db.session.scalar(
                select(StaffLeave).where(
                    StaffLeave.user_id == user.id,
                    StaffLeave.starts_on <= ends_on,
                    StaffLeave.ends_on >= starts_on,
                )
            )
            if clash is not None:
                problems.add(
                    "starts_on",
                    N_(
                        "Overlaps the leave from %(first)s to %(last)s.",
                        first=clash.starts_on.isoformat(),
                        last=clash.ends_on.isoformat(),
                    ),
                )
    if kind not in LEAVE_KINDS:
        problems.add("kind", N_("Choose a kind of leave."))
    if len(note) > NOTE_MAX:
        problems.add("note", N_("At most %(n)d characters.", n=NOTE_MAX))
    problems.raise_if_any(LeaveError)
    assert starts_on is not None and ends_on is not None
    leave = StaffLeave(user_id=user.id, starts_on=starts_on, ends_on=ends_on, kind=kind, note=note)
    db.session.add(leave)
    db.session.flush()
    follow_leave(user, ends_on)
    return leave


def remove_leave(leave: StaffLeave, expected_version: int | None) -> None:
    """Cancel leave (the person is back on the roster); stale pages are refused."""
    check_version(leave, expected_version)
    user, ends_on = leave.user, leave.ends_on
    db.session.delete(leave)
    db.session.flush()
    follow_leave(user, ends_on)


def follow_leave(user: User, ends_on: date) -> None:
    """Re-plan the person's plans when the leave reaches today or later (past leave
    changes no stored visit)."""
    if ends_on >= clock.local_today(current_app.config["ROUNDS_TIMEZONE"]):
        staff_changed.send(None, user_ids=[user.id])
