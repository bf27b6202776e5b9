"""`rounds catalog list|show|validate`, driven through click without an app."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.catalog.cli import catalog_cli

BROKEN_DIR = Path(__file__).parent / "broken"


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_list_json_names_every_family_with_its_types_and_versions(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["list", "--json"], env={"ROUNDS_CATALOG_PATHS": ""})
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    families = {family["key"]: family for family in listing["families"]}
    elevator_types = {t["key"]: t for t in families["elevator"]["types"]}
    assert {"traction_elevator", "escalator"} <= set(elevator_types)
    assert elevator_types["traction_elevator"]["version"].startswith("2026.1+")
    assert {lib["key"] for lib in listing["libraries"]} == {"cleaning", "greening", "patrol"}


def test_list_as_text_shows_chinese_then_english_names(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["list"])
    assert result.exit_code == 0, result.output
    assert "曳引与强制驱动电梯 Traction and positive-drive elevator" in result.output


def test_show_json_gives_the_elevator_tiers_with_ceiling_and_legal_basis(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["show", "traction_elevator", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    tiers = [task for task in shown["tasks"] if task["tier"]]
    assert [(t["key"], t["tier"]["level"]) for t in tiers] == [
        ("half_monthly", 1),
        ("quarterly", 2),
        ("half_yearly", 3),
        ("annual", 4),
    ]
    assert [len(t["items"]) for t in tiers] == [31, 13, 15, 17]
    half_monthly = tiers[0]
    assert half_monthly["ceiling_days"] == 15
    assert half_monthly["performer"] == "licensed_contractor"
    assert "第31条" in half_monthly["legal_basis"]
    assert half_monthly["frequency"]["rrule"] == "FREQ=DAILY;INTERVAL=15"


def test_show_as_text_lists_tiers_frequency_performer_and_items(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["show", "escalator"])
    assert result.exit_code == 0, result.output
    assert "half_monthly ⊂ quarterly ⊂ half_yearly ⊂ annual" in result.output
    assert "every 15 days after last done · tolerance −5/+0 days · ceiling 15 days" in result.output
    assert "items (33):" in result.output
    assert "防灌水保护装置" in result.output


def test_show_an_unknown_type_is_a_usage_error(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["show", "teleporter"])
    assert result.exit_code == 2
    assert "unknown type or library 'teleporter'" in result.output


def test_validate_the_shipped_catalog_succeeds(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_validate_a_broken_site_file_prints_one_line_per_problem_and_fails(cli: CliRunner) -> None:
    broken = BROKEN_DIR / "unknown_unit.yaml"
    result = cli.invoke(catalog_cli, ["validate", str(broken)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f'{broken}: types.pump.tasks[2].frequency: unknown unit "fortnight"'
    ]


def test_commands_read_site_files_from_rounds_catalog_paths(cli: CliRunner) -> None:
    broken = BROKEN_DIR / "unknown_category.yaml"
    result = cli.invoke(catalog_cli, ["list"], env={"ROUNDS_CATALOG_PATHS": str(broken)})
    assert result.exit_code == 1
    assert 'unknown category "plumbing"' in result.output


def test_show_cleaning_lists_each_areas_tasks_with_their_frequency_per_service_level(
    cli: CliRunner,
) -> None:
    result = cli.invoke(catalog_cli, ["show", "cleaning"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("cleaning · 保洁与消杀 Cleaning and pest control")
    assert "level 1: 一级 Level 1" in result.output
    assert "Area road:" in result.output
    assert "sweep  清扫保洁 Sweep and pick litter" in result.output


def test_show_greening_gives_seasonal_frequencies(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["show", "greening"])
    assert result.exit_code == 0, result.output
    assert "mow_lawn  草坪修剪 Mow the lawn" in result.output
    assert "06-01..08-31 every 1 week" in result.output


def test_show_patrol_lists_routes_with_rounds_per_level_and_checkpoints(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["show", "patrol"])
    assert result.exit_code == 0, result.output
    assert "estate_perimeter  小区周界及重点部位巡逻" in result.output
    assert "level 2: 6 by day, 8 by night" in result.output
    assert "+8 min  perimeter_north  北侧围墙  [road]" in result.output


def test_show_patrol_as_json_gives_the_routes(cli: CliRunner) -> None:
    result = cli.invoke(catalog_cli, ["show", "patrol", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["key"] == "patrol"
    assert "estate_perimeter" in shown["routes"]


def test_show_names_the_libraries_among_the_known_keys_when_the_key_is_unknown(
    cli: CliRunner,
) -> None:
    result = cli.invoke(catalog_cli, ["show", "no_such_thing"])
    assert result.exit_code != 0
    assert "unknown type or library 'no_such_thing'" in result.output
    assert "cleaning, greening, patrol" in result.output
