"""Who is logged in: session cookie for pages, bearer token for the API."""

from flask import Flask, Request, current_app, request
from flask_login import current_user, login_user

from app.access.scoping import UNSCOPED, scope_of, set_scope
from app.audit.actor import SYSTEM, Actor, set_actor
from app.auth.permissions import AUTHENTICATED, PUBLIC, required_permission
from app.extensions import login_manager
from app.people.models import User
from app.people.sessions import user_for_session
from app.people.tokens import user_for_api_token


def _load_user(session_id: str) -> User | None:
    """Runs on every request: a cookie from before logout or a password change loads nobody."""
    return user_for_session(session_id)


def renew_login(user: User) -> None:
    """Put the user's new session version into this browser's cookies after `end_sessions`.

    The browser that changed the password stays logged in (with its remember cookie, if
    it had one); every other browser is logged out.
    """
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=remembered in request.cookies)


def _load_user_from_request(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return user_for_api_token(header.removeprefix("Bearer ").strip())
    return None


def _set_request_actor() -> None:
    """Blame this request's changes on its user, and show them only their sites' rows.

    Public pages (a QR code's repair form, a feed opened by its token) show the same to
    everyone, logged in at another site or not: they run unscoped. Others see the sites
    where the user's role there grants the route's permission (`scope_of`).
    """
    if current_user.is_authenticated:
        set_actor(Actor(current_user.id, current_user.username))
        permission = required_permission(request.endpoint) or AUTHENTICATED  # fail closed
        set_scope(UNSCOPED if permission == PUBLIC else scope_of(current_user, permission))
    else:
        set_actor(SYSTEM)
        set_scope(UNSCOPED)


def _clear_request_actor(exc: BaseException | None) -> None:
    """Forget the request's user so later work in this thread is not blamed on them."""
    set_actor(SYSTEM)
    set_scope(UNSCOPED)


def init_login(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_request)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    app.before_request(_set_request_actor)
    app.teardown_request(_clear_request_actor)
