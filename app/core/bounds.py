"""Integers the database can hold: URL ids, query parameters and JSON numbers.

PostgreSQL's `integer` stops at 2**31 - 1 and SQLite's at 2**63 - 1; a larger id used
to reach the driver and come back as a 500 (`OverflowError`, "integer out of range").
Bounding at the edge turns it into the 404 or 422 the user should see.
"""

import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

from app.core.validation import N_, Msg

MAX_ID = 2**31 - 1
"""The largest id (and integer column value) every supported database can store."""
MIN_INT = -(2**31)
MAX_INT = MAX_ID

MAX_DEPTH = 6
"""Nesting levels allowed in a structured field such as equipment attributes."""
MAX_ITEMS = 500
"""Keys plus list items in one structured field, counted all the way down."""
MAX_JSON_BYTES = 64 * 1024
"""Serialized size of one structured field."""


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that answers 404 for an id no row can have, instead of asking the DB."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bounded_max = max if max is not None and max < MAX_ID else MAX_ID
        super().__init__(map, fixed_digits, min, bounded_max, signed)


INTEGER_ARGS = frozenset({"page", "per_page", "months", "version", "id"})
"""Query parameters pages read as integers (besides every `..._id`)."""
_WHOLE_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")


def is_integer_arg(name: str) -> bool:
    return name in INTEGER_ARGS or name.endswith("_id")


def in_range(value: int, low: int = MIN_INT, high: int = MAX_INT) -> bool:
    return low <= value <= high


def whole_number(raw: str, low: int = MIN_INT, high: int = MAX_INT) -> int | None:
    """The integer written in `raw` if it is one the database can hold, else None.

    Long digit strings are refused before `int()` so 10**5000 costs nothing."""
    if not _WHOLE_NUMBER.match(raw) or len(raw.strip().lstrip("+-")) > 12:
        return None
    value = int(raw)
    return value if in_range(value, low, high) else None


def refuse_unstorable_query_integers() -> None:
    """Pages read `?page=`, `?site_id=`... with `type=int`: a number no row can have is a 404
    here, before it reaches a query. The API checks its declared parameters itself (422)."""
    if request.path.startswith("/api/"):
        return
    for name, raw in request.args.items(multi=True):
        if is_integer_arg(name) and _WHOLE_NUMBER.match(raw) and whole_number(raw) is None:
            abort(404)


def init_app(app: Flask) -> None:
    """Replace the `int` converter for every route (registered before any blueprint)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_unstorable_query_integers)
    app.before_request(refuse_nul_characters)


def _has_nul(value: Any) -> bool:
    """Whether a string anywhere in a JSON-like value holds NUL. Iterative, like the rest."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            if "\x00" in current:
                return True
        elif isinstance(current, Mapping):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)
    return False


def refuse_nul_characters() -> None:
    """A NUL character in any query, form or JSON text is a 400 at the edge.

    PostgreSQL cannot store NUL in text, and the driver refuses the whole statement: a
    NUL typed into a username or a search reached the database as a 500. No field of
    Rounds has a use for it, so it is refused before any view or service runs.
    """
    texts = [*request.args.keys(), *request.args.values()]
    if request.form:
        texts += [*request.form.keys(), *request.form.values()]
    if any("\x00" in text for text in texts):
        abort(400)
    if not request.is_json:
        return
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return  # too deep to read: the endpoint's own body check answers it (422)
    if _has_nul(body):
        abort(400)


def structure_problem(
    value: Any, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS
) -> Msg | None:
    """Why a JSON-like value is too deep or too big, or None. Iterative: no RecursionError."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    items = 0
    while stack:
        current, depth = stack.pop()
        if isinstance(current, Mapping):
            children: list[Any] = list(current.values())
        elif isinstance(current, list | tuple):
            children = list(current)
        else:
            continue
        if depth > max_depth:
            return N_("nested too deeply: at most %(n)d levels", n=max_depth)
        items += len(children)
        if items > max_items:
            return N_("too many entries: at most %(n)d", n=max_items)
        stack.extend((child, depth + 1) for child in children)
    return None
