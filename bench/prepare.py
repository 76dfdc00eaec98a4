"""What the benchmark needs in the measured database, made through the service's own functions:
a facilitateur of the tenant (no second factor), an API token, and the objects whose pages it
opens (the largest of each kind, so that a detail page shows as many rows as the data has)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import text

from saas import create_app
from saas.accounts import api as accounts
from saas.accounts import memberships
from saas.accounts import tokens as api_tokens
from saas.audit import api as audit
from saas.db import db
from tenants import api as tenants_api
from tenants import context
from tenants import repository as tenants_repository

ACTOR = audit.Actor(email="banc-essai")
PASSWORD = "Banc-Essai-Mesure-2026!"  # noqa: S105 - the benchmark's own account, on a benchmark database
#: no limit the benchmark would reach (the service's default is 300 a minute per token)
UNLIMITED = "1000000 per minute"


def app_config(database_url: str, redis_url: str) -> dict:
    """What the service is given, in process and under gunicorn alike (as environment strings)."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "banc-essai-" + database_url.rsplit("/", 1)[-1],
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on the loopback
        "API_RATE_LIMIT": UNLIMITED,
    }


def make_app(database_url: str, redis_url: str):
    config = app_config(database_url, redis_url)
    return create_app({**config, "SESSION_COOKIE_SECURE": False})


def bench_email(slug: str) -> str:
    return f"banc-essai.{slug}@exemple.fr"


#: the object of each detail page: the one with the most rows under it
_LARGEST = {
    "marche": "SELECT marche_id FROM lots WHERE tenant_id = :t GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    "lot": "SELECT lot_id FROM missions WHERE tenant_id = :t GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    "participant": "SELECT participant_id FROM missions WHERE tenant_id = :t "
    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    "mission": "SELECT mission_id FROM hour_statements WHERE tenant_id = :t "
    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    "statement": "SELECT s.id FROM hour_statements s JOIN hour_countings c "
    "ON c.tenant_id = s.tenant_id AND c.statement_id = s.id "
    "WHERE s.tenant_id = :t AND s.status = 'validated' AND s.superseded_at IS NULL "
    "GROUP BY s.id ORDER BY count(*) DESC, s.id DESC LIMIT 1",
    "agreement": "SELECT agreement_id FROM mutualisation_members WHERE tenant_id = :t "
    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    "meeting": "SELECT meeting_id FROM meeting_attendees WHERE tenant_id = :t "
    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    "donneur_ordre": "SELECT donneur_ordre_id FROM marches WHERE tenant_id = :t "
    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
}


@dataclass
class Setup:
    slug: str
    tenant_id: int
    email: str
    password: str
    token: str
    ids: dict[str, int | None] = field(default_factory=dict)
    #: rows of the tenant's main tables, printed with the results
    sizes: dict[str, int] = field(default_factory=dict)
    #: of those tables, the ones with planner statistics (ANALYZE run at least once)
    analysed: list[str] = field(default_factory=list)


SIZED = ["marches", "lots", "participants", "missions", "hour_statements", "hour_allocations", "conventions"]


def prepare(app, slug: str) -> Setup:
    """Facilitateur, token and object ids for ``slug`` (committed: the servers read them)."""
    with app.app_context():
        with context.scoped(platform=True):
            tenant = tenants_api.tenant_by_slug(slug)
            if tenant is None:
                raise SystemExit(f"Territoire inconnu : {slug}")
            tenant_id = tenant.id
        with context.scoped(tenant_id):
            tenants_api.enter_tenant(tenant_id, None)
            email = _ensure_facilitateur(slug)
            _token, clear = api_tokens.create_token(
                ACTOR, f"Banc d'essai {datetime.now(UTC):%d/%m/%Y %H:%M}", "facilitateur"
            )
            db.session.commit()
            tenants_api.enter_tenant(tenant_id, None)
            ids = {name: _scalar(sql, tenant_id) for name, sql in _LARGEST.items()}
            sizes = {
                name: _scalar(f"SELECT count(*) FROM {name} WHERE tenant_id = :t", tenant_id) or 0
                for name in SIZED
            }
            analysed = _analysed()
            db.session.commit()
        db.session.remove()
    return Setup(slug, tenant_id, email, PASSWORD, clear, ids, sizes, analysed)


def _analysed() -> list[str]:
    rows = db.session.execute(
        text(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(:names) "
            "AND coalesce(last_analyze, last_autoanalyze) IS NOT NULL ORDER BY relname"
        ),
        {"names": SIZED},
    )
    return list(rows.scalars())


def _ensure_facilitateur(slug: str) -> str:
    email = bench_email(slug)
    user, _ = accounts.find_or_create_user(email, "Banc d'essai")
    accounts.set_password(user, PASSWORD)
    if tenants_repository.membership_of(user.id) is None:
        memberships.invite_member(ACTOR, email, "Banc d'essai", "facilitateur")
    return email


def _scalar(sql: str, tenant_id: int) -> int | None:
    return db.session.execute(text(sql), {"t": tenant_id}).scalar()
