"""`rounds feeds ...`: hand out or withdraw calendar links for someone, from the shell."""

import click
from flask.cli import AppGroup

from app.core.validation import ValidationError
from app.extensions import db
from app.feeds.models import FeedScope
from app.feeds.services import issue_feed, revoke_user_feeds
from app.people.services import find_user

feeds_cli = AppGroup("feeds", help="Calendar subscription links. 日历订阅链接。")


@feeds_cli.command("issue")
@click.option("--user", "username", required=True, help="Who the link is for.")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in FeedScope]),
    default=FeedScope.PERSON.value,
    show_default=True,
)
@click.option("--target", "code", help="Username, site code, or SITE:CODE (default: the user).")
@click.option("--days-back", type=int, help="Days of past work shown (default 30).")
@click.option("--days-ahead", type=int, help="Days of future work shown (default 90).")
@click.option("--alarm", "alarm_minutes", type=int, help="Reminder minutes before each visit.")
def issue_command(
    username: str,
    scope: str,
    code: str | None,
    days_back: int | None,
    days_ahead: int | None,
    alarm_minutes: int | None,
) -> None:
    """Print a fresh feed URL (https; webcal:// on the second line). Shown once."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        issued = issue_feed(
            user, scope, code, days_back=days_back, days_ahead=days_ahead,
            alarm_minutes=alarm_minutes,
        )  # fmt: skip
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(issued.url)
    click.echo(issued.webcal)


@feeds_cli.command("revoke")
@click.option("--user", "username", required=True)
def revoke_command(username: str) -> None:
    """Stop every calendar link of a user (a lost phone, someone leaving)."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    count = revoke_user_feeds(user)
    db.session.commit()
    click.echo(f"revoked {count} calendar link(s) of {user.username}")
