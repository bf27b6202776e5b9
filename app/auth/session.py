"""Who is logged in: session cookie for pages, bearer token for the API."""

from flask import Flask, Request
from flask_login import current_user

from app.audit.actor import SYSTEM, Actor, set_actor
from app.extensions import db, login_manager
from app.people.models import User
from app.people.services import user_for_api_token


def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _load_user_from_request(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return user_for_api_token(header.removeprefix("Bearer ").strip())
    return None


def _set_request_actor() -> None:
    if current_user.is_authenticated:
        set_actor(Actor(current_user.id, current_user.username))
    else:
        set_actor(SYSTEM)


def _clear_request_actor(exc: BaseException | None) -> None:
    """Forget the request's user so later work in this thread is not blamed on them."""
    set_actor(SYSTEM)


def init_login(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_request)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    app.before_request(_set_request_actor)
    app.teardown_request(_clear_request_actor)
