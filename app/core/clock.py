"""The one place Rounds asks for the current time.

Tests pin it (`pinned(...)`), and `ROUNDS_FROZEN_NOW` pins it for a whole
process, so nothing depends on the real date.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_pinned: datetime | None = None


def _from_env() -> datetime | None:
    raw = os.environ.get("ROUNDS_FROZEN_NOW")
    if not raw:
        return None
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Aware UTC now, honouring a pinned clock."""
    pinned = _pinned or _from_env()
    return pinned.astimezone(UTC) if pinned else datetime.now(UTC)


def local_now(tz: str) -> datetime:
    return utcnow().astimezone(ZoneInfo(tz))


def local_today(tz: str) -> date:
    return local_now(tz).date()


def pin(at: datetime | None) -> None:
    """Pin the clock to `at` (aware), or release it with None."""
    global _pinned
    if at is not None and at.tzinfo is None:
        raise ValueError("pin() needs an aware datetime")
    _pinned = at


@contextmanager
def pinned(at: datetime) -> Iterator[None]:
    previous = _pinned
    pin(at)
    try:
        yield
    finally:
        pin(previous)
