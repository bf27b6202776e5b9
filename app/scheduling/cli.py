"""`rounds schedule ...`: generate, regenerate, preview and export work orders.

Thin: parse and check the arguments, call `app.scheduling`, print. A bad argument
ends with a one-line message and exit status 1 (click's own usage errors: 2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.actor import Actor, acting_as
from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.export import ExportError, export_occurrences, format_for
from app.scheduling.generation import BatchProgress, GenerationResult, generate, regenerate
from app.scheduling.preview import preview_plan
from app.sites.models import Site

schedule_cli = AppGroup("schedule", help="Work orders from plans. 排程：生成、预览、导出。")
CLI_ACTOR = Actor(None, "cli")
WEEKDAYS_ZH = "一二三四五六日"


def _site_or_fail(code: str | None) -> Site | None:
    if code is None:
        return None
    site = db.session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise click.ClickException(f"no site with code {code!r}")
    return site


def _date_or_fail(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(f"{option} {text!r} is not a date like 2026-12-31") from None


def _print_summary(result: GenerationResult) -> None:
    click.echo(
        f"{result.inserted} added, {result.updated} updated, {result.deleted} removed, "
        f"{result.unchanged} unchanged; {result.units} schedules from {result.plans} plans, "
        f"up to {result.until.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    for problem in result.problems:
        click.echo(f"not scheduled: {problem.message}", err=True)


@schedule_cli.command("generate")
@click.option("--site", "site_code", help="Only this site (code).")
@click.option(
    "--until", "until_text", metavar="DATE", help="Horizon end (default: today + 90 days)."
)
def generate_command(site_code: str | None, until_text: str | None) -> None:
    """Add the missing work orders of every active plan up to the horizon."""
    site = _site_or_fail(site_code)
    until = _date_or_fail(until_text, "--until")
    zone = site.timezone if site else current_app.config["ROUNDS_TIMEZONE"]
    if until is not None and until <= clock.local_today(zone):
        raise click.ClickException(f"--until {until} is not in the future")
    with acting_as(CLI_ACTOR), click.progressbar(length=1, label="Generating") as bar:

        def advance(progress: BatchProgress) -> None:
            bar.length = max(progress.plans_total, 1)
            bar.update(progress.plans_done - bar.pos)

        result = generate(site, until, on_batch=advance)
    _print_summary(result)


@schedule_cli.command("regenerate")
@click.option("--site", "site_code", help="Only this site (code).")
@click.option("--plan", "plan_ids", type=int, multiple=True, help="Only this plan (repeatable).")
def regenerate_command(site_code: str | None, plan_ids: tuple[int, ...]) -> None:
    """Bring untouched future work orders in line after a calendar or roster change."""
    site = _site_or_fail(site_code)
    for plan_id in plan_ids:
        if db.session.get(Plan, plan_id) is None:
            raise click.ClickException(f"no plan with id {plan_id}")
    with acting_as(CLI_ACTOR):
        result = regenerate(site, list(plan_ids) or None)
    _print_summary(result)


@schedule_cli.command("preview")
@click.argument("plan_id", type=int)
@click.option("--months", type=click.IntRange(1, 60), default=12, show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def preview_command(plan_id: int, months: int, lang: str) -> None:
    """Show what a plan would schedule: dates, holiday moves, tiers and assignees."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"no plan with id {plan_id}")
    preview = preview_plan(plan, months=months)
    if preview.problems:
        raise click.ClickException(f"plan {plan_id} cannot be scheduled: {preview.problems[0]}")
    zone = plan.site.timezone
    for visit in preview.visits:
        due = visit.due
        weekday = WEEKDAYS_ZH[due.weekday()] if lang == "zh" else f"{due:%a}"
        who = visit.assignee or visit.team or ("未派工" if visit.unassigned else "-")
        state = "skip" if visit.skipped else "    "
        tier = f" [{visit.tier_name}]" if visit.tier_name else ""
        click.echo(f"{due:%Y-%m-%d %H:%M} {weekday} {state} {who}{tier}")
        for text in visit.reason_texts(lang):  # type: ignore[arg-type]
            click.echo(f"    {text}")
    years = ", ".join(map(str, preview.provisional_years))
    if years:
        click.echo(f"provisional holidays (no official notice yet) in: {years}", err=True)
    click.echo(f"{len(preview.visits)} occurrences, {zone}", err=True)


@schedule_cli.command("export")
@click.option("--site", "site_code", help="Only this site (code).")
@click.option("--from", "start_text", required=True, metavar="DATE")
@click.option("--to", "end_text", required=True, metavar="DATE")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
def export_command(site_code: str | None, start_text: str, end_text: str, output: Path) -> None:
    """Export occurrences due between two dates to .csv, .xlsx or .json (by suffix)."""
    site = _site_or_fail(site_code)
    start = _date_or_fail(start_text, "--from")
    end = _date_or_fail(end_text, "--to")
    assert start is not None and end is not None
    try:
        format_for(output)
        if not output.parent.is_dir():
            raise ExportError(f"{output.parent} is not a folder")
        count = export_occurrences(output, start, end, site)
    except (ExportError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} occurrences written to {output}")
