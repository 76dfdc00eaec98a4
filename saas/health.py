"""Liveness of the parts the service needs: the database and Redis."""

from __future__ import annotations

from sqlalchemy import text

from saas.db import db
from saas.extensions import get_redis


def check() -> dict[str, str]:
    """``{"database": "ok"|"erreur", "redis": "ok"|"erreur"}``; never raises."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        db.session.rollback()
        checks["database"] = "erreur"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except Exception:
        checks["redis"] = "erreur"
    return checks
