"""Imports every model module so the metadata (Alembic, tests) sees the whole schema."""

from app.audit.models import AuditEntry
from app.calendars.models import CalendarOverride, CalendarYear
from app.contractors.models import Contractor
from app.equipment.models import Equipment
from app.feeds.models import CalendarFeed, FeedCache, FeedEpoch
from app.notices.models import Notice
from app.people.models import ApiToken, Licence, Team, TeamMembership, User
from app.plans.models import Plan
from app.repairs.models import RepairRequest
from app.rosters.models import StaffLeave
from app.sites.models import Location, Site, SiteMembership
from app.workorders.models import WorkAttachment, WorkCompletion, WorkOrder

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CalendarFeed",
    "CalendarOverride",
    "CalendarYear",
    "Contractor",
    "Equipment",
    "FeedCache",
    "FeedEpoch",
    "Licence",
    "Location",
    "Notice",
    "Plan",
    "RepairRequest",
    "Site",
    "SiteMembership",
    "StaffLeave",
    "Team",
    "TeamMembership",
    "User",
    "WorkAttachment",
    "WorkCompletion",
    "WorkOrder",
]
