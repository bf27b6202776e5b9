"""Runs the jobs in one dedicated process (`rounds scheduler run`), never inside web workers."""

import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import Engine

from app.extensions import db
from app.worker.jobs import JOBS, run_job
from app.worker.lock import single_scheduler

log = logging.getLogger(__name__)


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Static jobs in the memory store: nothing to pickle, no saved schedule overwritten."""
    scheduler = BlockingScheduler(timezone=ZoneInfo(app.config["ROUNDS_TIMEZONE"]))
    for spec in JOBS:
        scheduler.add_job(
            run_job,
            spec.trigger,
            args=(app, spec),
            id=spec.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace_time,
            **spec.trigger_args,
        )
    return scheduler


def catch_up(app: Flask) -> None:
    """Run every job once at start-up: they are idempotent, so this covers any downtime."""
    for spec in JOBS:
        run_job(app, spec)


def _engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


def run_once(app: Flask) -> None:
    """`--once`, e.g. from cron: under the same lock, so never beside a running scheduler."""
    with single_scheduler(_engine(app), app.instance_path):
        catch_up(app)


def run_forever(app: Flask) -> None:
    with single_scheduler(_engine(app), app.instance_path):
        catch_up(app)
        log.info("scheduler started with jobs: %s", ", ".join(s.id for s in JOBS))
        build_scheduler(app).start()
