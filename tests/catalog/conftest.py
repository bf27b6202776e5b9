"""Fixtures for catalog tests: the shipped catalog (loaded once) and file helpers."""

from collections.abc import Callable
from pathlib import Path

import pytest

from app.catalog import Catalog, load_catalog


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    """The catalog exactly as it ships; loading validates every file."""
    return load_catalog()


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a site catalog file into a temporary directory and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
