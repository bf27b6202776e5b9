"""`rounds scheduler run` (the clock) and `rounds queue run` (the task consumer)."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.worker.jobs import JOBS
from app.worker.lock import AlreadyRunning
from app.worker.queue import IMMEDIATE, queue_of
from app.worker.runner import run_forever, run_once

scheduler_cli = AppGroup("scheduler", help="Background jobs. 后台任务。")
queue_cli = AppGroup("queue", help="The task queue (large imports). 任务队列。")


@scheduler_cli.command("run")
@click.option("--once", is_flag=True, help="Run every job once and exit (cron-style).")
def run_command(once: bool) -> None:
    """Run the scheduler; a second one refuses to start."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        if once:
            run_once(app)
        else:
            run_forever(app)
    except AlreadyRunning as exc:
        raise click.ClickException(f"not started: {exc}") from None


@scheduler_cli.command("jobs")
def jobs_command() -> None:
    """List the jobs and when they run."""
    for spec in JOBS:
        args = ", ".join(f"{k}={v}" for k, v in spec.trigger_args.items())
        click.echo(f"{spec.id}: {spec.trigger} {args}")


@queue_cli.command("run")
@click.option("--workers", "-w", default=2, show_default=True, help="Worker threads.")
def queue_run_command(workers: int) -> None:
    """Run the consumer of the task queue until Ctrl-C (SIGINT lets running tasks finish)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if (app.config.get("ROUNDS_HUEY_URL") or "") == IMMEDIATE:
        raise click.ClickException("ROUNDS_HUEY_URL is immediate: tasks run in the caller")
    huey = queue_of(app).huey
    huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()
