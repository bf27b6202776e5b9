"""Benchmark the printed sheets against WeasyPrint alone on the same HTML.

Run: .venv/bin/python tests/bench/bench_print.py [--runs 5]   (not collected by pytest)

Seeds a temporary SQLite database with the demo property (a 35-day horizon), then runs
each scenario in its own process (so peak RSS is the scenario's own):

* checklist: the cleaning team's daily checklist (2 pages) — data from the database,
  Jinja, WeasyPrint layout and PDF;
* records: a month's maintenance records (equipment visits in date order), about 30 pages,
  in one PDF;
* batch: 100 team checklists for one day built from the database and put into one PDF
  (`rounds print checklist --all-teams` does this for a site's teams).

"floor" is WeasyPrint alone turning the very HTML strings of the run into one PDF with
the same stylesheets, a font configuration and an image cache made beforehand: what
printing costs if data, templates and our fetcher were free. "first" is the first print
in a fresh process (fonts, stylesheets and the catalog loaded). Wall and CPU seconds are
both shown; the load average says how busy the machine was.

Targets (issue): the 2-page checklist in ≤ 0.5 s; each scenario ≤ 1.2 × its floor;
fonts loaded once per process.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from sqlalchemy import select  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from app import create_app  # noqa: E402
from app.core import clock  # noqa: E402
from app.demo.services import load_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.people.models import Team  # noqa: E402
from app.printing import services  # noqa: E402
from app.printing.output import Sheet, sheet_html  # noqa: E402
from app.printing.render import (  # noqa: E402
    BASE_URL,
    PROCESS,
    STYLESHEET,
    page_css,
    render_document,
    subsetter_available,
    write_pdf,
)
from app.workorders.models import WorkOrder  # noqa: E402

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
DAY = date(2026, 3, 3)
MARCH = (datetime(2026, 2, 28, 16, tzinfo=UTC), datetime(2026, 3, 31, 16, tzinfo=UTC))
RECORD_PAGES = 30
BATCH_TEAMS = 100
SCENARIOS = ("checklist", "records", "batch")


def _app(database: Path) -> Any:
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "ROUNDS_HORIZON_DAYS": 35}
    )


def seed(database: Path) -> None:
    app = _app(database)
    with clock.pinned(NOW), app.app_context():
        upgrade()
        load_demo()
        db.session.commit()


# --- what each scenario prints ----------------------------------------------------------------


def checklist_sheets() -> list[Sheet]:
    return [services.checklist("DEMO", DAY, locale="zh", team="CLN")]


RECORD_IDS: list[int] = []


def choose_records() -> None:
    """March's equipment visits in date order, enough for about RECORD_PAGES pages (untimed)."""
    orders = db.session.scalars(
        select(WorkOrder.id)
        .where(
            WorkOrder.equipment_id.is_not(None),
            WorkOrder.due_at >= MARCH[0],
            WorkOrder.due_at < MARCH[1],
        )
        .order_by(WorkOrder.due_at, WorkOrder.id)
    ).all()
    pages = 0
    for order in orders:
        RECORD_IDS.append(order)
        pages += len(render_document(sheet_html(services.record(order, locale="zh")), "zh").pages)
        if pages >= RECORD_PAGES:
            break


def record_sheets() -> list[Sheet]:
    return [services.record(order, locale="zh") for order in RECORD_IDS]


def batch_sheets() -> list[Sheet]:
    """BATCH_TEAMS checklists, each built from the database (the demo's teams in turn)."""
    teams = db.session.scalars(select(Team.code).order_by(Team.code)).all()
    return [
        services.checklist("DEMO", DAY, locale="zh", team=teams[i % len(teams)])
        for i in range(BATCH_TEAMS)
    ]


BUILD: dict[str, Callable[[], list[Sheet]]] = {
    "checklist": checklist_sheets,
    "records": record_sheets,
    "batch": batch_sheets,
}


# --- timing -----------------------------------------------------------------------------------


def ours(build: Callable[[], list[Sheet]]) -> tuple[bytes, list[str]]:
    """Everything `rounds print` does: query, build, Jinja, layout, PDF."""
    sheets = build()
    htmls = [sheet_html(sheet) for sheet in sheets]
    pdf = write_pdf([render_document(html, "zh") for html in htmls])
    return pdf, htmls


class Floor:
    """WeasyPrint alone on the same HTML strings, with its own fonts and stylesheets made once."""

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        self.images: dict[str, Any] = {}
        self.css = [
            CSS(filename=str(STYLESHEET), font_config=self.fonts),
            CSS(string=page_css("zh"), font_config=self.fonts),
        ]

    def __call__(self, htmls: Sequence[str]) -> bytes:
        documents = [
            HTML(string=html, base_url=BASE_URL).render(
                font_config=self.fonts, stylesheets=self.css
            )
            for html in htmls
        ]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


def timed(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds; garbage left by the previous run is collected first, untimed."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def run_scenario(name: str, database: Path, runs: int) -> dict[str, Any]:
    app = _app(database)
    with clock.pinned(NOW), app.app_context():
        if name == "records":
            choose_records()
        first_wall, _cpu, (pdf, htmls) = timed(lambda: ours(BUILD[name]))
        floor = Floor()
        floor(htmls)  # warm
        ours_wall, ours_cpu, floor_wall, floor_cpu = [], [], [], []
        for run in range(runs):
            if run % 2:  # alternate which goes first
                wall, cpu, _pdf = timed(lambda htmls=htmls: floor(htmls))
                floor_wall.append(wall)
                floor_cpu.append(cpu)
            wall, cpu, (pdf, htmls) = timed(lambda: ours(BUILD[name]))
            ours_wall.append(wall)
            ours_cpu.append(cpu)
            if not run % 2:
                wall, cpu, _pdf = timed(lambda htmls=htmls: floor(htmls))
                floor_wall.append(wall)
                floor_cpu.append(cpu)
        return {
            "scenario": name,
            "sheets": len(htmls),
            "pages": _pdf_pages(pdf),
            "first_wall": first_wall,
            "wall": statistics.median(ours_wall),
            "cpu": statistics.median(ours_cpu),
            "floor_wall": statistics.median(floor_wall),
            "floor_cpu": statistics.median(floor_cpu),
            "font_configs": PROCESS.font_configs_made,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pdf_kb": len(pdf) / 1024,
        }


def _pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- report -----------------------------------------------------------------------------------


def report(results: list[dict[str, Any]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average {load} on {os.cpu_count()} CPUs; HarfBuzz subsetter: "
          f"{'yes' if subsetter_available() else 'NO (slow fontTools fallback)'}")  # fmt: skip
    header = (
        f"{'scenario':<10} {'sheets':>6} {'pages':>5} {'first s':>8} {'wall s':>7} {'cpu s':>6} "
        f"{'floor s':>8} {'floor cpu':>9} {'×floor':>6} {'×cpu':>5} {'pages/s':>7} "
        f"{'RSS MB':>7} {'fonts':>5} {'PDF KB':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['scenario']:<10} {r['sheets']:>6} {r['pages']:>5} {r['first_wall']:>8.2f} "
            f"{r['wall']:>7.2f} {r['cpu']:>6.2f} {r['floor_wall']:>8.2f} {r['floor_cpu']:>9.2f} "
            f"{r['wall'] / r['floor_wall']:>6.2f} {r['cpu'] / r['floor_cpu']:>5.2f} "
            f"{r['pages'] / r['wall']:>7.1f} {r['peak_rss_mb']:>7.0f} {r['font_configs']:>5}"
            f" {r['pdf_kb']:>7.0f}"
        )
    checklist = next(r for r in results if r["scenario"] == "checklist")
    print(
        f"\ntargets: checklist ≤ 0.5 s → wall {checklist['wall']:.2f} s, cpu "
        f"{checklist['cpu']:.2f} s; ≤ 1.2 × floor → "
        + ", ".join(f"{r['scenario']} {r['wall'] / r['floor_wall']:.2f}" for r in results)
        + "; fonts made per process → "
        + ", ".join(str(r["font_configs"]) for r in results)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario, args.database, args.runs)))
        return
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        seed(database)
        print(f"seeded the demo (35-day horizon) in {time.perf_counter() - started:.1f} s")
        results = []
        for name in SCENARIOS:
            out = subprocess.run(
                [sys.executable, __file__, "--scenario", name, "--database", str(database),
                 "--runs", str(args.runs)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  {name}: done")
        report(results)


if __name__ == "__main__":
    main()
