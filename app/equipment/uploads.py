"""Keeps an uploaded import file between its dry run and the "import now" click.

The user checks the file first, then applies exactly the bytes that were
checked, without uploading again. Files live under ROUNDS_UPLOAD_DIR with a
random name, so one user cannot guess another's.
"""

import re
import secrets
from pathlib import Path, PurePath

from flask import current_app

from app.core import clock

SUBDIR = "equipment-imports"
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _directory() -> Path:
    path = Path(current_app.config["ROUNDS_UPLOAD_DIR"]) / SUBDIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token: str, filename: str) -> Path | None:
    suffix = PurePath(filename).suffix.lower()
    if not _TOKEN.match(token) or suffix not in (".xlsx", ".csv"):
        return None
    return _directory() / f"{token}{suffix}"


def _forget_old() -> None:
    """Checked files nobody applied are dropped after a day, so uploads do not pile up."""
    cutoff = clock.utcnow().timestamp() - KEEP_SECONDS
    for path in _directory().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def job_path(token: str, filename: str) -> Path | None:
    """Where a background import's progress and outcome are kept, beside its file."""
    path = _path(token, filename)
    return path.with_suffix(".job.json") if path is not None else None


def stash(filename: str, data: bytes) -> str:
    _forget_old()
    token = secrets.token_hex(16)
    path = _path(token, filename)
    if path is not None:
        path.write_bytes(data)
    return token


def load(token: str, filename: str) -> bytes | None:
    path = _path(token, filename)
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


def discard(token: str, filename: str) -> None:
    path = _path(token, filename)
    if path is not None:
        path.unlink(missing_ok=True)
