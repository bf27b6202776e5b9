"""Staff accounts, their roles and passwords. Services flush; callers commit.

Teams are in `teams`, licences in `licences`, API tokens in `tokens`.

Staff are never deleted, only deactivated: work orders, rosters and the audit
log must keep showing who did what.
"""

import re
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.security import check_password_hash, generate_password_hash

from app.access.roles import ROLES
from app.access.scoping import UNSCOPED, current_scope, scoped_to
from app.core.signals import staff_changed
from app.core.text import check_lines, clean_name
from app.core.validation import (
    N_,
    UNSET,
    Problems,
    Unset,
    check_version,
    phone_problem,
    pick,
)
from app.extensions import db
from app.people.errors import PeopleError, refuse
from app.people.models import (
    TeamMembership,
    User,
)
from app.people.passwords import password_problem
from app.people.sessions import end_sessions
from app.people.site_roles import (
    differs_by_site,
    drop_memberships,
    is_company_admin,
    other_company_admins,
)
from app.sites.models import SiteMembership

_USERNAME = re.compile(r"^\S{1,64}$")


# --- users -----------------------------------------------------------------------------------


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def users_query(include_inactive: bool = True) -> Select[tuple[User]]:
    """Staff ordered by name, with roles, teams and licences loaded for lists."""
    stmt = (
        select(User)
        .options(
            selectinload(User.memberships).selectinload(TeamMembership.team),
            selectinload(User.licences),
        )
        .order_by(User.active.desc(), User.name, User.id)
    )
    return stmt if include_inactive else stmt.where(User.active.is_(True))


def list_users(include_inactive: bool = True) -> list[User]:
    return list(db.session.scalars(users_query(include_inactive)))


def _check_user_fields(problems: Problems, name: str, phone: str, roles: Iterable[str]) -> None:
    check_lines(problems, name=name)
    if len(name) > 100:
        problems.add("name", N_("At most %(n)d characters.", n=100))
    if problem := phone_problem(phone):
        problems.add("phone", problem)
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        problems.add("roles", N_("Unknown role %(role)s.", role=unknown[0]))


def create_user(
    username: str,
    name: str,
    roles: list[str],
    password: str | None = None,
    phone: str = "",
    site_ids: Iterable[int] | None = None,
) -> User:
    """Add a member of staff; without a password they appear on rosters but cannot log in.

    They belong to `site_ids`, or by default to the sites of whoever creates them (a
    site's supervisor adds staff to their own sites; the CLI and admins, to all sites).
    """
    username, name, phone = username.strip(), clean_name(name), phone.strip()
    problems = Problems()
    if not username:
        problems.add("username", N_("Enter a username."))
    elif not _USERNAME.match(username):
        problems.add("username", N_("No spaces, at most 64 characters."))
    elif _username_taken(username):
        problems.add("username", N_("The username %(username)s is taken.", username=username))
    _check_user_fields(problems, name, phone, roles)
    _check_grant(problems, roles, None)
    if password is not None and (problem := password_problem(password, (username, name))):
        problems.add("password", problem)
    problems.raise_if_any(PeopleError)
    user = User(username=username, name=name or username, phone=phone)
    user.site_memberships = _memberships(site_ids, roles)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def _username_taken(username: str) -> bool:
    """Usernames are unique company-wide, including those of sites the creator cannot see."""
    with scoped_to(UNSCOPED):
        return find_user(username) is not None


def _memberships(
    site_ids: Iterable[int | None] | None, roles: Iterable[str]
) -> list[SiteMembership]:
    """The same roles at each of the sites: one row per site and role (see SiteMembership)."""
    wanted: Iterable[int | None] | None = (
        current_scope().site_ids if site_ids is None else frozenset(site_ids)
    )
    sites = [None] if wanted is None else sorted(wanted, key=lambda i: -1 if i is None else i)
    held = list(dict.fromkeys(roles)) or [None]
    return [SiteMembership(site_id=site, role=role) for site in sites for role in held]


def _reassign_roles(user: User, roles: list[str]) -> None:
    """Give the user `roles` at every site they belong to that the editor manages,
    keeping the rows that stay. A site's supervisor changes nothing at other sites: a
    person they share with another site keeps the role held there."""
    reach = current_scope().site_ids  # None: the editor manages every site

    def managed(membership: SiteMembership) -> bool:
        return reach is None or membership.site_id in reach

    mine = [m for m in user.site_memberships if managed(m)]
    sites = list(dict.fromkeys(m.site_id for m in mine))
    wanted = {(m.site_id, m.role) for m in _memberships(sites, roles)}
    drop_memberships(user, [m for m in mine if (m.site_id, m.role) not in wanted])
    kept = {(m.site_id, m.role) for m in user.site_memberships}
    added = [SiteMembership(site_id=s, role=r) for s, r in sorted(wanted - kept, key=str)]
    user.site_memberships.extend(added)


def _check_grant(problems: Problems, roles: Iterable[str], user: User | None) -> None:
    """A site's supervisor manages their sites' staff, never administrators or company staff."""
    if current_scope().site_ids is None:
        return
    if "admin" in roles or (user is not None and user.visible_site_ids is None):
        problems.add("roles", N_("Only an administrator can manage administrators."))


def update_user(
    user: User,
    version: int | None,
    *,
    name: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    active: bool | Unset = UNSET,
    roles: Iterable[str] | Unset = UNSET,
    locale: str | Unset | None = UNSET,
) -> User:
    """Change the given fields of a user edited at `version`.

    The last active administrator cannot lose the role or be deactivated, or nobody
    could manage accounts any more.
    """
    check_version(user, version)
    new_name = clean_name(pick(name, user.name))
    new_phone = pick(phone, user.phone).strip()
    new_active = pick(active, user.active)
    new_roles = list(dict.fromkeys(pick(roles, user.roles)))
    new_locale = pick(locale, user.locale) or None
    problems = Problems()
    if not new_name:
        problems.add("name", N_("Enter a name."))
    _check_user_fields(problems, new_name, new_phone, new_roles)
    if set(new_roles) != set(user.roles) or new_active != user.active:
        _check_grant(problems, new_roles, user)
    if set(new_roles) != set(user.roles) and differs_by_site(user):
        problems.add(
            "roles",
            N_(
                "%(name)s holds different roles at different sites; change them per site "
                "on the Site roles page, so one site's role does not spread to the others.",
                name=user.name,
            ),
        )
    if new_locale is not None and new_locale not in current_app.config["LANGUAGES"]:
        problems.add("locale", N_("Choose a language from the list."))
    was_admin = user.active and is_company_admin(user)
    stays_admin = new_active and "admin" in new_roles
    if was_admin and not stays_admin and other_company_admins(user) == 0:
        field = "active" if not new_active else "roles"
        problems.add(field, N_("This is the last active administrator; keep one."))
    problems.raise_if_any(PeopleError)

    rostered = (new_active, new_name) != (user.active, user.name)  # names show in reasons
    deactivated = user.active and not new_active
    user.name, user.phone, user.active, user.locale = new_name, new_phone, new_active, new_locale
    if set(new_roles) != set(user.roles):
        _reassign_roles(user, new_roles)
        flag_modified(user, "updated_at")  # role rows live elsewhere; bump the user's version
    db.session.flush()
    if deactivated:
        end_sessions(user)  # a leaver's open browsers stop working now, not at next login
    if rostered:
        staff_changed.send(None, user_ids=[user.id])
    return user


def deactivate_user(user: User, version: int | None) -> User:
    """Stop a leaver from logging in or using API tokens while keeping their history."""
    return update_user(user, version, active=False)


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def remember_language(user: User, code: str) -> None:
    """The language chosen in the menu, kept for the next login (the caller checked it)."""
    user.locale = code
    db.session.flush()


def reset_password(user: User, new_password: str) -> None:
    """An administrator sets a new password, e.g. for someone who forgot theirs."""
    if problem := password_problem(new_password, (user.username, user.name)):
        refuse("new_password", problem)
    set_password(user, new_password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    end_sessions(user)  # whoever knew the old password is logged out too


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A user changes their own password; the current one proves it is really them."""
    problems = Problems()
    if user.password_hash is None or not check_password_hash(user.password_hash, current_password):
        problems.add("current_password", N_("The current password is wrong."))
    if problem := password_problem(new_password, (user.username, user.name)):
        problems.add("new_password", problem)
    elif new_password == current_password:
        problems.add("new_password", N_("Choose a password different from the current one."))
    problems.raise_if_any(PeopleError)
    set_password(user, new_password)
    db.session.flush()
    end_sessions(user)  # other browsers logged in with the old password are logged out
