"""The portal of partners, under ``/t/<tenant>/portail/`` (donneurs d'ordre have their own space:
``blueprints.acheteur``).

Every page is scoped twice: to the tenant (the blueprint's scope and row-level security) and to
the user's own organisation (``saas.portail``: an object of another organisation answers 404, as
if it did not exist). Which pages an organisation has follows from its kind
(``saas.portail.api.audiences``): employers and placing structures (missions, monthly
declaration, import, weekly status, evaluations, semester table), prescribers (candidates),
accompaniment partners (the people they follow); every partner has its calendar of obligations
and, for its own admins, its team.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, render_template, request

from blueprints.imports_common import ImportPages
from blueprints.ui import portal_audiences
from saas import clock
from saas.accounts import memberships
from saas.portail import api as portail
from tenants.enums import TenantRole
from tenants.web import tenant_blueprint

bp = tenant_blueprint("portail", __name__, (TenantRole.partenaire,), url_prefix="/portail")


def organisation_id() -> int:
    return g.membership.organisation_id


audiences = portal_audiences


def for_audience(audience: str) -> Callable:
    """The view answers 404 to an organisation that is not of ``audience`` (a prescriber has no
    missions to declare)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if audience not in audiences():
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


IMPORTS = ImportPages("portail", organisation_id)


@bp.before_request
def _active_organisation():
    """A deactivated organisation acts for no one: its users' portal answers 403."""
    organisation = portail.organisation(organisation_id())
    if organisation is None or not organisation.active:
        abort(403)


@bp.before_request
def _employer_imports():
    """The import pages are the employers' (they are registered by ``ImportPages``)."""
    if (request.endpoint or "").startswith("portail.import") and portail.EMPLOYER not in audiences():
        abort(404)


IMPORTS.register(bp)


@bp.route("/")
def home():
    today = clock.today()
    return render_template(
        "portail/home.html",
        organisation=portail.organisation(organisation_id()),
        audiences=audiences(),
        summary=portail.summary(organisation_id(), audiences(), today),
        upcoming=portail.obligations(organisation_id(), today, None, limit=5),
        contacts=[m.user for m in memberships.guichet_contacts()],
    )
