"""Each broken catalog file is refused with exactly one precise ``file: key.path: message`` line.

The files live in ``broken/``; each is loaded on top of the shipped catalog, the
way a site file would be, so the single expected line also proves the shipped
catalog itself is clean.
"""

from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import CatalogError, load_catalog

BROKEN_DIR = Path(__file__).parent / "broken"

EXPECTED_PROBLEMS = {
    "unknown_unit.yaml": 'types.pump.tasks[2].frequency: unknown unit "fortnight"',
    "bad_rrule.yaml": (
        "types.pump.tasks[0].frequency.rrule: "
        "bad RRULE \"FREQ=WEEKLY;BYDAY=XX\": invalid 'BYDAY': XX"
    ),
    "unknown_category.yaml": 'types.pump.category: unknown category "plumbing"',
    "unknown_licence.yaml": 'types.pump.tasks[0].licence: unknown licence "forklift"',
    "statutory_without_legal_basis.yaml": (
        "types.pump.tasks[0].legal_basis: a statutory task must name its legal_basis"
    ),
    "statutory_with_confidence_b.yaml": (
        "types.pump.tasks[0].criticality: "
        "statutory needs confirmed facts, but confidence is B (unconfirmed)"
    ),
    "dangling_supersedes.yaml": (
        'types.pump.tasks[1].tier.supersedes: supersedes "weekly", which is not a task of this type'
    ),
    "tier_levels_descend.yaml": (
        'types.pump.tasks[1].tier.level: level 1 does not ascend in chain "service" '
        "(previous level 2)"
    ),
    "reading_min_above_max.yaml": (
        "types.pump.tasks[0].items[0].min: min 1.0 is greater than max 0.1"
    ),
    "duplicate_task_key.yaml": (
        'types.pump.tasks[1].key: duplicate task key "monthly_run" (first at [0])'
    ),
    "impossible_season_date.yaml": (
        'types.pump.tasks[0].season.to: "02-30" is not a day of the year'
    ),
    "ceiling_shorter_than_frequency.yaml": (
        "types.pump.tasks[0].ceiling_days: "
        'ceiling of 15 days is shorter than the frequency "1 month"'
    ),
    "misspelt_field.yaml": "types.pump.tasks[0].frequncy: unknown field",
    "unquoted_version.yaml": (
        'version: version must be a quoted string such as "2026.1"; got 2026.1'
    ),
    "yaml_syntax_error.yaml": "line 7, column 20: YAML syntax error: did not find expected key",
    "duplicate_yaml_key.yaml": 'line 11, column 3: duplicate key "pump"',
    "unknown_location_kind.yaml": ('areas.swimming_pool: unknown location kind "swimming_pool"'),
    "unknown_shift_pattern.yaml": (
        'routes.warehouse.shift_pattern: "night_watch" is not one of: three_shift, '
        "four_team_three_shift, three_team_two_shift, two_shift, six_on_one_off, office_week"
    ),
}


def test_every_file_of_the_broken_corpus_has_an_expected_message() -> None:
    assert {path.name for path in BROKEN_DIR.glob("*.yaml")} == set(EXPECTED_PROBLEMS)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED_PROBLEMS.items()))
def test_a_broken_file_is_refused_with_one_precise_line(name: str, expected: str) -> None:
    path = BROKEN_DIR / name
    with pytest.raises(CatalogError) as refused:
        load_catalog([path])
    assert [str(problem) for problem in refused.value.problems] == [f"{path}: {expected}"]


def test_every_problem_of_a_file_is_reported_not_just_the_first(
    write_yaml: Callable[[str, str], Path],
) -> None:
    path = write_yaml(
        "two_problems.yaml",
        """
family: broken
version: "1"
names: {zh: "测试", en: "Test"}
types:
  pump:
    category: plumbing
    names: {zh: "水泵", en: "Pump"}
    tasks:
      - {key: run, names: {zh: "运行", en: "Run"}, frequency: "1 fortnight",
         performer: in_house, criticality: optimal, confidence: B}
""",
    )
    with pytest.raises(CatalogError) as refused:
        load_catalog([path])
    assert [f"{p.path}: {p.message}" for p in refused.value.problems] == [
        'types.pump.category: unknown category "plumbing"',
        'types.pump.tasks[0].frequency: unknown unit "fortnight"',
    ]
