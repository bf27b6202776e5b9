"""Roles and the permission table.

Every route declares one permission (or `PUBLIC`); `enforce_permissions` runs
before each request and refuses any endpoint that declared nothing, so a
forgotten decorator fails closed instead of leaking.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

ROLES: dict[str, tuple[str, str]] = {
    "admin": ("系统管理员", "Administrator"),
    "supervisor": ("工程主管", "Engineering supervisor"),
    "technician": ("技术员", "Technician"),
    "cleaner": ("保洁员", "Cleaner"),
    "cleaning_lead": ("保洁/绿化领班", "Cleaning and greening lead"),
    "security_lead": ("秩序维护领班", "Security lead"),
    "customer_service": ("客服/前台", "Customer service"),
    "viewer": ("只读", "Viewer"),
}

PUBLIC = "public"
AUTHENTICATED = "authenticated"

_ALL = frozenset(ROLES)
_STAFF_READERS = frozenset(
    {"admin", "supervisor", "technician", "cleaning_lead", "security_lead", "viewer"}
)
_MANAGERS = frozenset({"admin", "supervisor"})
_LEADS = frozenset({"admin", "supervisor", "cleaning_lead", "security_lead"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "ledger.view": _STAFF_READERS,
    "ledger.edit": _MANAGERS,
    "ledger.import": _MANAGERS,
    "sites.view": _STAFF_READERS,
    "sites.edit": frozenset({"admin"}),
    "staff.view": _STAFF_READERS - {"technician"},
    "staff.edit": frozenset({"admin"}),
    "contractors.view": _STAFF_READERS,
    "contractors.edit": _MANAGERS,
    "catalog.view": _STAFF_READERS,
    "plans.view": _STAFF_READERS,
    "plans.edit": _MANAGERS | {"cleaning_lead", "security_lead"},
    "work.own": _ALL,
    "work.view": _LEADS | {"viewer"},
    "work.manage": _LEADS,
    "print.sheets": _LEADS | {"technician"},
    "repairs.view": _STAFF_READERS | {"customer_service"},
    "repairs.create": _MANAGERS | {"customer_service"},
    "audit.view": _MANAGERS,
}

F = TypeVar("F", bound=Callable[..., object])


def can(roles: frozenset[str], permission: str) -> bool:
    if permission in (PUBLIC, AUTHENTICATED):
        return True
    return bool(roles & PERMISSIONS[permission])


def user_can(permission: str) -> bool:
    """For templates: hide what the current user may not do."""
    if permission == PUBLIC:
        return True
    if not current_user.is_authenticated:
        return False
    return can(current_user.roles, permission)


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
