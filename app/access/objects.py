"""`may_view(user, obj)` and `may_edit(user, obj)`: the one object-level check.

Every way a record can be reached (web page, API, PDF, export, calendar feed) asks
these two functions, so a rule written once holds everywhere. Each domain package
registers the rule for its own model (`app.<domain>.access`, imported by the
composition root); an object with no rule is refused, never let through.

The permission table (`app.access.roles`) still decides which *pages* a role opens;
these decide which *rows* it may see or change on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from app.access.scoping import site_visible


class Person(Protocol):
    """What the rules read of a user (no model import: this package sits below people)."""

    id: int

    @property
    def roles(self) -> frozenset[str]: ...

    def roles_at(self, site_id: int | None) -> frozenset[str]: ...


class AtSite:
    """A user as the rules see them at one site: `roles` are the roles held there.

    Roles are held per site (a supervisor of one site may be a viewer at another), so a
    rule reading `user.roles` about a row must read the roles of that row's site. Every
    other attribute is the user's own.
    """

    def __init__(self, user: Person, site_id: int | None) -> None:
        self._user = user
        self.roles = user.roles_at(site_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._user, name)


def at_site_of(user: Person, obj: object) -> Person:
    """`user` with the roles they hold at `obj`'s site, for rules and templates."""
    if isinstance(user, AtSite):
        return user
    return AtSite(user, getattr(obj, "site_id", None))  # type: ignore[return-value]


Rule = Callable[[Any, Any], bool]
R = TypeVar("R", bound=Rule)

_VIEW_RULES: dict[type, Rule] = {}
_EDIT_RULES: dict[type, Rule] = {}


class NoRule(LookupError):
    """A model reached an object-level check without registering its rule: a bug."""


def view_rule(model: type) -> Callable[[R], R]:
    """Register who may see rows of `model` (site scoping aside)."""

    def register(rule: R) -> R:
        _VIEW_RULES[model] = rule
        return rule

    return register


def edit_rule(model: type) -> Callable[[R], R]:
    """Register who may change rows of `model`; seeing it is checked first."""

    def register(rule: R) -> R:
        _EDIT_RULES[model] = rule
        return rule

    return register


def _rule(rules: dict[type, Rule], obj: object) -> Rule:
    for klass in type(obj).__mro__:
        if klass in rules:
            return rules[klass]
    raise NoRule(type(obj).__name__)


def in_site_scope(user: Person, obj: object) -> bool:
    """Whether `obj`'s site is one of the user's (`app/access/scoping.py`). Every
    `may_view`/`may_edit` passes through this one place; rows of other sites are
    already filtered out of queries, this covers objects reached otherwise (feeds)."""
    return site_visible(user, getattr(obj, "site_id", None))  # type: ignore[arg-type]


def may_view(user: Person | None, obj: object) -> bool:
    """Whether `user` may see this very record (None, an anonymous visitor, never may)."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    return in_site_scope(user, obj) and _rule(_VIEW_RULES, obj)(at_site_of(user, obj), obj)


def may_edit(user: Person | None, obj: object) -> bool:
    """Whether `user` may change (edit, stop, sign off) this very record."""
    return may_view(user, obj) and _rule(_EDIT_RULES, obj)(at_site_of(user, obj), obj)
