"""A user's roles per site (站点角色): list, grant, change and withdraw. Flushes only.

A role is held at one site or at every site (company level), so one person can be the
engineering supervisor of one site and a viewer at another (`SiteMembership`). Only a
company-level administrator changes them: granting a site grants its data. Every change
is made against the user's version and bumps it, like any other edit of the user, so
two administrators editing one person's sites at once get a clear 409, not a mix.
"""

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from app.access.roles import ROLES
from app.access.scoping import current_scope
from app.core.validation import N_, Problems, ValidationError, check_version
from app.extensions import db
from app.people.models import User
from app.sites.models import Site, SiteMembership

ADMIN = "admin"


class SiteRoleError(ValidationError):
    """A site-role change that is refused; nothing has been changed."""


def is_company_admin(user: User) -> bool:
    """An administrator of every site: who manages accounts and site roles."""
    return any(m.site_id is None and m.role == ADMIN for m in user.site_memberships)


def other_company_admins(user: User) -> int:
    """Active company-level administrators other than `user`."""
    stmt = (
        select(func.count(func.distinct(SiteMembership.user_id)))
        .join(User, User.id == SiteMembership.user_id)
        .where(
            SiteMembership.site_id.is_(None),
            SiteMembership.role == ADMIN,
            User.active.is_(True),
            User.id != user.id,
        )
    )
    return db.session.scalar(stmt) or 0


def site_roles_of(user: User) -> list[SiteMembership]:
    """The user's roles, company level first, then by site code and role."""

    def order(m: SiteMembership) -> tuple[int, str, str]:
        return (0 if m.site is None else 1, m.site.code if m.site else "", m.role or "")

    return sorted(user.site_memberships, key=order)


def membership_of(user: User, membership_id: int) -> SiteMembership | None:
    """One of the user's own rows; another user's row is not found, as if it did not exist."""
    return next((m for m in user.site_memberships if m.id == membership_id), None)


def grant_site_role(
    user: User, version: int | None, site_id: int | None, role: str
) -> SiteMembership:
    """Give `user` `role` at `site_id` (None: at every site)."""
    check_version(user, version)
    problems = _check_change(role)
    if site_id is not None and db.session.get(Site, site_id) is None:
        problems.add("site_id", N_("Choose a site from the list."))
    elif _holds(user, site_id, role):
        problems.add("role", N_("They already hold this role there."))
    problems.raise_if_any(SiteRoleError)
    membership = SiteMembership(site_id=site_id, role=role)
    # A role replaces the placeholder that kept role-less staff on the site's list.
    drop_memberships(
        user, [m for m in user.site_memberships if m.site_id == site_id and m.role is None]
    )
    user.site_memberships.append(membership)
    _changed(user)
    return membership


def change_site_role(
    user: User, version: int | None, membership: SiteMembership, role: str
) -> SiteMembership:
    """Hold `role` instead of the membership's role, at the same site."""
    check_version(user, version)
    problems = _check_change(role)
    if role != membership.role and _holds(user, membership.site_id, role):
        problems.add("role", N_("They already hold this role there."))
    if role != ADMIN:
        _check_keeps_an_admin(problems, user, membership)
    problems.raise_if_any(SiteRoleError)
    membership.role = role
    _changed(user)
    return membership


def withdraw_site_role(user: User, version: int | None, membership: SiteMembership) -> None:
    """Take a role at one site away; their last one there takes the site away too."""
    check_version(user, version)
    problems = _check_change(None)
    _check_keeps_an_admin(problems, user, membership)
    problems.raise_if_any(SiteRoleError)
    drop_memberships(user, [membership])
    _changed(user)


def _check_change(role: str | None) -> Problems:
    problems = Problems()
    if current_scope().site_ids is not None:
        problems.add(
            "role", N_("Only a company-level administrator can change the roles of a site.")
        )
    elif role is not None and role not in ROLES:
        problems.add("role", N_("Unknown role %(role)s.", role=role))
    return problems


def _check_keeps_an_admin(problems: Problems, user: User, membership: SiteMembership) -> None:
    """The company always keeps one active administrator of every site."""
    last = membership.site_id is None and membership.role == ADMIN and user.active
    if last and other_company_admins(user) == 0:
        problems.add("role", N_("This is the last active administrator; keep one."))


def drop_memberships(user: User, rows: list[SiteMembership]) -> None:
    """Delete rows explicitly, not as orphans: the calendar feeds' cache listener sees
    explicit deletions (`session.deleted`), so a withdrawn role closes feeds at once."""
    for membership in rows:
        user.site_memberships.remove(membership)
        db.session.delete(membership)


def differs_by_site(user: User) -> bool:
    """True when the user holds different roles at the sites the editor manages.

    The staff form and `PATCH /staff/<id>` set one list of roles at every such site,
    which would flatten them: a viewer at one site would become a supervisor there too.
    Those roles are changed per site, on the site-roles page or its API.
    """
    reach = current_scope().site_ids  # None: the editor manages every site
    by_site: dict[int | None, set[str]] = {}
    for membership in user.site_memberships:
        if reach is None or membership.site_id in reach:
            held = by_site.setdefault(membership.site_id, set())
            if membership.role is not None:
                held.add(membership.role)
    return len({frozenset(roles) for roles in by_site.values()}) > 1


def _holds(user: User, site_id: int | None, role: str) -> bool:
    return any(m.site_id == site_id and m.role == role for m in user.site_memberships)


def _changed(user: User) -> None:
    """Membership rows live in their own table; bump the user's version with them."""
    flag_modified(user, "updated_at")
    db.session.flush()
