"""The portal of partners, under ``/t/<tenant>/portail/`` (donneurs d'ordre have their own space:
``blueprints.acheteur``).

Their own spaces are still to come; until then they land here after login, in their tenant and
with their membership only: the page says what they will be able to do and whom to ask meanwhile.
"""

from __future__ import annotations

from flask import g, render_template

from saas.accounts import memberships
from saas.partenaires import api as partenaires
from tenants.enums import TenantRole
from tenants.web import tenant_blueprint

bp = tenant_blueprint("portail", __name__, (TenantRole.partenaire,), url_prefix="/portail")

#: what each audience will do in its space, in the words of the people concerned.
COMING = {
    TenantRole.partenaire: [
        "déclarer chaque mois les heures de vos salariés en insertion ;",
        "importer vos relevés depuis un tableur ;",
        "suivre les personnes que vous accompagnez et leurs missions.",
    ],
}


@bp.route("/")
def home():
    role = TenantRole(g.membership.role)
    return render_template(
        "portail/home.html",
        role=role,
        organisation=partenaires.get(g.membership.organisation_id),
        coming=COMING[role],
        contacts=[m.user for m in memberships.guichet_contacts()],
    )
