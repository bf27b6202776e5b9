"""`rounds import equipment FILE` and `rounds export equipment FILE`: thin over the services.

`import_cli` and `export_cli` are shared groups: other domains may add their own
subcommands (`rounds import staff ...`) to them.
"""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.audit.actor import Actor, acting_as
from app.equipment.exporting import ExportError, export_ledger, format_for
from app.equipment.importing import ImportFileError, import_equipment
from app.equipment.services import Lookups
from app.extensions import db

import_cli = AppGroup("import", help="Import data from .xlsx/.csv files. 导入数据。")
export_cli = AppGroup("export", help="Export data to .xlsx/.csv files. 导出数据。")

CLI_ACTOR = Actor(None, "cli")


@import_cli.command("equipment")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site_code", help="Site code for every row (the file may omit 项目编号).")
@click.option("--dry-run", is_flag=True, help="Check and list every problem; write nothing.")
@click.option(
    "--create-locations",
    is_flag=True,
    help="Create location paths that do not exist yet instead of refusing those rows.",
)
@click.option(
    "--create-contractor",
    "create_contractors",
    multiple=True,
    help="Create this contractor (维保单位) with the import if the file names it; repeatable.",
)
def import_equipment_command(
    file: Path,
    site_code: str | None,
    dry_run: bool,
    create_locations: bool,
    create_contractors: tuple[str, ...],
) -> None:
    """Import the equipment ledger (设备台账); all rows are written, or none."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
    try:
        with acting_as(CLI_ACTOR):
            report = import_equipment(
                file.name,
                data,
                site_code=site_code,
                dry_run=dry_run,
                create_locations=create_locations,
                create_contractors=create_contractors,
            )
    except ImportFileError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    for problem in report.problems:
        click.echo(str(problem))
    for path in report.new_locations:
        click.echo(f"new location: {path}")
    for match in report.type_matches.values():
        target = match.name if match.type_key else "unknown"
        click.echo(f"type: {match.written} → {target} ({match.rows} rows)")
    for name, rows in report.new_contractors.items():
        verb = "created" if report.applied else "not registered yet"
        click.echo(f"new contractor: {name} ({rows} rows), {verb}")
    if report.ignored_columns:
        click.echo(f"ignored columns: {', '.join(report.ignored_columns)}")
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    click.echo(report.summary())
    if report.problems:
        raise click.ClickException(
            f"{len(report.problems)} problems in {file.name}; nothing was imported"
        )


@export_cli.command("equipment")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site_code", help="Only this site (code); all sites when omitted.")
def export_equipment_command(file: Path, site_code: str | None) -> None:
    """Export the equipment ledger; .xlsx or .csv (UTF-8 with BOM) by the file name."""
    try:
        fmt = format_for(file.name)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    site = None
    if site_code:
        site, problem = Lookups().site(site_code)
        if problem:
            raise click.ClickException(str(problem))
    try:
        file.write_bytes(export_ledger(fmt, site))
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc.strerror}") from exc
    click.echo(f"wrote {file}")
