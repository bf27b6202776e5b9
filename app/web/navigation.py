"""The main menu; an entry appears once its endpoint exists and the user may use it."""

from collections.abc import Collection

from flask import Flask, current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

MENU: tuple[tuple[str, LazyString, str], ...] = (
    ("work.my_work", _l("My work"), "work.own"),
    ("work.board", _l("All work"), "work.view"),
    ("repairs.index", _l("Repair requests"), "repairs.view"),
    ("equipment.index", _l("Equipment ledger"), "ledger.view"),
    ("sites.index", _l("Sites and locations"), "sites.view"),
    ("plans.index", _l("Plans"), "plans.view"),
    ("roster.index", _l("Rosters"), "plans.view"),
    ("calendars.index", _l("Holiday calendar"), "plans.view"),
    ("print.index", _l("Print sheets"), "print.sheets"),
    ("catalog.index", _l("Catalog"), "catalog.view"),
    ("people.teams", _l("Teams and staff"), "staff.view"),
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
