"""Extract, update and compile the Chinese (zh) catalog, and check it is complete.

    python scripts/translations.py update   # what `make translations` runs
    python scripts/translations.py check    # exit 1 on stale .mo or untranslated msgids

Why one script: `make translations` and tests/test_platform.py must agree on
what counts as a user-facing string (the keywords below and babel.cfg), so both
use these functions. The compiled .mo is committed so `pip install .` needs no
compile step; `check` catches a .mo that no longer matches its .po.
"""

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
# Simplified Chinese lives under "zh", not "zh_CN": Babel parses the app's zh_CN as
# zh_Hans_CN, and gettext's fallbacks for that are only zh_Hans_CN and zh.
LOCALES = ("zh",)
# Flask-Babel's lazy variants, on top of Babel's defaults (_, gettext, ngettext, pgettext...).
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")

MessageKey = tuple[str, str | None]


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def mo_path(locale: str) -> Path:
    return po_path(locale).with_suffix(".mo")


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _without_creation_date(text: bytes) -> bytes:
    return b"\n".join(line for line in text.split(b"\n") if b"POT-Creation-Date" not in line)


def update() -> None:
    """Extract every msgid, merge it into each .po, compile the .mo files."""
    keyword_args = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    previous_pot = POT.read_bytes() if POT.exists() else None
    os.chdir(ROOT)  # locations in the catalog are then relative: app/..., templates/...
    _babel(
        "extract", "-F", str(MAPPING), *keyword_args, "--add-location=file", "--sort-output",
        "--project=Rounds", "--copyright-holder=Rounds", "-o", str(POT), ".",
    )  # fmt: skip
    if previous_pot and _without_creation_date(previous_pot) == _without_creation_date(
        POT.read_bytes()
    ):
        POT.write_bytes(previous_pot)  # only the date moved: leave no diff behind
    for locale in LOCALES:
        _babel(
            "update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale,
            "--init-missing", "--ignore-obsolete", "--ignore-pot-creation-date",
            "--no-fuzzy-matching",  # guesses from other msgids mislead more than they help
        )  # fmt: skip
    _babel("compile", "-d", str(TRANSLATIONS), "--statistics")


def _key(message_id: str | tuple[str, ...], context: str | None) -> MessageKey:
    return (message_id if isinstance(message_id, str) else message_id[0], context)


def extracted_keys() -> dict[MessageKey, str]:
    """Every msgid the code uses now, mapped to the first file that uses it."""
    with MAPPING.open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, str(MAPPING))
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(list(KEYWORDS))}
    found: dict[MessageKey, str] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.setdefault(_key(message, context), filename)
    return found


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fileobj:
        return read_po(fileobj, locale=locale)


def _is_translated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def untranslated(locale: str) -> list[str]:
    """Msgids in the code with no usable translation (missing, empty or fuzzy)."""
    catalog = read_catalog(locale)
    return sorted(
        f"{filename}: {message_id!r}" + (f" (context {context!r})" if context else "")
        for (message_id, context), filename in extracted_keys().items()
        if not _is_translated(catalog.get(message_id, context))
    )


def format_errors(locale: str) -> list[str]:
    """Translations whose %(name)s placeholders don't match the msgid's."""
    return [
        f"{message.id!r}: {error}"
        for message, errors in read_catalog(locale).check()
        for error in errors
    ]


def _translations(messages: Iterable[Message]) -> dict[MessageKey, object]:
    return {  # plural forms: a tuple from the .po, a list from the .mo
        _key(message.id, message.context): (
            tuple(message.string) if isinstance(message.string, list | tuple) else message.string
        )
        for message in messages
        if message.id and _is_translated(message)
    }


def stale_compiled(locale: str) -> list[str]:
    """Differences between the committed .mo and what compiling the .po gives."""
    expected = _translations(read_catalog(locale))
    if not mo_path(locale).exists():
        return [f"{mo_path(locale)} is missing"]
    with mo_path(locale).open("rb") as fileobj:
        actual = _translations(read_mo(fileobj))
    return sorted(
        f"{key[0]!r}: .po has {expected.get(key)!r}, .mo has {actual.get(key)!r}"
        for key in expected.keys() | actual.keys()
        if expected.get(key) != actual.get(key)
    )


def check() -> int:
    problems = [
        f"{locale}: {problem}"
        for locale in LOCALES
        for problem in untranslated(locale) + format_errors(locale) + stale_compiled(locale)
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `make translations`, translate, and run it again", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(f"usage: {sys.argv[0]} update|check")
