"""The composition root: every blueprint and CLI group, imported only by `create_app`.

It sits in the app package, above every domain and web module, so nothing below
depends on the whole app."""

from flask import Flask

from app.api import views as _api_views  # noqa: F401  (declares API endpoints)
from app.api.spec import bp as api_bp
from app.auth.views import bp as auth_bp
from app.calendars.cli import calendar_cli
from app.calendars.views import bp as calendars_bp
from app.catalog.cli import catalog_cli
from app.catalog.views import bp as catalog_bp
from app.contractors import api as _contractors_api  # noqa: F401  (declares API endpoints)
from app.contractors.views import bp as contractors_bp
from app.demo.cli import demo_cli
from app.equipment import api as _equipment_api  # noqa: F401  (declares API endpoints)
from app.equipment.cli import export_cli, import_cli
from app.equipment.import_views import bp as equipment_import_bp
from app.equipment.views import bp as equipment_bp
from app.feeds.cli import feeds_cli
from app.feeds.views import bp as feeds_bp
from app.main.views import bp as main_bp
from app.people import api as _people_api  # noqa: F401  (declares API endpoints)
from app.people import site_role_api as _site_role_api  # noqa: F401  (declares API endpoints)
from app.people import site_role_views as _site_role_views  # noqa: F401  (adds site-roles pages)
from app.people.cli import users_cli
from app.people.profile import bp as profile_bp
from app.people.views import bp as people_bp
from app.plans import access as _plans_access  # noqa: F401  (registers may_view/may_edit)
from app.plans import api as _plans_api  # noqa: F401  (declares API endpoints)
from app.plans import bulk_api as _plans_bulk_api  # noqa: F401  (declares API endpoints)
from app.plans import bulk_views as _plans_bulk  # noqa: F401  (adds the bulk apply page)
from app.plans.views import bp as plans_bp
from app.printing.cli import print_cli
from app.printing.views import bp as print_bp
from app.repairs import api as _repairs_api  # noqa: F401  (declares API endpoints)
from app.repairs.views import bp as repairs_bp
from app.rosters import api as _rosters_api  # noqa: F401  (declares API endpoints)
from app.rosters.views import bp as roster_bp
from app.scheduling.cli import schedule_cli
from app.sites import api as _sites_api  # noqa: F401  (declares API endpoints)
from app.sites.views import bp as sites_bp
from app.worker.cli import queue_cli, scheduler_cli
from app.workorders import access as _workorders_access  # noqa: F401  (may_view/may_edit)
from app.workorders import api as _workorders_api  # noqa: F401  (declares API endpoints)
from app.workorders import board_api as _workorders_board_api  # noqa: F401  (declares API endpoints)
from app.workorders.views import bp as work_bp

BLUEPRINTS = (
    auth_bp,
    main_bp,
    api_bp,
    calendars_bp,
    catalog_bp,
    sites_bp,
    people_bp,
    profile_bp,
    contractors_bp,
    equipment_bp,
    equipment_import_bp,
    feeds_bp,
    plans_bp,
    roster_bp,
    work_bp,
    repairs_bp,
    print_bp,
)
CLI_GROUPS = (
    users_cli,
    catalog_cli,
    calendar_cli,
    scheduler_cli,
    queue_cli,
    demo_cli,
    import_cli,
    export_cli,
    feeds_cli,
    schedule_cli,
    print_cli,
)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    for group in CLI_GROUPS:
        app.cli.add_command(group)
