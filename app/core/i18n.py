"""Language choice: the user's setting, then the session switch, then the browser; zh-CN first."""

from collections.abc import Sequence
from typing import Protocol

from flask import Flask, current_app, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user

from app.extensions import babel

TRANSLATIONS_DIR = "translations"


def select_locale() -> str:
    languages: list[str] = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(languages) or default


def is_english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


class Bilingual(Protocol):
    zh: str
    en: str


def label(value: Sequence[str] | Bilingual | None) -> str:
    """Pick the zh or en half of a (zh, en) pair, or of anything with .zh/.en, for the user.

    Named fields win over position: a (key, zh, en) NamedTuple such as a Category is not
    a (zh, en) pair, and reading it by position showed the key in Chinese.
    """
    if value is None:
        return ""
    if not (hasattr(value, "zh") and hasattr(value, "en")) and isinstance(value, tuple | list):
        return value[1] if is_english() else value[0]
    return value.en if is_english() else value.zh  # type: ignore[union-attr]


def value_words(value: object) -> str:
    """A stored value as a reader says it: True is "是" / "yes", not `True`."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return "—" if value is None or value == "" else str(value)


def init_app(app: Flask) -> None:
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=TRANSLATIONS_DIR
    )
    app.jinja_env.globals.update(is_english=is_english, label=label)
