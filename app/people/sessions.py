"""Ending a user's sessions everywhere: one counter on the user, checked per request.

Sessions are signed cookies, so the server cannot delete a copy someone kept. Instead
each cookie carries the user's session version (`User.get_id`), and bumping the
version makes every older cookie, session or remember, load nobody.
"""

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.people.models import User


def end_sessions(user: User) -> None:
    """Log `user` out of every browser, including remember-me cookies.

    Written straight to the table, like login bookkeeping, so it bumps neither the
    record's optimistic-lock `version` nor its audit trail.
    """
    table = User.__table__
    new_version = user.session_version + 1
    db.session.execute(
        update(table)
        .where(table.c.id == user.id)
        .values(session_version=new_version, updated_at=table.c.updated_at)
    )
    set_committed_value(user, "session_version", new_version)


def user_for_session(session_id: str) -> User | None:
    """The active user a session or remember cookie names, if it is still current.

    Cookies from before session versions existed (a bare id) are refused: those users
    log in once more.
    """
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
