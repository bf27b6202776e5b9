"""Staff accounts, roles, teams and licences. Services flush; callers commit.

Staff are never deleted, only deactivated: work orders, rosters and the audit
log must keep showing who did what.
"""

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NoReturn

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.security import check_password_hash, generate_password_hash

from app.access.roles import ROLES
from app.access.scoping import UNSCOPED, current_scope, scoped_to
from app.core import clock
from app.core.signals import staff_changed
from app.core.text import check_lines, clean_code, clean_name
from app.core.validation import (
    N_,
    UNSET,
    Msg,
    Problems,
    Unset,
    ValidationError,
    check_version,
    count_references,
    phone_problem,
    pick,
)
from app.extensions import db
from app.people.models import (
    TEAM_KINDS,
    ApiToken,
    Licence,
    Team,
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
from app.sites.models import Site, SiteMembership
from app.vocab.expiry import company_today
from app.vocab.licences import LICENCE_KINDS
from schedules import PRESETS

_USERNAME = re.compile(r"^\S{1,64}$")
_TEAM_CODE = re.compile(r"^\S{1,32}$")


class PeopleError(ValidationError):
    """Bad input for a staff operation; `str()` gives a one-line English reason."""


def _raise(field: str, message: Msg) -> NoReturn:
    raise PeopleError({field: message})


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
        _raise("new_password", problem)
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


# --- teams -----------------------------------------------------------------------------------


def get_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)


def teams_query(site_id: int | None = None) -> Select[tuple[Team]]:
    stmt = (
        select(Team)
        .options(selectinload(Team.memberships).selectinload(TeamMembership.user))
        .order_by(Team.site_id, Team.code)
    )
    return stmt if site_id is None else stmt.where(Team.site_id == site_id)


def list_teams(site_id: int | None = None) -> list[Team]:
    return list(db.session.scalars(teams_query(site_id)))


def _check_team(
    team: Team | None,
    site_id: int,
    code: str,
    name: str,
    kind: str,
    shift_pattern: str | None,
) -> None:
    problems = Problems()
    check_lines(problems, code=code, name=name)
    if db.session.get(Site, site_id) is None:
        problems.add("site_id", N_("Choose a site."))
    if not code:
        problems.add("code", N_("Enter a code."))
    elif not _TEAM_CODE.match(code):
        problems.add("code", N_("No spaces, at most 32 characters."))
    elif "site_id" not in problems:
        other = db.session.scalar(select(Team).where(Team.site_id == site_id, Team.code == code))
        if other is not None and other is not team:
            problems.add("code", N_("Another team of this site already uses %(code)s.", code=code))
    if not name:
        problems.add("name", N_("Enter a name."))
    elif len(name) > 100:
        problems.add("name", N_("At most %(n)d characters.", n=100))
    if kind not in TEAM_KINDS:
        problems.add("kind", N_("Choose a kind from the list."))
    if shift_pattern is not None and shift_pattern not in PRESETS:
        problems.add("shift_pattern", N_("Choose a shift pattern from the list."))
    problems.raise_if_any(PeopleError)


def create_team(
    site_id: int, code: str, name: str, kind: str, shift_pattern: str | None = None
) -> Team:
    code, name = clean_code(code), clean_name(name)
    shift_pattern = (shift_pattern or "").strip() or None
    _check_team(None, site_id, code, name, kind, shift_pattern)
    team = Team(site_id=site_id, code=code, name=name, kind=kind, shift_pattern=shift_pattern)
    db.session.add(team)
    db.session.flush()
    return team


def update_team(
    team: Team,
    version: int | None,
    *,
    code: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    shift_pattern: str | Unset | None = UNSET,
) -> Team:
    """Change the given fields; a team stays with its site (its plans and rosters do too).

    A new shift pattern moves its members' duties, so their future visits follow.
    """
    check_version(team, version)
    new_code = clean_code(pick(code, team.code))
    new_name = clean_name(pick(name, team.name))
    new_kind = pick(kind, team.kind)
    new_pattern = (pick(shift_pattern, team.shift_pattern) or "").strip() or None
    _check_team(team, team.site_id, new_code, new_name, new_kind, new_pattern)
    rostered = new_pattern != team.shift_pattern
    team.code, team.name, team.kind, team.shift_pattern = new_code, new_name, new_kind, new_pattern
    db.session.flush()
    if rostered:
        staff_changed.send(None, team_ids=[team.id], user_ids=[m.id for m in team.members])
    return team


def delete_team(team: Team, version: int | None) -> None:
    """Remove a team nothing points at; plans, work orders or equipment keep it alive.

    Memberships go with the team. Deleting a used team would silently leave its
    plans and work orders without anyone responsible.
    """
    check_version(team, version)
    used = count_references(team, ignore=frozenset({"team_membership"}))
    if used:
        _raise("_", N_("This team is still used by %(n)d records; reassign them first.", n=used))
    members = team.members
    db.session.delete(team)
    db.session.flush()
    # they no longer work its shifts on their other teams' plans
    staff_changed.send(None, user_ids=[m.id for m in members])


def _membership(team: Team, user: User) -> TeamMembership | None:
    return db.session.get(TeamMembership, (team.id, user.id))


def add_membership(
    team: Team, user: User, is_lead: bool = False, rotation_offset: int = 0
) -> TeamMembership:
    """Put an active member of staff in a team, optionally as its lead (班长)."""
    if _membership(team, user) is not None:
        _raise("user_id", N_("%(name)s is already in this team.", name=user.name))
    if not user.active:
        _raise("user_id", N_("%(name)s is inactive.", name=user.name))
    if rotation_offset < 0:
        _raise("rotation_offset", N_("Use zero or a positive number."))
    membership = TeamMembership(
        team=team, user=user, is_lead=is_lead, rotation_offset=rotation_offset
    )
    db.session.add(membership)
    db.session.flush()
    staff_changed.send(None, team_ids=[team.id], user_ids=[user.id])
    return membership


def update_membership(
    team: Team,
    user: User,
    *,
    is_lead: bool | Unset = UNSET,
    rotation_offset: int | Unset = UNSET,
) -> TeamMembership:
    membership = _membership(team, user)
    if membership is None:
        raise PeopleError({"user_id": N_("%(name)s is not in this team.", name=user.name)})
    new_offset = pick(rotation_offset, membership.rotation_offset)
    if new_offset < 0:
        _raise("rotation_offset", N_("Use zero or a positive number."))
    rostered = new_offset != membership.rotation_offset  # the lead role assigns nothing
    membership.is_lead = pick(is_lead, membership.is_lead)
    membership.rotation_offset = new_offset
    db.session.flush()
    if rostered:
        staff_changed.send(None, user_ids=[user.id])
    return membership


def remove_membership(team: Team, user: User) -> None:
    membership = _membership(team, user)
    if membership is None:
        _raise("user_id", N_("%(name)s is not in this team.", name=user.name))
    db.session.delete(membership)
    db.session.flush()
    db.session.expire(team, ["memberships"])
    db.session.expire(user, ["memberships"])
    staff_changed.send(None, team_ids=[team.id], user_ids=[user.id])


# --- licences --------------------------------------------------------------------------------


def get_licence(licence_id: int) -> Licence | None:
    return db.session.get(Licence, licence_id)


def _check_licence(kind: str, number: str, issued_on: date | None, expires_on: date | None) -> None:
    problems = Problems()
    if kind not in LICENCE_KINDS:
        problems.add("kind", N_("Choose a kind from the list."))
    if len(number) > 64:
        problems.add("number", N_("At most %(n)d characters.", n=64))
    if issued_on is not None and expires_on is not None and expires_on < issued_on:
        problems.add("expires_on", N_("The expiry date is before the issue date."))
    problems.raise_if_any(PeopleError)


def add_licence(
    user: User, kind: str, number: str, expires_on: date | None, issued_on: date | None = None
) -> Licence:
    """Record a licence; future visits that need its kind may now go to its holder."""
    number = number.strip()
    _check_licence(kind, number, issued_on, expires_on)
    licence = Licence(
        user=user, kind=kind, number=number, expires_on=expires_on, issued_on=issued_on
    )
    db.session.add(licence)
    db.session.flush()
    staff_changed.send(None, user_ids=[user.id], licence_kinds={kind})
    return licence


def update_licence(
    licence: Licence,
    version: int | None,
    *,
    kind: str | Unset = UNSET,
    number: str | Unset = UNSET,
    issued_on: date | Unset | None = UNSET,
    expires_on: date | Unset | None = UNSET,
) -> Licence:
    """Record a renewal or correct a licence, e.g. a new expiry after re-examination."""
    check_version(licence, version)
    new_kind = pick(kind, licence.kind)
    new_number = pick(number, licence.number).strip()
    new_issued = pick(issued_on, licence.issued_on)
    new_expires = pick(expires_on, licence.expires_on)
    _check_licence(new_kind, new_number, new_issued, new_expires)
    kinds = {licence.kind, new_kind}
    rostered = (new_kind, new_expires) != (licence.kind, licence.expires_on)
    licence.kind, licence.number = new_kind, new_number
    licence.issued_on, licence.expires_on = new_issued, new_expires
    db.session.flush()
    if rostered:  # eligibility is kind and expiry; the number and issue date decide nothing
        staff_changed.send(None, user_ids=[licence.user.id], licence_kinds=kinds)
    return licence


def delete_licence(licence: Licence, version: int | None) -> None:
    """Remove a licence; the holder's future visits that needed it go to someone else."""
    check_version(licence, version)
    user, kind = licence.user, licence.kind
    db.session.delete(licence)
    db.session.flush()
    staff_changed.send(None, user_ids=[user.id], licence_kinds={kind})


def expiring_licences(within_days: int, today: date | None = None) -> list[Licence]:
    """Licences of active staff that expire within `within_days` or have already expired.

    Soonest first, so whoever books the re-examinations starts at the top.
    """
    today = today or company_today()
    limit = today + timedelta(days=within_days)
    stmt = (
        select(Licence)
        .join(User)
        .options(selectinload(Licence.user))
        .where(User.active.is_(True), Licence.expires_on.is_not(None), Licence.expires_on <= limit)
        .order_by(Licence.expires_on, Licence.id)
    )
    return list(db.session.scalars(stmt))


# --- API tokens ------------------------------------------------------------------------------


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(user: User, name: str = "") -> str:
    """Create a bearer token; the raw value is returned once and never stored."""
    name = name.strip()
    if len(name) > 100:
        _raise("name", N_("At most %(n)d characters.", n=100))
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_hash_token(raw)))
    db.session.flush()
    return raw


def api_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Stop a token from working; only its owner may revoke it here."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise PeopleError({"token": N_("No such token.")})
    token.revoked_at = clock.utcnow()
    db.session.flush()
    return token


def user_for_api_token(raw: str) -> User | None:
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(raw), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    return token.user
