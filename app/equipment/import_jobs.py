"""Imports too large to apply during a web request: applied by the task queue, one job each.

The upload is checked first (the dry run) as always; confirming a file with more rows
than ROUNDS_IMPORT_BACKGROUND_ROWS writes a job file beside the checked upload and
queues the job. The task applies the file in ONE transaction, exactly as the web
request would, and records progress and the outcome in the job file, which the job
page shows. The queue delivers at most once (tech-notes §7.7): a worker killed
mid-import wrote nothing, and the page says so once the job has gone quiet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.core import clock
from app.core.validation import N_, Msg
from app.equipment.importing import ImportFileError, ImportReport, import_equipment
from app.equipment.uploads import job_path, load

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
QUIET_AFTER = timedelta(minutes=10)
"""A running job that has not reported for this long has lost its worker."""


@dataclass
class JobProblem:
    row: int
    column: str
    msgid: str
    params: dict[str, Any]

    @property
    def message(self) -> Msg:
        return Msg(self.msgid, self.params)


@dataclass
class ImportJob:
    token: str
    filename: str
    user_id: int | None
    user_label: str
    site_code: str = ""
    create_locations: bool = False
    create_contractors: list[str] = field(default_factory=list)
    state: str = QUEUED
    done: int = 0
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[JobProblem] = field(default_factory=list)
    error_msgid: str = ""
    error_params: dict[str, Any] = field(default_factory=dict)
    updated_at: str = ""

    @property
    def error(self) -> Msg | None:
        return Msg(self.error_msgid, self.error_params) if self.error_msgid else None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    @property
    def gone_quiet(self) -> bool:
        """Still unfinished, but silent for longer than any import takes."""
        if self.finished or not self.updated_at:
            return False
        return clock.utcnow() - datetime.fromisoformat(self.updated_at) > QUIET_AFTER

    def save(self) -> None:
        path = job_path(self.token, self.filename)
        if path is None:
            raise ValueError("bad job token")
        self.updated_at = clock.utcnow().isoformat()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False))
        temporary.replace(path)  # readers never see half a file


def start_job(
    token: str,
    filename: str,
    *,
    user_id: int | None,
    user_label: str,
    site_code: str,
    create_locations: bool,
    create_contractors: Iterable[str],
) -> ImportJob:
    """Record a confirmed import as queued; the caller then enqueues `token`."""
    job = ImportJob(
        token,
        filename,
        user_id,
        user_label,
        site_code=site_code,
        create_locations=create_locations,
        create_contractors=list(create_contractors),
    )
    job.save()
    return job


def load_job(token: str, filename: str) -> ImportJob | None:
    path = job_path(token, filename)
    if path is None or not path.is_file():
        return None
    raw = json.loads(path.read_text())
    raw["problems"] = [JobProblem(**p) for p in raw.get("problems", [])]
    return ImportJob(**raw)


def run_job(job: ImportJob) -> ImportReport | None:
    """Apply the job's file in the caller's transaction; the caller commits on `applied`.

    Progress is saved to the job file as rows are written. Returns None when the
    file is gone or unreadable (the job records why).
    """
    data = load(job.token, job.filename)
    if data is None:
        return _failed(job, N_("The checked file has expired; upload it again."))
    job.state = RUNNING
    job.save()

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        job.save()

    try:
        report = import_equipment(
            job.filename,
            data,
            site_code=job.site_code or None,
            dry_run=False,
            create_locations=job.create_locations,
            create_contractors=job.create_contractors,
            progress=progress,
        )
    except ImportFileError as exc:
        return _failed(job, exc.message)
    job.counts = {a: report.count(a) for a in ("create", "update", "unchanged")}
    job.problems = [
        JobProblem(p.row, p.column, p.message.msgid, dict(p.message.params))
        for p in report.problems
    ]
    return report


def finish_job(job: ImportJob, applied: bool) -> None:
    """After the commit (or the rollback): what the job page shows from now on."""
    job.state = DONE if applied else FAILED
    job.save()


def _failed(job: ImportJob, error: Msg) -> None:
    job.state = FAILED
    job.error_msgid, job.error_params = error.msgid, dict(error.params)
    job.save()
    return None
