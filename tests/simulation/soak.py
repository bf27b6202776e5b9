"""The long soak: many seeds, every year 2004–2027, every invariant (`make soak`).

    python -m tests.simulation.soak                  # 20 seeds × 2004–2027, both policies
    python -m tests.simulation.soak --jobs 8         # the same, eight years at once
    python -m tests.simulation.soak --seeds 3 --years 2026-2026

Each (seed, year) lives its year on a fresh SQLite copy and is judged by every
invariant of `invariants.ALL`. It prints one line per year with the violated
invariants and their first example, then a summary table; the exit status is 1 when
anything was violated. Replay one year in the test suite with its seed and year:
`python -m tests.simulation.soak --seeds 1 --first-seed SEED --years YEAR-YEAR`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.simulation import invariants as inv
from tests.simulation.conftest import live_year
from tests.simulation.record import Scenario


def _template(folder: Path) -> str:
    path = folder / "template.sqlite3"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "soak"}
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return str(path)


def _live_one(
    template: str, folder: str, seed: int, year: int
) -> tuple[str, dict[str, list[str]], float]:
    """One (seed, year): its name, the invariants it violated with what they found, seconds."""
    policy = ("next", "skip")[(seed + year) % 2]
    scenario = Scenario(seed, policy, year)
    started = time.perf_counter()
    record = live_year(template, scenario, Path(tempfile.mkdtemp(dir=folder)))
    bad = {c.__name__: c(record) for c in inv.ALL}
    return scenario.name, {n: f for n, f in bad.items() if f}, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--years", default="2004-2027", help="FIRST-LAST, inclusive")
    parser.add_argument("--jobs", type=int, default=1, help="years lived at once (one per core)")
    args = parser.parse_args(argv)
    first, last = (int(y) for y in args.years.split("-"))
    runs = [
        (seed, year)
        for seed in range(args.first_seed, args.first_seed + args.seeds)
        for year in range(first, last + 1)
    ]
    violated: Counter[str] = Counter()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        template = _template(Path(folder))
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no shared engine
        with ProcessPoolExecutor(max(1, args.jobs), mp_context=spawn) as pool:
            futures = [pool.submit(_live_one, template, folder, *run) for run in runs]
            for future in as_completed(futures):
                name, bad, took = future.result()
                violated.update(bad.keys())
                print(f"{name}: {len(bad)} invariants violated ({took:.0f}s)", flush=True)
                for invariant, found in bad.items():
                    print(f"    {invariant}: {found[0]}", flush=True)
    minutes = (time.perf_counter() - began) / 60
    print(f"\n{len(runs)} simulated years in {minutes:.0f} min with {args.jobs} jobs")
    for name in (c.__name__ for c in inv.ALL):
        print(f"{violated[name]:4d} years violate {name}")
    return 1 if violated else 0


if __name__ == "__main__":
    sys.exit(main())
