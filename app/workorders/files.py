"""Photos, signatures and report files of work records: checked, stored, kept.

The type is decided by the file's first bytes, never by its name or the browser's
claim, so a renamed script is refused. Accepted files are written under
ROUNDS_UPLOAD_DIR with a random name and served only through a permission check.
A form that is refused for another reason keeps its good photos "staged" under a
random token, so the user does not have to take them again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.core import clock
from app.core.validation import N_, Msg
from app.extensions import db
from app.people.models import User
from app.workorders.models import AttachmentKind, WorkAttachment, WorkCompletion, WorkOrder

PHOTO_MAX_MB = 10
REPORT_MAX_MB = 15
SIGNATURE_MAX_BYTES = 512 * 1024
STAGING = "staging"
STAGE_KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic"})
PDF_TYPES = frozenset({"application/pdf"})


@dataclass(frozen=True)
class Upload:
    """One received file: its name as sent and its bytes."""

    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type its magic bytes say, for the types Rounds accepts; else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "image/heic"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _limit(config_key: str, default_mb: int) -> int:
    return int(current_app.config.get(config_key, default_mb)) * 1024 * 1024


def photo_problem(upload: Upload) -> Msg | None:
    """Why a photo is refused (type or size), or None when it is fine."""
    if not upload.data:
        return N_("The photo %(name)s is empty.", name=upload.filename)
    if sniff(upload.data) not in PHOTO_TYPES:
        return N_("%(name)s is not a photo: use JPEG, PNG, WebP or HEIC.", name=upload.filename)
    limit = _limit("ROUNDS_PHOTO_MAX_MB", PHOTO_MAX_MB)
    if len(upload.data) > limit:
        return N_(
            "The photo %(name)s is larger than %(mb)d MB.",
            name=upload.filename,
            mb=limit // (1024 * 1024),
        )
    return None


def report_problem(upload: Upload) -> Msg | None:
    """Why a report file is refused: statutory reports are kept as PDF."""
    if sniff(upload.data) not in PDF_TYPES:
        return N_("%(name)s is not a PDF file.", name=upload.filename)
    limit = _limit("ROUNDS_REPORT_MAX_MB", REPORT_MAX_MB)
    if len(upload.data) > limit:
        return N_(
            "The report %(name)s is larger than %(mb)d MB.",
            name=upload.filename,
            mb=limit // (1024 * 1024),
        )
    return None


_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=\s]+)$")


def signature_png(data_url: str) -> tuple[bytes | None, Msg | None]:
    """The PNG behind a canvas `toDataURL()`; empty input means "not drawn"."""
    if not data_url:
        return None, None
    match = _DATA_URL.match(data_url.strip())
    if match is None:
        return None, N_("The drawn signature could not be read; draw it again.")
    try:
        data = base64.b64decode(match.group(1), validate=False)
    except (binascii.Error, ValueError):
        return None, N_("The drawn signature could not be read; draw it again.")
    if sniff(data) != "image/png" or len(data) > SIGNATURE_MAX_BYTES:
        return None, N_("The drawn signature could not be read; draw it again.")
    return data, None


def decode_base64(filename: str, text: str) -> tuple[Upload | None, Msg | None]:
    """A file sent in JSON as base64 (the API has no multipart)."""
    try:
        return Upload(filename, base64.b64decode(text, validate=True)), None
    except (binascii.Error, ValueError):
        return None, N_("%(name)s is not valid base64.", name=filename)


def _root() -> Path:
    return Path(current_app.config["ROUNDS_UPLOAD_DIR"])


def _safe_name(filename: str) -> str:
    return Path(filename.replace("\\", "/")).name[:200] or "file"


def store(
    upload: Upload,
    work_order: WorkOrder,
    kind: AttachmentKind,
    *,
    item_key: str | None = None,
    completion: WorkCompletion | None = None,
    uploaded_by: User | None = None,
) -> WorkAttachment:
    """Write an already checked file and add its row (flushed by the caller's service)."""
    content_type = sniff(upload.data) or "application/octet-stream"
    now = clock.utcnow()
    relative = Path("work") / f"{now:%Y}" / f"{now:%m}"
    relative /= secrets.token_hex(16) + EXTENSIONS.get(content_type, "")
    path = _root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    attachment = WorkAttachment(
        work_order=work_order,
        completion=completion,
        kind=kind.value,
        item_key=item_key,
        filename=_safe_name(upload.filename),
        stored_path=relative.as_posix(),
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
    )
    db.session.add(attachment)
    return attachment


def path_of(attachment: WorkAttachment) -> Path | None:
    """Where the bytes are; None if the stored path would leave the upload folder."""
    root = _root().resolve()
    path = (root / attachment.stored_path).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


# --- staging: good photos of a refused form ---------------------------------------------------


def _staging() -> Path:
    path = _root() / STAGING
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old_staged() -> None:
    cutoff = clock.utcnow().timestamp() - STAGE_KEEP_SECONDS
    for path in _staging().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def stage(upload: Upload) -> str:
    """Keep a checked file for the next submission of the same form; returns its token."""
    _forget_old_staged()
    token = secrets.token_hex(16)
    (_staging() / token).write_bytes(upload.data)
    (_staging() / f"{token}.name").write_text(_safe_name(upload.filename), encoding="utf-8")
    return token


def unstage(token: str) -> Upload | None:
    """The staged file for a token sent back by the form; None if unknown or expired."""
    if not _TOKEN.match(token):
        return None
    path = _staging() / token
    if not path.is_file():
        return None
    name_path = _staging() / f"{token}.name"
    name = name_path.read_text(encoding="utf-8") if name_path.is_file() else "photo"
    return Upload(name, path.read_bytes())


def discard_staged(token: str) -> None:
    if _TOKEN.match(token):
        (_staging() / token).unlink(missing_ok=True)
        (_staging() / f"{token}.name").unlink(missing_ok=True)
