"""Bodies of the queued tasks. Each is its own commit point, like a CLI command or a job.

Tasks take ids (here an upload token), never ORM objects: the default serializer
is pickle, and the row may have changed by the time the task runs.
"""

import logging

from flask import Flask

from app.audit.actor import Actor, acting_as
from app.core.validation import N_
from app.equipment.import_jobs import FAILED, finish_job, load_job, run_job
from app.extensions import db

log = logging.getLogger(__name__)


def import_ledger(app: Flask, token: str, filename: str) -> None:
    """Apply a checked, confirmed ledger import: every row in one transaction, or none."""
    with app.app_context():
        job = load_job(token, filename)
        if job is None or job.finished:
            log.warning("import job %s is unknown or already finished; skipped", token)
            return
        with acting_as(Actor(job.user_id, job.user_label)):
            try:
                report = run_job(job)
                applied = report is not None and report.applied
                if applied:
                    db.session.commit()
                else:
                    db.session.rollback()
                if report is not None:
                    finish_job(job, applied)
            except Exception:
                db.session.rollback()
                log.exception("import job %s failed; nothing was written", token)
                job.state = FAILED
                job.error_msgid = N_("The import failed on the server; nothing was written.").msgid
                job.save()
            finally:
                db.session.remove()
