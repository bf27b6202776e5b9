"""Benchmark: a year of work orders for the reference portfolio (see portfolio.py).

    .venv/bin/python tests/bench/bench_generate.py [--scale 0.1] [--seed 2026] [--regen 200]

Prints occurrences, seconds, occurrences per second and peak RSS of `generate`;
the *floor* — the same rows, read back after each site's run, bulk-inserted with
the same statement into the same empty table with the same indexes of a second,
identical database — and the ratio of the two; and p50/p95 of `regenerate_plan` +
commit for randomly edited plans. Wall and CPU time are both shown: on a shared
machine wall time mostly measures the neighbours. Targets: ratio ≤ 2, p95 ≤ 50 ms,
peak RSS ≤ 300 MB.

Runs on SQLite (temporary files) and, when ROUNDS_BENCH_DATABASE_URL is set, on that
PostgreSQL database (plus a sibling "<name>_floor" it creates) — both are wiped.
Not collected by pytest: the folder is in `norecursedirs` and the name has no
`test_` prefix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from app import create_app
from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import ROW_BATCH, generate, insert_statement, regenerate_plan
from app.sites.models import Site
from app.workorders.models import WorkOrder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portfolio import build  # a sibling file, found through the path entry above

NOW = dt.datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
DUMP_CHUNK = ROW_BATCH  # the floor commits as often as generation does
TABLE = WorkOrder.__table__


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def fresh_schema(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()


@contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def dump_rows(path: Path, site_id: int) -> int:
    """A site's generated rows (all columns but the id) to a pickle stream, in id order."""
    columns = [c for c in TABLE.columns if c.name != "id"]
    count = 0
    with path.open("wb") as out:
        result = db.session.execute(
            select(*columns)
            .where(TABLE.c.site_id == site_id)
            .order_by(TABLE.c.id)
            .execution_options(yield_per=DUMP_CHUNK)
        )
        for partition in result.partitions():
            rows = [dict(row._mapping) for row in partition]
            pickle.dump(rows, out, protocol=pickle.HIGHEST_PROTOCOL)
            count += len(rows)
    db.session.commit()
    return count


def load_chunks(path: Path) -> Iterator[list[dict[str, Any]]]:
    with path.open("rb") as source:
        while True:
            try:
                yield pickle.load(source)
            except EOFError:
                return


def floor_seconds(path: Path) -> tuple[float, float, int]:
    """Insert the dumped rows with the generator's statement; time only the writes.

    Returns (wall seconds, CPU seconds, rows).
    """
    spent = cpu = 0.0
    count = 0
    statement = insert_statement()
    for chunk in load_chunks(path):
        start, start_cpu = time.perf_counter(), time.process_time()
        db.session.execute(statement, chunk)
        db.session.commit()
        spent += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        count += len(chunk)
    return spent, cpu, count


def edit(plan: Plan, rng: random.Random) -> str:
    """A typical planner's edit: the visit time, the holiday rule, or who goes."""
    choice = rng.randrange(3)
    if choice == 0:
        minutes = (plan.time_of_day.hour * 60 + plan.time_of_day.minute + 30) % (24 * 60)
        plan.time_of_day = dt.time(minutes // 60, minutes % 60)
        return "time"
    if choice == 1:
        plan.holiday_policy = "previous" if plan.holiday_policy != "previous" else "next"
        return "holiday policy"
    plan.assignment_strategy = "round_robin" if plan.assignment_strategy == "fixed" else "fixed"
    return "assignment"


@dataclass(frozen=True)
class Regeneration:
    """One timed edit: seconds of `regenerate_plan` + commit, and what it had to do."""

    wall: float
    cpu: float
    plan: str
    change: str
    rows: int  # occurrences compared with the stored rows
    written: int  # rows updated, inserted or deleted


def regeneration_latencies(samples: int, seed: int) -> list[Regeneration]:
    """`regenerate_plan` + commit for randomly edited plans.

    CPU time is kept too because on a shared machine the wall time mostly
    measures waiting for a core.
    """
    rng = random.Random(seed)
    ids = list(db.session.scalars(select(Plan.id).order_by(Plan.id)))
    timings = []
    for plan_id in rng.sample(ids, min(samples, len(ids))):
        plan = db.session.get(Plan, plan_id)
        assert plan is not None
        change = edit(plan, rng)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = regenerate_plan(plan)
        db.session.commit()
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        written = result.updated + result.inserted + result.deleted
        timings.append(Regeneration(wall, cpu, plan.name, change, result.occurrences, written))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Totals:
    occurrences: int = 0
    inserted: int = 0
    plans: int = 0
    units: int = 0
    problems: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    floor: float = 0.0
    floor_cpu: float = 0.0
    floor_rows: int = 0
    loads: list[float] = field(default_factory=list)


def run(label: str, url: str, floor_url: str, args: argparse.Namespace, work: Path) -> None:
    """Generate site by site, each site's rows then bulk-inserted into the floor database.

    Alternating the two keeps them under the same machine load, which on a shared
    machine moves more than either measurement.
    """
    print(f"\n== {label} (scale {args.scale}, seed {args.seed}, {args.days} days) ==", flush=True)
    app, floor_app = make_app(url), make_app(floor_url)
    fresh_schema(app)
    fresh_schema(floor_app)
    with floor_app.app_context(), clock.pinned(NOW):
        build(args.scale, args.seed)  # the same seed gives the same ids
    with app.app_context(), clock.pinned(NOW):
        with timed() as built:
            counts = build(args.scale, args.seed)
        site_ids = list(db.session.scalars(select(Site.id).order_by(Site.id)))
    print(
        f"portfolio: {counts.sites} sites, {counts.equipment} equipment, "
        f"{counts.plans} plans, {counts.people} staff ({built[0]:.1f} s)",
        flush=True,
    )
    totals = Totals()
    dump = work / f"{label}-rows.pickle"
    for site_id in site_ids:
        with app.app_context(), clock.pinned(NOW):
            site = db.session.get(Site, site_id)
            cpu_start = time.process_time()
            with timed() as spent:
                result = generate(site, until=NOW + dt.timedelta(days=args.days))
            totals.seconds += spent[0]
            totals.cpu += time.process_time() - cpu_start
            totals.occurrences += result.occurrences
            totals.inserted += result.inserted
            totals.plans += result.plans
            totals.units += result.units
            totals.problems += len(result.problems)
            totals.loads.append(os.getloadavg()[0])
            dumped = dump_rows(dump, site_id)
        with floor_app.app_context(), clock.pinned(NOW):
            floor, floor_cpu, inserted = floor_seconds(dump)
            assert inserted == dumped
            totals.floor += floor
            totals.floor_cpu += floor_cpu
            totals.floor_rows += inserted
    dump.unlink()
    rss = peak_rss_mb()
    print(
        f"generate: {totals.occurrences} occurrences ({totals.inserted} stored) from "
        f"{totals.units} schedules / {totals.plans} plans in {totals.seconds:.1f} s = "
        f"{totals.occurrences / totals.seconds:,.0f} occurrences/s (CPU {totals.cpu:.1f} s); "
        f"peak RSS {rss:.0f} MB; {totals.problems} problems",
        flush=True,
    )
    print(
        f"floor: the same {totals.floor_rows} rows bulk-inserted in {totals.floor:.1f} s = "
        f"{totals.floor_rows / totals.floor:,.0f} rows/s (CPU {totals.floor_cpu:.1f} s); "
        f"generation / floor = {totals.seconds / totals.floor:.2f} "
        f"(CPU: {totals.cpu / totals.floor_cpu:.2f}); load average "
        f"{min(totals.loads):.1f}–{max(totals.loads):.1f}",
        flush=True,
    )
    with app.app_context(), clock.pinned(NOW):
        timings = regeneration_latencies(args.regen, args.seed)
        db.engine.dispose()
    wall, cpu = [t.wall for t in timings], [t.cpu for t in timings]
    print(
        f"regenerate_plan + commit ({len(wall)} edited plans): "
        f"p50 {percentile(wall, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(wall, 0.95) * 1000:.1f} ms, "
        f"max {max(wall) * 1000:.1f} ms (CPU: p50 {percentile(cpu, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(cpu, 0.95) * 1000:.1f} ms)",
        flush=True,
    )
    print("  slowest by CPU (a full garbage collection can land on any of them):")
    for t in sorted(timings, key=lambda t: t.cpu, reverse=True)[:3]:
        print(
            f"  {t.cpu * 1000:6.1f} ms CPU, {t.wall * 1000:6.1f} ms wall: {t.plan} "
            f"({t.change}; {t.rows} visits compared, {t.written} rows written)",
            flush=True,
        )
    with floor_app.app_context():
        db.engine.dispose()
    print(f"peak RSS (whole process): {peak_rss_mb():.0f} MB", flush=True)


def floor_database(url: str) -> str:
    """A sibling PostgreSQL database for the floor, made afresh."""
    parsed = make_url(url)
    name = f"{parsed.database}_floor"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regen", type=int, default=200, help="edited plans to time")
    parser.add_argument("--days", type=int, default=365, help="horizon to generate")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="PostgreSQL runs only with ROUNDS_BENCH_DATABASE_URL; one per process gives "
        "each its own peak RSS",
    )
    args = parser.parse_args()
    pg_url = os.environ.get("ROUNDS_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="rounds-bench-") as folder:
        work = Path(folder)
        if args.backend in ("sqlite", "both"):
            run(
                "sqlite",
                f"sqlite:///{work / 'generate.sqlite3'}",
                f"sqlite:///{work / 'floor.sqlite3'}",
                args,
                work,
            )
        if args.backend in ("postgresql", "both"):
            if not pg_url:
                print("PostgreSQL skipped: set ROUNDS_BENCH_DATABASE_URL (a scratch database)")
            else:
                run("postgresql", pg_url, floor_database(pg_url), args, work)


if __name__ == "__main__":
    main()
