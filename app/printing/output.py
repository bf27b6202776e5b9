"""Sheet data → HTML (the one template for preview and PDF) → PDF bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flask import render_template
from weasyprint import Document

from app.printing.grid import CHECKLIST_GRID
from app.printing.render import render_document, write_pdf
from app.printing.sheet import SheetHead
from app.printing.words import Locale, Words


class Sheet(Protocol):
    """What every sheet's data has; `kind` names its template in templates/print/."""

    @property
    def kind(self) -> str: ...
    @property
    def locale(self) -> Locale: ...
    @property
    def head(self) -> SheetHead: ...


@dataclass(frozen=True)
class PreviewLinks:
    """The toolbar of the HTML preview (absent from the PDF)."""

    stylesheet_url: str
    preview_stylesheet_url: str
    pdf_url: str
    pdf_label: str
    back_url: str
    back_label: str


def sheet_html(sheet: Sheet, preview: PreviewLinks | None = None) -> str:
    return render_template(
        f"print/{sheet.kind}.html",
        sheet=sheet,
        t=Words(sheet.locale),
        preview=preview,
        grid=CHECKLIST_GRID,
    )


def sheet_document(sheet: Sheet) -> Document:
    return render_document(sheet_html(sheet), sheet.locale)


def sheets_pdf(sheets: Sequence[Sheet]) -> bytes:
    """One PDF for one or many sheets (a batch keeps each sheet's own page numbers)."""
    return write_pdf([sheet_document(sheet) for sheet in sheets])
