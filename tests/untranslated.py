"""Find text a user sees in the wrong language: English words or raw keys in the Chinese UI,
Chinese in the English UI, whatever is not data.

Shared by the fast page check (tests/test_translated_pages.py, Flask's test client) and
the browser sweep (tests/browser/test_page_sweep.py), so both apply one rule. Data is
what people typed or the demo loaded (names, codes, models): every text value in the
database except key-like ones (`in_service`, `planned`), which are exactly what must
never show through.
"""

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from sqlalchemy import String, Text, select

from app.extensions import db
from app.people.models import User

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
SNAKE_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ASCII_WORD = re.compile(r"(?<![\w/.@:-])[A-Za-z][a-z]+(?:['’][a-z]+)?(?![\w/@-])")
KEY_LIKE = re.compile(r"^(?:[a-z0-9_=;,:.\-]+|FREQ=.*|[{\[].*)$", re.DOTALL)
# "1 tasks": an English count of one with a plural noun (ngettext not used).
ONE_PLURAL = re.compile(r"(?<![\d.,:/-])\b1 [a-z]+[^su\W]s\b")
RRULE = re.compile(r"\b(?:RRULE:)?FREQ=[A-Z]+[A-Z0-9=;,+-]*")
# Words that read the same in a Chinese UI: the product, formats, standards, units.
ALLOWED_WORDS = frozenset(
    {
        "Rounds", "English", "iCal", "iCalendar", "Excel", "Outlook", "Google", "Apple",
        "Android", "iPhone", "Chrome", "Safari", "Firefox", "WeChat", "webcal", "Ok", "ms",
        "kW", "kWh",
        "kg", "mm", "cm", "km", "ml", "min", "Hz", "kVA", "kV", "mA", "mAh", "Pa", "kPa", "MPa",
        "lx", "dB", "ppm", "rpm", "bar", "pH", "h",
    }
)  # fmt: skip
# Attributes whose text the user sees as well as the element's text.
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_ELEMENTS = {"script", "style", "template", "head"}
# Typed literally, in any language: a command line, a key to press, text being edited.
LITERAL_ELEMENTS = {"code", "kbd", "textarea"}


VOID_ELEMENTS = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
URL = re.compile(r"\b(?:https?|webcal)://\S+")
# Said the same in both UIs: the switch to the other language, and Bootstrap-Flask's
# pagination label (a third-party template).
ALWAYS_ALLOWED = ("English", "中文", "Page navigation")
# Chinese the English UI shows on purpose: the official names of the two elevator numbers
# as printed on the certificates, a certificate number's format, and the Chinese type
# names an import sheet may use. An English reader needs them to match the paper.
CHINESE_IN_ENGLISH = (
    "使用登记证号", "注册代码", "梯11沪A0001(18)", "客梯", "消火栓泵",
    "上次保养",  # the 技术参数 key a 工程部 sheet writes its last-done date under
)  # fmt: skip


class _VisibleText(HTMLParser):
    """Text nodes and shown attributes, minus scripts and anything marked as another
    language (`<span lang="zh-CN">` around Chinese-only data such as a law's title)."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other_language = bool(values.get("lang")) and not str(values["lang"]).startswith(
            self.language
        )
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, tag in HIDDEN_ELEMENTS | LITERAL_ELEMENTS or other_language))
        if self._skipping() or other_language:
            return
        self.parts += [values[name] or "" for name in SHOWN_ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    """What a reader of `language` ("zh" or "en") sees of a page, one line per text node."""
    parser = _VisibleText(language)
    parser.feed(html)
    return "\n".join(part.strip() for part in parser.parts if part.strip())


def data_strings() -> list[str]:
    """Every text value in the database that a person or the demo wrote, longest first."""
    found: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for column in columns:
            for value in db.session.scalars(select(column).distinct()):
                if isinstance(value, str) and value.strip() and not KEY_LIKE.match(value):
                    found.add(value.strip())
    found.update(db.session.scalars(select(User.username)))  # shown as typed, key-like or not
    return sorted(found, key=len, reverse=True)


def _without(text: str, data: Iterable[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def wrong_language(text: str, language: str, data: Iterable[str] = ()) -> list[str]:
    """Fragments of `text` that are neither in `language` nor data nor allowed words."""
    allowed = [*ALWAYS_ALLOWED, *(CHINESE_IN_ENGLISH if language == "en" else ())]
    # Longest first, so a short data value (a number) cannot break up an allowed phrase.
    removed = sorted({*data, *allowed}, key=len, reverse=True)
    lines = _without(URL.sub(" ", text), removed).splitlines()
    found: list[str] = []
    for line in lines:
        if language == "en":
            found += CJK.findall(line) + ONE_PLURAL.findall(line)
            continue
        found += RRULE.findall(line) + SNAKE_KEY.findall(line)
        found += [w for w in ASCII_WORD.findall(SNAKE_KEY.sub(" ", line)) if w not in ALLOWED_WORDS]
    return list(dict.fromkeys(found))
