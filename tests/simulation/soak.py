"""The long soak: many seeds, every year 2004–2027, every invariant (`make soak`).

    python -m tests.simulation.soak                  # 20 seeds × 2004–2027, both policies
    python -m tests.simulation.soak --seeds 3 --years 2026-2026

Each (seed, year) lives its year on a fresh SQLite copy and is judged by every
invariant of `invariants.ALL`. It prints one line per year with the violated
invariants and their first example, then a summary table; the exit status is 1 when
anything was violated. Replay one year in the test suite with its seed and year:
`python -m tests.simulation.soak --seeds 1 --first-seed SEED --years YEAR-YEAR`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--years", default="2004-2027", help="FIRST-LAST, inclusive")
    args = parser.parse_args(argv)
    first, last = (int(y) for y in args.years.split("-"))
    violated: Counter[str] = Counter()
    runs = 0
    with tempfile.TemporaryDirectory() as folder:
        template = _template(Path(folder))
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for year in range(first, last + 1):
                policy = ("next", "skip")[(seed + year) % 2]
                scenario = Scenario(seed, policy, year)
                started = time.perf_counter()
                work = Path(tempfile.mkdtemp(dir=folder))
                record = live_year(template, scenario, work)
                runs += 1
                bad = {c.__name__: c(record) for c in inv.ALL}
                bad = {name: found for name, found in bad.items() if found}
                violated.update(bad.keys())
                took = time.perf_counter() - started
                print(f"{scenario.name}: {len(bad)} invariants violated ({took:.0f}s)", flush=True)
                for name, found in bad.items():
                    print(f"    {name}: {found[0]}", flush=True)
    print(f"\n{runs} simulated years")
    for name in (c.__name__ for c in inv.ALL):
        print(f"{violated[name]:4d} years violate {name}")
    return 1 if violated else 0


if __name__ == "__main__":
    sys.exit(main())
