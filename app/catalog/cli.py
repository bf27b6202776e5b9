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
from app.catalog.model import Catalog, EquipmentType
from app.catalog.problems import CatalogError
from app.catalog.render import catalog_lines, catalog_summary, type_lines
from app.catalog.render_libraries import library_keys, library_lines, library_of

EXIT_INVALID = 1

catalog_cli = AppGroup(
    "catalog",
    help=(
        "Equipment catalog (标准库) and the cleaning, greening and patrol libraries: "
        "list, show and validate. "
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
@click.argument("type_key", metavar="TYPE|LIBRARY")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show_command(type_key: str, as_json: bool) -> None:
    """Show one equipment type (programmes, tier chains, tasks and checklist items), or
    the cleaning, greening or patrol library (tasks per area and level, routes)."""
    catalog = _load_or_exit()
    shown: Any = library_of(catalog, type_key)
    if shown is None:
        try:
            shown = catalog.type(type_key)
        except KeyError:
            known = ", ".join([*library_keys(catalog), *sorted(t.key for t in catalog.types())])
            raise click.BadParameter(
                f"unknown type or library {type_key!r}; known: {known}"
            ) from None
    if as_json:
        _echo_json(to_jsonable(shown))
    elif isinstance(shown, EquipmentType):
        click.echo("\n".join(type_lines(shown)))
    else:
        click.echo("\n".join(library_lines(shown)))


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
