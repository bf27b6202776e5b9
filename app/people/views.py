"""Teams, staff and licences in the browser: thin views over people.services."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.auth.permissions import ROLES, requires
from app.extensions import db
from app.people import licences, services, site_roles
from app.people import teams as team_services
from app.people.forms import (
    LicenceForm,
    MemberForm,
    NewStaffForm,
    ResetPasswordForm,
    StaffForm,
    TeamForm,
)
from app.people.models import TEAM_KINDS, Licence, Team, User
from app.sites.models import Site
from app.sites.services import list_sites
from app.vocab.expiry import WARNING_DAYS, company_today, expiry_status
from app.vocab.licences import LICENCE_KINDS
from app.web.forms import page_status, save
from schedules import PRESETS

bp = Blueprint("people", __name__, url_prefix="/people")
bp.add_app_template_global(expiry_status, "expiry_status")


@bp.context_processor
def _vocabularies() -> dict[str, object]:
    return {
        "roles": ROLES,
        "team_kinds": TEAM_KINDS,
        "licence_kinds": LICENCE_KINDS,
        "shift_patterns": PRESETS,
        "today": company_today(),
        "warning_days": WARNING_DAYS,
    }


def _team(team_id: int) -> Team:
    return db.get_or_404(Team, team_id)


def _user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _licence(user: User, licence_id: int) -> Licence:
    licence = db.session.get(Licence, licence_id)
    if licence is None or licence.user_id != user.id:
        abort(404)
    return licence


def _site_choices() -> list[tuple[int, str]]:
    return [(site.id, site.name) for site in list_sites()]


# --- teams -----------------------------------------------------------------------------------


@bp.route("/teams")
@requires("staff.view")
def teams() -> ResponseReturnValue:
    """Teams per site, with their members."""
    sites = {site.id: site for site in list_sites()}
    return render_template("people/teams.html", teams=team_services.list_teams(), sites=sites)


@bp.route("/teams/new", methods=["GET", "POST"])
@requires("staff.edit")
def new_team() -> ResponseReturnValue:
    """Create a team at a site."""
    form = TeamForm(_site_choices())
    if form.validate_on_submit():
        saved, team = save(lambda: team_services.create_team(**form.values()), form)
        if saved and team is not None:
            flash(_("Team saved."), "success")
            return redirect(url_for("people.team", team_id=team.id))
    return render_template(
        "people/form.html", form=form, title=_("New team"), back=url_for("people.teams")
    ), page_status(form)


def _member_candidates(team: Team) -> list[tuple[int, str]]:
    inside = {m.user_id for m in team.memberships}
    return [
        (user.id, f"{user.name} ({user.username})")
        for user in services.list_users(include_inactive=False)
        if user.id not in inside
    ]


@bp.route("/teams/<int:team_id>")
@requires("staff.view")
def team(team_id: int) -> ResponseReturnValue:
    """One team: members, leads and rotation."""
    team = _team(team_id)
    return _team_page(team, MemberForm(_member_candidates(team)))


def _team_page(team: Team, member_form: MemberForm) -> str:
    return render_template(
        "people/team.html",
        team=team,
        site=db.session.get(Site, team.site_id),
        members=sorted(team.memberships, key=lambda m: (not m.is_lead, m.user.name)),
        member_form=member_form,
    )


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@requires("staff.edit")
def edit_team(team_id: int) -> ResponseReturnValue:
    """Change a team (refused if someone else changed it meanwhile)."""
    team = _team(team_id)
    form = TeamForm(_site_choices(), obj=team)
    del form.site_id  # a team stays with its site
    if form.validate_on_submit():
        saved, _team_saved = save(
            lambda: team_services.update_team(team, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Team saved."), "success")
            return redirect(url_for("people.team", team_id=team.id))
    return render_template(
        "people/form.html",
        form=form,
        title=_("Edit team %(name)s", name=team.name),
        back=url_for("people.team", team_id=team.id),
        delete_url=url_for("people.delete_team", team_id=team.id),
        delete_version=team.version,
    ), page_status(form)


@bp.route("/teams/<int:team_id>/delete", methods=["POST"])
@requires("staff.edit")
def delete_team(team_id: int) -> ResponseReturnValue:
    """Delete a team that no plan, work order or equipment points at."""
    team = _team(team_id)
    version = request.form.get("version", type=int)
    if save(lambda: team_services.delete_team(team, version)):
        flash(_("Team deleted."), "success")
        return redirect(url_for("people.teams"))
    return redirect(url_for("people.team", team_id=team_id))


@bp.route("/teams/<int:team_id>/members", methods=["POST"])
@requires("staff.edit")
def add_member(team_id: int) -> ResponseReturnValue:
    """Add a staff member to a team."""
    team = _team(team_id)
    form = MemberForm(_member_candidates(team))
    if form.validate_on_submit():
        user = _user(form.user_id.data or 0)
        saved, _membership = save(
            lambda: team_services.add_membership(
                team, user, bool(form.is_lead.data), form.rotation_offset.data or 0
            ),
            form,
        )
        if saved:
            flash(_("%(name)s joined the team.", name=user.name), "success")
            return redirect(url_for("people.team", team_id=team.id))
    return _team_page(team, form), page_status(form)


@bp.route("/teams/<int:team_id>/members/<int:user_id>/lead", methods=["POST"])
@requires("staff.edit")
def set_lead(team_id: int, user_id: int) -> ResponseReturnValue:
    """Make a member the team's lead, or not."""
    team, user = _team(team_id), _user(user_id)
    is_lead = request.form.get("is_lead") == "1"
    save(lambda: team_services.update_membership(team, user, is_lead=is_lead))
    return redirect(url_for("people.team", team_id=team.id))


@bp.route("/teams/<int:team_id>/members/<int:user_id>/remove", methods=["POST"])
@requires("staff.edit")
def remove_member(team_id: int, user_id: int) -> ResponseReturnValue:
    """Take a member off a team."""
    team, user = _team(team_id), _user(user_id)
    if save(lambda: team_services.remove_membership(team, user)):
        flash(_("%(name)s left the team.", name=user.name), "success")
    return redirect(url_for("people.team", team_id=team.id))


# --- staff -----------------------------------------------------------------------------------


@bp.route("/staff")
@requires("staff.view")
def staff() -> ResponseReturnValue:
    """Staff list with roles; leavers only when asked for."""
    include_inactive = request.args.get("inactive") == "1"
    return render_template(
        "people/staff.html",
        users=services.list_users(include_inactive=include_inactive),
        include_inactive=include_inactive,
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@requires("staff.edit")
def new_staff() -> ResponseReturnValue:
    """Add a staff member and their roles."""
    form = NewStaffForm()
    if form.validate_on_submit():
        values = form.values()
        values["password"] = values["password"] or None
        saved, user = save(lambda: services.create_user(**values), form)
        if saved and user is not None:
            flash(_("Staff member saved."), "success")
            return redirect(url_for("people.staff_member", user_id=user.id))
    return render_template(
        "people/staff_form.html",
        form=form,
        title=_("New staff member"),
        back=url_for("people.staff"),
    ), page_status(form)


@bp.route("/staff/<int:user_id>")
@requires("staff.view")
def staff_member(user_id: int) -> ResponseReturnValue:
    """One staff member: roles, teams and licences."""
    user = _user(user_id)
    return render_template(
        "people/staff_member.html",
        user=user,
        sites={site.id: site for site in list_sites()},
        password_form=ResetPasswordForm(),
    )


@bp.route("/staff/<int:user_id>/edit", methods=["GET", "POST"])
@requires("staff.edit")
def edit_staff(user_id: int) -> ResponseReturnValue:
    """Change a staff member (the last active administrator stays one)."""
    user = _user(user_id)
    form = StaffForm(obj=user)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
    if form.validate_on_submit():
        saved, _user_saved = save(
            lambda: services.update_user(user, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Staff member saved."), "success")
            return redirect(url_for("people.staff_member", user_id=user.id))
    return render_template(
        "people/staff_form.html",
        form=form,
        title=_("Edit %(name)s", name=user.name),
        back=url_for("people.staff_member", user_id=user.id),
        roles_differ_by_site=site_roles.differs_by_site(user),
        site_roles_url=url_for("people.site_roles_page", user_id=user.id),
    ), page_status(form)


@bp.route("/staff/<int:user_id>/password", methods=["POST"])
@requires("staff.edit")
def reset_password(user_id: int) -> ResponseReturnValue:
    """An administrator sets a new password for a staff member."""
    user = _user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        saved, _result = save(
            lambda: services.reset_password(user, form.new_password.data or ""), form
        )
        if saved:
            flash(_("Password set for %(name)s.", name=user.name), "success")
            return redirect(url_for("people.staff_member", user_id=user.id))
    return render_template(
        "people/staff_member.html",
        user=user,
        sites={site.id: site for site in list_sites()},
        password_form=form,
    ), page_status(form)


@bp.route("/staff/<int:user_id>/licences/new", methods=["GET", "POST"])
@requires("staff.edit")
def new_licence(user_id: int) -> ResponseReturnValue:
    """Record a staff member's licence (e.g. electrician, lift operator)."""
    user = _user(user_id)
    form = LicenceForm()
    if form.validate_on_submit():
        saved, _licence_saved = save(lambda: licences.add_licence(user, **form.values()), form)
        if saved:
            flash(_("Licence saved."), "success")
            return redirect(url_for("people.staff_member", user_id=user.id))
    return render_template(
        "people/form.html",
        form=form,
        title=_("New licence for %(name)s", name=user.name),
        back=url_for("people.staff_member", user_id=user.id),
    ), page_status(form)


@bp.route("/staff/<int:user_id>/licences/<int:licence_id>/edit", methods=["GET", "POST"])
@requires("staff.edit")
def edit_licence(user_id: int, licence_id: int) -> ResponseReturnValue:
    """Change a staff member's licence."""
    user = _user(user_id)
    licence = _licence(user, licence_id)
    form = LicenceForm(obj=licence)
    if form.validate_on_submit():
        saved, _licence_saved = save(
            lambda: licences.update_licence(licence, form.version.data, **form.values()), form
        )
        if saved:
            flash(_("Licence saved."), "success")
            return redirect(url_for("people.staff_member", user_id=user.id))
    return render_template(
        "people/form.html",
        form=form,
        title=_("Edit licence of %(name)s", name=user.name),
        back=url_for("people.staff_member", user_id=user.id),
        delete_url=url_for("people.delete_licence", user_id=user.id, licence_id=licence.id),
        delete_version=licence.version,
    ), page_status(form)


@bp.route("/staff/<int:user_id>/licences/<int:licence_id>/delete", methods=["POST"])
@requires("staff.edit")
def delete_licence(user_id: int, licence_id: int) -> ResponseReturnValue:
    """Delete a staff member's licence."""
    user = _user(user_id)
    licence = _licence(user, licence_id)
    version = request.form.get("version", type=int)
    if save(lambda: licences.delete_licence(licence, version)):
        flash(_("Licence deleted."), "success")
    return redirect(url_for("people.staff_member", user_id=user.id))
