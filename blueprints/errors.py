"""Error pages in French for people, JSON bodies for the API; never a raw traceback."""

from __future__ import annotations

import uuid

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from blueprints.auth.sessions import Anonymous
from blueprints.auth.views import login_actor
from saas.audit import api as audit
from saas.bounds import NUL_MESSAGE
from saas.db import db
from saas.errors import DomainError
from saas.logging import get_logger

log = get_logger("http")

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    503: "errors/503.html",
}
MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    405: "Méthode non autorisée.",
    413: "La requête est trop volumineuse (fichier ou texte trop long).",
    429: "Trop de requêtes ; réessayez dans quelques minutes.",
    500: "Erreur interne.",
    503: "Le service est momentanément indisponible ; réessayez dans quelques minutes.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, error_id: str | None = None, message: str | None = None, errors: dict | None = None):
    """The error page (French) or, for the API, ``{"code", "status", "message"[, "errors"]}``."""
    if _wants_json():
        body = {
            "code": status,
            "status": MESSAGES.get(status, "Erreur"),
            "message": message or MESSAGES.get(status, "Erreur"),
        }
        if errors:
            body["errors"] = errors
        if error_id:
            body["error_id"] = error_id
        return jsonify(body), status
    template = PAGES.get(status, "errors/500.html" if status >= 500 else "errors/400.html")
    return render_template(template, error_id=error_id, message=message), status


def _refuse_nul_in_query():
    """PostgreSQL refuses NUL in text: a query string holding one is refused here, once for all
    the searches and filters of the pages and the API."""
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            label = name.replace("\x00", "")
            # the API answers as for any field it cannot take (422 naming it); a page, 400
            return _render(
                422 if _wants_json() else 400,
                message=f"Paramètre « {label} » : {NUL_MESSAGE}",
                errors={"query": {label: [NUL_MESSAGE]}},
            )
    return None


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone: the page must still render
        log.warning("http.rollback_failed", path=request.path)


def _database_unavailable(exc: Exception):
    """PostgreSQL unreachable: a French 503 rendered without the database (no user loaded, no
    tenant theme, no navigation: see ``blueprints.ui``)."""
    error_id = uuid.uuid4().hex[:12]
    log.error("http.database_unavailable", error_id=error_id, path=request.path, error=str(exc)[:200])
    g.database_unavailable = True
    g._login_user = Anonymous()  # Flask-Login's slot: the template must not call the user loader
    _rollback()
    return _render(503, error_id)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_in_query)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _render(400)

    @app.errorhandler(429)
    def _too_many(exc):
        if request.endpoint == "auth.login":
            audit.record_now("login.rate_limited", login_actor(), details={"limite": str(exc.description)})
        if getattr(exc, "response", None) is not None:  # a limit that wrote its own page (second factor)
            return exc.response
        return _render(429)

    @app.errorhandler(DomainError)
    def _refused(exc: DomainError):
        """A domain refusal a view did not turn into a form error: its message, nothing written."""
        db.session.rollback()
        if _wants_json():
            return jsonify({"code": 422, "status": "Opération refusée", "message": exc.message}), 422
        return render_template("errors/refused.html", message=exc.message), 422

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code and exc.code < 400:
            return exc
        return _render(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        error_id = uuid.uuid4().hex[:12]
        log.exception("http.unhandled", error_id=error_id, path=request.path)
        _rollback()
        return _render(500, error_id)
