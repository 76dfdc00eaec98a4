"""Configuration read from the environment; nothing else decides a setting."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from saas.bounds import MAX_REQUEST_BYTES

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("GUICHET_INSTANCE_PATH", ROOT / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _normalise_pg_url(url: str) -> str:
    """SQLAlchemy needs the psycopg 3 driver named in the URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class DatabaseUrls:
    #: URL the service connects with: the application role (owns nothing, no BYPASSRLS).
    app: str
    #: URL migrations run with: the owner role.
    owner: str
    embedded: bool = False


def _connections(env) -> dict:
    """The secret, the database and Redis."""
    return {
        "SECRET_KEY": env.get("SECRET_KEY"),
        "DATABASE_URL": env.get("DATABASE_URL"),
        "MIGRATION_DATABASE_URL": env.get("MIGRATION_DATABASE_URL"),
        "REDIS_URL": env.get("REDIS_URL"),
        "INSTANCE_PATH": str(INSTANCE),
        # No JIT compilation: on a national database the planner's costs pass its threshold for
        # plain aggregates of a page, and compiling them took longer than running them (7 s for a
        # bilan of 70 ms).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"options": "-c jit=off"}},
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    }


def _sessions_and_requests(env) -> dict:
    """Cookies, sessions, CSRF and the size of a request."""
    return {
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "guichet_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_HOURS", "10"))),
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        #: a request body (uploads included) beyond this answers 413.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", MAX_REQUEST_BYTES)),
        "WTF_I18N_ENABLED": False,
    }


def _passwords_and_throttling(env) -> dict:
    """Password hashing, second factor, rate limits and the validity of the links sent by e-mail."""
    return {
        # argon2id cost of the password hashes (empty: the library's recommended parameters).
        "PASSWORD_HASH_TIME_COST": int(env.get("PASSWORD_HASH_TIME_COST", "0")) or None,
        "PASSWORD_HASH_MEMORY_KIB": int(env.get("PASSWORD_HASH_MEMORY_KIB", "0")) or None,
        "PASSWORD_HASH_PARALLELISM": int(env.get("PASSWORD_HASH_PARALLELISM", "0")) or None,
        #: wrong second-factor codes (login step and account pages), per account.
        "MFA_LIMIT_PER_ACCOUNT": env.get("MFA_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        #: requests per token (per address without a token) over the whole JSON API (flask-limiter).
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "300 per minute"),
        # Login throttling (Redis): after the free failures, each attempt waits a delay that
        # doubles with every further failure, up to the cap; per account and per client address.
        "LOGIN_FREE_FAILURES_PER_ACCOUNT": int(env.get("LOGIN_FREE_FAILURES_PER_ACCOUNT", "5")),
        "LOGIN_FREE_FAILURES_PER_ADDRESS": int(env.get("LOGIN_FREE_FAILURES_PER_ADDRESS", "30")),
        "LOGIN_DELAY_SECONDS": int(env.get("LOGIN_DELAY_SECONDS", "30")),
        "LOGIN_DELAY_MAX_SECONDS": int(env.get("LOGIN_DELAY_MAX_SECONDS", "900")),
        #: failures are forgotten this long after the last one.
        "LOGIN_FAILURE_MEMORY_SECONDS": int(env.get("LOGIN_FAILURE_MEMORY_SECONDS", "86400")),
        # "Mot de passe oublié" requests per hour, per address asked for and per client address.
        "PASSWORD_RESET_PER_HOUR_PER_ACCOUNT": int(env.get("PASSWORD_RESET_PER_HOUR_PER_ACCOUNT", "3")),
        "PASSWORD_RESET_PER_HOUR_PER_ADDRESS": int(env.get("PASSWORD_RESET_PER_HOUR_PER_ADDRESS", "20")),
        # Validity of the links sent by e-mail (each is single-use).
        "INVITATION_VALIDITY_DAYS": int(env.get("INVITATION_VALIDITY_DAYS", "7")),
        "PASSWORD_RESET_VALIDITY_MINUTES": int(env.get("PASSWORD_RESET_VALIDITY_MINUTES", "30")),
        "LOGIN_UNLOCK_VALIDITY_MINUTES": int(env.get("LOGIN_UNLOCK_VALIDITY_MINUTES", "60")),
        # A limit whose storage (Redis) is down lets the request through (and logs) instead of a 500.
        "RATELIMIT_SWALLOW_ERRORS": True,
    }


def _operations(env) -> dict:
    """Proxy, logs, background jobs, database roles and the JSON API."""
    return {
        "PROXY_FIX_X_FOR": int(env.get("PROXY_FIX_X_FOR", "0")),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "LOG_JSON": _bool("LOG_JSON", False),
        #: a run still pending after this long is sent again by the sweep (the queue lost it).
        "JOB_SWEEP_AFTER_SECONDS": int(env.get("JOB_SWEEP_AFTER_SECONDS", "120")),
        #: seconds between two sweeps of the outbox (and of the runs whose worker died).
        "JOB_SWEEP_INTERVAL_SECONDS": int(env.get("JOB_SWEEP_INTERVAL_SECONDS", "60")),
        #: an export of more rows than this runs in the background, with its progress shown.
        "EXPORT_DIRECT_MAX_ROWS": int(env.get("EXPORT_DIRECT_MAX_ROWS", "5000")),
        "APP_DB_ROLE": env.get("APP_DB_ROLE", "guichet_app"),
        "OWNER_DB_ROLE": env.get("OWNER_DB_ROLE", "guichet_owner"),
        "API_TITLE": "Guichet Clauses",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def _mail(env) -> dict:
    """The mail backend and the SMTP server; testing off."""
    return {
        # Mail: "mailbox" keeps every message in the tenant's mailbox page (embedded default);
        # "smtp" delivers it through the server below (Flask-Mail), from a background job.
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "mailbox"),
        #: the address people reach the service at, for links in e-mails sent by jobs.
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://localhost:5000"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get(
            "MAIL_DEFAULT_SENDER", "Guichet Clauses <ne-pas-repondre@guichet-clauses.fr>"
        ),
        # Flask-Mail would silently drop every message when TESTING is on; the backend decides.
        "MAIL_SUPPRESS_SEND": False,
        "TESTING": False,
    }


def load(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment (and explicit overrides, for tests)."""
    env = os.environ
    config = {
        **_connections(env),
        **_sessions_and_requests(env),
        **_passwords_and_throttling(env),
        **_operations(env),
        **_mail(env),
    }
    config.update(overrides or {})
    return config


def database_urls(config: dict) -> DatabaseUrls | None:
    """The app and owner URLs from the config, or None when the embedded default must start."""
    app_url = config.get("DATABASE_URL")
    if not app_url:
        return None
    owner_url = config.get("MIGRATION_DATABASE_URL") or app_url
    return DatabaseUrls(app=_normalise_pg_url(app_url), owner=_normalise_pg_url(owner_url))


normalise_pg_url = _normalise_pg_url
