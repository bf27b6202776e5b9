"""`rounds catalog list|show|validate`: look at and check the equipment catalog.

The commands need no app (``with_appcontext=False``), so a data editor can run
``rounds catalog validate site_catalog/`` anywhere, and tests can call
``catalog_cli`` with click's runner. Site files come from ``ROUNDS_CATALOG_PATHS``.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from app.catalog.export import to_jsonable
from app.catalog.loader import PATHS_VARIABLE, load_catalog, paths_from_env
from app.catalog.model import Catalog
from app.catalog.problems import CatalogError
from app.catalog.render import catalog_lines, catalog_summary, type_lines

EXIT_INVALID = 1

catalog_cli = AppGroup(
    "catalog",
    help=(
        "Equipment catalog (标准库): list, show and validate. "
        f"Site files are read from {PATHS_VARIABLE} (separated like PATH)."
    ),
)


@catalog_cli.command("list", with_appcontext=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def list_command(as_json: bool) -> None:
    """List families, equipment types and libraries with their versions."""
    catalog = _load_or_exit()
    if as_json:
        _echo_json(catalog_summary(catalog))
    else:
        click.echo("\n".join(catalog_lines(catalog)))


@catalog_cli.command("show", with_appcontext=False)
@click.argument("type_key", metavar="TYPE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show_command(type_key: str, as_json: bool) -> None:
    """Show one equipment type: programmes, tier chains, tasks and checklist items."""
    catalog = _load_or_exit()
    try:
        equipment_type = catalog.type(type_key)
    except KeyError:
        known = ", ".join(sorted(t.key for t in catalog.types()))
        raise click.BadParameter(f"unknown type {type_key!r}; known: {known}") from None
    if as_json:
        _echo_json(to_jsonable(equipment_type))
    else:
        click.echo("\n".join(type_lines(equipment_type)))


@catalog_cli.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check the catalog plus site files or directories; one line per problem."""
    catalog = _load_or_exit(paths)
    type_count = sum(1 for _ in catalog.types())
    task_count = sum(len(t.tasks) for t in catalog.types())
    click.echo(
        f"OK: {len(catalog.families)} families, {type_count} types, {task_count} tasks"
        f" ({', '.join(str(p) for p in paths) or 'shipped catalog'})"
    )


def _load_or_exit(extra: Sequence[Path] = ()) -> Catalog:
    try:
        return load_catalog([*paths_from_env(), *extra])
    except CatalogError as error:
        for problem in error.problems:
            click.echo(str(problem))
        raise SystemExit(EXIT_INVALID) from None


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
