"""Benchmark a technician's 90-day calendar feed (~600 events) through gunicorn on loopback.

Run: .venv/bin/python tests/bench/bench_feeds.py [--events 600] [--requests 500]
(not collected by pytest)

The script seeds a temporary SQLite database, starts gunicorn (2 sync workers) on a free
127.0.0.1 port against it with the clock pinned, and times, from a client on the same host:

* cold: the first GET after every row changed (the feed is rebuilt from scratch and stored);
* edit: the first GET after one row changed (one event is serialised again);
* warm: GETs served from the stored body, and conditional GETs answered 304;
* floor: icalendar alone building and serialising the same events in this process (the
  same field values, `Event.new` + `to_ical`, no database, no HTTP).

Targets (issue): cold ≤ 1.5 × floor; warm (cached or 304) p95 ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from icalendar import Calendar, Event  # noqa: E402

from app import create_app  # noqa: E402
from app.equipment.models import Equipment  # noqa: E402
from app.extensions import db  # noqa: E402
from app.feeds.build import Related, feed_rows, feed_timezone, staff_event  # noqa: E402
from app.feeds.ical import TTL, vtimezone  # noqa: E402
from app.feeds.services import find_feed, issue_feed, selection_of  # noqa: E402
from app.people.models import Team, TeamMembership, User  # noqa: E402
from app.people.services import create_user  # noqa: E402
from app.plans.models import Plan  # noqa: E402
from app.sites.models import Location, Site  # noqa: E402
from app.workorders.models import WorkOrder  # noqa: E402

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
SH = ZoneInfo("Asia/Shanghai")
WORKERS = 2
COLD_RUNS = 9
FLOOR_RUNS = 7
THREADS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def checklist(n: int, prefix: str) -> list[dict[str, object]]:
    return [
        {"key": f"i{i:02d}", "names": {"zh": f"{prefix}检查项{i}：外观、紧固、运行声音正常",
                                       "en": f"{prefix} item {i}"}, "kind": "check",
         **({"key_item": True} if i <= 2 else {})}
        for i in range(1, n + 1)
    ]  # fmt: skip


def seed(events: int) -> None:
    """A site, a technician and `events` assigned visits spread over the −30/+90-day window."""
    site = Site(code="BENCH", name="阳光花园", timezone="Asia/Shanghai")
    db.session.add(site)
    db.session.flush()
    buildings = []
    for b in range(1, 6):
        building = Location(site_id=site.id, code=f"T{b}", name=f"{b}号楼", kind="building")
        db.session.add(building)
        db.session.flush()
        floor = Location(site_id=site.id, parent_id=building.id, code=f"T{b}-B1", name="B1",
                         kind="floor")  # fmt: skip
        db.session.add(floor)
        db.session.flush()
        buildings.append((building, floor))
    tech = create_user("tech", "张伟", ["technician"])
    team = Team(site_id=site.id, code="ENG", name="工程部", kind="engineering")
    db.session.add(team)
    db.session.flush()
    db.session.add(TeamMembership(team_id=team.id, user_id=tech.id))
    plans = []
    for p in range(20):
        building, floor = buildings[p % 5]
        equipment = Equipment(site_id=site.id, asset_code=f"EQ{p}", name=f"{p % 4 + 1}#设备{p}",
                              category="elevator" if p % 3 == 0 else "water",
                              type_key="traction_elevator" if p % 3 == 0 else "booster_pump_set",
                              location_id=floor.id)  # fmt: skip
        db.session.add(equipment)
        db.session.flush()
        plan = Plan(site_id=site.id, equipment_id=equipment.id, name=f"月度保养{p}",
                    rrule="FREQ=DAILY", starts_on=date(2026, 1, 1), checklist=checklist(10, "设备"),
                    notes="注意安全，挂牌上锁。")  # fmt: skip
        db.session.add(plan)
        db.session.flush()
        plans.append((plan, equipment, floor))
    first = datetime(2026, 1, 31, 8, 0, tzinfo=SH)  # 30 days before the pinned day
    per_day = max(1, events // 120)
    rows = []
    for n in range(events):
        plan, equipment, floor = plans[n % len(plans)]
        start = first + timedelta(days=n // per_day, hours=(n % per_day) * 2)
        rows.append(
            WorkOrder(
                plan_id=plan.id, slot=start, site_id=site.id, equipment_id=equipment.id,
                location_id=floor.id, title=f"{plan.name} · {equipment.name}", includes=[],
                due_at=start, ends_at=start + timedelta(minutes=90), window_start=start,
                window_end=start + timedelta(days=1), assignee_id=tech.id, team_id=team.id,
                status="assigned" if start > NOW else "done", revision=n % 3,
            )
        )  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()


def floor_once(app: Flask, raw: str, slug: str) -> tuple[float, float, int]:
    """icalendar alone: the feed's own event values through Event.new and to_ical."""
    feed = find_feed(raw, slug)
    assert feed is not None
    zone = feed_timezone(feed.site_timezone)
    rows = feed_rows(selection_of(feed, zone))
    related = Related.of(rows)
    base = app.config["ROUNDS_BASE_URL"]
    data = [staff_event(r, related, "zh", base, "bench") for r in rows]
    tz = ZoneInfo(zone)
    started, cpu = time.perf_counter(), time.process_time()
    cal = Calendar.new(uid="feed-1@bench", prodid="-//bench//", name="工单 · 张伟",
                       refresh_interval=TTL)  # fmt: skip
    cal.add_component(vtimezone(zone))
    for e in data:
        cal.add_component(
            Event.new(
                uid=e.uid, stamp=e.stamp, last_modified=e.stamp, sequence=e.sequence,
                start=e.start.astimezone(tz), end=e.end.astimezone(tz), summary=e.summary,
                location=e.location, description=e.description, categories=list(e.categories),
                status=e.status, url=e.url,
            )
        )  # fmt: skip
    body = cal.to_ical()
    return time.perf_counter() - started, time.process_time() - cpu, len(body)


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status, body, elapsed


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            status, _body, _t = get(port, "/login")
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def server_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn's workers: a per-request cost that, unlike wall
    time, other load on a shared machine barely moves."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def touch(db_path: Path, rows: str) -> None:
    """Change every row ("all": a true cold build, no serialised event can be reused) or
    one row (an everyday edit), as the scheduler's Core UPDATEs do."""
    where = "" if rows == "all" else " WHERE id = (SELECT min(id) FROM work_order)"
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"UPDATE work_order SET revision = revision + 1, version = version + 1{where}")


def rebuilds(
    port: int, path: str, db_path: Path, master: int, rows: str
) -> tuple[list[float], float, bytes]:
    """Wall times of GETs that each find changed rows, and server CPU per rebuild."""
    times, body = [], b""
    cpu = server_cpu(master)
    for _ in range(COLD_RUNS):
        touch(db_path, rows)
        status, body, elapsed = get(port, path)
        assert status == 200, status
        times.append(elapsed)
    return times, (server_cpu(master) - cpu) / COLD_RUNS, body


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def loop(n: int, call: Callable[[], tuple[int, bytes, float]], expect: int) -> list[float]:
    times = []
    for _ in range(n):
        status, _body, elapsed = call()
        assert status == expect, status
        times.append(elapsed)
    return times


def threaded_rps(n: int, call: Callable[[], tuple[int, bytes, float]]) -> float:
    per_thread = n // THREADS

    def work() -> None:
        for _ in range(per_thread):
            call()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_thread * THREADS / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="rounds-bench-feeds-"))
    db_path = workdir / "bench.sqlite3"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "ROUNDS_FROZEN_NOW": NOW.isoformat(),
        "SECRET_KEY": "bench-only",
        "ROUNDS_BASE_URL": f"http://127.0.0.1:{port}",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "ROUNDS_FROZEN_NOW", "SECRET_KEY",
                                           "ROUNDS_BASE_URL")})  # fmt: skip
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    with app.app_context():
        upgrade()
        seed(args.events)
        tech = db.session.query(User).filter_by(username="tech").one()
        issued = issue_feed(tech, "person")
        db.session.commit()
        path = issued.url.removeprefix(env["ROUNDS_BASE_URL"])
        raw, slug = path.split("/")[2], path.split("/")[3].removesuffix(".ics")
        floors, floor_cpus = [], []
        for _ in range(FLOOR_RUNS):
            seconds, cpu_seconds, floor_size = floor_once(app, raw, slug)
            floors.append(seconds)
            floor_cpus.append(cpu_seconds)
        db.session.remove()

    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_ready(port, process)
        for _ in range(2 * WORKERS):  # each worker builds once: imports, caches, statements
            touch(db_path, "all")
            assert get(port, path)[0] == 200
        colds, cold_cpu, body = rebuilds(port, path, db_path, process.pid, "all")
        edits, edit_cpu, _body = rebuilds(port, path, db_path, process.pid, "one")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        etag = response.getheader("ETag") or ""
        conn.close()
        loop(20, lambda: get(port, path), 200)  # both workers warm
        cpu = server_cpu(process.pid)
        warm = loop(args.requests, lambda: get(port, path), 200)
        warm_cpu = (server_cpu(process.pid) - cpu) / args.requests
        cpu = server_cpu(process.pid)
        not_modified = loop(args.requests, lambda: get(port, path, {"If-None-Match": etag}), 304)
        nm_cpu = (server_cpu(process.pid) - cpu) / args.requests
        warm_rps = threaded_rps(args.requests, lambda: get(port, path))
        nm_rps = threaded_rps(args.requests, lambda: get(port, path, {"If-None-Match": etag}))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    events = body.count(b"BEGIN:VEVENT")
    floor = statistics.median(floors)
    cold = statistics.median(colds)
    print(
        f"feed: {events} events, {len(body) / 1024:.0f} KB (floor body {floor_size / 1024:.0f} KB)"
        f"; gunicorn {WORKERS} sync workers on 127.0.0.1:{port}; SQLite; {os.cpu_count()} CPUs"
    )
    floor_cpu = statistics.median(floor_cpus)
    print(f"floor  icalendar build+serialise   median {ms(floor)}  CPU {ms(floor_cpu)}"
          f"  (n={FLOOR_RUNS}, in this process)")  # fmt: skip
    print(f"cold   GET, every row changed      median {ms(cold)}  max {ms(max(colds))}"
          f"  server CPU {ms(cold_cpu)}/req (n={COLD_RUNS})")  # fmt: skip
    print(f"edit   GET, one row changed        median {ms(statistics.median(edits))}"
          f"  max {ms(max(edits))}  server CPU {ms(edit_cpu)}/req (n={COLD_RUNS})")  # fmt: skip
    print(f"cold / floor: {cold / floor:.2f}x wall, {cold_cpu / floor_cpu:.2f}x CPU"
          f" (target <= 1.5x)")  # fmt: skip
    for name, times, rps, cpu_each in (
        ("warm   GET 200 from cache  ", warm, warm_rps, warm_cpu),
        ("304    If-None-Match       ", not_modified, nm_rps, nm_cpu),
    ):
        print(f"{name}      p50 {ms(pct(times, 0.5))}  p95 {ms(pct(times, 0.95))}"
              f"  server CPU {ms(cpu_each)}/req  {len(times) / sum(times):6.0f} req/s sequential,"
              f" {rps:6.0f} req/s with {THREADS} clients (target p95 <= 5 ms)")  # fmt: skip
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
          f" on {os.cpu_count()} CPUs (wall times include waiting for a CPU)")  # fmt: skip


if __name__ == "__main__":
    main()
