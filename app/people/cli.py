"""`rounds users ...`: thin commands over people.services."""

import click
from flask.cli import AppGroup

from app.auth.permissions import ROLES
from app.extensions import db
from app.people import site_roles
from app.people.models import User
from app.people.services import PeopleError, create_user, find_user, list_users
from app.people.tokens import issue_api_token
from app.sites.models import SiteMembership
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


# --- roles per site ----------------------------------------------------------------------------

_SITE_OPTION = click.option("--site", "site_code", help="Site code; default: all sites.")
_ROLE_ARGUMENT = click.argument("role", type=click.Choice(list(ROLES)))


def _person(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


def _site_id(site_code: str | None) -> int | None:
    if site_code is None:
        return None
    site = site_with_code(site_code)
    if site is None:
        raise click.ClickException(f"no such site: {site_code}")
    return site.id


def _held(user: User, site_id: int | None, role: str) -> SiteMembership:
    for membership in user.site_memberships:
        if membership.site_id == site_id and membership.role == role:
            return membership
    raise click.ClickException(f"{user.username} does not hold {role} there")


@users_cli.command("roles")
@click.argument("username")
def site_roles_command(username: str) -> None:
    """List USERNAME's role at each site ("*": every site)."""
    for membership in site_roles.site_roles_of(_person(username)):
        site = membership.site.code if membership.site is not None else "*"
        click.echo(f"{site}\t{membership.role or '-'}")


@users_cli.command("grant")
@click.argument("username")
@_ROLE_ARGUMENT
@_SITE_OPTION
def grant_command(username: str, role: str, site_code: str | None) -> None:
    """Give USERNAME ROLE at one site, or at every site."""
    user = _person(username)
    try:
        site_roles.grant_site_role(user, user.version, _site_id(site_code), role)
    except site_roles.SiteRoleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{username} is now {role} at {site_code or 'every site'}")


@users_cli.command("withdraw")
@click.argument("username")
@_ROLE_ARGUMENT
@_SITE_OPTION
def withdraw_command(username: str, role: str, site_code: str | None) -> None:
    """Take ROLE at one site (or the company-level ROLE) away from USERNAME."""
    user = _person(username)
    membership = _held(user, _site_id(site_code), role)
    try:
        site_roles.withdraw_site_role(user, user.version, membership)
    except site_roles.SiteRoleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{username} is no longer {role} at {site_code or 'every site'}")
