"""What a demo load has created so far, handed to each post-load step."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.people.models import Team, User
from app.sites.models import Location, Site


@dataclass
class DemoContext:
    """Everything created so far, keyed by the codes used in `app.demo.data`."""

    site: Site
    # How far the load day lies from DEMO_TODAY: near-term dates (expiries, leave,
    # inspections) move with it, so the demo always has something due soon.
    shift: timedelta = timedelta(0)
    locations: dict[str, Location] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    contractors: dict[str, Contractor] = field(default_factory=dict)
    equipment: dict[str, Equipment] = field(default_factory=dict)


PostLoadStep = Callable[[DemoContext], None]
