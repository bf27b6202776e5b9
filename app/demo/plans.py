"""Demo plans: every asset gets its catalog programme and every area its cleaning, greening
and patrols. Applying a programme also fills the schedule horizon, so a new user sees a
full roster at once.

The assets' programmes go in as a supervisor would bring in a whole ledger: in one bulk
apply with level start days (`apply_bulk`). Applied one by one, every plan started on
the load day: each month opened with about 60 visits at 09:00, one technician got 23 of
45 tasks, and 1号楼's two water tanks were emptied on the same morning.
"""

from app.demo.context import DemoContext
from app.extensions import db
from app.plans.programmes import apply_area_programme
from app.plans.programmes.bulk import Scope, Selection, apply_bulk

STRUCTURAL_KINDS = frozenset({"building", "floor", "room"})


def create_demo_plans(ctx: DemoContext) -> None:
    db.session.flush()  # the assets' ids, for the selection
    assets = tuple(sorted(e.id for e in ctx.equipment.values() if e.type_key))
    apply_bulk(Selection(ctx.site.id, Scope.ASSETS, equipment_ids=assets))
    for location in ctx.locations.values():
        if location.kind not in STRUCTURAL_KINDS:
            apply_area_programme(location)
    db.session.flush()
