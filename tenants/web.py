"""Scope resolution for HTTP requests (layer 1 of isolation).

A tenant blueprint is mounted under ``/t/<tenant_slug>``. The slug is taken out of the URL values
once per request, the tenant is loaded, and the request goes on only if the authenticated user has
an active membership there with one of the blueprint's roles. There is no default tenant: a URL
without a slug reaches no tenant blueprint. Anything outside the scope answers 404, never 403, so
that nobody learns what exists in another tenant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from saas.accounts import mfa
from saas.audit import api as audit
from saas.db import db
from tenants import api as tenants_api
from tenants.enums import TenantRole


def request_actor() -> audit.Actor:
    user = current_user if current_user and current_user.is_authenticated else None
    return audit.Actor(
        user_id=user.id if user else None,
        email=user.email if user else None,
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


def refuse(reason: str, **details) -> NoReturn:
    """Audit the refusal as a platform event (the tenant is not in scope) and answer 404."""
    audit.record_now(
        "access.refused", request_actor(), details={"motif": reason, "url": request.path, **details}
    )
    abort(404)


def tenant_blueprint(
    name: str, import_name: str, roles: Iterable[TenantRole], url_prefix: str = ""
) -> Blueprint:
    """A blueprint under ``/t/<tenant_slug>`` reachable only by members holding one of ``roles``."""
    allowed = frozenset(roles)
    bp = Blueprint(name, import_name, url_prefix=f"/t/<tenant_slug>{url_prefix}")

    @bp.url_value_preprocessor
    def _pop_slug(endpoint, values):
        g.tenant_slug = values.pop("tenant_slug", None) if values else None

    @bp.url_defaults
    def _add_slug(endpoint, values):
        slug = getattr(g, "tenant_slug", None)
        if (
            slug
            and "tenant_slug" not in values
            and current_app.url_map.is_endpoint_expecting(endpoint, "tenant_slug")
        ):
            values["tenant_slug"] = slug

    @bp.before_request
    def _resolve_scope():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        # Read before the scope is set, in one query: the user can read their own memberships only.
        found = tenants_api.tenant_and_membership(g.tenant_slug or "", current_user.id)
        tenant, membership = found or (None, None)
        if tenant is None or not tenant.active:
            refuse("territoire inconnu ou inactif", territoire=g.tenant_slug)
        if membership is None:
            refuse("aucun accès à ce territoire", territoire=tenant.slug)
        if TenantRole(membership.role) not in allowed:
            refuse("rôle insuffisant", territoire=tenant.slug, role=membership.role)
        if _second_factor_missing(tenant, membership):
            return redirect(url_for("securite.enrol"))
        tenants_api.enter_tenant(tenant.id, current_user.id)
        g.tenant = tenant
        g.membership = membership
        return None

    return bp


def _second_factor_missing(tenant, membership) -> bool:
    """A session opened before the role or the tenant required a second factor (a promotion, the
    setting just turned on) goes to the enrolment before anything else of the tenant."""
    required = membership.role == TenantRole.tenant_admin or tenant.mfa_required
    return required and not mfa.is_enabled(current_user)


def load_scoped(model, object_id, **criteria):
    """The one way to load a tenant-owned object by id: from the current tenant, or 404.

    The tenant comes from the scope resolved for this request, explicitly, on top of the ORM
    criteria and row-level security.
    """
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        abort(404)
    tenant = getattr(g, "tenant", None)
    if tenant is None:
        abort(404)
    obj = db.session.get(model, (tenant.id, object_id))
    if obj is None or any(getattr(obj, key) != value for key, value in criteria.items()):
        abort(404)
    return obj


def is_admin() -> bool:
    membership = getattr(g, "membership", None)
    return bool(membership and membership.role == TenantRole.tenant_admin)
