"""Site scoping: one session-wide filter, so no query can forget which sites a user may see.

A request of a user who holds memberships of some sites only runs under a `Scope`
naming those sites. While it is set, every ORM SELECT, UPDATE and DELETE that touches a
site-owned model gets `site_id IN (visible sites)` added by SQLAlchemy's
`with_loader_criteria` (from a `do_orm_execute` hook), including `session.get`, joins and
lazy loads. A row of another site is then simply not found: the view answers 404, exactly
as for an id that does not exist, so nothing tells an outsider that the row is there.

Models opt in by declaring `__site_scoped__ = "site_id"` (the column naming their site;
NULL there means "every site", as for company-wide notices) or by defining a
`site_criteria(site_ids)` classmethod (sites themselves, users through their
memberships). The CLI, the scheduler and background jobs run with no scope: they act for
the whole company, as before. Company-level users hold a membership of all sites, which
is no scope too.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from sqlalchemy import event, or_
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.access.roles import AUTHENTICATED, PERMISSIONS, PUBLIC
from app.extensions import db


class Member(Protocol):
    """What scoping needs of a user: their id and the sites they may see (None = all)."""

    id: int

    @property
    def visible_site_ids(self) -> frozenset[int] | None: ...

    def sites_granting(self, wanted: frozenset[str]) -> frozenset[int] | None: ...


@dataclass(frozen=True)
class Scope:
    """The sites the current request may see, and whose request it is."""

    user_id: int | None
    site_ids: frozenset[int] | None  # None: every site


UNSCOPED = Scope(None, None)
_current: ContextVar[Scope] = ContextVar("rounds_site_scope", default=UNSCOPED)


def current_scope() -> Scope:
    return _current.get()


def set_scope(scope: Scope) -> None:
    _current.set(scope)


def scope_of(user: Member | None, permission: str = AUTHENTICATED) -> Scope:
    """The scope a request of `user` needing `permission` runs under.

    Roles are held per site, so a request sees only the sites where one of the user's
    roles there grants the route's permission: a supervisor of one site who is a viewer
    at another opens both ledgers, but the other site's equipment is not found by the
    edit page, exactly as if it did not exist. Anonymous requests see only public pages.
    """
    if user is None:
        return UNSCOPED
    if permission in (PUBLIC, AUTHENTICATED):
        return Scope(user.id, user.visible_site_ids)
    return Scope(user.id, user.sites_granting(PERMISSIONS[permission]))


@contextmanager
def scoped_to(scope: Scope) -> Iterator[None]:
    """Run a block (a feed built for its owner, a test) under another scope."""
    token = _current.set(scope)
    try:
        yield
    finally:
        _current.reset(token)


def widen_scope(site_id: int) -> None:
    """The request's user just gained `site_id` (they created it): let them see it now."""
    scope = _current.get()
    if scope.site_ids is not None:
        _current.set(Scope(scope.user_id, scope.site_ids | {site_id}))


def site_visible(user: Member, site_id: int | None) -> bool:
    """Whether `user` may see rows of `site_id` (None: a company-wide row, seen by all)."""
    ids = user.visible_site_ids
    return ids is None or site_id is None or site_id in ids


def visible_in_scope(site_id: int | None) -> bool:
    """`site_visible` for the current request's scope, for code that holds no user."""
    ids = _current.get().site_ids
    return ids is None or site_id is None or site_id in ids


@cache
def scoped_models() -> tuple[type[Any], ...]:
    """Every mapped class that declares how it belongs to a site."""
    return tuple(
        mapper.class_
        for mapper in db.Model.registry.mappers
        if hasattr(mapper.class_, "__site_scoped__") or hasattr(mapper.class_, "site_criteria")
    )


def _criteria(model: type[Any], site_ids: Iterable[int]) -> Any:
    ids = sorted(site_ids)
    custom = getattr(model, "site_criteria", None)
    if custom is not None:
        return custom(ids)
    name = model.__site_scoped__
    column = getattr(model, name)
    if model.__table__.c[name].nullable:
        return or_(column.is_(None), column.in_(ids))
    return column.in_(ids)


def _add_site_criteria(state: ORMExecuteState) -> None:
    site_ids = _current.get().site_ids
    if site_ids is None or state.is_column_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    options = [
        with_loader_criteria(model, _criteria(model, site_ids), include_aliases=True)
        for model in scoped_models()
    ]
    state.statement = state.statement.options(*options)


def register_site_scoping() -> None:
    """Install the filter once per process (idempotent: the app factory may run often)."""
    if not event.contains(Session, "do_orm_execute", _add_site_criteria):
        event.listen(Session, "do_orm_execute", _add_site_criteria)
