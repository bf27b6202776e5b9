"""Equipment-type names as a 工程部 writes them in a ledger sheet, mapped to catalog types.

A sheet says 客梯, 消火栓泵 or 变压器, not `traction_elevator`. Every catalog type is
found by its key, its Chinese and English names and the `aliases` the catalog lists
(the synonyms live in `equipment_catalog/`, so a site file can add its own words).
Matching ignores case, spaces, full-width forms and a trailing note in brackets.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from app.catalog import CatalogError
from app.catalog.current import current_catalog
from app.catalog.model import Catalog, EquipmentType

MAX_SUGGESTIONS = 3
_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_SPACES = re.compile(r"[\s_\-·・]+")


def fold(text: str) -> str:
    """The form two spellings of one name share: NFKC, no spaces or dashes, any case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class TypeNames:
    """Every name of every catalog type, folded, pointing at its type."""

    by_name: dict[str, EquipmentType]

    @classmethod
    def of(cls, catalog: Catalog) -> TypeNames:
        by_name: dict[str, EquipmentType] = {}
        for equipment_type in catalog.types():
            names = (
                equipment_type.key,
                equipment_type.names.zh,
                equipment_type.names.en,
                *equipment_type.aliases,
            )
            for name in names:
                by_name.setdefault(fold(name), equipment_type)
        for equipment_type in catalog.types():  # 消防水泵（消火栓泵、喷淋泵） is 消防水泵 too
            for name in (equipment_type.names.zh, equipment_type.names.en):
                by_name.setdefault(fold(_BRACKETS.sub("", name)), equipment_type)
        return cls(by_name)

    def find(self, written: str) -> EquipmentType | None:
        """The type a sheet's value names, or None; a note in brackets is ignored."""
        folded = fold(written)
        if not folded:
            return None
        found = self.by_name.get(folded)
        if found is None:
            found = self.by_name.get(fold(_BRACKETS.sub("", written)))
        return found

    def suggestions(self, written: str, category: str | None = None) -> list[EquipmentType]:
        """Types whose names look like `written`: contained in it, or close in spelling."""
        folded = fold(_BRACKETS.sub("", written)) or fold(written)
        ranked: list[EquipmentType] = []
        contained = sorted(
            (name for name in self.by_name if len(name) > 1 and (name in folded or folded in name)),
            key=lambda name: -len(name),
        )
        close = difflib.get_close_matches(folded, list(self.by_name), n=10, cutoff=0.5)
        for name in [*contained, *close]:
            candidate = self.by_name[name]
            if candidate not in ranked and (category is None or candidate.category == category):
                ranked.append(candidate)
        return ranked[:MAX_SUGGESTIONS]


def type_names() -> TypeNames | None:
    """Names of the current catalog; None when the catalog has errors (checked elsewhere)."""
    try:
        return TypeNames.of(current_catalog())
    except CatalogError:
        return None


def describe(equipment_type: EquipmentType) -> str:
    """How a suggestion is shown: its Chinese name and key, which the sheet may use either."""
    return f"{equipment_type.names.zh} ({equipment_type.key})"
