"""Staff accounts, roles, teams and licences. Services flush; callers commit."""

import hashlib
import secrets
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.permissions import ROLES
from app.core import clock
from app.extensions import db
from app.people.licences import LICENCE_KINDS
from app.people.models import ApiToken, Licence, Team, TeamMembership, User, UserRole


class PeopleError(ValueError):
    """Bad input for a staff operation, with a message fit for the user."""


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def create_user(
    username: str,
    name: str,
    roles: list[str],
    password: str | None = None,
    phone: str = "",
) -> User:
    username = username.strip()
    if not username:
        raise PeopleError("username must not be empty")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise PeopleError(f"unknown role {unknown[0]!r}; choose from {', '.join(ROLES)}")
    if find_user(username) is not None:
        raise PeopleError(f"user {username!r} already exists")
    if password is not None and len(password) < 8:
        raise PeopleError("password must be at least 8 characters")
    user = User(username=username, name=name.strip() or username, phone=phone)
    user.role_rows = [UserRole(role=r) for r in dict.fromkeys(roles)]
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)


def authenticate(
    username: str, password: str, max_failures: int, lockout: timedelta
) -> User | None:
    """Check a login; repeated failures lock the account for a while to stop guessing.

    The hash is checked even for unknown users so timing does not reveal who exists.
    """
    user = find_user(username.strip())
    now = clock.utcnow()
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if user.locked_until is not None and user.locked_until > now:
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
        db.session.flush()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


_DUMMY_HASH = generate_password_hash("rounds-dummy-password")


def add_membership(team: Team, user: User, is_lead: bool = False, rotation_offset: int = 0) -> None:
    db.session.add(
        TeamMembership(team=team, user=user, is_lead=is_lead, rotation_offset=rotation_offset)
    )
    db.session.flush()


def add_licence(
    user: User, kind: str, number: str, expires_on: date | None, issued_on: date | None = None
) -> Licence:
    if kind not in LICENCE_KINDS:
        raise PeopleError(f"unknown licence kind {kind!r}")
    licence = Licence(
        user=user, kind=kind, number=number, expires_on=expires_on, issued_on=issued_on
    )
    db.session.add(licence)
    db.session.flush()
    return licence


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(user: User, name: str = "") -> str:
    """Create a bearer token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_hash_token(raw)))
    db.session.flush()
    return raw


def user_for_api_token(raw: str) -> User | None:
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(raw), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    return token.user
