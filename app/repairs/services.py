"""Repair requests (报修): validated once for the front desk, the resident's QR page and the API.

Each request becomes a corrective work order right away (due by its urgency's
SLA, assigned to the asset's maintainer) and gets a reference number the caller
can look up. The public page is rate-limited per IP address; the count is kept in
the database (a keyed hash of the address, never the address itself), so the
limit holds across gunicorn workers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from app.access.roles import can
from app.core import clock
from app.core.validation import N_, Problems, phone_problem
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import User
from app.repairs.models import Channel, RepairRequest
from app.sites.models import Location, Site
from app.workorders import files
from app.workorders.corrective import SLA_HOURS, create_corrective
from app.workorders.files import Upload
from app.workorders.models import AttachmentKind, WorkOrderStatus

PREFIX = "BX"
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=10)
REFERENCE_ATTEMPTS = 5
DESCRIPTION_MAX = 2000
NAME_MAX = 100
PLACE_MAX = 200
URGENCIES = tuple(SLA_HOURS)


class RateLimited(Exception):
    """Too many public requests from one address in the window."""


@dataclass
class RepairInput:
    """Who, where, what, how urgent, and optionally a photo."""

    site_id: int | None = None
    equipment_id: int | None = None
    asset_code: str = ""
    location_id: int | None = None
    place: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    description: str = ""
    urgency: str = "normal"
    out_of_service: bool = False
    photo: Upload | None = None


def client_key(address: str) -> str:
    """A keyed hash of the sender's address: enough to count, useless to anyone else."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()


def check_rate(key: str, now: datetime | None = None) -> None:
    """Refuse the request when the address already sent `RATE_LIMIT` in the window."""
    now = now or clock.utcnow()
    limit = int(current_app.config.get("ROUNDS_REPAIR_RATE_LIMIT", RATE_LIMIT))
    stmt = select(func.count()).where(
        RepairRequest.client_key == key, RepairRequest.created_at >= now - RATE_WINDOW
    )
    if (db.session.scalar(stmt) or 0) >= limit:
        raise RateLimited()


def find_equipment(site: Site, asset_code: str) -> Equipment | None:
    stmt = select(Equipment).where(
        Equipment.site_id == site.id, Equipment.asset_code == asset_code.strip()
    )
    return db.session.scalar(stmt)


def equipment_for_qr(site_code: str, asset_code: str) -> Equipment | None:
    """The asset a QR label points at (/r/<site code>/<asset code>); retired assets too."""
    stmt = (
        select(Equipment)
        .join(Site, Site.id == Equipment.site_id)
        .where(Site.code == site_code, Equipment.asset_code == asset_code)
    )
    return db.session.scalar(stmt)


@dataclass
class _Checked:
    site: Site
    equipment: Equipment | None
    location: Location | None


def check(data: RepairInput, problems: Problems) -> _Checked | None:
    site = db.session.get(Site, data.site_id) if data.site_id is not None else None
    if site is None:
        problems.add("site_id", N_("Pick a site."))
        return None
    equipment = db.session.get(Equipment, data.equipment_id) if data.equipment_id else None
    if data.equipment_id and (equipment is None or equipment.site_id != site.id):
        problems.add("equipment_id", N_("Pick equipment of this site."))
    if equipment is None and data.asset_code.strip():
        equipment = find_equipment(site, data.asset_code)
        if equipment is None:
            problems.add(
                "asset_code",
                N_("No equipment with code %(code)s at this site.", code=data.asset_code.strip()),
            )
    location = db.session.get(Location, data.location_id) if data.location_id else None
    if data.location_id and (location is None or location.site_id != site.id):
        problems.add("location_id", N_("Pick a place of this site."))
    if equipment is None and location is None and not data.place.strip():
        problems.add("place", N_("Say where the problem is."))
    if len(data.place.strip()) > PLACE_MAX:
        problems.add("place", N_("At most %(n)d characters.", n=PLACE_MAX))
    if not data.description.strip():
        problems.add("description", N_("Describe the problem."))
    elif len(data.description.strip()) > DESCRIPTION_MAX:
        problems.add("description", N_("At most %(n)d characters.", n=DESCRIPTION_MAX))
    if not data.reporter_name.strip():
        problems.add("reporter_name", N_("Enter a name to call back."))
    elif len(data.reporter_name.strip()) > NAME_MAX:
        problems.add("reporter_name", N_("At most %(n)d characters.", n=NAME_MAX))
    if not data.reporter_phone.strip():
        problems.add("reporter_phone", N_("Enter a phone number to call back."))
    elif problem := phone_problem(data.reporter_phone.strip()):
        problems.add("reporter_phone", problem)
    if data.urgency not in URGENCIES:
        problems.add("urgency", N_("Pick how urgent it is."))
    if data.photo is not None and (problem := files.photo_problem(data.photo)):
        problems.add("photo", problem)
    return _Checked(site, equipment, location)


def new_reference() -> str:
    """BX-7K3M-Q9TD-2WXA: 60 random bits in Crockford base32 (no I, L, O, U to misread).

    The reference alone opens the public status page, so it must not be guessable:
    sequential BX-20260302-0007 let anyone walk every request of the day.
    """
    raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"{PREFIX}-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _title(checked: _Checked, data: RepairInput) -> str:
    where = (
        checked.equipment.name
        if checked.equipment
        else (checked.location.path if checked.location else data.place.strip())
    )
    what = " ".join(data.description.split())[:60]
    return f"报修 {where}：{what}"


def create_request(
    data: RepairInput,
    channel: Channel,
    created_by: User | None = None,
    client: str | None = None,
) -> RepairRequest:
    """Record the request and its corrective job under a new random reference.

    A collision (one in 2**60) fails the unique index; the retry in a savepoint draws
    again, so the caller never sees it.
    """
    problems = Problems()
    checked = check(data, problems)
    problems.raise_if_any()
    assert checked is not None
    now = clock.utcnow()
    job = create_corrective(
        site=checked.site,
        title=_title(checked, data),
        description=data.description.strip(),
        priority=data.urgency,
        equipment=checked.equipment,
        location=checked.location,
        equipment_down=data.out_of_service,
        raised_at=now,
    )
    db.session.flush()
    if data.photo is not None:
        files.store(data.photo, job, AttachmentKind.PHOTO, uploaded_by=created_by)
    for attempt in range(REFERENCE_ATTEMPTS):
        request = RepairRequest(
            reference=new_reference(),
            site_id=checked.site.id,
            equipment_id=checked.equipment.id if checked.equipment else None,
            location_id=checked.location.id if checked.location else None,
            place=data.place.strip(),
            reporter_name=data.reporter_name.strip(),
            reporter_phone=data.reporter_phone.strip(),
            description=data.description.strip(),
            urgency=data.urgency,
            channel=channel.value,
            created_by_id=created_by.id if created_by else None,
            client_key=client,
            work_order_id=job.id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(request)
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            continue
        return request
    raise AssertionError("unreachable")


def find_by_reference(reference: str) -> RepairRequest | None:
    """Case and spacing as the caller typed it; full-width letters from a phone keyboard too."""
    written = unicodedata.normalize("NFKC", reference).strip().upper().replace(" ", "")
    stmt = select(RepairRequest).where(RepairRequest.reference == written[:32])
    return db.session.scalar(stmt)


PUBLIC_STATES: dict[str, tuple[str, str]] = {
    "received": ("已受理", "Received"),
    "in_repair": ("维修中", "Being repaired"),
    "repaired": ("已修复", "Repaired"),
    "closed": ("已关闭", "Closed"),
}


@dataclass(frozen=True)
class PublicStatus:
    """What anyone with the reference may see: its state. No place, times, names or phones:
    the reporter knows where and when, and a stranger holding a reference learns nothing."""

    reference: str
    state: str


def may_call_back(user: User, site_id: int) -> bool:
    """Residents' phone numbers are for calling back: only the roles that handle repairs
    at the repair's site."""
    return can(user.roles_at(site_id), "repairs.contact")


def public_state(status: str) -> str:
    if status == WorkOrderStatus.IN_PROGRESS:
        return "in_repair"
    if status in (WorkOrderStatus.DONE, WorkOrderStatus.DONE_LATE):
        return "repaired"
    if status in (WorkOrderStatus.CANCELLED, WorkOrderStatus.SKIPPED):
        return "closed"
    return "received"


def public_status(reference: str) -> PublicStatus | None:
    request = find_by_reference(reference)
    if request is None:
        return None
    return PublicStatus(reference=request.reference, state=public_state(request.work_order.status))


def requests_query() -> Select[tuple[RepairRequest]]:
    return select(RepairRequest).order_by(RepairRequest.created_at.desc(), RepairRequest.id.desc())
