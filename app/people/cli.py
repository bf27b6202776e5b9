"""`rounds users ...`: thin commands over people.services."""

import click
from flask.cli import AppGroup

from app.auth.permissions import ROLES
from app.extensions import db
from app.people.services import PeopleError, create_user

users_cli = AppGroup("users", help="Manage staff accounts. 管理用户账号。")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", required=True, help="Display name, e.g. 王建国.")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(list(ROLES)))
@click.option("--password", help="Asked for when omitted.")
@click.option("--phone", default="")
def create_user_command(
    username: str, name: str, roles: tuple[str, ...], password: str | None, phone: str
) -> None:
    """Create a user who can log in."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, name, list(roles), password=password, phone=phone)
    except PeopleError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created user {user.username} ({', '.join(sorted(user.roles))})")
