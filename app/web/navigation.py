"""The main menu; an entry appears once its endpoint exists and the user may use it."""

from collections.abc import Collection

from flask import Flask, current_app
from flask_babel import LazyString, lazy_pgettext
from flask_babel import lazy_gettext as _l

# English menu words are short ("menu" context) so the admin's twelve entries fit one line
# at 1,280 px; Chinese keeps the full names, which fit anyway.
MENU: tuple[tuple[str, LazyString, str], ...] = (
    ("work.my_work", _l("My work"), "work.own"),
    ("work.board", _l("All work"), "work.view"),
    ("repairs.index", lazy_pgettext("menu", "Repairs"), "repairs.view"),
    ("equipment.index", lazy_pgettext("menu", "Equipment"), "ledger.view"),
    ("sites.index", lazy_pgettext("menu", "Sites"), "sites.view"),
    ("plans.index", _l("Plans"), "plans.view"),
    ("roster.index", _l("Rosters"), "plans.view"),
    ("calendars.index", lazy_pgettext("menu", "Holidays"), "plans.view"),
    ("print.index", lazy_pgettext("menu", "Print"), "print.sheets"),
    ("catalog.index", _l("Catalog"), "catalog.view"),
    ("people.teams", lazy_pgettext("menu", "Teams & staff"), "staff.view"),
    ("contractors.index", _l("Contractors"), "contractors.view"),
)


# Where each role's work is, most senior first: the first role a user holds picks the
# page they land on after logging in (anyone else lands on their own work).
HOME_BY_ROLE: tuple[tuple[str, str], ...] = (
    ("admin", "main.index"),
    ("supervisor", "work.board"),
    ("technician", "work.my_work"),
    ("cleaning_lead", "work.my_work"),
    ("security_lead", "work.my_work"),
    ("viewer", "work.board"),
    ("customer_service", "repairs.index"),
)
DEFAULT_HOME = "work.my_work"


def home_endpoint(roles: Collection[str]) -> str:
    """The page a user with these roles starts from: where their work is."""
    for role, endpoint in HOME_BY_ROLE:
        if role in roles:
            return endpoint
    return DEFAULT_HOME


def nav_items() -> list[tuple[str, LazyString, str]]:
    return [item for item in MENU if item[0] in current_app.view_functions]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
