"""Asset QR labels (设备标识标签): 3 × 8 on an A4 label sheet (70 × 37.1 mm, 24 per page).

Each label carries the asset code painted on the plant, its name, where it is and
a QR code that opens the equipment page in Rounds, so a technician standing at
the pump can scan straight to its history and open work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.core.validation import N_
from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db
from app.printing.places import LocationTree
from app.printing.sheet import PrintInputError, SheetHead, app_url, qr_data_uri
from app.printing.words import Locale, Words, pick
from app.sites.models import Location, Site
from app.vocab.categories import CATEGORIES

EQUIPMENT_PATH = "/equipment/{id}"
PER_PAGE = 24


@dataclass(frozen=True)
class AssetLabel:
    code: str
    name: str
    where: str
    site: str
    url: str
    qr: str


@dataclass(frozen=True)
class LabelSheet:
    locale: Locale
    head: SheetHead
    labels: tuple[AssetLabel, ...]
    kind: str = "labels"


def asset_labels(
    site: Site,
    *,
    locale: Locale,
    category: str | None = None,
    area: Location | None = None,
    asset_codes: Sequence[str] = (),
) -> LabelSheet:
    """Labels for the site's assets in service, narrowed by category, area or asset codes.

    Named asset codes are printed whatever their status (a replacement label for a
    retired asset is still wanted); an unknown code is an error, not a gap.
    """
    if category is not None and category not in CATEGORIES:
        raise PrintInputError({"category": N_("There is no category %(key)s.", key=category)})
    tree = LocationTree(site.id)
    stmt = select(Equipment).where(Equipment.site_id == site.id).order_by(Equipment.asset_code)
    if asset_codes:
        stmt = stmt.where(Equipment.asset_code.in_(list(asset_codes)))
    else:
        stmt = stmt.where(Equipment.status != EquipmentStatus.RETIRED)
    if category is not None:
        stmt = stmt.where(Equipment.category == category)
    if area is not None:
        stmt = stmt.where(Equipment.location_id.in_(list(tree.subtree(area.id))))
    found = list(db.session.scalars(stmt))
    missing = sorted(set(asset_codes) - {e.asset_code for e in found})
    if missing:
        raise PrintInputError(
            {"equipment": N_("Unknown asset codes: %(codes)s.", codes=", ".join(missing))}
        )
    if not found:
        raise PrintInputError({"equipment": N_("No equipment matches; nothing to print.")})
    t = Words(locale)
    labels = []
    for equipment in found:
        url = app_url(EQUIPMENT_PATH.format(id=equipment.id))
        labels.append(
            AssetLabel(
                code=equipment.asset_code,
                name=equipment.name,
                where=tree.path(equipment.location_id, " / "),
                site=site.name,
                url=url,
                qr=qr_data_uri(url),
            )
        )
    scope = pick(CATEGORIES[category], locale) if category else site.name
    return LabelSheet(
        locale=locale,
        head=SheetHead(title=t("labels.title"), id_line=f"{site.name} · {scope}"),
        labels=tuple(labels),
    )
