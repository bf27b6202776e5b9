"""Imports every model module so the metadata (Alembic, tests) sees the whole schema."""

from app.audit.models import AuditEntry
from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.people.models import ApiToken, Licence, Team, TeamMembership, User, UserRole
from app.sites.models import Location, Site

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Contractor",
    "Equipment",
    "Licence",
    "Location",
    "Site",
    "Team",
    "TeamMembership",
    "User",
    "UserRole",
]
