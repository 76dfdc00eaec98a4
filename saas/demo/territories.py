"""Demo data: four territories modelled on the four seed conventions (shared/seeds).

Every person is fictitious. Loading is idempotent and resumable: a territory loaded to the end is
left alone, one whose load was interrupted is finished from its last committed batch.
Each territory gets a year of clause execution (``saas.demo.year``) and its seed
convention (``saas.demo.conventions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click
from sqlalchemy import select

from saas import clock
from saas import settings as rule_settings
from saas.accounts import api as accounts
from saas.accounts import memberships
from saas.audit import api as audit
from saas.audit.models import AuditEntry
from saas.bilans import api as bilans
from saas.db import db
from saas.demo import conventions as demo_conventions
from saas.demo import federation as demo_federation
from saas.demo import portal as demo_portal
from saas.demo import privacy as demo_privacy
from saas.demo import year as demo_year
from saas.partenaires import api as partenaires
from tenants import api as tenants_api
from tenants import context
from tenants.enums import TenantRole
from tenants.models import Federation

DEMO_PASSWORD = "Clauses-Demo-2026"  # noqa: S105 - printed to the user on purpose
ACTOR = audit.Actor(email="demo")
DOMAIN = "guichet-demo.fr"
#: the audit action of a territory's last transaction: its load went to the end.
LOADED = "demo.loaded"


@dataclass
class DemoTerritory:
    slug: str
    name: str
    kind: str
    siren: str
    communes: list[str]
    #: (name, kind, siret, prescriber kind for a prescripteur or buyer kind for a donneur d'ordre)
    organisations: list[tuple[str, str, str | None, str | None]]
    #: (role, first name last name, organisation name or None)
    people: list[tuple[str, str, str | None]]
    federations: list[str] = field(default_factory=list)


TERRITORIES = [
    DemoTerritory(
        slug="saint-dizier",
        name="Communauté d'agglomération Saint-Dizier, Der & Blaise",
        kind="agglomeration",
        siren="200068666",
        communes=["52448", "52550", "52331"],
        organisations=[
            (
                "Communauté d'agglomération Saint-Dizier, Der & Blaise",
                "donneur_ordre",
                None,
                "intercommunalite",
            ),
            ("GIP Mission Locale", "prescripteur", None, "mission_locale"),
            ("Conseil régional Grand Est", "cofinanceur", None, None),
            ("Conseil départemental de la Haute-Marne", "cofinanceur", None, None),
            ("Bâtiments du Der", "entreprise", "41234567000019", None),
        ],
        people=[
            ("tenant_admin", "Hélène Marchal", None),
            ("facilitateur", "Sophie Garnier", None),
            ("partenaire", "Yanis Perrot", "GIP Mission Locale"),
            ("donneur_ordre", "Marc Dufresne", "Communauté d'agglomération Saint-Dizier, Der & Blaise"),
        ],
    ),
    DemoTerritory(
        slug="niortais",
        name="Communauté d'Agglomération du Niortais",
        kind="agglomeration",
        siren="200041317",
        communes=["79191", "79081", "79003"],
        organisations=[
            ("Communauté d'Agglomération du Niortais", "donneur_ordre", None, "intercommunalite"),
            ("Niort Insertion Emploi (AI)", "siae_ai", "52345678800018", None),
            ("ETTI Deux-Sèvres Intérim", "siae_etti", "43812345700014", None),
            ("DDETS-PP des Deux-Sèvres", "etat", None, None),
            ("France Travail Niort", "prescripteur", None, "france_travail"),
        ],
        people=[
            ("tenant_admin", "Laurent Texier", None),
            ("facilitateur", "Nadia Belkacem", None),
            ("partenaire", "Claire Rousseau", "Niort Insertion Emploi (AI)"),
            ("donneur_ordre", "Pierre Giraud", "Communauté d'Agglomération du Niortais"),
        ],
    ),
    DemoTerritory(
        slug="rosny-sous-bois",
        name="Ville de Rosny-sous-Bois",
        kind="commune",
        siren="219300647",
        communes=["93064"],
        organisations=[
            ("Ville de Rosny-sous-Bois", "donneur_ordre", None, "commune"),
            ("Département de la Seine-Saint-Denis", "donneur_ordre", None, "departement"),
            ("RATP — prolongement de la ligne 11", "donneur_ordre", None, "etablissement_public"),
            ("Est Ensemble", "cofinanceur", None, None),
            ("France Travail Rosny-sous-Bois", "prescripteur", None, "france_travail"),
            ("Génie Civil de l'Est", "entreprise", "78912345200011", None),
        ],
        people=[
            ("tenant_admin", "Thomas Lemaire", None),
            ("facilitateur", "Aïcha Diallo", None),
            ("partenaire", "Julien Morel", "France Travail Rosny-sous-Bois"),
            ("donneur_ordre", "Isabelle Faure", "Département de la Seine-Saint-Denis"),
        ],
        federations=["93"],
    ),
    DemoTerritory(
        slug="est-ensemble",
        name="Établissement public territorial Est Ensemble",
        kind="ept",
        siren="200057875",
        communes=["93006", "93008", "93010", "93045", "93048", "93053", "93055", "93061", "93063"],
        organisations=[
            ("Est Ensemble", "donneur_ordre", None, "intercommunalite"),
            ("Mission Locale de la Lyonnaise", "prescripteur", None, "mission_locale"),
            ("Régie de quartier de Montreuil (EI)", "siae_ei", "39845612900012", None),
        ],
        people=[
            ("tenant_admin", "Karim Haddad", None),
            ("facilitateur", "Léa Martin", None),
            ("partenaire", "Samir Benali", "Mission Locale de la Lyonnaise"),
            ("donneur_ordre", "Chloé Lefèvre", "Est Ensemble"),
        ],
        federations=["93"],
    ),
    DemoTerritory(
        slug="plaine-commune",
        name="PLIE de Plaine Commune",
        kind="plie",
        siren="200057867",
        communes=["93001", "93066", "93070", "93072"],
        organisations=[
            ("Plaine Commune", "donneur_ordre", None, "intercommunalite"),
            ("France Travail Saint-Denis", "prescripteur", None, "france_travail"),
            ("ACI Les Ateliers de la Plaine", "siae_aci", "44512378900015", None),
        ],
        people=[
            ("tenant_admin", "Nathalie Moreau", None),
            ("facilitateur", "Ousmane Traoré", None),
            ("partenaire", "Inès Carpentier", "France Travail Saint-Denis"),
            ("donneur_ordre", "Paul Mercier", "Plaine Commune"),
        ],
        federations=["93"],
    ),
    DemoTerritory(
        slug="arles-crau-camargue-montagnette",
        name="Communauté d'agglomération Arles Crau Camargue Montagnette",
        kind="agglomeration",
        siren="241300037",
        communes=["13004", "13108", "13097", "13017", "13061"],
        organisations=[
            (
                "Communauté d'agglomération Arles Crau Camargue Montagnette",
                "donneur_ordre",
                None,
                "intercommunalite",
            ),
            ("Communauté de communes Vallée des Baux-Alpilles", "donneur_ordre", None, "intercommunalite"),
            ("Chantier d'insertion du Rhône (ACI)", "siae_aci", "33456789800013", None),
            ("Mission Locale du Delta", "prescripteur", None, "mission_locale"),
        ],
        people=[
            ("tenant_admin", "Mathieu Roux", None),
            ("facilitateur", "Élodie Fabre", None),
            ("partenaire", "Sarah Benoît", "Chantier d'insertion du Rhône (ACI)"),
            ("donneur_ordre", "Antoine Vidal", "Communauté de communes Vallée des Baux-Alpilles"),
        ],
    ),
]

FEDERATIONS = [("93", "Département de la Seine-Saint-Denis", "Fatou Camara")]
OPERATOR = ("operateur@" + DOMAIN, "Opératrice de la plateforme")


def _email(role: str, slug: str) -> str:
    return f"{role.replace('_', '-')}.{slug}@{DOMAIN}"


def _person(email: str, name: str):
    user, created = accounts.find_or_create_user(email, name)
    if created or not user.password_hash:
        accounts.set_password(user, DEMO_PASSWORD)
    return user


def _federation(code: str) -> Federation:
    federation = tenants_api.federation_by_code(code)
    assert federation is not None, f"the demo federations are created first ({code})"
    return federation


def _create_tenant(spec: DemoTerritory):
    tenant = memberships.create_tenant(ACTOR, spec.slug, spec.name, spec.kind, spec.siren, spec.communes)
    memberships.update_tenant(
        ACTOR, tenant, federation_ids=[_federation(code).id for code in spec.federations]
    )
    db.session.commit()  # platform writes done before entering the tenant's scope
    return tenant


#: who answers for each territory's processing of personal data (the register and the notice)
CONTROLLERS = {
    "saint-dizier": "Communauté d'agglomération Saint-Dizier, Der & Blaise, représentée par son président",
    "niortais": "Communauté d'Agglomération du Niortais, représentée par son président",
    "rosny-sous-bois": "Ville de Rosny-sous-Bois, représentée par son maire",
    "est-ensemble": "Établissement public territorial Est Ensemble, représenté par son président",
    "plaine-commune": "Plaine Commune, structure porteuse du PLIE, représentée par son président",
    "arles-crau-camargue-montagnette": "Communauté d'agglomération Arles Crau Camargue Montagnette, "
    "représentée par son président",
}


def _privacy(spec: DemoTerritory) -> None:
    """The register's controller and contact, once: what an admin set since stays."""
    current = rule_settings.current()
    if current["privacy_controller"] or current["privacy_contact"]:
        return
    rule_settings.set_values(
        ACTOR,
        privacy_controller=CONTROLLERS[spec.slug],
        privacy_contact=f"Délégué à la protection des données, dpo.{spec.slug}@{DOMAIN}",
    )


def _loaded() -> bool:
    """Whether the territory in scope was loaded to the end (its last transaction records it)."""
    return db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == LOADED).limit(1)) is not None


def _people(spec: DemoTerritory) -> None:
    """The territory's organisations and members, once (a territory with organisations has them)."""
    if partenaires.list_all():
        return  # loaded already (they commit together)
    organisations = {
        name: partenaires.create(
            ACTOR,
            name,
            kind,
            siret,
            subkind if kind == "prescripteur" else None,
            buyer_kind=subkind if kind == "donneur_ordre" else None,
        ).id
        for name, kind, siret, subkind in spec.organisations
    }
    for role, name, organisation in spec.people:
        email = _email(role, spec.slug)
        _person(email, name)
        memberships.invite_member(ACTOR, email, name, role, organisations.get(organisation or ""))


def _load_year(spec: DemoTerritory, size) -> None:
    """Fill the territory's year, or finish a load that was interrupted; a loaded one is left alone.

    Each step commits (the marchés, every batch of participants): a step that was interrupted was
    rolled back, and the next load redoes it from the last one committed.
    """
    tenant = tenants_api.tenant_by_slug(spec.slug)
    assert tenant is not None, "the accounts are loaded first"
    with context.scoped(tenant.id):
        tenants_api.enter_tenant(tenant.id, None)
        if _loaded():
            db.session.commit()  # the scope ends with its transaction
            return
        click.echo(f"Chargement d'une année d'activité : {spec.name}…")
        facilitateur = accounts.user_by_email(_email("facilitateur", spec.slug))
        assert facilitateur is not None, "every demo territory has a facilitateur"
        actor = audit.Actor(user_id=facilitateur.id, email=facilitateur.email)
        counts = demo_year.fill_year(actor, spec.slug, spec.communes, size)
        counts.update(demo_conventions.fill(actor, spec.slug))
        counts.update(demo_portal.fill(actor))
        counts.update(demo_privacy.fill(actor, spec.slug))
        counts["bilans"] = _bilans(actor)
        audit.record(LOADED, ACTOR, details=counts)
        db.session.commit()


def _bilans(actor: audit.Actor) -> int:
    """The bilans a facilitateur has produced by now: the execution bilan of this year for each
    donneur d'ordre (what its referent reads in its space), the annual bilan of the territory and
    its national collection."""
    year = bilans.Period.of("annee", clock.today().year)
    buyers = [o for o in partenaires.list_all() if o.kind == "donneur_ordre"]
    for buyer in buyers:
        bilans.produce("execution", "donneur_ordre", buyer.id, year, actor)
    bilans.produce("annuel", "territoire", None, year, actor)
    bilans.produce("national", "territoire", None, year, actor)
    return len(buyers) + 2


def load_demo(size: demo_year.YearSize | None = None, years: bool = True) -> list[tuple[str, str, str]]:
    """Load what is missing; return (space, role, e-mail) of every demo login.

    First the accounts (territories, organisations, people: a few seconds, and every login works),
    then, with ``years``, a year of clause execution (``saas.demo.year``) of ``size`` in each
    territory: what ``guichet serve --demo`` leaves to a process of its own while it serves.
    """
    with context.scoped(platform=True):
        logins = _load_accounts()
        if years:
            for spec in TERRITORIES:
                _load_year(spec, size)
            demo_federation.fill(ACTOR, [(spec.slug, spec.federations) for spec in TERRITORIES])
    return logins


def _load_accounts() -> list[tuple[str, str, str]]:
    logins: list[tuple[str, str, str]] = []
    for code, name, _coordinator in FEDERATIONS:
        if tenants_api.federation_by_code(code) is None:
            memberships.create_federation(ACTOR, code, name)
            db.session.commit()
    for spec in TERRITORIES:
        logins.extend((spec.name, role, _email(role, spec.slug)) for role, _name, _ in spec.people)
        tenant = tenants_api.tenant_by_slug(spec.slug) or _create_tenant(spec)
        with context.scoped(tenant.id):
            tenants_api.enter_tenant(tenant.id, None)
            _people(spec)
            _privacy(spec)
            db.session.commit()  # the scope ends with its transaction
    for code, name, coordinator in FEDERATIONS:
        federation = _federation(code)
        email = f"coordinateur.{code}@{DOMAIN}"
        _person(email, coordinator)
        memberships.invite_coordinator(ACTOR, federation, email, coordinator)
        logins.append((name, "coordinateur", email))
    operator = _person(*OPERATOR)
    operator.is_operator = True
    logins.append(("Plateforme", "operateur", OPERATOR[0]))
    db.session.commit()
    return logins


#: roles that enrol a second factor at their first login (``tenants.mfa_policy``).
MFA_ROLES = {"tenant_admin", "coordinateur", "operateur"}


def _role_label(role: str) -> str:
    """What people call the role (never its code)."""
    others = {"coordinateur": "Coordinateur", "operateur": "Opérateur"}
    return others[role] if role in others else TenantRole(role).label


def print_logins(logins: list[tuple[str, str, str]]) -> None:
    click.echo("\nComptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ")")
    current = None
    for space, role, email in logins:
        if space != current:
            click.echo(f"\n  {space}")
            current = space
        mark = " *" if role in MFA_ROLES else ""
        click.echo(f"    {_role_label(role):<30} {email}{mark}")
    click.echo(
        "\n  * double authentification : à la première connexion, le service affiche un code QR et la clé"
        "\n    à saisir dans une application d'authentification (FreeOTP, Aegis…), puis dix codes de"
        "\n    secours. Sans téléphone : uv run python -c \"import pyotp; print(pyotp.TOTP('CLÉ').now())\""
    )
    click.echo("")
