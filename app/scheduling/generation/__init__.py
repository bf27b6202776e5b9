"""Plans → stored work orders over a rolling horizon, and keeping future rows current.

`generate` inserts the work orders that are missing, up to `until`; `regenerate`,
`regenerate_plan` and `regenerate_site` replace the future rows nobody has touched
after a plan, calendar or roster change. Decisions, so every caller can rely on them:

* Rows are keyed by (plan_id, slot) and written with the dialect's
  ``INSERT ... ON CONFLICT (plan_id, slot) DO NOTHING``. The engine's answer
  depends only on the plans, the calendar, the roster, the clock and rows the run
  itself does not write (completed visits, rows before the run's start), so two
  runs at once, or a killed run started again, end with the same rows as one
  clean run.
* Streaming: a site at a time, plans `plan_batch` at a time, rows `row_batch` at a
  time, each batch committed by `generate`/`regenerate` — a million rows never sit
  in memory and a crash loses one batch at most. `regenerate_plan` (and
  `regenerate_site`) is called inside a user's edit and only flushes: the edit and
  its new schedule commit together or not at all.
* A missed row keeps its key, and a make-up pulled early keys by the later slot it
  came from: a fresh visit whose key a missed row holds moves on by whole seconds
  (`rows.free_slot`), so ON CONFLICT never drops a visit that is still owed.
* The nightly run skips a plan that already has a visit stored at or past the
  horizon: every change re-plans the rows it affects in its own transaction, so such
  a plan would only meet rows already there.
* A building's outage plans (lifts, power, water) are re-planned together: a
  re-plan of one of them redoes the others' untouched future rows too, so their
  staggering is the one a full regenerate makes, not the one history left
  (`outages`). A visit staggered from 09:00 to 13:00 is still ahead at 10:00 and
  is kept as it is, like a visit already due (`results.first_due`).
* Only visits due after now are stored. The engine is asked from a month (or one
  ceiling) before now, so a visit whose slot is past but whose holiday-moved due
  date is ahead is still found. The horizon is `ROUNDS_HORIZON_DAYS` (default
  90), extended per plan up to its next planned visit, so a yearly task always
  has its next visit on file.
* Skipped visits (holiday policy `skip`) are stored with status `skipped` and the
  engine's reason: the supervisor sees why there is no visit on a day where the
  rule had one, and the slot stays taken so nothing re-creates it.
* Replacement is update-in-place keyed by slot, guarded by the row's `version`
  and `touched = false`: ids (and the feed UIDs made from them) stay, `revision`
  (the iCal SEQUENCE) rises, and a row a person started, completed or edited
  meanwhile is left alone. Rows that no longer occur are deleted.
* Writes are Core statements, so generated rows make no audit entries (a
  million-row audit log helps nobody); the plan edit that caused a
  regeneration is audited as usual.

The package, by responsibility: `api` (the entry points above), `results` (constants
and what a run reports), `context` (one site's calendar, places, staff, equipment),
`reading` (plans in batches and each unit's history), `rows` (occurrences and the
row each becomes), `store` (inserts, guarded updates, the diff of a replace) and
`run` (the loop over sites, pages and batches). Callers import from here.
"""

from app.scheduling.generation.api import (
    generate,
    regenerate,
    regenerate_plan,
    regenerate_plans,
    regenerate_site,
)
from app.scheduling.generation.context import SiteContext, horizon_end, shared_calendar
from app.scheduling.generation.reading import group_members, plan_facts, unit_history
from app.scheduling.generation.results import (
    PLAN_BATCH,
    ROW_BATCH,
    BatchProgress,
    GenerationResult,
    Mode,
    OnBatch,
    PlanProblem,
)
from app.scheduling.generation.rows import (
    Assigning,
    assigner_for,
    occurrences,
    row_for,
    team_of,
)
from app.scheduling.generation.store import insert_statement

__all__ = [
    "PLAN_BATCH",
    "ROW_BATCH",
    "Assigning",
    "BatchProgress",
    "GenerationResult",
    "Mode",
    "OnBatch",
    "PlanProblem",
    "SiteContext",
    "assigner_for",
    "generate",
    "group_members",
    "horizon_end",
    "insert_statement",
    "occurrences",
    "plan_facts",
    "regenerate",
    "regenerate_plan",
    "regenerate_plans",
    "regenerate_site",
    "row_for",
    "shared_calendar",
    "team_of",
    "unit_history",
]
