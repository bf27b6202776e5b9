"""Only one scheduler may run: a PostgreSQL advisory lock, or a file lock with SQLite.

Two schedulers would run every job twice (tech-notes §4.2); the lock makes a
second one exit with a clear message instead.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

ADVISORY_LOCK_KEY = 0x526F756E6473  # "Rounds"


class AlreadyRunning(RuntimeError):
    """Another scheduler process holds the lock."""


@contextmanager
def single_scheduler(engine: Engine, lock_dir: str) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            granted = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar()
            if not granted:
                raise AlreadyRunning("another scheduler holds the PostgreSQL advisory lock")
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
        return
    path = Path(lock_dir) / "scheduler.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(f"another scheduler holds {path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
