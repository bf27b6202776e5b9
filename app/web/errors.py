"""Error pages and JSON errors: a user sees a clear message, never a traceback.

API paths answer `{"error": {"code", "message", "fields"}}`; pages render
`errors/page.html` in the user's language.
"""

import logging
from typing import Any

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in first."),
    403: _l("You do not have permission to do this."),
    404: _l("Nothing was found at this address."),
    405: _l("This action is not allowed here."),
    409: _l("Someone else changed this record meanwhile; reload and try again."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts; please wait a moment and try again."),
    500: _l("Something went wrong on our side; nothing was saved. Please try again."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def error_response(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> ResponseReturnValue:
    if wants_json():
        return jsonify(
            {"error": {"code": code, "message": message, "fields": fields or {}}}
        ), status
    return render_template("errors/page.html", status=status, message=message), status


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    if status == 401 and not wants_json() and request.endpoint != "auth.login":
        return redirect(url_for("auth.login", next=request.full_path))
    if getattr(exc, "user_message", False):
        message = str(exc.description)  # raised with a message already in the user's language
    else:
        message = str(MESSAGES.get(status) or _("Error %(status)s", status=status))
    code = exc.name.lower().replace(" ", "_")
    return error_response(status, code, message)


def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    return error_response(
        400, "csrf", _("The form expired or was sent from elsewhere; reload and try again.")
    )


def _stale_error(exc: StaleDataError) -> ResponseReturnValue:
    db.session.rollback()
    return error_response(409, "conflict", str(MESSAGES[409]))


def _unexpected_error(exc: Exception) -> ResponseReturnValue:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    db.session.rollback()
    log.exception("unhandled error on %s", request.path)
    return error_response(500, "internal", str(MESSAGES[500]))


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StaleDataError, _stale_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
