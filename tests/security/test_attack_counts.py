"""The attack suite's summary adds up the tallies of every xdist worker (tests/attack_counts)."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
TESTS = """
import pytest
from tests.attack_counts import tally

@pytest.mark.parametrize("n", range(4))
def test_probe(n):
    tally("access", 10, int(n == 3))

def test_corpus_case_that_wrote():
    tally("corpus", 3, 1)
    assert False, "a partial write fails its test and is still counted"
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "two workers"])
def test_the_summary_adds_up_every_tally_and_counts_the_failing_test_too(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: list[str]
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_tallies=TESTS)
    result = pytester.runpytest_subprocess(
        "-p", "tests.attack_counts", "-p", "no:randomly", *workers
    )
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*attack suite (issue 14)*",
            "access checks (*): 40 · leaks: 1",
            "hostile-input cases: 3 · partial writes: 1",
        ]
    )
    result.stdout.no_fnmatch_line("fuzz cases*")  # nothing tallied, no line
