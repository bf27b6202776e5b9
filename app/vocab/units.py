"""Units of readings said in the user's language.

The catalog writes a few units in one language only (盏, 次, "hour(s)"); a reading's
unit is stored as the catalog wrote it and turned into words when shown.
"""

from app.core.i18n import label

# Units the catalog writes in one language only; symbols (MPa, °C, mm) read the same in both.
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "盏": ("盏", "lamps"),
    "次": ("次", "times"),
    "天": ("天", "days"),
    "度": ("度", "degrees"),
    "倍": ("倍", "×"),
    "hour(s)": ("小时", "hours"),
}


def unit_words(unit: str | None) -> str:
    """A reading's unit in the user's language ("盏" is "lamps" in English)."""
    if not unit:
        return ""
    return label(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit
