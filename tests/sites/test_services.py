"""Sites and location trees: every rule, the tree, and exact path lookup."""

import pytest
from flask import Flask
from sqlalchemy import event

from app.core.validation import StaleEdit, ValidationError
from app.extensions import db
from app.sites import services
from app.sites.models import Location, Site


@pytest.fixture
def site(app: Flask) -> Site:
    return services.create_site("HY01", "华苑小区")


@pytest.fixture
def tree(site: Site) -> dict[str, Location]:
    """1号楼 → B1 → 水泵房, plus 2号楼 → B1 (same floor name in another building)."""
    b1 = services.create_location(site, "B1-BLD", "1号楼", "building")
    f1 = services.create_location(site, "B1-B1", "B1", "floor", parent_id=b1.id)
    pump = services.create_location(site, "B1-PUMP", "水泵房", "plant_room", parent_id=f1.id)
    b2 = services.create_location(site, "B2-BLD", "2号楼", "building")
    f2 = services.create_location(site, "B2-B1", "B1", "floor", parent_id=b2.id)
    return {"b1": b1, "f1": f1, "pump": pump, "b2": b2, "f2": f2}


def _fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.fields)


def test_a_site_is_created_with_defaults_for_time_zone_and_service_level(app: Flask) -> None:
    site = services.create_site(" HY02 ", " 海韵花园 ")
    assert (site.code, site.name, site.timezone, site.service_level) == (
        "HY02",
        "海韵花园",
        "Asia/Shanghai",
        2,
    )


def test_two_sites_cannot_share_a_code(site: Site) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_site("HY01", "另一个")
    assert _fields(excinfo) == {"code"}


@pytest.mark.parametrize("zone", ["Asia/Beijing", "CST", "../etc/passwd", ""])
def test_only_iana_time_zones_are_accepted(app: Flask, zone: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_site("X1", "X", timezone=zone)
    assert _fields(excinfo) == {"timezone"}


def test_service_level_must_be_one_two_or_three(app: Flask) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_site("X1", "X", service_level=4)
    assert _fields(excinfo) == {"service_level"}


def test_every_bad_field_is_reported_at_once(app: Flask) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_site("", "", timezone="Mars/Olympus", service_level=0)
    assert _fields(excinfo) == {"code", "name", "timezone", "service_level"}


def test_updating_a_site_with_an_old_version_is_refused_and_changes_nothing(site: Site) -> None:
    db.session.commit()
    services.update_site(site, 1, name="华苑一期")
    db.session.commit()
    with pytest.raises(StaleEdit) as excinfo:
        services.update_site(site, 1, name="华苑二期")
    assert excinfo.value.version == 2
    assert site.name == "华苑一期"


def test_a_site_keeps_its_own_code_when_other_fields_change(site: Site) -> None:
    services.update_site(site, site.version, service_level=1, timezone="Asia/Urumqi")
    assert (site.code, site.service_level, site.timezone) == ("HY01", 1, "Asia/Urumqi")


def test_location_kind_must_come_from_the_vocabulary(site: Site) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_location(site, "X", "X", "spaceship")
    assert _fields(excinfo) == {"kind"}


def test_location_codes_are_unique_within_a_site_only(site: Site) -> None:
    other = services.create_site("HY02", "海韵花园")
    services.create_location(site, "BLD1", "1号楼", "building")
    services.create_location(other, "BLD1", "1号楼", "building")
    with pytest.raises(ValidationError) as excinfo:
        services.create_location(site, "BLD1", "3号楼", "building")
    assert _fields(excinfo) == {"code"}


def test_a_name_with_a_slash_is_refused_because_it_would_break_paths(site: Site) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_location(site, "X", "1/2号楼", "building")
    assert _fields(excinfo) == {"name"}


def test_siblings_cannot_share_a_name_but_cousins_can(tree: dict[str, Location]) -> None:
    site = tree["b1"].site
    with pytest.raises(ValidationError) as excinfo:
        services.create_location(site, "DUP", "B1", "floor", parent_id=tree["b1"].id)
    assert _fields(excinfo) == {"name"}
    assert tree["f2"].name == tree["f1"].name


def test_parent_must_belong_to_the_same_site(tree: dict[str, Location]) -> None:
    other = services.create_site("HY02", "海韵花园")
    with pytest.raises(ValidationError) as excinfo:
        services.create_location(other, "X", "X", "room", parent_id=tree["b1"].id)
    assert _fields(excinfo) == {"parent_id"}


def test_moving_a_location_under_its_own_child_is_refused(tree: dict[str, Location]) -> None:
    building = tree["b1"]
    for target in ("pump", "f1", "b1"):
        with pytest.raises(ValidationError) as excinfo:
            services.move_location(building, building.version, tree[target].id)
        assert _fields(excinfo) == {"parent_id"}
    assert building.parent_id is None


def test_moving_a_location_takes_everything_below_it(tree: dict[str, Location]) -> None:
    services.move_location(tree["b1"], tree["b1"].version, tree["b2"].id)
    assert tree["pump"].path == "2号楼/1号楼/B1/水泵房"
    assert services.find_location_by_path(tree["b2"].site, "2号楼/1号楼/B1/水泵房") is tree["pump"]


def test_moving_next_to_a_sibling_with_the_same_name_is_refused(
    tree: dict[str, Location],
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.move_location(tree["f1"], tree["f1"].version, tree["b2"].id)
    assert _fields(excinfo) == {"name"}


def test_a_location_can_move_to_the_top_level(tree: dict[str, Location]) -> None:
    services.move_location(tree["pump"], tree["pump"].version, None)
    assert tree["pump"].path == "水泵房"


def test_the_tree_nests_children_under_their_parents(tree: dict[str, Location]) -> None:
    roots = services.site_tree(tree["b1"].site)
    assert [r.location.name for r in roots] == ["1号楼", "2号楼"]
    walked = [(n.depth, n.location.name) for n in roots[0].walk()]
    assert walked == [(0, "1号楼"), (1, "B1"), (2, "水泵房")]


def test_a_path_finds_exactly_one_location(tree: dict[str, Location]) -> None:
    site = tree["b1"].site
    assert services.find_location_by_path(site, "1号楼/B1/水泵房") is tree["pump"]
    assert services.find_location_by_path(site, "2号楼/B1") is tree["f2"]
    assert services.find_location_by_path(site.id, " 1号楼 / B1 ") is tree["f1"]


@pytest.mark.parametrize(
    "path", ["B1/水泵房", "1号楼/水泵房", "1号楼/B1/水泵", "", "1号楼//B1", "2号楼/B1/水泵房"]
)
def test_a_path_that_is_not_exact_finds_nothing(tree: dict[str, Location], path: str) -> None:
    assert services.find_location_by_path(tree["b1"].site, path) is None


def test_a_path_of_another_site_finds_nothing(tree: dict[str, Location]) -> None:
    other = services.create_site("HY02", "海韵花园")
    assert services.find_location_by_path(other, "1号楼/B1/水泵房") is None


def test_path_lookup_uses_one_query(tree: dict[str, Location], app: Flask) -> None:
    statements: list[str] = []
    site_id = tree["b1"].site_id
    db.session.expire_all()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = services.find_location_by_path(site_id, "1号楼/B1/水泵房")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert found is not None and found.code == "B1-PUMP"
    assert len(statements) == 1


def test_all_paths_of_a_site_are_listed_for_bulk_lookups(tree: dict[str, Location]) -> None:
    paths = services.location_paths(tree["b1"].site)
    assert paths["1号楼/B1/水泵房"] is tree["pump"]
    assert set(paths) == {"1号楼", "1号楼/B1", "1号楼/B1/水泵房", "2号楼", "2号楼/B1"}
