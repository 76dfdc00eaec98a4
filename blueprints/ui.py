"""Template helpers: French formats, the theme of the tenant in scope, the navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user

from blueprints import audit_codes
from saas import bounds, formats
from saas.audit import api as audit_api
from saas.partenaires import api as partenaires
from saas.portail import api as portail
from tenants.enums import ADMIN_ROLES, WORKSPACE_ROLES, TenantKind, TenantRole


@dataclass(frozen=True)
class Theme:
    display_name: str
    colour: str
    logo_url: str | None
    #: the tenant's colour as a stylesheet (``guichet.theme_css``), None without a colour.
    stylesheet_url: str | None = None


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    #: the menu that holds the link ("" for the main row): the console's pages stay out of the row.
    group: str = ""


@dataclass(frozen=True)
class CurrentSpace:
    label: str


def audit_details(details: dict) -> str:
    if "audit_code_labels" not in g:  # read once per page (some codes are reference data)
        g.audit_code_labels = audit_api.code_labels()
    items = audit_api.detail_items(details, g.audit_code_labels)
    return " ; ".join(f"{key} : {formats.value(value)}" for key, value in items) or "—"


def audit_target(entry) -> str:
    return audit_api.target_label(entry.target_type, entry.target_id) or "—"


def role_label(role: str) -> str:
    try:
        return TenantRole(role).label
    except ValueError:
        return {"coordinateur": "Coordinateur"}.get(role, role)


def tenant_kind_label(kind: str) -> str:
    try:
        return TenantKind(kind).label
    except ValueError:
        return kind


def has_endpoint(endpoint: str) -> bool:
    """Pages of other domains are linked only once they exist."""
    return endpoint in current_app.view_functions


def int_arg(value) -> int | None:
    """An id or number from a query argument or a form; None when absent, not a number or beyond
    what the database holds."""
    return bounds.bounded_id(value)


#: the menu of each audience of a territory, as ``(label, endpoint)``
WORKSPACE_NAV = [
    ("Tableau de bord", "guichet.dashboard"),
    ("Marchés", "guichet.marches"),
    ("Participants", "guichet.participants"),
    ("CVthèque", "guichet.cvtheque"),
    ("Missions", "guichet.missions"),
    ("Heures", "guichet.statements"),
    ("Mutualisation", "guichet.agreements"),
    ("Calendrier", "guichet.calendar"),
    ("Conformité", "guichet.compliance"),
    ("Comités et réunions", "guichet.meetings"),
    ("Décisions", "guichet.decisions"),
    ("Bilans", "guichet.bilans_list"),
    ("Traitements", "guichet.runs"),
]
BUYER_NAV = [
    ("Mes marchés", "acheteur.home"),
    ("Bilans", "acheteur.bilans_list"),
    ("Aide à la rédaction", "acheteur.clause_aid"),
]
#: the admin console, grouped under « Administration »
CONSOLE_NAV = [
    ("Utilisateurs", "admin.users"),
    ("Organisations", "admin.organisations"),
    ("Conventions", "admin.conventions"),
    ("Échéancier financier", "admin.instalments"),
    ("Coûts horaires", "admin.hourly_costs"),
    ("Règles de comptage", "admin.counting_rules"),
    ("Règles des parcours et des conventions", "admin.participant_settings"),
    ("Données personnelles", "admin.privacy"),
    ("Registre et notice", "admin.privacy_register"),
    ("Rapports aux Départements", "admin.federations"),
    ("Jetons d'API", "admin.api_tokens"),
    ("Paramètres", "admin.settings"),
    ("Journal", "admin.audit"),
    ("Boîte d'envoi", "admin.mailbox"),
]
PLATFORM_NAV = [
    ("Territoires", "plateforme.tenants"),
    ("Départements", "plateforme.federations"),
    ("Journal", "plateforme.audit"),
    ("Sécurité du compte", "securite.index"),
]


#: the portal's menu: (label, endpoint, the part of the portal it belongs to, None for every partner)
PORTAL_NAV = [
    ("Accueil", "portail.home", None),
    ("Mes missions", "portail.missions", portail.EMPLOYER),
    ("Déclarer les heures", "portail.declaration", portail.EMPLOYER),
    ("Importer un fichier", "portail.imports", portail.EMPLOYER),
    ("Point hebdomadaire", "portail.weekly", portail.EMPLOYER),
    ("Tableau semestriel", "portail.semester", portail.EMPLOYER),
    ("Adresser un candidat", "portail.prescription_new", portail.PRESCRIBER),
    ("Mes candidats", "portail.candidates", portail.PRESCRIBER),
    ("Personnes accompagnées", "portail.followed", portail.ACCOMPANIMENT),
    ("Échéances", "portail.calendar", None),
    ("Mon équipe", "portail.team", None),
]


def portal_audiences() -> frozenset[str]:
    """The parts of the portal of the request's organisation (``saas.portail.api.audiences``), read
    once a request."""
    if "portal_audiences" not in g:
        g.portal_audiences = portail.audiences(partenaires.get(g.membership.organisation_id))
    return g.portal_audiences


def _tenant_nav(role: TenantRole) -> list[tuple[str, str]]:
    """The menu of a member of the territory: their space, the console for the admins, their account."""
    items = list(WORKSPACE_NAV) if role in WORKSPACE_ROLES else []
    if role is TenantRole.donneur_ordre:
        items += BUYER_NAV
    elif role not in WORKSPACE_ROLES:
        parts = portal_audiences()
        items += [(label, endpoint) for label, endpoint, part in PORTAL_NAV if part is None or part in parts]
    if role in ADMIN_ROLES:
        items += CONSOLE_NAV
    return [*items, ("Mes notifications", "compte.notifications"), ("Sécurité du compte", "securite.index")]


def _nav_items() -> list[NavItem]:
    membership = getattr(g, "membership", None)
    items: list[tuple[str, str]] = []
    if membership is not None:
        items = _tenant_nav(TenantRole(membership.role))
    elif request.blueprint == "plateforme":
        items = PLATFORM_NAV
    elif request.blueprint == "departement" and getattr(g, "federation", None):
        return [NavItem("Accueil", url_for("departement.home", code=g.federation.code), True)]
    grouped = dict.fromkeys((endpoint for _, endpoint in CONSOLE_NAV), "Administration")
    return [
        NavItem(label, url_for(endpoint), request.endpoint == endpoint, grouped.get(endpoint, ""))
        for label, endpoint in items
        if endpoint in current_app.view_functions  # pages of a domain not installed are left out
    ]


def _context() -> dict:
    if g.get("database_unavailable"):
        # the error page of an unreachable database: nothing here may load a row.
        return {"theme": None, "current_space": None, "switch_url": None, "nav_items": [], "logout_url": None}
    tenant = getattr(g, "tenant", None)
    federation = getattr(g, "federation", None)
    theme = None
    space = None
    if tenant is not None:
        membership = getattr(g, "membership", None)
        in_workspace = membership is not None and TenantRole(membership.role) in WORKSPACE_ROLES
        # the logo and the theme are served by the workspace: partners' pages go without them
        # rather than ask for a 404
        logo_url = (
            url_for("guichet.logo", v=tenant.logo_mimetype) if tenant.logo_mimetype and in_workspace else None
        )
        stylesheet_url = (
            url_for("guichet.theme_css", v=tenant.theme_colour)
            if tenant.theme_colour and in_workspace
            else None
        )
        theme = Theme(tenant.display_name, tenant.theme_colour, logo_url, stylesheet_url)
        space = CurrentSpace(f"Territoire · {tenant.display_name}")
    elif federation is not None:
        space = CurrentSpace(f"Département · {federation.name}")
    elif request.blueprint == "plateforme":
        space = CurrentSpace("Plateforme · console de l'opérateur")
    authenticated = bool(current_user and current_user.is_authenticated)
    return {
        "theme": theme,
        "current_space": space,
        "switch_url": url_for("auth.spaces") if authenticated else None,
        "nav_items": _nav_items() if authenticated else [],
        "logout_url": url_for("auth.logout") if authenticated else None,
    }


def init_app(app: Flask) -> None:
    audit_codes.name_codes()
    app.context_processor(_context)
    app.add_template_global(has_endpoint)
    app.add_template_filter(formats.date, "date_fr")
    app.add_template_filter(formats.datetime, "datetime_fr")
    app.add_template_filter(formats.time, "heure_fr")
    app.add_template_filter(formats.number, "nombre")
    app.add_template_filter(formats.amount, "montant")
    app.add_template_filter(formats.value, "valeur_fr")
    app.add_template_filter(audit_details, "details_journal")
    app.add_template_filter(audit_target, "objet_journal")
    app.add_template_filter(role_label, "libelle_role")
    app.add_template_filter(tenant_kind_label, "libelle_type_territoire")
