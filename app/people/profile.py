"""The logged-in user's own page: name, language, password and API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import AUTHENTICATED, requires
from app.auth.session import renew_login
from app.extensions import db
from app.people import services, tokens
from app.people.forms import PasswordForm, ProfileForm, TokenForm
from app.people.models import ApiToken, User
from app.web.forms import page_status, save

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _me() -> User:
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def _page(
    profile_form: ProfileForm | None = None,
    password_form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
) -> str:
    me = _me()
    profile_form = profile_form or ProfileForm(obj=me, prefix="profile")
    if profile_form.locale.data is None:
        profile_form.locale.data = str(me.locale or "zh_CN")
    return render_template(
        "people/profile.html",
        profile_form=profile_form,
        password_form=password_form or PasswordForm(prefix="password"),
        token_form=token_form or TokenForm(prefix="token"),
        tokens=tokens.api_tokens(me),
        new_token=new_token,
    )


@bp.route("", methods=["GET", "POST"])
@requires(AUTHENTICATED)
def index() -> ResponseReturnValue:
    """The user's own profile and API tokens; saves profile changes."""
    me = _me()
    form = ProfileForm(obj=me, prefix="profile")
    if form.validate_on_submit():
        saved, _user = save(
            lambda: services.update_user(me, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profile.index"))
    return _page(profile_form=form), page_status(form)


@bp.route("/password", methods=["POST"])
@requires(AUTHENTICATED)
def change_password() -> ResponseReturnValue:
    """Change one's own password, after giving the current one."""
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        saved, _result = save(
            lambda: services.change_password(
                _me(), form.current_password.data or "", form.new_password.data or ""
            ),
            form,
        )
        if saved:
            renew_login(_me())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("profile.index"))
    return _page(password_form=form), page_status(form)


@bp.route("/tokens", methods=["POST"])
@requires(AUTHENTICATED)
def create_token() -> ResponseReturnValue:
    """Show the new token in this response only: it is never stored or shown again."""
    form = TokenForm(prefix="token")
    if form.validate_on_submit():
        saved, raw = save(lambda: tokens.issue_api_token(_me(), form.name.data or ""), form)
        if saved:
            return _page(new_token=raw), 201, {"Cache-Control": "no-store"}
    return _page(token_form=form), page_status(form)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(AUTHENTICATED)
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's own API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != _me().id:
        abort(404)
    if save(lambda: tokens.revoke_api_token(_me(), token_id)):
        flash(_("The token no longer works."), "success")
    return redirect(url_for("profile.index"))
