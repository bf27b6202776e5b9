"""The background process: one at a time, idempotent jobs that catch up after downtime."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app import create_app
from app.contractors.models import Contractor
from app.extensions import db
from app.notices.models import Notice
from app.notices.services import record_expiry_notices
from app.people.models import Licence
from app.people.services import create_user
from app.plans.models import Plan
from app.sites.models import Site
from app.worker.lock import AlreadyRunning, single_scheduler
from app.workorders.models import WorkOrder
from app.workorders.services import mark_missed

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_a_second_scheduler_refuses_to_start(app: Flask, tmp_path: Path) -> None:
    with (
        single_scheduler(db.engine, str(tmp_path)),
        pytest.raises(AlreadyRunning),
        single_scheduler(db.engine, str(tmp_path)),
    ):
        pass


def test_the_lock_is_free_again_once_the_first_scheduler_stops(app: Flask, tmp_path: Path) -> None:
    started = []
    with single_scheduler(db.engine, str(tmp_path)):
        started.append("first")
    with single_scheduler(db.engine, str(tmp_path)):
        started.append("second")
        with pytest.raises(AlreadyRunning), single_scheduler(db.engine, str(tmp_path)):
            started.append("third")  # the second holds the lock as the first did
    assert started == ["first", "second"]


def _work_order(site: Site, plan: Plan, window_end: datetime, status: str) -> WorkOrder:
    order = WorkOrder(
        plan=plan,
        slot=window_end - timedelta(days=1),
        site=site,
        title="水泵房巡检",
        due_at=window_end - timedelta(days=1),
        ends_at=window_end - timedelta(hours=23),
        window_start=window_end - timedelta(days=2),
        window_end=window_end,
        status=status,
    )
    db.session.add(order)
    return order


def test_planned_work_whose_window_closed_is_marked_missed_and_started_work_is_not(
    app: Flask,
) -> None:
    site = Site(code="S", name="项目")
    plan = Plan(site=site, name="水泵房巡检", rrule="FREQ=DAILY", starts_on=date(2026, 1, 1))
    db.session.add_all([site, plan])
    late = _work_order(site, plan, NOW - timedelta(hours=1), "planned")
    started = _work_order(site, plan, NOW - timedelta(hours=2), "in_progress")
    open_still = _work_order(site, plan, NOW + timedelta(hours=1), "assigned")
    db.session.flush()
    assert mark_missed(NOW) == 1
    assert (late.status, started.status, open_still.status) == ("missed", "in_progress", "assigned")
    assert mark_missed(NOW) == 0


def test_expiry_notices_are_recorded_once_however_often_the_job_runs(app: Flask) -> None:
    user = create_user("dian", "电工老周", ["technician"])
    db.session.add(
        Licence(user=user, kind="electrician_lv", number="T1", expires_on=date(2026, 4, 1))
    )
    db.session.add(
        Licence(user=user, kind="work_at_height", number="T2", expires_on=date(2027, 4, 1))
    )
    db.session.add(Contractor(name="某电梯公司", licence_expires_on=date(2026, 3, 20)))
    db.session.flush()
    assert record_expiry_notices(date(2026, 3, 2)) == 2
    assert record_expiry_notices(date(2026, 3, 2)) == 0
    subjects = db.session.scalars(select(Notice.subject).order_by(Notice.due_on)).all()
    assert subjects[0].startswith("某电梯公司") and "电工老周" in subjects[1]


def test_scheduler_run_once_catches_up_every_job(app: Flask, runner: FlaskCliRunner) -> None:
    db.session.add(Contractor(name="某消防公司", licence_expires_on=date(2026, 3, 10)))
    db.session.commit()
    result = runner.invoke(args=["scheduler", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 1


def test_scheduler_run_once_refuses_while_another_scheduler_holds_the_lock(
    app: Flask, runner: FlaskCliRunner
) -> None:
    db.session.add(Contractor(name="某消防公司", licence_expires_on=date(2026, 3, 10)))
    db.session.commit()
    with single_scheduler(db.engine, app.instance_path):
        result = runner.invoke(args=["scheduler", "run", "--once"])
    assert result.exit_code != 0
    assert "not started: another scheduler" in result.output
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_rounds_instance_path_moves_the_database_uploads_and_scheduler_lock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ROUNDS_UPLOAD_DIR", raising=False)
    monkeypatch.setenv("ROUNDS_INSTANCE_PATH", str(tmp_path / "site-b"))
    other = create_app()
    assert other.instance_path == str(tmp_path / "site-b")
    assert (tmp_path / "site-b").is_dir()
    assert other.config["ROUNDS_UPLOAD_DIR"] == str(tmp_path / "site-b" / "uploads")
    assert other.config["SQLALCHEMY_DATABASE_URI"].endswith("site-b/rounds.sqlite3")
    with other.app_context(), single_scheduler(db.engine, other.instance_path):
        assert (tmp_path / "site-b" / "scheduler.lock").exists()
