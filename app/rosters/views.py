"""Roster pages: team and person grids (week or month), a site's day list, staff leave.

Thin over app.rosters.grid (read-only assembly) and app.rosters.leave (changes).
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.auth.permissions import requires
from app.calendars.services import site_calendar
from app.core import clock
from app.extensions import db
from app.people.models import Team, User
from app.people.queries import teams_by_name
from app.rosters import grid
from app.rosters.forms import LeaveForm
from app.rosters.leave import LEAVE_KINDS, add_leave, leaves_of, remove_leave
from app.rosters.models import StaffLeave
from app.sites.models import Site
from app.sites.queries import sites_by_code
from app.web.forms import page_status, save

bp = Blueprint("roster", __name__, url_prefix="/roster")


def _span() -> str:
    span = request.args.get("span", grid.WEEK)
    return span if span in grid.SPANS else grid.WEEK


def _start(site: Site | None) -> date:
    raw = request.args.get("start")
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            abort(404)
    return clock.local_today(site.timezone if site else "Asia/Shanghai")


def _sites_and_teams() -> tuple[list[Site], list[Team]]:
    return list(sites_by_code()), list(teams_by_name())


@bp.route("/")
@requires("plans.view")
def index() -> ResponseReturnValue:
    """The first team's grid, with a picker for the others."""
    sites, teams = _sites_and_teams()
    if teams:
        kept = {k: v for k, v in request.args.items() if k != "team_id"}  # the path names it
        return redirect(url_for("roster.team", team_id=teams[0].id, **kept))
    return render_template("rosters/empty.html", sites=sites)


@bp.route("/team/<int:team_id>")
@requires("plans.view")
def team(team_id: int) -> ResponseReturnValue:
    """A team's roster over a span of days: who works, leave and holidays."""
    chosen = db.get_or_404(Team, team_id)
    site = db.session.get(Site, chosen.site_id)
    span = _span()
    first_day, last_day = grid.period(_start(site), span)
    sites, teams = _sites_and_teams()
    return render_template(
        "rosters/team.html",
        team=chosen,
        site=site,
        teams=teams,
        sites=sites,
        span=span,
        grid=grid.team_grid(chosen, first_day, last_day),
        neighbours=grid.neighbours(first_day, span),
        day=_start(site),  # the day asked for: its checklist is the one to print
    )


@bp.route("/person/<int:user_id>")
@requires("plans.view")
def person(user_id: int) -> ResponseReturnValue:
    """A person's shifts and work, their leave, and (with plans.edit) a form to add leave."""
    return _person_page(db.get_or_404(User, user_id), LeaveForm())


def _site_arg() -> Site | None:
    site_id = request.args.get("site_id", type=int)
    return db.session.get(Site, site_id) if site_id is not None else None


def _person_page(someone: User, form: LeaveForm) -> ResponseReturnValue:
    site = _site_arg() or grid.home_site(someone)
    if site is None:
        abort(404)
    span = _span()
    first_day, last_day = grid.period(_start(site), span)
    return render_template(
        "rosters/person.html",
        person=someone,
        site=site,
        span=span,
        grid=grid.person_grid(someone, site, first_day, last_day),
        neighbours=grid.neighbours(first_day, span),
        leaves=leaves_of(someone, clock.local_today(site.timezone)),
        kinds=LEAVE_KINDS,
        form=form,
    ), page_status(form)


@bp.route("/person/<int:user_id>/leave", methods=["POST"])
@requires("plans.edit")
def add_person_leave(user_id: int) -> ResponseReturnValue:
    """Record a staff member's leave; their future work is reassigned."""
    someone = db.get_or_404(User, user_id)
    form = LeaveForm()
    if form.validate_on_submit():
        saved, _leave = save(lambda: add_leave(
                someone, form.starts_on.data, form.ends_on.data, form.kind.data or "",
                form.note.data or "",
            ), form)  # fmt: skip
        if saved:
            flash(_("Leave saved; their future work was reassigned."), "success")
            return redirect(url_for("roster.person", user_id=someone.id, **request.args))
    return _person_page(someone, form)


@bp.route("/leave/<int:leave_id>/delete", methods=["POST"])
@requires("plans.edit")
def delete_leave(leave_id: int) -> ResponseReturnValue:
    """Remove a leave; the person's future work is re-planned."""
    leave = db.get_or_404(StaffLeave, leave_id)
    user_id = leave.user_id
    version = request.form.get("version", type=int)
    if save(lambda: remove_leave(leave, version)):
        flash(_("Leave removed."), "success")
    return redirect(url_for("roster.person", user_id=user_id))


@bp.route("/day")
@requires("plans.view")
def day() -> ResponseReturnValue:
    """Everything due at a site on one day, team by team."""
    sites, _teams = _sites_and_teams()
    site = _site_arg() or (sites[0] if sites else None)
    if site is None:
        return render_template("rosters/empty.html", sites=sites)
    chosen = _start(site)
    return render_template(
        "rosters/day.html",
        site=site,
        sites=sites,
        day=chosen,
        head=grid.day_heads(site_calendar(site), chosen, chosen)[0],
        groups=grid.day_list(site, chosen),
        previous=chosen - timedelta(days=1),
        following=chosen + timedelta(days=1),
        local_time=lambda at: at.astimezone(ZoneInfo(site.timezone)).strftime("%H:%M"),
    )
