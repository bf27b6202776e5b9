"""The task queue (huey) for work too long for a web request, e.g. a 5,000-row import.

APScheduler stays the clock (runner.py); huey runs what a request hands over. The
storage comes from ROUNDS_HUEY_URL:
- empty (the default): SQLite in the instance folder (`huey.sqlite3`), beside the
  scheduler lock, so two instances on one install never share a queue;
- `sqlite:////path/to/file`: SQLite at that path;
- `redis://host:6379/0`: Redis (needs the `redis` package);
- `immediate:`: no queue, tasks run at once in the caller (the tests).
The queue is built on first use, so starting the app creates no file.
`rounds queue run` starts the one consumer (`make run` does).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from app.worker.tasks import import_ledger

IMMEDIATE = "immediate:"
SQLITE_PREFIX = "sqlite:///"
QUEUE_FILE = "huey.sqlite3"
EXTENSION = "rounds.queue"


@dataclass(frozen=True)
class Queue:
    huey: Huey
    import_ledger: TaskWrapper


def build_huey(url: str, instance_path: str) -> Huey:
    """The huey instance ROUNDS_HUEY_URL asks for; results live in our own job files."""
    options = {"results": False, "store_intermediate_errors": False}
    if url == IMMEDIATE:
        return MemoryHuey("rounds", immediate=True, **options)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("rounds", url=url, **options)
    if url and not url.startswith(SQLITE_PREFIX):
        raise ValueError(
            f"ROUNDS_HUEY_URL={url!r}: use sqlite:////path, redis://host:port/db or {IMMEDIATE}"
        )
    filename = url.removeprefix(SQLITE_PREFIX) or str(Path(instance_path) / QUEUE_FILE)
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("rounds", filename=filename, fsync=True, **options)


def _in_app(app: Flask, body: Callable[..., None]) -> Callable[..., None]:
    """A task body bound to `app`; the body pushes its own app context per run (§7.6)."""

    @functools.wraps(body)
    def run(*args: str) -> None:
        body(app, *args)

    return run


def queue_of(app: Flask) -> Queue:
    """The app's queue with its tasks registered, built once per app."""
    queue = app.extensions.get(EXTENSION)
    if queue is None:
        huey = build_huey(app.config.get("ROUNDS_HUEY_URL") or "", app.instance_path)
        task = huey.task(name="rounds.import_ledger")(_in_app(app, import_ledger))
        queue = Queue(huey, task)
        app.extensions[EXTENSION] = queue
    return queue
