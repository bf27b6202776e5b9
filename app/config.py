"""Configuration read from the environment, so one build runs anywhere.

Every setting has a development default except the secret key in production:
`create_app` refuses to start with the default key when `ROUNDS_ENV=production`.
"""

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-change-me"


def _env_list(name: str) -> list[str]:
    value = os.environ.get(name, "")
    return [p for p in value.split(os.pathsep) if p]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment; values come from ROUNDS_* variables."""

    def __init__(self, instance_path: str) -> None:
        instance = Path(instance_path)
        self.ENV_NAME = os.environ.get("ROUNDS_ENV", "development")
        # An empty SECRET_KEY counts as unset: Flask cannot sign sessions with it.
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or DEFAULT_SECRET_KEY
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'rounds.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.ROUNDS_TIMEZONE = os.environ.get("ROUNDS_TIMEZONE", "Asia/Shanghai")
        self.ROUNDS_CATALOG_PATHS = _env_list("ROUNDS_CATALOG_PATHS")
        self.ROUNDS_BASE_URL = os.environ.get("ROUNDS_BASE_URL", "http://127.0.0.1:5000")
        # The @host of calendar UIDs; set it to the old host before moving to a new domain.
        self.ROUNDS_FEED_UID_DOMAIN = os.environ.get("ROUNDS_FEED_UID_DOMAIN", "")
        self.ROUNDS_HORIZON_DAYS = _env_int("ROUNDS_HORIZON_DAYS", 90)
        self.ROUNDS_UPLOAD_DIR = os.environ.get("ROUNDS_UPLOAD_DIR", str(instance / "uploads"))
        # The task queue (app/worker/queue.py): empty = SQLite in the instance folder.
        self.ROUNDS_HUEY_URL = os.environ.get("ROUNDS_HUEY_URL", "")
        # Confirmed imports with more rows than this run on the queue, not in the request.
        self.ROUNDS_IMPORT_BACKGROUND_ROWS = _env_int("ROUNDS_IMPORT_BACKGROUND_ROWS", 500)
        self.MAX_CONTENT_LENGTH = _env_int("ROUNDS_MAX_UPLOAD_MB", 16) * 1024 * 1024
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = self.ROUNDS_TIMEZONE
        self.LANGUAGES = ["zh_CN", "en"]
        self.BOOTSTRAP_SERVE_LOCAL = True
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENV_NAME == "production"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.ENV_NAME == "production"
        self.WTF_CSRF_TIME_LIMIT = None
        # Failed logins (people/login.py): free ones per address and account, per address,
        # and per account from anywhere; then delays that double up to the lockout.
        self.LOGIN_MAX_FAILURES = _env_int("ROUNDS_LOGIN_MAX_FAILURES", 5)
        self.LOGIN_SOURCE_MAX_FAILURES = _env_int("ROUNDS_LOGIN_SOURCE_MAX_FAILURES", 20)
        self.LOGIN_ACCOUNT_MAX_FAILURES = _env_int("ROUNDS_LOGIN_ACCOUNT_MAX_FAILURES", 20)
        self.LOGIN_LOCKOUT_MINUTES = _env_int("ROUNDS_LOGIN_LOCKOUT_MINUTES", 15)
        self.PAGE_SIZE = 25
        # Behind nginx (or any reverse proxy) set this to the number of proxies in front,
        # so client addresses (repair-request rate limit) and https links are the real ones.
        self.ROUNDS_PROXY_HOPS = _env_int("ROUNDS_PROXY_HOPS", 0)
        # Tests use a cheap hash; production keeps werkzeug's scrypt default.
        self.PASSWORD_HASH_METHOD = os.environ.get("ROUNDS_PASSWORD_HASH_METHOD", "scrypt")

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class ConfigError(RuntimeError):
    """A setting makes it unsafe or impossible to start."""


SECRET_KEY_MIN_BYTES = 32
_MAKE_A_KEY = "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"


def check_production_safety(config: dict[str, object]) -> None:
    """Refuse a production start with settings that would leak sessions.

    A short key can be brute-forced offline from one signed cookie, and whoever has
    it can sign a session for any user.
    """
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY:
        raise ConfigError(
            "SECRET_KEY is unset or the development default; set SECRET_KEY before running "
            f"in production (e.g. {_MAKE_A_KEY})."
        )
    size = len(key) if isinstance(key, bytes) else len(str(key).encode())
    if size < SECRET_KEY_MIN_BYTES:
        raise ConfigError(
            f"SECRET_KEY is {size} bytes; production needs at least {SECRET_KEY_MIN_BYTES} "
            f"(e.g. {_MAKE_A_KEY})."
        )
