"""Request-time permission checks: the view decorators and the `before_request` hook.

The role table and `can()` live in `app.access.roles` (plain domain code, re-exported
here for views). Every route declares one permission (or `PUBLIC`);
`enforce_permissions` runs before each request and refuses any endpoint that declared
nothing, so a forgotten decorator fails closed instead of leaking.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from app.access.objects import may_view
from app.access.roles import AUTHENTICATED, PERMISSIONS, PUBLIC, ROLES, can

__all__ = [
    "AUTHENTICATED",
    "PERMISSIONS",
    "PUBLIC",
    "ROLES",
    "can",
    "enforce_permissions",
    "login_required",
    "public",
    "required_permission",
    "requires",
    "user_can",
    "user_can_at",
    "user_may_view",
]

F = TypeVar("F", bound=Callable[..., object])


def user_can(permission: str) -> bool:
    """For templates: hide what the current user may not do."""
    if permission == PUBLIC:
        return True
    if not current_user.is_authenticated:
        return False
    return can(current_user.roles, permission)


def user_can_at(permission: str, site_id: int | None) -> bool:
    """For templates: `user_can` with the roles the user holds at `site_id`."""
    if not current_user.is_authenticated:
        return False
    return can(current_user.roles_at(site_id), permission)


def user_may_view(obj: object) -> bool:
    """For templates: link to a record only for those who may open it."""
    return may_view(current_user, obj)


def requires(permission: str) -> Callable[[F], F]:
    """Declare the permission a view needs; checked centrally before the request."""
    if permission not in PERMISSIONS and permission not in (PUBLIC, AUTHENTICATED):
        raise KeyError(f"unknown permission {permission!r}")

    def mark(view: F) -> F:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark


public = requires(PUBLIC)
login_required = requires(AUTHENTICATED)

_ALWAYS_PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def required_permission(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint in _ALWAYS_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_permission", None)


def enforce_permissions() -> None:
    """`before_request` hook: 401 for anonymous users, 403 for missing rights."""
    if request.endpoint is None:
        return  # 404/405 are answered by Flask itself
    permission = required_permission(request.endpoint)
    if permission is None:
        abort(403)
    if permission == PUBLIC:
        return
    if not current_user.is_authenticated:
        abort(401)
    if not can(current_user.roles, permission):
        abort(403)
