"""Feed endpoints (public, authenticated by the token in the path), the one-off plan
download, and the page where people make, renew and withdraw their links."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.http import is_resource_modified

from app.auth.permissions import AUTHENTICATED, PUBLIC, requires
from app.core.i18n import is_english, label
from app.feeds import services
from app.feeds.cache import register_listeners
from app.feeds.forms import FeedForm
from app.feeds.models import CalendarFeed, FeedScope
from app.feeds.scopes import SCOPE_LABELS, choosable_teams
from app.people.models import User
from app.web.forms import page_status, save

bp = Blueprint("feeds", __name__)
bp.record_once(lambda _state: register_listeners())

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=300"


# --- the feeds themselves --------------------------------------------------------------------


def _calendar_response(state: services.FeedState, filename: str) -> Response:
    headers = {
        "ETag": f'"{state.etag}"',
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if not is_resource_modified(request.environ, etag=state.etag, last_modified=state.changed_at):
        response = Response(status=304, headers=headers)
    else:
        body = state.body if state.body is not None else services.cached_body(state.feed_id)
        response = Response(body, content_type=CONTENT_TYPE, headers=headers)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.last_modified = state.changed_at
    return response


@bp.route("/feeds/<token>/<slug>.ics")
@requires(PUBLIC)
def feed(token: str, slug: str) -> ResponseReturnValue:
    """A subscribed calendar. Public route: the token is the credential, so a wrong, revoked
    or foreign token (or another feed's name) is a plain 404."""
    feed_ref = services.find_feed(token, slug)
    if feed_ref is None:
        abort(404)
    _saved, state = save(lambda: services.current_state(feed_ref))  # keeps a rebuilt body
    if state is None:
        abort(404)
    return _calendar_response(state, f"{slug}.ics")


@bp.route("/plans/<int:plan_id>/occurrences.ics")
@requires("plans.view")
def plan_occurrences(plan_id: int) -> ResponseReturnValue:
    """A plan's future visits to import once (not a subscription)."""
    result = services.plan_calendar(plan_id, is_english())
    if result is None:
        abort(404)
    _plan, built = result
    return Response(
        built.body,
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.ics"'},
    )


# --- managing links --------------------------------------------------------------------------


@dataclass
class FeedRow:
    feed: CalendarFeed
    scope: str
    name: str
    size: int | None
    events: int | None

    @property
    def too_big(self) -> bool:
        return self.size is not None and self.size > services.SIZE_WARNING


@dataclass
class Panel:
    """Everything the profile partial shows."""

    rows: list[FeedRow]
    form: FeedForm
    quick: list[tuple[str, str, str]]  # (scope, code, label)
    back: str
    issued: services.Issued | None = None
    qr_svg: Markup | None = None
    size_warning_kb: int = services.SIZE_WARNING // 1024


def _me() -> User:
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def feeds_panel(
    issued: services.Issued | None = None, form: FeedForm | None = None, back: str = "profile"
) -> Panel:
    """The profile partial's data; templates call it, so the profile view needs no change."""
    me = _me()
    feeds = services.user_feeds(me)
    sizes = services.feed_sizes(feeds)
    rows = []
    for item in feeds:
        target = services.describe(item)
        size, events = sizes.get(item.id, (None, None))
        rows.append(
            FeedRow(item, label(SCOPE_LABELS[item.scope]), target.name if target else "—",
                    size, events)
        )  # fmt: skip
    quick = _quick_choices(me)
    qr = None
    if issued is not None:
        qr = Markup(segno.make(issued.webcal, error="m").svg_inline(scale=4, border=2))
    form = form or FeedForm(prefix="feed", formdata=None)
    form.back.data = back
    return Panel(rows, form, quick, back, issued, qr)


def _quick_choices(me: User) -> list[tuple[str, str, str]]:
    """(scope, code, label): the person's own work, then each team they may follow."""
    quick = [(FeedScope.PERSON.value, me.username, _("My work"))]
    quick += [(FeedScope.TEAM.value, code, name) for code, name in choosable_teams(me)]
    return quick


def subscription_cards() -> list[services.SubscriptionCard]:
    """The 我的工作 card's calendars; templates call it, like `feeds_panel`."""
    me = _me()
    return services.subscription_cards(me, _quick_choices(me))


@bp.app_context_processor
def _inject() -> dict[str, object]:
    return {"feeds_panel": feeds_panel, "subscription_cards": subscription_cards}


BACK_PAGES = ("feeds", "work")


def _back() -> str:
    back = request.form.get("feed-back", request.form.get("back"))
    return back if back in BACK_PAGES else "profile"


def _page(panel: Panel) -> str:
    return render_template("feeds/manage.html", panel=panel)


NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/feeds/")
@requires(AUTHENTICATED)
def manage() -> ResponseReturnValue:
    """The user's calendar links: make, renew or withdraw them."""
    return _page(feeds_panel(back="feeds"))


@bp.route("/feeds/new", methods=["POST"])
@requires(AUTHENTICATED)
def create() -> ResponseReturnValue:
    """Show the new link in this response only: the token is never stored or shown again."""
    form = FeedForm(prefix="feed")
    if form.validate_on_submit():
        saved, issued = save(lambda: services.issue_feed(
                _me(), form.scope.data or "", form.code.data,
                days_back=form.days_back.data, days_ahead=form.days_ahead.data,
                alarm_minutes=form.alarm_minutes.data,
            ), form)  # fmt: skip
        if saved and _back() == "work":  # the card on 我的工作 shows the link and its QR code
            return redirect(url_for("work.my_work", _anchor="calendar"))
        if saved:
            return _page(feeds_panel(issued, back=_back())), 201, NO_STORE
    return _page(feeds_panel(form=form, back=_back())), page_status(form)


@bp.route("/feeds/<int:feed_id>/regenerate", methods=["POST"])
@requires(AUTHENTICATED)
def regenerate(feed_id: int) -> ResponseReturnValue:
    """A new link for the same calendar; the old one stops working at once."""
    form = FeedForm(prefix="feed")
    saved, issued = save(lambda: services.regenerate_feed(_me(), feed_id), form)
    if not saved:
        return redirect(_back_url())
    return _page(feeds_panel(issued, back=_back())), 200, NO_STORE


@bp.route("/feeds/<int:feed_id>/revoke", methods=["POST"])
@requires(AUTHENTICATED)
def revoke(feed_id: int) -> ResponseReturnValue:
    """Withdraw a calendar link; subscribed calendars stop updating."""
    if save(lambda: services.revoke_feed(_me(), feed_id)):
        flash(_("The calendar link no longer works."), "success")
    return redirect(_back_url())


def _back_url() -> str:
    pages = {"feeds": "feeds.manage", "work": "work.my_work"}
    return url_for(pages.get(_back(), "profile.index"))


@bp.route("/feeds/<int:feed_id>/qr.svg")
@requires(AUTHENTICATED)
def qr_code(feed_id: int) -> ResponseReturnValue:
    """The owner's link as a QR code to scan with the phone camera; never cached."""
    try:
        link = services.own_link(_me(), feed_id)
    except services.FeedError:
        abort(404)
    if link is None:
        abort(404)
    svg = io.BytesIO()
    segno.make(link.webcal, error="m").save(svg, kind="svg", scale=5, border=2)
    return Response(svg.getvalue(), mimetype="image/svg+xml", headers=NO_STORE)
