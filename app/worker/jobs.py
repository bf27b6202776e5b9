"""The background jobs. Each derives what is due from the database, so running it
twice, late, or after downtime gives the same result (tech-notes §4.3)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from app.audit.actor import Actor, acting_as
from app.core import clock
from app.extensions import db
from app.notices.services import record_expiry_notices
from app.scheduling.generation import generate
from app.workorders.services import mark_missed

log = logging.getLogger(__name__)
SCHEDULER_ACTOR = Actor(None, "scheduler")


def mark_missed_job(app: Flask) -> str:
    return f"{mark_missed(clock.utcnow())} work orders marked missed"


def expiry_notices_job(app: Flask) -> str:
    today = clock.local_today(app.config["ROUNDS_TIMEZONE"])
    return f"{record_expiry_notices(today)} new expiry notices"


def extend_horizon_job(app: Flask) -> str:
    """Nightly: store the work orders the rolling horizon now reaches (commits per batch)."""
    result = generate()
    return (
        f"{result.inserted} work orders added up to {result.until:%Y-%m-%d}; "
        f"{len(result.problems)} plans could not be scheduled"
    )


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[Flask], str]
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    # None: always run a missed run on start-up (generation must catch up); seconds otherwise.
    misfire_grace_time: int | None = None


JOBS: list[JobSpec] = [
    JobSpec("mark_missed", mark_missed_job, "interval", {"minutes": 10}, misfire_grace_time=600),
    JobSpec("expiry_notices", expiry_notices_job, "cron", {"hour": 6, "minute": 5}),
    JobSpec(
        "extend_horizon",
        extend_horizon_job,
        "cron",
        {"hour": 2, "minute": 0},
        misfire_grace_time=None,
    ),
]


def run_job(app: Flask, spec: JobSpec) -> None:
    """One job in its own app context and session; a failure is logged, never fatal."""
    with app.app_context(), acting_as(SCHEDULER_ACTOR):
        try:
            outcome = spec.func(app)
            db.session.commit()
            log.info("%s: %s", spec.id, outcome)
        except Exception:
            db.session.rollback()
            log.exception("job %s failed; it will run again at its next time", spec.id)
        finally:
            db.session.remove()
