"""SQLite settings that make the embedded default behave like a real database.

Foreign keys are off by default in SQLite; WAL and a busy timeout let the
scheduler process and the web server write without "database is locked".
"""

import sqlite3
from typing import Any

from sqlalchemy import Engine, event


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_sqlite_pragmas() -> None:
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
