"""A small site with an engineering team, an elevator contractor and a traction elevator."""

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.people.tokens import issue_api_token
from app.sites.models import Location, Site
from tests.sites.conftest import Api


@pytest.fixture
def site(create_site: Callable[..., Site]) -> Site:
    return create_site("DEMO", "阳光花园", service_level=2)


@pytest.fixture
def add_staff(
    create_user: Callable[..., User], create_membership: Callable[..., TeamMembership]
) -> Callable[..., list[User]]:
    """`add_staff(team, "tech", "技工", count, step)`: pairs of people `step` days apart."""

    def add(team: Team, prefix: str, name: str, count: int, step: int) -> list[User]:
        people = []
        for index in range(count):
            user = create_user(f"{prefix}{index}", f"{name}{index}")
            create_membership(team, user, rotation_offset=step * (index // 2))
            people.append(user)
        return people

    return add


@pytest.fixture
def engineering(
    site: Site, create_team: Callable[..., Team], add_staff: Callable[..., list[User]]
) -> Team:
    """工程部 on 四班三运转: eight technicians, two per crew, crews 2 days apart."""
    team = create_team(site, "ENG", "工程部", "engineering", shift_pattern="four_team_three_shift")
    add_staff(team, "tech", "技工", 8, 2)
    return team


@pytest.fixture
def technicians(engineering: Team) -> list[User]:
    return sorted(engineering.members, key=lambda u: u.id)


@pytest.fixture
def cleaning_team(
    site: Site, create_team: Callable[..., Team], add_staff: Callable[..., list[User]]
) -> Team:
    team = create_team(site, "CLN", "保洁部", "cleaning", shift_pattern="office_week")
    add_staff(team, "cleaner", "保洁员", 2, 0)
    return team


@pytest.fixture
def lift_company(create_contractor: Callable[..., Contractor]) -> Contractor:
    return create_contractor("迅达电梯维保")


@pytest.fixture
def elevator(
    site: Site,
    engineering: Team,
    lift_company: Contractor,
    create_equipment: Callable[..., Equipment],
) -> Equipment:
    return create_equipment(
        site, "T1-L1", "1号楼1号客梯", "elevator", type_key="traction_elevator",
        commissioned_on=date(2018, 6, 1), maintainer_team_id=engineering.id,
        maintainer_contractor_id=lift_company.id,
    )  # fmt: skip


@pytest.fixture
def lobby(site: Site, create_location: Callable[..., Location]) -> Location:
    building = create_location(site, "T1", "1号楼", "building")
    return create_location(site, "T1-LOBBY", "1号楼大堂", "lobby", parent=building)


@pytest.fixture
def catalog_paths(app: Flask) -> Iterator[list[str]]:
    """Site catalog files for one test; the loaded catalog follows the config."""
    paths: list[str] = []
    app.config["ROUNDS_CATALOG_PATHS"] = paths
    yield paths
    app.config["ROUNDS_CATALOG_PATHS"] = []


def write_catalog_file(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def api(app: Flask, make_user: Callable[..., User]) -> Callable[[str], Api]:
    """`api("supervisor")` calls /api/v1 with the bearer token of a fresh user of that role."""

    def for_role(role: str) -> Api:
        user = make_user(role, f"api-{role}")
        token = issue_api_token(user, "tests")
        db.session.commit()
        return Api(app.test_client(), token)

    return for_role


# A site file that changes the traction elevator's quarterly task: a later catalog release.
QUARTERLY_2027 = """\
family: elevator
version: "2026.1"
names: {zh: "电梯与自动扶梯", en: "Elevators and escalators"}
types:
  traction_elevator:
    category: elevator
    names: {zh: "曳引与强制驱动电梯", en: "Traction and positive-drive elevator"}
    tasks:
      - key: quarterly
        programme: tsg_t5002
        names: {zh: "季度维护保养", en: "Quarterly maintenance"}
        tier: {chain: tsg_t5002, level: 2, supersedes: half_monthly}
        frequency: "3 months"
        tolerance: {before_days: 7, after_days: 14}
        minutes: 75
        legal_basis: "TSG T5002-2017 附件A 季度维护保养项目"
        items:
          - {key: q01, names: {zh: "减速机润滑油", en: "Gearbox oil"}}
          - {key: q14, names: {zh: "新增：称重装置校准", en: "New: load-weighing calibration"}}
"""
