"""One cleaning of typed text for forms, the API and imports alike.

Codes are NFKC-normalised and names have full-width letters and digits folded (ＡＢ１２
becomes AB12); both lose control characters, bidi overrides and zero-width characters,
so two look-alike asset codes are one code and a name cannot reorder itself on screen.
One-line fields refuse line breaks: they end up in calendar lines, CSV cells and titles.
"""

import re
import unicodedata

from app.core.validation import N_, Msg, Problems

_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t]+")
_FULL_WIDTH = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF0D]
} | {0x3000: 0x20}
"""Full-width 0-9, A-Z, a-z and hyphen, and the ideographic space, to their ASCII forms."""


def clean_text(value: object) -> str:
    """Free text (notes): line breaks unified to \\n, invisible characters gone, trimmed."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", str(value))
    return _INVISIBLE.sub("", text).replace("\t", " ").strip()


def clean_code(value: object) -> str:
    """A code as stored and compared (asset, site, team and location codes, serial numbers):
    NFKC, so ＰＵＭＰ－０１ and PUMP-01 are one code; no invisible characters; trimmed.

    Line breaks are kept (as \\n) so `line_problem` can refuse them with a message
    instead of silently gluing two lines together.
    """
    text = unicodedata.normalize("NFKC", clean_text(value))
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def clean_name(value: object) -> str:
    """A name as stored: full-width letters, digits and spaces folded, invisible characters
    gone, trimmed. Not full NFKC: that would rewrite Chinese punctuation （，：） and units
    (m³, ℃) that belong in a name; look-alike letters and digits are what matter here."""
    text = unicodedata.normalize("NFC", clean_text(value)).translate(_FULL_WIDTH)
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def line_problem(text: str) -> Msg | None:
    """One-line fields: a line break is refused, with a message that says so."""
    if "\n" in text:
        return N_("Keep this on one line: remove the line break.")
    return None


def one_line(value: object) -> str:
    """For output that must stay on one line (calendar summaries, headers): breaks → spaces."""
    return clean_text(value).replace("\n", " ")


def check_lines(problems: Problems, **fields: str) -> None:
    """Refuse a line break in each named one-line field (first problem per field wins)."""
    for name, text in fields.items():
        problem = line_problem(text)
        if problem is not None:
            problems.add(name, problem)
