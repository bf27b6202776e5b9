"""Log in, log out and switch language."""

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.permissions import AUTHENTICATED, PUBLIC, requires
from app.people.services import authenticate, remember_language
from app.web.forms import save

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow same-site relative redirects, never an attacker's URL."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login() -> ResponseReturnValue:
    """Log in; failed attempts are counted so guessing locks the account for a while."""
    form = LoginForm()
    if form.validate_on_submit():
        _saved, user = save(  # commits the failed-attempt count too
            lambda: authenticate(
                form.username.data or "",
                form.password.data or "",
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lockout=timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]),
            )
        )
        if user is None:
            flash(_("Wrong username or password, or the account is locked for a while."), "danger")
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=bool(form.remember.data))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(AUTHENTICATED)
def logout() -> ResponseReturnValue:
    """Log out and go back to the login page."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
@requires(PUBLIC)
def switch_language(code: str) -> ResponseReturnValue:
    """Switch the page language, and remember it for a logged-in user."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            save(lambda: remember_language(current_user, code))
    return redirect(_safe_next(request.form.get("next")))
