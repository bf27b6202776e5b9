"""Views stay thin: each says in one line what it is for (as flaskr's do) and builds no query."""

import ast
import inspect
from pathlib import Path

from flask import Flask

APP = Path(__file__).resolve().parent.parent / "app"


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


def _builds_a_query(path: Path) -> list[int]:
    """Lines of a module that call SQLAlchemy's `select(...)`."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "select"
    ]


def test_pages_and_endpoints_leave_queries_to_the_query_and_service_modules() -> None:
    """Views and API endpoints parse input, call a service or a query, and answer; no SELECT."""
    view_modules = [
        path
        for path in sorted(APP.rglob("*.py"))
        if "@bp.route" in path.read_text("utf-8") or "@api_route" in path.read_text("utf-8")
    ]
    assert len(view_modules) > 10
    offenders = [
        f"{path.relative_to(APP.parent).as_posix()}:{line}"
        for path in view_modules
        for line in _builds_a_query(path)
    ]
    assert offenders == []
