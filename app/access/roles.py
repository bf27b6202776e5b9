"""Roles and the permission table, and `can()`: plain data and one function.

Domain services (people, work orders, feeds) ask `can()` without a request; the
request-time decorators that read `current_user` stay in `app.auth.permissions`.
"""

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
    "sites.edit": _MANAGERS,  # a supervisor within their own sites (app.access.scoping)
    "staff.view": _STAFF_READERS - {"technician"},
    "staff.edit": _MANAGERS,
    # Which role a person holds at which site: granting a site grants its data.
    "site_roles.edit": frozenset({"admin"}),
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
    # Residents' phone numbers: the public form promises them only for calling back.
    "repairs.contact": _MANAGERS | {"customer_service"},
    "audit.view": _MANAGERS,
}


def can(roles: frozenset[str], permission: str) -> bool:
    """Whether any of `roles` grants `permission`; the pseudo-permissions always do."""
    if permission in (PUBLIC, AUTHENTICATED):
        return True
    return bool(roles & PERMISSIONS[permission])
