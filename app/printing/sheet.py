"""What every sheet shares: the header block, app links and their QR codes, signatures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import segno
from flask import current_app

from app.core.validation import ValidationError


class PrintInputError(ValidationError):
    """What to print was asked for wrongly (unknown team, bad period...); nothing printed."""


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Signature:
    label: str
    name: str = ""  # printed on the line when the record is filled in
    when: str = ""


@dataclass(frozen=True)
class SheetHead:
    """The first-page header; `id_line` also runs in the page margins of later pages."""

    title: str
    id_line: str
    fields: tuple[Field, ...] = ()
    marker: str | None = None
    qr_url: str | None = None
    qr_caption: str = ""
    qr: str | None = field(default=None)

    def __post_init__(self) -> None:
        if self.qr_url and self.qr is None:
            object.__setattr__(self, "qr", qr_data_uri(self.qr_url))


def app_url(path: str, **params: object) -> str:
    """An absolute link into Rounds under ROUNDS_BASE_URL, for QR codes on paper."""
    base = str(current_app.config["ROUNDS_BASE_URL"]).rstrip("/")
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base}{path}" + (f"?{query}" if query else "")


def qr_data_uri(url: str) -> str:
    """An inline SVG QR code (medium error correction survives a crease or a smudge)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(border=2, dark="#000")


def local_clock(value: datetime | None, timezone: str) -> str:
    """HH:MM in the site's time zone, or "" for nothing."""
    if value is None:
        return ""
    return f"{value.astimezone(ZoneInfo(timezone)):%H:%M}"


def local_stamp(value: datetime | None, timezone: str) -> str:
    """YYYY-MM-DD HH:MM in the site's time zone, or ""."""
    if value is None:
        return ""
    return f"{value.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"
