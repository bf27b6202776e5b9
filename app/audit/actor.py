"""Who is acting right now, for the audit log: a web user, a CLI admin or the scheduler."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple


class Actor(NamedTuple):
    user_id: int | None
    label: str


SYSTEM = Actor(None, "system")
_current: ContextVar[Actor] = ContextVar("rounds_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


def set_actor(actor: Actor) -> None:
    _current.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)
