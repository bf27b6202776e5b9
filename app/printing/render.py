"""Rendering core: a sheet's HTML → WeasyPrint document → PDF bytes.

Why it is built like this (tech notes §3):

* One `FontConfiguration` and the compiled stylesheets live for the whole process:
  building them again per sheet costs more than laying out a two-page checklist,
  and Pango loads each font file once per process anyway.
* WeasyPrint logs nothing unless its logger is configured, so a missing HarfBuzz
  subsetter (≈10 s instead of ≈0.2 s per Chinese PDF) would go unnoticed; its
  warnings are let through and `subsetter_available` is checked by a test.
* The fetcher serves `data:` URIs and the app's own static files from disk and
  refuses everything else, so no sheet can make the server fetch a URL (SSRF) or
  read a file outside the app, whatever ends up in a work order's text.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, Document
from weasyprint.text.ffi import harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.printing.words import Locale

PRINTING_DIR = Path(__file__).parent
STATIC_DIR = PRINTING_DIR / "static"
STYLESHEET = STATIC_DIR / "sheet.css"
PREVIEW_STYLESHEET = STATIC_DIR / "preview.css"  # the browser's preview only
APP_STATIC_DIR = PRINTING_DIR.parent / "static"
BASE_URL = STATIC_DIR.as_uri() + "/"

PAGE_COUNTER: dict[Locale, str] = {
    "zh": '"第 " counter(page) " 页 / 共 " counter(pages) " 页"',
    "en": '"Page " counter(page) " of " counter(pages)',
}

log = logging.getLogger(__name__)
logging.getLogger("weasyprint").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """A sheet asked for something that is not a data: URI or an app file."""


class AppOnlyFetcher(URLFetcher):
    """Serves `data:` URIs and files under the app's static folders; refuses the rest.

    Refused URLs are kept in `refused` (and logged), so tests and callers can see them.
    """

    def __init__(self, roots: Sequence[Path] = (STATIC_DIR, APP_STATIC_DIR)) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._app_file(url)
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        log.warning("printing: refused to fetch %s", url)
        raise RefusedURL(f"sheets may only use data: URIs and app files, not {url}")

    def _app_file(self, url: str) -> Path | None:
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
            return path
        return None


class _Process:
    """What one process renders with: fonts, stylesheets per locale, an image cache."""

    def __init__(self) -> None:
        self.font_config: FontConfiguration | None = None
        self.font_configs_made = 0
        self.stylesheets: dict[Locale, tuple[CSS, ...]] = {}
        self.image_cache: dict[str, Any] = {}

    def fonts(self) -> FontConfiguration:
        if self.font_config is None:
            self.font_config = FontConfiguration()
            self.font_configs_made += 1
        return self.font_config

    def css(self, locale: Locale) -> tuple[CSS, ...]:
        sheets = self.stylesheets.get(locale)
        if sheets is None:
            fonts = self.fonts()
            fetcher = AppOnlyFetcher()
            sheets = self.stylesheets[locale] = (
                CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=fetcher),
                CSS(string=page_css(locale), font_config=fonts, url_fetcher=fetcher),
            )
        return sheets


PROCESS = _Process()


def page_css(locale: Locale) -> str:
    """The locale's page counter ("第 1 页 / 共 2 页") in the bottom-right margin box."""
    return f"@page {{ @bottom-right {{ content: {PAGE_COUNTER[locale]}; }} }}"


def subsetter_available() -> bool:
    """True when WeasyPrint can subset fonts with HarfBuzz (libharfbuzz-subset0)."""
    return harfbuzz_subset is not None


def render_document(html: str, locale: Locale, fetcher: AppOnlyFetcher | None = None) -> Document:
    """Lay out one sheet; pages can then be combined with other sheets' pages."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or AppOnlyFetcher()).render(
        font_config=PROCESS.fonts(),
        stylesheets=PROCESS.css(locale),
        cache=PROCESS.image_cache,
    )


def write_pdf(documents: Sequence[Document]) -> bytes:
    """One PDF of all pages in order; each sheet keeps its own "第 N 页 / 共 M 页"."""
    if not documents:
        raise ValueError("nothing to print")
    first = documents[0]
    if len(documents) == 1:
        return first.write_pdf()
    return first.copy([page for document in documents for page in document.pages]).write_pdf()


def html_to_pdf(html: str, locale: Locale) -> bytes:
    return write_pdf([render_document(html, locale)])
