"""The rendering core: fonts once per process, real Chinese text, nothing fetched from outside."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from app.printing.render import (
    PROCESS,
    STATIC_DIR,
    AppOnlyFetcher,
    html_to_pdf,
    render_document,
    subsetter_available,
    write_pdf,
)
from tests.printing.conftest import pages

CHINESE = '<html lang="zh-CN"><body><p>每日作业检查表 地面清扫</p></body></html>'


def test_weasyprint_subsets_fonts_with_harfbuzz_so_chinese_pdfs_stay_fast() -> None:
    assert subsetter_available(), (
        "libharfbuzz-subset0 is missing: WeasyPrint falls back to fontTools and a two-page "
        "Chinese PDF takes ~10 s (apt-get install libharfbuzz-subset0)"
    )


def test_fonts_and_stylesheets_are_made_once_per_process(fresh_fonts: None) -> None:
    first = render_document(CHINESE, "zh")
    second = render_document(CHINESE, "zh")
    english = render_document(CHINESE, "en")

    assert PROCESS.font_configs_made == 1
    assert first.font_config is second.font_config is english.font_config
    assert PROCESS.css("zh") is PROCESS.css("zh")


def test_the_chinese_text_is_real_text_in_an_embedded_cjk_font(
    poppler: None, tmp_path: Path
) -> None:
    pdf = html_to_pdf(CHINESE, "zh")
    (tmp_path / "zh.pdf").write_bytes(pdf)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "zh.pdf")], capture_output=True, text=True, check=True
    ).stdout

    assert "每日作业检查表 地面清扫" in pages(pdf)[0]
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in cjk), fonts  # emb sub uni


def test_a_sheet_cannot_make_the_server_fetch_urls_or_read_files_outside_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []

    def no_network(self: object, request: urllib.request.Request, *args: object) -> None:
        opened.append(request.full_url)
        raise AssertionError("network access while printing")

    monkeypatch.setattr(urllib.request.HTTPHandler, "http_open", no_network)
    monkeypatch.setattr(urllib.request.HTTPSHandler, "https_open", no_network)
    fetcher = AppOnlyFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="https://example.com/x.css"></head><body>'
        '<img src="http://example.com/x.png"><img src="file:///etc/passwd">'
        '<img src="../../../../etc/hostname"><p>ok</p></body></html>'
    )

    document = render_document(html, "zh", fetcher)

    assert opened == []
    assert "http://example.com/x.png" in fetcher.refused
    assert "https://example.com/x.css" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert any(url.endswith("/etc/hostname") for url in fetcher.refused)
    assert len(document.pages) == 1


def test_data_uris_and_the_apps_own_static_files_are_served() -> None:
    fetcher = AppOnlyFetcher()
    svg = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='5' height='5'/%3E"
    html = f'<img src="{svg}"><img src="sheet.css"><img src="{STATIC_DIR.as_uri()}/sheet.css">'

    render_document(html, "zh", fetcher)

    assert fetcher.refused == []


def test_sheets_printed_together_keep_their_own_page_numbers(app: Flask) -> None:
    long = "<p style='break-after: page'>甲</p><p>乙</p>"
    documents = [render_document(CHINESE, "zh"), render_document(long, "zh")]

    texts = pages(write_pdf(documents))

    assert len(texts) == 3
    assert "第 1 页 / 共 1 页" in texts[0]
    assert "第 1 页 / 共 2 页" in texts[1]
    assert "第 2 页 / 共 2 页" in texts[2]
