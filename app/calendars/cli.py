"""`rounds calendar ...`: load the State Council notice before the libraries catch up."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.actor import Actor, acting_as
from app.calendars.services import follow_calendar, import_overrides, site_calendar, year_days
from app.extensions import db
from app.sites.models import Site
from schedules.calendar_file import CalendarFileError

calendar_cli = AppGroup("calendar", help="Working-day calendar overrides. 节假日与调休。")
CLI_ACTOR = Actor(None, "cli")


def _site_or_fail(code: str | None) -> Site | None:
    if code is None:
        return None
    site = db.session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise click.ClickException(f"no site with code {code!r}")
    return site


@calendar_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site_code", help="Apply to one site only (default: every site).")
def import_command(file: Path, site_code: str | None) -> None:
    """Import holiday/workday overrides: one `YYYY-MM-DD holiday|workday NOTE` per line.

    When the calendar changed, the untouched future work orders of the site (or of every
    site) are rescheduled to follow it.
    """
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise click.ClickException(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    site = _site_or_fail(site_code)
    try:
        with acting_as(CLI_ACTOR):
            summary = import_overrides(text, site)
            rescheduled = follow_calendar(site) if summary.changed else 0
    except CalendarFileError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc}") from None
    db.session.commit()
    years = ", ".join(map(str, summary.complete_years)) or "none"
    click.echo(
        f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged; "
        f"years marked complete: {years}"
    )
    if summary.changed:
        click.echo(f"{rescheduled} future work orders updated to follow the calendar")


@calendar_cli.command("show")
@click.argument("year", type=int)
@click.option("--site", "site_code")
def show_command(year: int, site_code: str | None) -> None:
    """List the rest days and make-up working days of a year."""
    calendar = site_calendar(_site_or_fail(site_code))
    if calendar.is_provisional(year):
        click.echo(f"{year}: PROVISIONAL — no official schedule yet (rule-based guess, no 调休)")
    for day in year_days(calendar, year, "zh"):
        if day.makeup:
            click.echo(f"{day.day} workday  调休上班")
        elif not day.workday and day.label not in ("周六", "周日"):
            click.echo(f"{day.day} holiday  {day.label}")
