"""Page through a select() with `?page=&per_page=`; the same envelope everywhere."""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from sqlalchemy import Select, func, select

from app.api.errors import ApiError
from app.core.bounds import MAX_INT
from app.extensions import db

T = TypeVar("T")

MAX_PER_PAGE = 200


def _positive_int(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_request", f"{name} must be a whole number", {name: raw}) from None
    if value < 1:
        raise ApiError(400, "bad_request", f"{name} must be at least 1", {name: raw})
    if value > MAX_INT:
        raise ApiError(422, "invalid", f"{name} must be at most {MAX_INT}", {name: raw[:40]})
    return value


def paginate(stmt: Select[tuple[T]], serialize: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    page = _positive_int("page", 1)
    per_page = min(_positive_int("per_page", 50), MAX_PER_PAGE)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": [serialize(item) for item in items],
        "page": page,
        "per_page": per_page,
        "total": total or 0,
    }


def page_schema(item_schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": item_schema},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }
