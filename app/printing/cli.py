"""`rounds print checklist|record|patrol|roster|labels|history ... -o FILE.pdf`.

Thin over `app.printing.services`: bad input exits non-zero with a one-line reason.
`rounds print checklist --date D --all-teams -o day.pdf` puts every team's sheet for
the day into one PDF, each keeping its own "第 N 页 / 共 M 页".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import AppGroup

from app.core.validation import N_
from app.printing import services
from app.printing.lookup import parse_day
from app.printing.output import Sheet, sheets_pdf
from app.printing.render import subsetter_available
from app.printing.sheet import PrintInputError
from app.printing.words import LOCALES, Locale

print_cli = AppGroup("print", help="Printed sheets as A4 PDFs. 打印检查表、记录表、排班表、标签。")

F = TypeVar("F", bound=Callable[..., Any])


def _output(function: F) -> F:
    """-o FILE.pdf and --lang for every command; input errors become one line, exit 1."""

    @click.option("-o", "--output", "output", help="The PDF file to write.")
    @click.option("--lang", default="zh", show_default=True, help="zh or en.")
    @wraps(function)
    def command(output: str | None, lang: str, **kwargs: Any) -> None:
        if not output:
            raise click.ClickException("give the PDF file to write with -o FILE.pdf")
        path = Path(output)
        if not path.parent.is_dir():
            raise click.ClickException(f"{path.parent}: no such folder")
        if lang not in LOCALES:
            raise click.ClickException(f"--lang must be zh or en, not {lang!r}")
        try:
            sheets = function(locale=lang, **kwargs)
        except PrintInputError as exc:
            raise click.ClickException(str(exc)) from None
        write(path, sheets)

    return command  # type: ignore[return-value]


def write(output: Path, sheets: Sequence[Sheet]) -> None:
    if not subsetter_available():
        click.echo("warning: libharfbuzz-subset0 is missing; PDFs will be slow and large", err=True)
    pdf = sheets_pdf(sheets)
    output.write_bytes(pdf)
    click.echo(f"{output}: {len(sheets)} sheet(s), {len(pdf) // 1024} KB")


@print_cli.command("checklist")
@click.option("--date", "day", help="YYYY-MM-DD")
@click.option("--site", "site", help="Site code (default: the only site).")
@click.option("--team", help="Team code.")
@click.option("--worker", help="A worker's username.")
@click.option("--area", help="A location code: everything due in it and below.")
@click.option("--all-teams", is_flag=True, help="Every team's sheet in one PDF.")
@_output
def checklist_command(
    locale: Locale,
    day: str | None,
    site: str | None,
    team: str | None,
    worker: str | None,
    area: str | None,
    all_teams: bool,
) -> list[Sheet]:
    """Daily checklist of a team, a worker or an area (每日作业检查表)."""
    if all_teams:
        if team or worker or area:
            raise PrintInputError({"team": N_("--all-teams prints every team; drop the others.")})
        return list(services.all_team_checklists(site, parse_day(day), locale=locale))
    return [
        services.checklist(site, parse_day(day), locale=locale, team=team, worker=worker, area=area)
    ]


@print_cli.command("record")
@click.option("--work-order", "work_order", help="The work order number.")
@_output
def record_command(locale: Locale, work_order: str | None) -> list[Sheet]:
    """Maintenance record form of a work order, blank or filled in (维护保养记录)."""
    if work_order is not None and not work_order.strip().lstrip("#").isdigit():
        raise PrintInputError({"work_order": N_("A work order number is digits, e.g. 1234.")})
    number = int(work_order.strip().lstrip("#")) if work_order else None
    return [services.record(number, locale=locale)]


@print_cli.command("patrol")
@click.option("--date", "day", help="YYYY-MM-DD")
@click.option("--site", "site")
@click.option("--team")
@click.option("--shift", help="A shift key (early, middle, night, day12, night12); default all.")
@_output
def patrol_command(
    locale: Locale, day: str | None, site: str | None, team: str | None, shift: str | None
) -> list[Sheet]:
    """Patrol sheet of a security team per shift (巡更记录表)."""
    return [services.patrol(site, team, parse_day(day), locale=locale, shift=shift)]


@print_cli.command("roster")
@click.option("--site", "site")
@click.option("--team")
@click.option("--date", "day", help="A day of the week or month to print (YYYY-MM-DD).")
@click.option("--span", default="week", show_default=True, help="week or month")
@click.option("--from", "first_day", help="Or the first day (YYYY-MM-DD) ...")
@click.option("--to", "last_day", help="... and the last day, at most 31 days.")
@_output
def roster_command(
    locale: Locale,
    site: str | None,
    team: str | None,
    day: str | None,
    span: str,
    first_day: str | None,
    last_day: str | None,
) -> list[Sheet]:
    """Roster grid of a team for a week or a month (排班表)."""
    return [
        services.roster(
            site,
            team,
            locale=locale,
            start=parse_day(day),
            span=span,
            first_day=parse_day(first_day, "period"),
            last_day=parse_day(last_day, "period"),
        )
    ]


@print_cli.command("labels")
@click.option("--site", "site")
@click.option("--category", help="An equipment category key, e.g. elevator.")
@click.option("--area", help="A location code: assets in it and below.")
@click.option("--asset", "assets", multiple=True, help="Asset code (repeatable).")
@_output
def labels_command(
    locale: Locale,
    site: str | None,
    category: str | None,
    area: str | None,
    assets: tuple[str, ...],
) -> list[Sheet]:
    """Asset QR labels, 3 × 8 per A4 sheet (设备标识标签)."""
    return [services.labels(site, locale=locale, category=category, area=area, asset_codes=assets)]


@print_cli.command("history")
@click.option("--site", "site")
@click.option("--asset", help="One asset code.")
@click.option("--category", help="Or every asset of a category.")
@click.option("--from", "first_day", help="First day, YYYY-MM-DD.")
@click.option("--to", "last_day", help="Last day, YYYY-MM-DD.")
@_output
def history_command(
    locale: Locale,
    site: str | None,
    asset: str | None,
    category: str | None,
    first_day: str | None,
    last_day: str | None,
) -> list[Sheet]:
    """Work done on one asset or one category over a period, for an audit (设备维护履历)."""
    return [
        services.history(
            site,
            parse_day(first_day, "period"),
            parse_day(last_day, "period"),
            locale=locale,
            asset=asset,
            category=category,
        )
    ]
