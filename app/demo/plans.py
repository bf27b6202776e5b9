"""Demo plans: every asset gets its catalog programme and every area its cleaning, greening
and patrols. Applying a programme also fills the schedule horizon, so a new user sees a
full roster at once."""

from app.demo.context import DemoContext
from app.extensions import db
from app.plans.programmes import apply_area_programme, apply_programme

STRUCTURAL_KINDS = frozenset({"building", "floor", "room"})


def create_demo_plans(ctx: DemoContext) -> None:
    for equipment in ctx.equipment.values():
        if equipment.type_key:
            apply_programme(equipment)
    for location in ctx.locations.values():
        if location.kind not in STRUCTURAL_KINDS:
            apply_area_programme(location)
    db.session.flush()
