"""A person's roles per site, in the browser: thin views over people.site_roles.

Company-level administrators grant, change and withdraw them; the rules (the company
keeps an administrator, one row per site and role, optimistic locking on the person)
live in the service.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.auth.permissions import requires
from app.core.validation import StaleEdit, ValidationError
from app.extensions import db
from app.people import site_roles
from app.people.forms import ChangeSiteRoleForm, SiteRoleForm
from app.people.models import User
from app.people.views import bp
from app.sites.models import SiteMembership
from app.sites.services import list_sites
from app.web.forms import page_status, save


def _user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _membership(user: User, membership_id: int) -> SiteMembership:
    membership = site_roles.membership_of(user, membership_id)
    if membership is None:
        abort(404)
    return membership


def _grant_form() -> SiteRoleForm:
    return SiteRoleForm([(site.id, site.name) for site in list_sites()])


def _page(user: User, form: SiteRoleForm, status: int | None = None) -> ResponseReturnValue:
    rows = site_roles.site_roles_of(user)
    form.version.data = user.version  # the person as shown now, after any refusal
    changes = {m.id: ChangeSiteRoleForm(prefix=f"m{m.id}", role=m.role) for m in rows}
    return render_template(
        "people/site_roles.html", user=user, rows=rows, form=form, changes=changes
    ), status or page_status(form)


class _Refusal:
    """Row forms have no room for messages: say why at the top of the page, and answer
    409 for a stale edit or 422 for a refused one."""

    status = 422

    def __call__(self, exc: StaleEdit | ValidationError) -> None:
        if isinstance(exc, StaleEdit):
            self.status = 409
            flash(exc.message(), "warning")
            return
        for msg in exc.fields.values():
            flash(msg.translated(), "danger")

    def form_errors(self, form: ChangeSiteRoleForm) -> None:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")


@bp.route("/staff/<int:user_id>/sites")
@requires("site_roles.edit")
def site_roles_page(user_id: int) -> ResponseReturnValue:
    """A person's role at each site, with forms to grant, change and withdraw them."""
    return _page(_user(user_id), _grant_form())


@bp.route("/staff/<int:user_id>/sites", methods=["POST"])
@requires("site_roles.edit")
def grant_site_role(user_id: int) -> ResponseReturnValue:
    """Grant a role at a site (or at every site)."""
    user = _user(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        grant = form.chosen_site(), form.role.data or ""
        if save(lambda: site_roles.grant_site_role(user, form.version.data, *grant), form):
            flash(_("Role granted."), "success")
            return redirect(url_for("people.site_roles_page", user_id=user.id))
    return _page(user, form)


@bp.route("/staff/<int:user_id>/sites/<int:membership_id>", methods=["POST"])
@requires("site_roles.edit")
def change_site_role(user_id: int, membership_id: int) -> ResponseReturnValue:
    """Hold another role at the same site."""
    user = _user(user_id)
    membership = _membership(user, membership_id)
    form = ChangeSiteRoleForm(prefix=f"m{membership.id}")
    version, role, refusal = form.version.data, form.role.data or "", _Refusal()
    if not form.validate_on_submit():
        refusal.form_errors(form)
    elif save(
        lambda: site_roles.change_site_role(user, version, membership, role), explain=refusal
    ):
        flash(_("Role changed."), "success")
        return redirect(url_for("people.site_roles_page", user_id=user.id))
    return _page(user, _grant_form(), refusal.status)


@bp.route("/staff/<int:user_id>/sites/<int:membership_id>/delete", methods=["POST"])
@requires("site_roles.edit")
def withdraw_site_role(user_id: int, membership_id: int) -> ResponseReturnValue:
    """Withdraw a role at a site; the last one there takes the site away."""
    user = _user(user_id)
    membership = _membership(user, membership_id)
    version, refusal = request.form.get("version", type=int), _Refusal()
    if save(lambda: site_roles.withdraw_site_role(user, version, membership), explain=refusal):
        flash(_("Role withdrawn."), "success")
        return redirect(url_for("people.site_roles_page", user_id=user.id))
    return _page(user, _grant_form(), refusal.status)
