"""Staff, teams, memberships and licences: every rule, stale edits and expiry lists."""

from datetime import date, timedelta

import pytest
from flask import Flask

from app.audit.services import history_of
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db
from app.people import licences, services, teams, tokens
from app.people.login import LoginPolicy, authenticate
from app.people.models import User
from app.sites.models import Site
from app.vocab.expiry import ExpiryStatus, expiry_status

TODAY = date(2026, 3, 2)  # the pinned clock's day in Shanghai

SOURCE = "192.0.2.10"


def _fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.fields)


@pytest.fixture
def wang(app: Flask) -> User:
    user = services.create_user("wang", "王建国", ["technician"], password="long-enough-1")
    db.session.commit()
    return user


@pytest.fixture
def admin(app: Flask) -> User:
    user = services.create_user("boss", "管理员", ["admin"], password="long-enough-1")
    db.session.commit()
    return user


def test_creating_a_user_reports_every_bad_field(app: Flask) -> None:
    services.create_user("wang", "王建国", ["technician"])
    with pytest.raises(services.PeopleError) as excinfo:
        services.create_user("wang", "x" * 101, ["janitor"], password="short", phone="call me")
    assert _fields(excinfo) == {"username", "name", "roles", "password", "phone"}


def test_usernames_with_spaces_are_refused(app: Flask) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_user("wang jian", "王建国", [])
    assert _fields(excinfo) == {"username"}


def test_the_cli_reason_is_one_english_line(app: Flask) -> None:
    with pytest.raises(services.PeopleError) as excinfo:
        services.create_user("", "x", [])
    assert str(excinfo.value) == "username: Enter a username."


def test_updating_a_user_changes_name_phone_and_roles(wang: User) -> None:
    services.update_user(
        wang, wang.version, name="王建军", phone="138 0013 8000", roles=["supervisor"]
    )
    db.session.commit()
    assert (wang.name, wang.phone, wang.roles) == ("王建军", "138 0013 8000", {"supervisor"})


def test_a_role_change_alone_bumps_the_version_so_stale_forms_are_caught(wang: User) -> None:
    services.update_user(wang, 1, roles=["technician", "viewer"])
    db.session.commit()
    assert wang.version == 2
    with pytest.raises(StaleEdit):
        services.update_user(wang, 1, name="X")


def test_granting_a_role_is_audited(wang: User) -> None:
    services.update_user(wang, wang.version, roles=["admin"])
    db.session.commit()
    granted = next(m for m in wang.site_memberships if m.role == "admin")
    entries = history_of("site_membership", granted.id)
    assert any(
        e.action == "create"
        and e.changes["role"][1] == "admin"
        and e.changes["user_id"][1] == wang.id
        for e in entries
    )


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(admin: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.deactivate_user(admin, admin.version)
    assert _fields(excinfo) == {"active"}
    with pytest.raises(ValidationError) as excinfo:
        services.update_user(admin, admin.version, roles=["viewer"])
    assert _fields(excinfo) == {"roles"}
    assert admin.active and "admin" in admin.roles


def test_an_admin_can_be_deactivated_when_another_remains(admin: User) -> None:
    services.create_user("boss2", "副管理员", ["admin"])
    services.deactivate_user(admin, admin.version)
    assert admin.active is False


def test_a_deactivated_user_is_kept_with_name_and_their_tokens_stop_working(wang: User) -> None:
    token = tokens.issue_api_token(wang, "phone")
    services.deactivate_user(wang, wang.version)
    db.session.commit()
    assert db.session.get(User, wang.id).name == "王建国"
    assert tokens.user_for_api_token(token) is None


def test_only_known_languages_can_be_chosen(wang: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.update_user(wang, wang.version, locale="fr")
    assert _fields(excinfo) == {"locale"}


def test_changing_a_password_needs_the_current_one(wang: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.change_password(wang, "wrong-password", "new-password-2")
    assert _fields(excinfo) == {"current_password"}
    with pytest.raises(ValidationError) as excinfo:
        services.change_password(wang, "long-enough-1", "short")
    assert _fields(excinfo) == {"new_password"}
    services.change_password(wang, "long-enough-1", "new-password-2")
    found = authenticate("wang", "new-password-2", SOURCE).user
    assert found is wang


def test_logging_in_does_not_make_an_open_edit_of_that_person_stale(wang: User) -> None:
    opened_at = wang.version  # an administrator opens Wang's record
    assert authenticate("wang", "wrong-password", SOURCE).user is None
    assert authenticate("wang", "long-enough-1", SOURCE).user is wang
    db.session.commit()
    services.update_user(wang, opened_at, phone="13800000000")  # no StaleEdit
    db.session.commit()
    assert wang.phone == "13800000000" and wang.last_login_at is not None


def test_failed_logins_still_lock_the_account_after_the_limit(wang: User) -> None:
    policy = LoginPolicy(pair_failures=3, longest_delay=timedelta(minutes=5))
    for _ in range(3):
        assert authenticate("wang", "nope", SOURCE, policy).user is None
    db.session.commit()
    db.session.expire_all()
    locked = authenticate("wang", "long-enough-1", SOURCE, policy)
    assert locked.user is None and locked.retry_after == 60


def test_a_team_needs_a_real_site_a_known_kind_and_a_preset_pattern(site: Site) -> None:
    with pytest.raises(ValidationError) as excinfo:
        teams.create_team(999, "ENG", "工程部", "engineering")
    assert _fields(excinfo) == {"site_id"}
    with pytest.raises(ValidationError) as excinfo:
        teams.create_team(site.id, "ENG", "工程部", "plumbing", shift_pattern="all_week")
    assert _fields(excinfo) == {"kind", "shift_pattern"}


def test_team_codes_are_unique_per_site(site: Site) -> None:
    teams.create_team(site.id, "ENG", "工程部", "engineering", shift_pattern="three_shift")
    with pytest.raises(ValidationError) as excinfo:
        teams.create_team(site.id, "ENG", "工程二组", "engineering")
    assert _fields(excinfo) == {"code"}


def test_a_team_edit_with_an_old_version_is_refused(site: Site) -> None:
    team = teams.create_team(site.id, "ENG", "工程部", "engineering")
    db.session.commit()
    teams.update_team(team, 1, shift_pattern="four_team_three_shift")
    db.session.commit()
    with pytest.raises(StaleEdit) as excinfo:
        teams.update_team(team, 1, name="工程一组")
    assert excinfo.value.version == 2


def test_a_member_joins_once_and_can_become_lead(site: Site, wang: User) -> None:
    team = teams.create_team(site.id, "ENG", "工程部", "engineering")
    teams.add_membership(team, wang)
    with pytest.raises(ValidationError) as excinfo:
        teams.add_membership(team, wang)
    assert _fields(excinfo) == {"user_id"}
    teams.update_membership(team, wang, is_lead=True)
    assert team.memberships[0].is_lead is True
    teams.remove_membership(team, wang)
    assert team.members == []


def test_inactive_staff_cannot_join_a_team(site: Site, wang: User) -> None:
    team = teams.create_team(site.id, "ENG", "工程部", "engineering")
    services.deactivate_user(wang, wang.version)
    with pytest.raises(ValidationError):
        teams.add_membership(team, wang)


def test_a_team_with_members_can_be_deleted_but_its_people_stay(site: Site, wang: User) -> None:
    team = teams.create_team(site.id, "ENG", "工程部", "engineering")
    teams.add_membership(team, wang, is_lead=True)
    db.session.commit()
    teams.delete_team(team, team.version)
    db.session.commit()
    assert teams.list_teams() == []
    assert db.session.get(User, wang.id) is not None


def test_licences_need_a_known_kind_and_an_expiry_after_issue(wang: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        licences.add_licence(wang, "pilot", "X", None)
    assert _fields(excinfo) == {"kind"}
    with pytest.raises(ValidationError) as excinfo:
        licences.add_licence(
            wang, "electrician_lv", "T1", date(2025, 1, 1), issued_on=date(2026, 1, 1)
        )
    assert _fields(excinfo) == {"expires_on"}


def test_a_renewal_moves_the_expiry_date(wang: User) -> None:
    licence = licences.add_licence(wang, "electrician_lv", "T1", date(2026, 3, 1))
    licences.update_licence(licence, licence.version, expires_on=date(2032, 3, 1))
    assert licence.valid_on(date(2030, 1, 1))


def test_expiring_licences_lists_expired_and_soon_ones_of_active_staff_soonest_first(
    wang: User,
) -> None:
    leaver = services.create_user("li", "李四", ["cleaner"])
    expired = licences.add_licence(wang, "electrician_lv", "A", TODAY - timedelta(days=1))
    soon = licences.add_licence(wang, "work_at_height", "B", TODAY + timedelta(days=30))
    licences.add_licence(wang, "welding", "C", TODAY + timedelta(days=31))
    licences.add_licence(wang, "health_certificate", "D", None)
    licences.add_licence(leaver, "health_certificate", "E", TODAY)
    services.deactivate_user(leaver, leaver.version)
    assert licences.expiring_licences(30, today=TODAY) == [expired, soon]


def test_expiring_licences_uses_the_company_day_by_default(wang: User) -> None:
    today_licence = licences.add_licence(wang, "electrician_lv", "A", TODAY)
    assert licences.expiring_licences(0) == [today_licence]


@pytest.mark.parametrize(
    ("expires_on", "status"),
    [
        (None, ExpiryStatus.NONE),
        (TODAY - timedelta(days=1), ExpiryStatus.EXPIRED),
        (TODAY, ExpiryStatus.SOON),
        (TODAY + timedelta(days=59), ExpiryStatus.SOON),
        (TODAY + timedelta(days=60), ExpiryStatus.OK),
    ],
)
def test_expiry_is_red_once_past_and_amber_within_sixty_days(
    expires_on: date | None, status: ExpiryStatus
) -> None:
    assert expiry_status(expires_on, TODAY) is status


def test_a_revoked_token_no_longer_finds_its_user(wang: User) -> None:
    raw = tokens.issue_api_token(wang, "phone")
    token = tokens.api_tokens(wang)[0]
    assert tokens.user_for_api_token(raw) is wang
    tokens.revoke_api_token(wang, token.id)
    assert tokens.user_for_api_token(raw) is None
    assert tokens.api_tokens(wang) == []


def test_nobody_can_revoke_another_users_token(wang: User, admin: User) -> None:
    tokens.issue_api_token(wang, "phone")
    token = tokens.api_tokens(wang)[0]
    with pytest.raises(ValidationError):
        tokens.revoke_api_token(admin, token.id)
