"""Plans from the catalog: an asset's programme, a location's cleaning, greening and patrols.

Each catalog task becomes one plan that remembers where it came from
(`catalog_type_key`, `catalog_task_key`, `catalog_version`) and carries a snapshot
of what the catalog said (rule, tolerance, ceiling, checklist...). A later catalog
release never changes a live plan by itself: `catalog_changes` lists what differs
and `apply_catalog_update` applies it when a person asks. Services flush; callers
commit.

The package, by responsibility: `units` (catalog tasks → units and the shared
constants), `patrols` (patrol routes and area libraries → units), `proposals`
(what a programme proposes, default teams), `applying` (units → plans),
`updates` (catalog changes of a live plan), `bulk` (many assets in one preview,
with level start days) and `coverage` (which proposed work nobody could do, and
why). Callers import from here, or from `bulk` for the bulk apply.
"""

from app.plans.programmes.applying import apply_area_programme, apply_programme, choice_key
from app.plans.programmes.levels import LevelChange, level_changes, relevel_site
from app.plans.programmes.proposals import (
    ProgrammeError,
    ProposedPlan,
    TaskChoice,
    area_programme_for,
    programme_for,
)
from app.plans.programmes.units import CONTRACTED, CatalogUnit
from app.plans.programmes.updates import (
    CatalogChange,
    apply_catalog_update,
    catalog_changes,
    current_unit,
)

__all__ = [
    "CONTRACTED",
    "CatalogChange",
    "CatalogUnit",
    "LevelChange",
    "ProgrammeError",
    "ProposedPlan",
    "TaskChoice",
    "apply_area_programme",
    "apply_catalog_update",
    "apply_programme",
    "area_programme_for",
    "catalog_changes",
    "choice_key",
    "current_unit",
    "level_changes",
    "programme_for",
    "relevel_site",
]
