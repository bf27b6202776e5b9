"""Personal API tokens: shown once, stored as a hash, revocable. Services flush; callers commit."""

import hashlib
import secrets

from sqlalchemy import select

from app.core import clock
from app.core.validation import (
    N_,
)
from app.extensions import db
from app.people.errors import PeopleError, refuse
from app.people.models import (
    ApiToken,
    User,
)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(user: User, name: str = "") -> str:
    """Create a bearer token; the raw value is returned once and never stored."""
    name = name.strip()
    if len(name) > 100:
        refuse("name", N_("At most %(n)d characters.", n=100))
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_hash_token(raw)))
    db.session.flush()
    return raw


def api_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Stop a token from working; only its owner may revoke it here."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise PeopleError({"token": N_("No such token.")})
    token.revoked_at = clock.utcnow()
    db.session.flush()
    return token


def user_for_api_token(raw: str) -> User | None:
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(raw), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    return token.user
