"""The attack suite's counts for issue 14's closing note, printed at the end of a run.

A test calls `tally(kind, cases, bad)` (fuzz cases and 5xx answers, access checks and
leaks, hostile inputs and partial writes); the numbers ride on the test's report as
`user_properties`, which pytest-xdist sends from each worker to the controller, so the
summary adds up every worker. Session tests are counted from their reports alone.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import pytest

KINDS: dict[str, tuple[str, str]] = {
    "fuzz": ("fuzz cases (schemathesis)", "5xx answers"),
    "access": ("access checks (site and role matrices, other-site probes)", "leaks"),
    "corpus": ("hostile-input cases", "partial writes"),
    "sessions": ("session tests", "failed"),
}
SESSION_MODULES = ("tests/test_sessions.py", "tests/test_login_throttle.py")
PREFIX = "attack:"
_running: list[pytest.Item] = []


def tally(kind: str, cases: int = 1, bad: int = 0) -> None:
    """Add `cases` tried and `bad` found (5xx, leaks, partial writes) to the running test."""
    assert kind in KINDS, kind
    if _running:
        _running[-1].user_properties.append((PREFIX + kind, (cases, bad)))


@dataclass
class Count:
    cases: int = 0
    bad: int = 0


class AttackCounts:
    """Adds up the tallies of every report, wherever the test ran."""

    def __init__(self) -> None:
        self.counts: dict[str, Count] = {kind: Count() for kind in KINDS}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        _running.append(item)
        try:
            return (yield)
        finally:
            _running.pop()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and report.nodeid.startswith(SESSION_MODULES):
            self.counts["sessions"].cases += 1
            self.counts["sessions"].bad += int(report.failed)
        if report.when != "teardown":  # the last report of a test holds all its tallies
            return
        for name, value in report.user_properties:
            if isinstance(name, str) and name.startswith(PREFIX):
                cases, bad = value  # type: ignore[misc]
                self.counts[name.removeprefix(PREFIX)].cases += cases
                self.counts[name.removeprefix(PREFIX)].bad += bad

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if hasattr(terminalreporter.config, "workerinput"):
            return  # an xdist worker: its reports reach the controller, which prints
        lines = [
            f"{label}: {count.cases} · {bad_label}: {count.bad}"
            for kind, (label, bad_label) in KINDS.items()
            if (count := self.counts[kind]).cases
        ]
        if lines:
            terminalreporter.write_sep("-", "attack suite (issue 14)")
            for line in lines:
                terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(AttackCounts(), "attack-counts")
