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
from app.core.navigation import home_endpoint
from app.extensions import db
from app.people.services import authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow same-site relative redirects, never an attacker's URL."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login() -> ResponseReturnValue:
    """The login form; afterwards the user lands where their work is, or where they were going."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(
            form.username.data or "",
            form.password.data or "",
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lockout=timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]),
        )
        db.session.commit()
        if user is None:
            flash(_("Wrong username or password, or the account is locked for a while."), "danger")
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=bool(form.remember.data))
        target = request.args.get("next")
        if not target or target.rstrip("?") == "/":  # nothing asked for: go where the work is
            target = url_for(home_endpoint(user.roles))
        return redirect(_safe_next(target))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(AUTHENTICATED)
def logout() -> ResponseReturnValue:
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
@requires(PUBLIC)
def switch_language(code: str) -> ResponseReturnValue:
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
