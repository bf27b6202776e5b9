"""Checking a login, and slowing down whoever keeps guessing.

Three counters, each with exponential backoff once its free failures are used up:

* one source guessing one account (`pair`): 5 free failures, then 1, 2, 4 … 15 minutes;
* one source guessing many accounts (`ip`): 20 free failures, same delays;
* one account guessed from many sources (on the user row): 20 free failures, then a
  delay of at most a minute, and none for a source that logged in to it before.

So nobody can lock `admin` out from elsewhere: their guesses slow down their own
address, and the real admin at a known address is never held up (at a new one, for a
minute at most). An attempt during a delay is refused unchecked and not counted. The
source is `request.remote_addr`, which `ROUNDS_PROXY_HOPS` makes the client's address
behind a proxy.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import clock
from app.extensions import db
from app.people.models import LoginThrottle, User

FORGET_AFTER = timedelta(days=30)  # counters and known sources older than this are dropped
_MAX_DOUBLINGS = 16
_DUMMY_HASH = generate_password_hash("rounds-dummy-password")


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures are free, and how long the delays after them grow."""

    pair_failures: int = 5
    source_failures: int = 20
    account_failures: int = 20
    first_delay: timedelta = timedelta(minutes=1)
    longest_delay: timedelta = timedelta(minutes=15)
    account_longest_delay: timedelta = timedelta(minutes=1)

    @classmethod
    def from_config(cls, config: Any) -> "LoginPolicy":
        return cls(
            pair_failures=config["LOGIN_MAX_FAILURES"],
            source_failures=config["LOGIN_SOURCE_MAX_FAILURES"],
            account_failures=config["LOGIN_ACCOUNT_MAX_FAILURES"],
            longest_delay=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        )


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    retry_after: int = 0  # seconds this source must wait; 0 if the password was checked


def _delay(failures: int, free: int, policy: LoginPolicy, longest: timedelta) -> timedelta:
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free, _MAX_DOUBLINGS)
    return min(longest, policy.first_delay * 2**doublings)


def _seconds_left(until: datetime | None, now: datetime) -> int:
    if until is None or until <= now:
        return 0
    return max(1, int((until - now).total_seconds() + 0.999))


def _row(key: str) -> LoginThrottle | None:
    return db.session.get(LoginThrottle, key)


def _row_for_update(key: str, now: datetime) -> LoginThrottle:
    """The counter for `key`, created if missing (another worker may create it too)."""
    row = _row(key)
    if row is None:
        try:
            with db.session.begin_nested():
                row = LoginThrottle(key=key, failures=0, seen_at=now)
                db.session.add(row)
        except IntegrityError:
            row = _row(key)
            assert row is not None
    if row.seen_at + FORGET_AFTER < now:
        row.failures, row.blocked_until = 0, None
    row.seen_at = now
    return row


def _count_failure(key: str, free: int, policy: LoginPolicy, now: datetime) -> None:
    row = _row_for_update(key, now)
    row.failures += 1
    delay = _delay(row.failures, free, policy, policy.longest_delay)
    row.blocked_until = now + delay if delay else None


def _record_login(user: User, **state: object) -> None:
    """Write login bookkeeping without touching the user's version or audit trail.

    A login is not an edit: going through the ORM would bump `version`, and an
    administrator saving that person's record meanwhile would get a false conflict.
    """
    table = User.__table__
    unchanged = {"updated_at": table.c.updated_at}  # nor is it a change to the record
    db.session.execute(update(table).where(table.c.id == user.id).values(**state, **unchanged))
    for key, value in state.items():
        set_committed_value(user, key, value)


def _known_source(pair: LoginThrottle | None, now: datetime) -> bool:
    return pair is not None and pair.trusted_at is not None and pair.trusted_at + FORGET_AFTER > now


def _wait(
    user: User | None, ip: LoginThrottle | None, pair: LoginThrottle | None, now: datetime
) -> int:
    waits = [_seconds_left(row.blocked_until, now) for row in (ip, pair) if row is not None]
    if user is not None and not _known_source(pair, now):
        waits.append(_seconds_left(user.locked_until, now))
    return max(waits, default=0)


def _fail(
    user: User | None, source: str, pair_key: str, policy: LoginPolicy, now: datetime
) -> None:
    _count_failure(f"ip:{source}", policy.source_failures, policy, now)
    if user is None:
        return
    _count_failure(pair_key, policy.pair_failures, policy, now)
    failures = user.failed_logins + 1
    delay = _delay(failures, policy.account_failures, policy, policy.account_longest_delay)
    _record_login(user, failed_logins=failures, locked_until=now + delay if delay else None)


def authenticate(
    username: str, password: str, source: str, policy: LoginPolicy | None = None
) -> LoginResult:
    """Check a login from `source` (the client's address); see the module docstring.

    The hash is checked even for unknown users so timing does not reveal who exists.
    """
    policy = policy or LoginPolicy()
    now = clock.utcnow()
    username = username.strip()
    user = db.session.scalar(select(User).where(User.username == username))
    pair_key = f"pair:{source}|{username}"[:200]
    pair = _row(pair_key)
    if wait := _wait(user, _row(f"ip:{source}"), pair, now):
        return LoginResult(None, wait)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.seen_at < now - FORGET_AFTER))
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        _fail(None, source, pair_key, policy, now)
        return LoginResult(None)
    if not user.active or not check_password_hash(user.password_hash, password):
        _fail(user, source, pair_key, policy, now)
        return LoginResult(None)
    pair = _row_for_update(pair_key, now)
    pair.failures, pair.blocked_until, pair.trusted_at = 0, None, now
    _record_login(user, failed_logins=0, locked_until=None, last_login_at=now)
    return LoginResult(user)
