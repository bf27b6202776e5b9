"""`rounds scheduler run`: the one background process of a deployment."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.worker.jobs import JOBS
from app.worker.lock import AlreadyRunning
from app.worker.runner import run_forever, run_once

scheduler_cli = AppGroup("scheduler", help="Background jobs. 后台任务。")


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
