"""`rounds users ...`: thin commands over people.services."""

import click
from flask.cli import AppGroup

from app.auth.permissions import ROLES
from app.extensions import db
from app.people.services import PeopleError, create_user, find_user, issue_api_token, list_users
from app.sites.queries import site_with_code

users_cli = AppGroup("users", help="Manage staff accounts. 管理用户账号。")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", required=True, help="Display name, e.g. 王建国.")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(list(ROLES)))
@click.option("--password", help="Asked for when omitted.")
@click.option("--phone", default="")
@click.option(
    "--site", "site_codes", multiple=True, help="Site code they work at (repeat); default: all."
)
def create_user_command(
    username: str,
    name: str,
    roles: tuple[str, ...],
    password: str | None,
    phone: str,
    site_codes: tuple[str, ...],
) -> None:
    """Create a user who can log in, at the given sites or (by default) at every site."""
    sites = [site_with_code(code) for code in site_codes]
    if None in sites:
        raise click.ClickException(f"no such site: {site_codes[sites.index(None)]}")
    site_ids = [site.id for site in sites if site is not None] if site_codes else None
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            username, name, list(roles), password=password, phone=phone, site_ids=site_ids
        )
    except PeopleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created user {user.username} ({', '.join(sorted(user.roles))})")


@users_cli.command("list")
@click.option("--active-only", is_flag=True, help="Leave out deactivated staff.")
def list_users_command(active_only: bool) -> None:
    """List staff: username, name, roles and whether they are active."""
    for user in list_users(include_inactive=not active_only):
        state = "active" if user.active else "inactive"
        roles = ",".join(sorted(user.roles)) or "-"
        click.echo(f"{user.username}\t{user.name}\t{roles}\t{state}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="", help="Where the token is used, e.g. 'BMS sync'.")
def token_command(username: str, name: str) -> None:
    """Print a new API token for USERNAME; it is shown once and never stored."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    if not user.active:
        raise click.ClickException(f"user {username!r} is inactive")
    try:
        raw = issue_api_token(user, name)
    except PeopleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(raw)
