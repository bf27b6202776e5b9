"""The demo property 阳光花园 as `rounds demo load` makes it, with a week of work ahead.

The demo comes with its plans (every asset's programme, every area's cleaning,
greening and patrols) and whatever history it ships. One thing is arranged here:
lift EL-T1-01's next open visit is made the annual visit of its TSG T5002 chain
(tier = the annual plan, includes = all four tiers), as the engine stores one when
the tiers coincide, so the record form has every tier's items to print whatever
dates the demo's plans happen to have.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask, current_app
from pypdf import PdfReader
from sqlalchemy import select

from app import create_app
from app.audit.actor import Actor, acting_as
from app.core import clock
from app.demo.services import load_demo
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan
from app.printing.render import PROCESS
from app.sites.models import Site
from app.workorders.models import WorkOrder

POSTGRES_URL = os.environ.get("ROUNDS_TEST_DATABASE_URL", "")
PINNED_NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # as tests/conftest.py pins it
DAY = date(2026, 3, 3)  # a Tuesday, the day after the pinned clock
LIFT = "EL-T1-01"
OUT_DIR = Path(__file__).parent / "out"
TOOLS = ("pdftoppm", "pdftotext", "zbarimg", "pdffonts")


@dataclass(frozen=True)
class Demo:
    site: Site
    lift: Equipment

    def annual_visit(self) -> WorkOrder:
        """The lift's open visit that carries all four tiers (see the module docstring)."""
        visits = db.session.scalars(
            select(WorkOrder).where(
                WorkOrder.equipment_id == self.lift.id,
                WorkOrder.completed_at.is_(None),
                WorkOrder.due_at > clock.utcnow(),
            )
        ).all()
        return next(v for v in visits if len(v.includes) == 4)

    def team(self, code: str) -> Team:
        team = db.session.scalar(
            select(Team).where(Team.site_id == self.site.id, Team.code == code)
        )
        assert team is not None
        return team


def build_demo() -> None:
    """Load the demo with a one-week horizon; commits in the current app context."""
    current_app.config["ROUNDS_HORIZON_DAYS"] = 7
    with acting_as(Actor(None, "test")):
        load_demo()
        lift = db.session.scalar(select(Equipment).where(Equipment.asset_code == LIFT))
        assert lift is not None
        chain = db.session.scalars(
            select(Plan)
            .where(Plan.equipment_id == lift.id, Plan.tier_group.is_not(None))
            .order_by(Plan.tier_level)
        ).all()
        assert len(chain) == 4
        visit = next_open_visit(lift, chain[0])
        visit.tier = str(chain[-1].id)
        visit.includes = [str(plan.id) for plan in chain]
    db.session.commit()


def next_open_visit(lift: Equipment, base: Plan) -> WorkOrder:
    visit = db.session.scalars(
        select(WorkOrder)
        .where(
            WorkOrder.plan_id == base.id,
            WorkOrder.due_at > clock.utcnow(),
            WorkOrder.completed_at.is_(None),
        )
        .order_by(WorkOrder.due_at)
    ).first()
    assert visit is not None, "the lift has no open visit in the horizon"
    return visit


def demo_template(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory, name: str
) -> str:
    """On SQLite, a copy of the migrated template with the demo built in, once per session.

    (On PostgreSQL the tables are emptied around each test, so `demo` builds it each time.)
    """
    if POSTGRES_URL:
        return migrated_template
    path = tmp_path_factory.mktemp(name) / "template.sqlite3"
    shutil.copy(migrated_template, path)
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": "rounds.test",
        }
    )
    with clock.pinned(PINNED_NOW), application.app_context():
        build_demo()
        db.session.remove()
        db.engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def migrated_template(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated template plus the demo, built once for all printing tests."""
    return demo_template(migrated_template, tmp_path_factory, "print-template")


@pytest.fixture
def demo(app: Flask) -> Demo:
    if db.session.scalar(select(Site).where(Site.code == "DEMO")) is None:
        build_demo()
    site = db.session.scalar(select(Site).where(Site.code == "DEMO"))
    lift = db.session.scalar(select(Equipment).where(Equipment.asset_code == LIFT))
    assert site is not None and lift is not None
    return Demo(site, lift)


def tools_missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@pytest.fixture
def poppler() -> None:
    """The PDF tools (poppler-utils, zbar-tools): skipped without them, unless on CI."""
    missing = tools_missing()
    if missing:
        reason = f"missing {', '.join(missing)} (apt-get install poppler-utils zbar-tools)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def pages(pdf: bytes) -> list[str]:
    """The extracted text of each page (real text, as a search or a copy gets it)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's (width, height) in points: A4 portrait is (595, 842)."""
    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def page_png(pdf: bytes, name: str, *, dpi: int = 60, page: int = 1) -> Path:
    """One page rasterised for a person to look at (tests/printing/out/, git-ignored)."""
    OUT_DIR.mkdir(exist_ok=True)
    source = OUT_DIR / f"{name}.pdf"
    source.write_bytes(pdf)
    stem = OUT_DIR / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(stem)],
        check=True,
    )  # fmt: skip
    return stem.with_suffix(".png")


def qr_codes(pdf: bytes, tmp_path: Path, page: int = 1) -> list[str]:
    """Every QR code zbarimg reads on a page rasterised at 200 dpi."""
    source = tmp_path / "qr.pdf"
    source.write_bytes(pdf)
    stem = tmp_path / f"qr-{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(stem)],
        check=True,
    )  # fmt: skip
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(stem.with_suffix(".png"))],
        capture_output=True,
        text=True,
    )
    return [line for line in found.stdout.splitlines() if line]


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Forget the process's fonts and stylesheets, to count how often they are made."""
    saved = (PROCESS.font_config, PROCESS.stylesheets, PROCESS.font_configs_made)
    PROCESS.font_config, PROCESS.stylesheets, PROCESS.font_configs_made = None, {}, 0
    yield
    PROCESS.font_config, PROCESS.stylesheets, PROCESS.font_configs_made = saved
