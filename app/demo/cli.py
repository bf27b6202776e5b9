"""`rounds demo load`: a thin command over demo.services, committing once at the end."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.services import DemoError, DemoResult, load_demo
from app.extensions import db

demo_cli = AppGroup("demo", help="The demo property 阳光花园. 演示项目。")


@demo_cli.command("load")
def load_command() -> None:
    """Load the demo property 阳光花园 (DEMO); does nothing if it is already there."""
    try:
        result = load_demo()
        db.session.commit()
    except DemoError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except Exception:
        db.session.rollback()
        raise
    base_url = current_app.config["ROUNDS_BASE_URL"]
    if result.created:
        counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
        click.echo(f"Loaded demo site {result.site_code} (阳光花园): {counts}.")
    else:
        click.echo(f"Demo site {result.site_code} is already loaded; nothing changed.")
    _echo_logins(result, base_url)


def _echo_logins(result: DemoResult, base_url: str) -> None:
    """Every start prints the way in, so a returning user need not look it up."""
    click.echo("")
    click.echo(f"Open {base_url} and log in with password {result.password!r} as:")
    width = max(len(login.username) for login in result.logins)
    for login in result.logins:
        roles = ", ".join(login.roles)
        click.echo(f"  {login.username:<{width}}  {login.name} {login.title} ({roles})")
