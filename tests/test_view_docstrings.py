"""Every page and endpoint says in one line what it is for, as flaskr's views do."""

import inspect

from flask import Flask


def views_without_a_docstring(app: Flask) -> list[str]:
    missing = []
    for endpoint, view in sorted(app.view_functions.items()):
        if endpoint == "static":  # Flask's own
            continue
        function = inspect.unwrap(view)
        if not (function.__doc__ or "").strip():
            missing.append(f"{endpoint} ({function.__module__}.{function.__qualname__})")
    return missing


def test_every_view_function_has_a_docstring(app: Flask) -> None:
    assert views_without_a_docstring(app) == []


def _undocumented() -> str:
    return ""


def test_a_view_without_a_docstring_is_named(app: Flask) -> None:
    bare = Flask(__name__)
    bare.add_url_rule("/bare", "bare", _undocumented)
    bare.add_url_rule("/told", "told", app.view_functions["main.index"])
    assert views_without_a_docstring(bare) == [f"bare ({__name__}._undocumented)"]
