"""After a calendar change, the stored schedule follows it.

A new holiday must move the untouched future visits on it before anyone turns up
at a locked plant room. Kept apart from `services` because the scheduler plans
with `services.site_calendar`: generation importing services and services
importing generation would be a cycle.
"""

from app.scheduling.generation import regenerate
from app.sites.models import Site


def reschedule_after_change(site: Site | None) -> int:
    """Regenerate the sites a changed calendar covers; how many work orders changed.

    A site's own override reaches that site; a company-wide one (`site` None) every
    site. Like `regenerate` it commits per batch, so call it after committing the
    calendar change, and only when something changed: on a large estate it takes time.
    """
    result = regenerate(site)
    return result.inserted + result.updated + result.deleted
