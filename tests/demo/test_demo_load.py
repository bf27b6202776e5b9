"""`rounds demo load`: a realistic property to try Rounds on, loaded once and only once."""

from collections import Counter
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.catalog.loader import load_catalog
from app.contractors.models import Contractor
from app.demo import services as demo_services
from app.demo.context import DemoContext
from app.demo.data import DEMO_TODAY
from app.demo.data.assets import ASSETS
from app.demo.data.people import DEMO_PASSWORD
from app.demo.services import DemoError, demo_logins, load_demo
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import TEAM_KINDS, Licence, Team, TeamMembership, User
from app.people.services import create_user
from app.plans.models import Plan
from app.rosters.models import StaffLeave
from app.sites.models import Location, Site
from app.vocab.categories import CATEGORIES
from app.vocab.licences import LICENCE_KINDS
from app.vocab.location_kinds import LOCATION_KINDS
from app.workorders.models import WorkOrder

DEMO_TABLES = (
    Site,
    Location,
    Team,
    TeamMembership,
    User,
    Licence,
    StaffLeave,
    Contractor,
    Equipment,
    AuditEntry,
)


def _row_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in DEMO_TABLES
    }


def _load(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def _demo_site() -> Site:
    site = db.session.scalar(select(Site).where(Site.code == "DEMO"))
    assert site is not None
    return site


def _of_demo_site(model: Any) -> Any:
    """Rows of 阳光花园 only: the demo also loads a small second site (翠湖商务中心)."""
    return select(model).join(Site, Site.id == model.site_id).where(Site.code == "DEMO")


def test_loading_creates_the_sunshine_garden_site_in_shanghai_at_service_level_two(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    site = _demo_site()
    assert (site.name, site.timezone, site.service_level) == ("阳光花园", "Asia/Shanghai", 2)


def test_demo_has_about_sixty_assets_covering_every_category(runner: FlaskCliRunner) -> None:
    _load(runner)
    assets = db.session.scalars(_of_demo_site(Equipment)).all()
    assert 55 <= len(assets) <= 75
    assert {a.category for a in assets} == set(CATEGORIES)
    assert all(a.type_key for a in assets)


def test_every_asset_sits_in_a_location_of_the_demo_site_under_a_unique_code(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    site = _demo_site()
    assets = db.session.scalars(_of_demo_site(Equipment)).all()
    assert all(a.site_id == site.id for a in assets)
    assert all(a.location is not None and a.location.site_id == site.id for a in assets)
    codes = [a.asset_code for a in assets]
    assert len(codes) == len(set(codes))


def test_location_tree_has_buildings_with_floors_and_plant_rooms_of_known_kinds(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    locations = db.session.scalars(_of_demo_site(Location)).all()
    assert {loc.kind for loc in locations} <= set(LOCATION_KINDS)
    by_path = {loc.path: loc for loc in locations}
    assert by_path["1号楼/B2/生活水泵房"].kind == "plant_room"
    assert by_path["1号楼/1F/消防控制室（监控中心）"].kind == "control_room"
    assert by_path["2号楼/屋面/2号楼电梯机房"].kind == "plant_room"
    assert {"car_park", "road", "green_area", "garbage_station", "guard_post"} <= {
        loc.kind for loc in locations
    }


def test_every_asset_has_a_maintainer_and_statutory_plant_a_contractor(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    assets = db.session.scalars(_of_demo_site(Equipment)).all()
    assert all(a.maintainer is not None for a in assets)
    lifts = [a for a in assets if a.category == "elevator"]
    assert all(isinstance(a.maintainer, Contractor) for a in lifts)
    assert all(a.registration_number.startswith("梯") and a.next_inspection_on for a in lifts)
    fire_plant = [a for a in assets if a.category == "fire" and a.type_key != "fire_control_room"]
    assert all(isinstance(a.maintainer, Contractor) for a in fire_plant)
    control_room = next(a for a in assets if a.type_key == "fire_control_room")
    assert isinstance(control_room.maintainer, Team)
    assert control_room.maintainer.kind == "security"


def test_every_type_key_is_a_catalog_type_of_the_same_category() -> None:
    types = {key: t for f in load_catalog().families.values() for key, t in f.types.items()}
    for asset in ASSETS:
        assert asset.type_key in types, asset.code
        assert types[asset.type_key].category == asset.category, asset.code


def test_install_dates_span_old_and_new_plant(runner: FlaskCliRunner) -> None:
    _load(runner)
    assets = db.session.scalars(_of_demo_site(Equipment))
    years = {a.installed_on.year for a in assets if a.installed_on}
    assert min(years) <= 2008
    assert max(years) >= 2024


def test_staff_fill_the_five_teams_with_a_lead_each(runner: FlaskCliRunner) -> None:
    _load(runner)
    teams = db.session.scalars(_of_demo_site(Team)).all()
    assert {t.kind for t in teams} == set(TEAM_KINDS)
    for team in teams:
        assert team.members, team.name
        if team.code != "ENG-DUTY":
            assert any(m.is_lead for m in team.memberships), team.name


def test_security_has_four_crews_for_the_four_team_three_shift_rotation(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    security = db.session.scalar(select(Team).where(Team.kind == "security"))
    assert security is not None
    assert security.shift_pattern == "four_team_three_shift"
    crews = Counter(m.rotation_offset for m in security.memberships)
    assert set(crews) == {0, 2, 4, 6}  # days along the 8-day cycle: one crew per shift pair
    assert min(crews.values()) >= 2
    patterns = {t.code: t.shift_pattern for t in db.session.scalars(_of_demo_site(Team))}
    assert patterns["ENG"] == "office_week"
    assert patterns["ENG-DUTY"] == "three_team_two_shift"
    assert patterns["CLN"] == "six_on_one_off"


def test_licences_include_some_expiring_soon_and_one_expired(runner: FlaskCliRunner) -> None:
    _load(runner)
    licences = db.session.scalars(select(Licence)).all()
    assert {lic.kind for lic in licences} <= set(LICENCE_KINDS)
    assert {"electrician_lv", "electrician_hv", "fire_facility_operator"} <= {
        lic.kind for lic in licences
    }
    assert {"health_certificate", "security_guard"} <= {lic.kind for lic in licences}
    dated = [lic for lic in licences if lic.expires_on is not None]
    expired = [lic for lic in dated if lic.expires_on < DEMO_TODAY]
    soon = [lic for lic in dated if 0 <= (lic.expires_on - DEMO_TODAY).days < 60]
    assert len(expired) == 1
    assert len(soon) >= 2


def test_every_cleaner_holds_a_health_certificate(runner: FlaskCliRunner) -> None:
    _load(runner)
    cleaning = db.session.scalar(select(Team).where(Team.code == "CLN"))
    assert cleaning is not None
    for member in cleaning.members:
        assert "health_certificate" in {lic.kind for lic in member.licences}, member.name


def test_two_contractors_with_licences_and_contract_periods(runner: FlaskCliRunner) -> None:
    _load(runner)
    contractors = db.session.scalars(select(Contractor)).all()
    assert len(contractors) == 2
    for contractor in contractors:
        assert contractor.licence_number and contractor.licence_expires_on
        assert contractor.contract_start and contractor.contract_end
        assert contractor.contract_start < contractor.contract_end
        assert contractor.contact_name and contractor.scope
    assert any("电梯" in c.qualification for c in contractors)
    assert any("消防技术服务" in c.qualification for c in contractors)


def test_every_demo_login_works_with_the_published_password(
    app: Flask, runner: FlaskCliRunner
) -> None:
    _load(runner)
    usernames = [login.username for login in demo_logins()]
    assert usernames == [
        "admin",
        "supervisor",
        "tech",
        "cleanlead",
        "guardlead",
        "viewer",
        "supervisor2",
        "tech2",
        "regional",
    ]
    for username in usernames:
        response = app.test_client().post(
            "/login", data={"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username


def test_staff_without_a_demo_login_cannot_log_in(app: Flask, runner: FlaskCliRunner) -> None:
    _load(runner)
    response = app.test_client().post(
        "/login", data={"username": "zhaolei", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 401


def test_the_command_prints_the_logins_and_the_url(runner: FlaskCliRunner) -> None:
    output = _load(runner)
    assert "http://127.0.0.1:5000" in output
    assert DEMO_PASSWORD in output
    for login in demo_logins():
        assert login.username in output


def test_loading_twice_changes_nothing_the_second_time(runner: FlaskCliRunner) -> None:
    _load(runner)
    before = _row_counts()
    output = _load(runner)
    assert "already loaded" in output
    assert DEMO_PASSWORD in output  # a returning user still sees how to log in
    assert _row_counts() == before


def test_everything_loaded_is_in_the_audit_log_as_done_by_demo(runner: FlaskCliRunner) -> None:
    _load(runner)
    actors = set(db.session.scalars(select(AuditEntry.actor)))
    assert actors == {"demo"}
    entities = set(db.session.scalars(select(AuditEntry.entity)))
    assert {"site", "location", "team", "user_account", "licence", "contractor", "equipment"} <= (
        entities
    )


def test_a_failing_step_leaves_nothing_behind(
    runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_step(ctx: DemoContext) -> None:
        raise RuntimeError("plans exploded")

    monkeypatch.setattr(demo_services, "POST_LOAD_STEPS", (broken_step,))
    before = _row_counts()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert _row_counts() == before


def test_post_load_steps_see_every_demo_asset(app: Flask) -> None:
    seen: list[int] = []
    load_demo(steps=[lambda ctx: seen.append(len(ctx.equipment))])
    demo_assets = _of_demo_site(Equipment).subquery()
    assert seen == [db.session.scalar(select(func.count()).select_from(demo_assets))]


def test_an_existing_user_with_a_demo_username_is_refused_clearly(
    app: Flask, runner: FlaskCliRunner
) -> None:
    create_user("admin", "Our own admin", ["admin"], password="our-own-password")
    db.session.commit()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "admin" in result.output
    assert db.session.scalar(select(Site).where(Site.code == "DEMO")) is None
    with pytest.raises(DemoError):
        load_demo()


def test_the_demo_opens_with_a_full_roster_and_nobody_left_unassigned(
    runner: FlaskCliRunner,
) -> None:
    _load(runner)
    elevator = db.session.scalar(select(Equipment).where(Equipment.asset_code == "EL-T1-01"))
    assert elevator is not None
    tiers = db.session.scalars(
        select(Plan.tier_level).where(
            Plan.equipment_id == elevator.id, Plan.tier_group.is_not(None)
        )
    ).all()
    assert sorted(tiers) == [1, 2, 3, 4]
    assert db.session.scalar(select(func.count()).select_from(WorkOrder)) > 1000
    unassigned = db.session.scalar(
        select(func.count()).select_from(WorkOrder).where(WorkOrder.unassigned.is_(True))
    )
    assert unassigned == 0


def test_the_regional_manager_runs_cuihu_and_may_only_look_at_sunshine_garden(
    app: Flask, runner: FlaskCliRunner
) -> None:
    _load(runner)
    pump = db.session.scalar(select(Equipment).where(Equipment.site_id == _demo_site().id))
    assert pump is not None
    pump_id = pump.id
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "regional", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    db.session.expunge_all()  # a request starts from an empty session, as in production
    assert client.get(f"/equipment/{pump_id}").status_code == 200
    db.session.expunge_all()
    assert client.get(f"/equipment/{pump_id}/edit").status_code == 404
