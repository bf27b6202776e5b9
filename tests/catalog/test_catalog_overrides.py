"""Site catalog files extend and override the shipped catalog by key."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import Catalog, CatalogError, load_catalog, paths_from_env

WriteYaml = Callable[[str, str], Path]

NEW_FIRE_TYPE = """
family: fire
version: "site-1"
types:
  kitchen_hood_suppression:
    category: fire
    names: {zh: "厨房灶台自动灭火装置", en: "Kitchen hood fire suppression"}
    tasks:
      - key: monthly_check
        names: {zh: "每月检查", en: "Monthly check"}
        frequency: "1 month"
        performer: in_house
        criticality: sector
        confidence: C2
"""

CROWDED_PLACE_EXTINGUISHERS = """
family: fire
version: "site-1"
types:
  fire_extinguisher_dry_powder:
    tasks:
      - key: monthly_check
        names: {zh: "每半月检查", en: "Half-monthly check"}
        frequency: "15 days"
        programme: gb50444
        legal_basis: "GB 50444-2008 5.2.2"
"""


def test_a_site_file_adds_a_type_to_a_shipped_family(
    shipped_catalog: Catalog, write_yaml: WriteYaml
) -> None:
    catalog = load_catalog([write_yaml("kitchen.yaml", NEW_FIRE_TYPE)])
    assert catalog.type("kitchen_hood_suppression").family == "fire"
    assert len(catalog.families["fire"].types) == len(shipped_catalog.families["fire"].types) + 1


def test_a_site_file_replaces_one_task_by_key_and_keeps_the_others(
    shipped_catalog: Catalog, write_yaml: WriteYaml
) -> None:
    catalog = load_catalog([write_yaml("crowded.yaml", CROWDED_PLACE_EXTINGUISHERS)])
    shipped = shipped_catalog.type("fire_extinguisher_dry_powder")
    overridden = catalog.type("fire_extinguisher_dry_powder")
    check = overridden.task("monthly_check")
    assert str(check.frequency) == "15 days"
    assert check.criticality == "statutory"  # still inherited from the programme defaults
    assert check.items == ()  # a replaced task is replaced whole, checklist included
    assert [t.key for t in overridden.tasks] == [t.key for t in shipped.tasks]
    assert overridden.task("repair") == shipped.task("repair")


def test_an_override_changes_the_content_version_of_only_the_type_it_touches(
    shipped_catalog: Catalog, write_yaml: WriteYaml
) -> None:
    catalog = load_catalog([write_yaml("crowded.yaml", CROWDED_PLACE_EXTINGUISHERS)])
    touched = catalog.type("fire_extinguisher_dry_powder")
    assert touched.version != shipped_catalog.type("fire_extinguisher_dry_powder").version
    assert touched.version.startswith("2026.1+")
    assert catalog.type("fire_pump").version == shipped_catalog.type("fire_pump").version
    assert any(source.endswith("crowded.yaml@site-1") for source in touched.sources)


def test_the_same_catalog_always_gets_the_same_content_versions(shipped_catalog: Catalog) -> None:
    again = load_catalog()
    assert [t.version for t in again.types()] == [t.version for t in shipped_catalog.types()]


def test_replace_true_swaps_a_whole_type_so_a_site_can_drop_tasks(write_yaml: WriteYaml) -> None:
    site_file = write_yaml(
        "patrol_only_daily.yaml",
        """
family: fire
version: "site-1"
types:
  fire_patrol:
    replace: true
    category: fire
    names: {zh: "防火巡查", en: "Fire patrol"}
    tasks:
      - key: daily_patrol
        programme: mps61
        names: {zh: "每日防火巡查", en: "Daily fire patrol"}
        frequency: "1 day"
        legal_basis: "公安部令第61号 第25条"
""",
    )
    patrol = load_catalog([site_file]).type("fire_patrol")
    assert [task.key for task in patrol.tasks] == ["daily_patrol"]


def test_files_in_a_site_directory_apply_in_name_order(write_yaml: WriteYaml) -> None:
    first = write_yaml("site/10_crowded.yaml", CROWDED_PLACE_EXTINGUISHERS)
    write_yaml("site/20_weekly.yaml", CROWDED_PLACE_EXTINGUISHERS.replace('"15 days"', '"1 week"'))
    catalog = load_catalog([first.parent])
    check = catalog.type("fire_extinguisher_dry_powder").task("monthly_check")
    assert str(check.frequency) == "1 week"


def test_a_site_file_can_bring_a_whole_new_family(write_yaml: WriteYaml) -> None:
    site_file = write_yaml(
        "pool.yaml",
        """
family: pool
version: "site-1"
names: {zh: "泳池", en: "Pool"}
types:
  pool_filter:
    category: water
    names: {zh: "泳池过滤器", en: "Pool filter"}
    tasks:
      - {key: backwash, names: {zh: "反冲洗", en: "Backwash"}, frequency: "1 week",
         performer: in_house, criticality: optimal, confidence: B}
""",
    )
    assert load_catalog([site_file]).type("pool_filter").family == "pool"


def test_a_problem_in_a_site_file_is_blamed_on_that_file(write_yaml: WriteYaml) -> None:
    site_file = write_yaml(
        "typo.yaml", CROWDED_PLACE_EXTINGUISHERS.replace('"15 days"', '"15 dayz"')
    )
    with pytest.raises(CatalogError) as refused:
        load_catalog([site_file])
    assert [str(p) for p in refused.value.problems] == [
        f'{site_file}: types.fire_extinguisher_dry_powder.tasks[0].frequency: unknown unit "dayz"'
    ]


def test_two_families_may_not_define_the_same_type_key(write_yaml: WriteYaml) -> None:
    site_file = write_yaml(
        "clash.yaml",
        """
family: kitchen
version: "site-1"
names: {zh: "厨房", en: "Kitchen"}
types:
  fire_pump:
    category: fire
    names: {zh: "厨房消防泵", en: "Kitchen fire pump"}
    tasks:
      - {key: run, names: {zh: "运行", en: "Run"}, frequency: "1 week",
         performer: in_house, criticality: optimal, confidence: B}
""",
    )
    with pytest.raises(CatalogError) as refused:
        load_catalog([site_file])
    assert [p.message for p in refused.value.problems] == [
        'type key "fire_pump" is already used by family "fire"'
    ]


def test_site_paths_come_from_rounds_catalog_paths_separated_like_path() -> None:
    value = os.pathsep.join(["/srv/rounds/catalog", "", "/etc/rounds/site.yaml"])
    assert paths_from_env({"ROUNDS_CATALOG_PATHS": value}) == [
        Path("/srv/rounds/catalog"),
        Path("/etc/rounds/site.yaml"),
    ]
    assert paths_from_env({}) == []
