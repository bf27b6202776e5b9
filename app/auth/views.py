"""Log in, log out and switch language."""

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
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.permissions import AUTHENTICATED, PUBLIC, requires
from app.auth.redirects import same_site_path
from app.people.login import LoginPolicy, authenticate
from app.people.services import remember_language
from app.people.sessions import end_sessions
from app.web.forms import save
from app.web.navigation import home_endpoint

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow same-site relative redirects, never an attacker's URL."""
    return same_site_path(target) or url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login() -> ResponseReturnValue:
    """The login form; afterwards the user lands where their work is, or where they were going.

    Failed attempts are counted per account and per source, so guessing slows down.
    """
    form = LoginForm()
    if form.validate_on_submit():
        _saved, result = save(  # commits the failed-attempt counts too
            lambda: authenticate(
                form.username.data or "",
                form.password.data or "",
                source=request.remote_addr or "unknown",
                policy=LoginPolicy.from_config(current_app.config),
            )
        )
        if result is not None and result.retry_after:
            flash(
                ngettext(
                    "Too many failed logins. Try again in %(num)d second.",
                    "Too many failed logins. Try again in %(num)d seconds.",
                    result.retry_after,
                ),
                "danger",
            )
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(result.retry_after)}
        if result is None or (user := result.user) is None:
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
    """Log out of every browser: copies of the session or remember cookie stop working."""
    save(lambda: end_sessions(current_user._get_current_object()))
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
