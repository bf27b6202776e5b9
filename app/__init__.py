"""Rounds: maintenance and inspection scheduling for property management.

`create_app` is the only way to build the Flask app: the CLI, the scheduler
process, gunicorn and the tests all go through it.
"""

import os
from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import models  # noqa: F401  (registers every table)
from app.access.scoping import register_site_scoping
from app.audit.listeners import register_audit_listeners
from app.auth.permissions import enforce_permissions, user_can, user_can_at, user_may_view
from app.auth.session import init_login
from app.config import Config, check_production_safety
from app.core import bounds, i18n
from app.core.sqlite import register_sqlite_pragmas
from app.extensions import bootstrap, csrf, db, login_manager, migrate
from app.registry import register_blueprints, register_cli
from app.scheduling.receivers import connect_replans
from app.web import errors, headers, navigation, stale_edit, wording

TEMPLATE_DIR = Path(str(files("templates")))
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(TEMPLATE_DIR),
    )
    app.config.from_mapping(Config(app.instance_path).as_dict())
    if test_config:
        app.config.update(test_config)
    check_production_safety(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    trust_proxies(app)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    init_login(app)
    i18n.init_app(app)
    register_audit_listeners()
    register_site_scoping()
    register_sqlite_pragmas()
    connect_replans()

    bounds.init_app(app)
    app.before_request(enforce_permissions)
    app.jinja_env.globals["can"] = user_can
    app.jinja_env.globals["may_view"] = user_may_view
    app.jinja_env.globals["can_at"] = user_can_at
    errors.init_app(app)
    stale_edit.init_app()
    navigation.init_app(app)
    wording.init_app(app)
    headers.init_app(app)
    register_blueprints(app)
    register_cli(app)
    return app


def instance_path() -> str | None:
    """ROUNDS_INSTANCE_PATH, or Flask's default next to the install.

    The instance folder holds the SQLite database, uploads and the scheduler lock, so
    two deployments on one install each need their own, or they would share a lock.
    """
    configured = os.environ.get("ROUNDS_INSTANCE_PATH", "")
    return str(Path(configured).expanduser().resolve()) if configured else None


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* only from the configured number of proxies, never by default:
    a client could otherwise pick its own address and dodge the repair-request limit."""
    hops = int(app.config.get("ROUNDS_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
