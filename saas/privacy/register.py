"""The processing register of the tenant in scope (RGPD art. 30) and the participants' notice
(art. 13 and 14), both made from the same data: its settings and what the software stores.

Nothing is typed per tenant but the controller and the contact (settings ``privacy_controller`` and
``privacy_contact``): the durations come from the settings, the recipients from the tenant's own
organisations and Départements, the data from ``saas.privacy.inventory``, the security measures
from what the code does (each names the code that makes it true, and a test checks that it is
there). What the admin must still fill in is said plainly (``Register.missing``), never left blank.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text

from saas import clock, formats, settings
from saas.db import db
from saas.federation import api as federation
from saas.partenaires import api as partenaires
from saas.partenaires.enums import COMPANY_KINDS, OrganisationKind
from saas.participants.models import Participant
from saas.privacy import inventory, retention
from saas.privacy.inventory import Category, Stored
from saas.tabular import Sheet, write_workbook
from tenants.context import require_tenant_id


@dataclass(frozen=True)
class Entry:
    """A line of the register: a heading and what it says (a purpose, a legal basis, a duration)."""

    label: str
    detail: str


@dataclass(frozen=True)
class Recipient:
    """Who receives the participants' data: the tenant's organisations of one kind, what they get
    (``receives``, for the register) and the same in the notice's words (``notice``)."""

    label: str
    organisations: tuple[str, ...]
    receives: str
    notice: str


@dataclass(frozen=True)
class Measure:
    """A security measure, true of the code: ``evidence`` names the files that make it so."""

    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class CategoryLine:
    category: Category
    data: tuple[str, ...]
    #: the data of a category that is not sensitive as a whole but holds some that are (the freins)
    sensitive_data: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.category.label

    @property
    def sensitive(self) -> bool:
        return self.category.sensitive


@dataclass(frozen=True)
class Register:
    tenant_name: str
    #: the controller as set, or the tenant's name until it is
    controller: str
    #: whom the persons write to ("" until it is set)
    contact: str
    #: what the admin must still fill in, in plain words
    missing: tuple[str, ...]
    purposes: tuple[Entry, ...]
    bases: tuple[Entry, ...]
    people: tuple[str, ...]
    categories: tuple[CategoryLine, ...]
    stores: tuple[Stored, ...]
    recipients: tuple[Recipient, ...]
    durations: tuple[Entry, ...]
    measures: tuple[Measure, ...]
    to_check: tuple[str, ...]
    #: the settings the register was made from
    values: dict
    edited_on: date


PURPOSES = (
    Entry(
        "Suivi des parcours d'insertion",
        "Recevoir les orientations des prescripteurs, valider l'éligibilité des personnes, les accompagner "
        "vers un emploi durable et suivre leur parcours jusqu'à six mois après la sortie.",
    ),
    Entry(
        "Exécution des clauses sociales des marchés publics",
        "Proposer les personnes aux entreprises attributaires et aux structures d'insertion, recueillir et "
        "contrôler les heures de travail chaque mois, justifier auprès des acheteurs que la clause est "
        "exécutée.",
    ),
    Entry(
        "Bilans aux donneurs d'ordre, aux financeurs et aux Départements",
        "Rendre compte de l'exécution des clauses et de l'activité du guichet par des chiffres et des "
        "tableaux où les personnes ne figurent que par leur référence, jamais par leur nom.",
    ),
)

BASES = (
    Entry(
        "Mission d'intérêt public (article 6, paragraphe 1, point e du RGPD)",
        "Le traitement est nécessaire à la mission d'intérêt public du responsable : la politique locale "
        "d'insertion et d'emploi, et l'exécution des clauses sociales de la commande publique (code de la "
        "commande publique, article L2112-2).",
    ),
    Entry(
        "Handicap et santé (article 9, paragraphe 2, points b et g du RGPD)",
        "Un critère comme la reconnaissance de travailleur handicapé ou l'AAH, un frein de santé, révèlent "
        "une donnée de santé. Leur traitement s'appuie sur les obligations du droit du travail et de la "
        "protection sociale (point b) et sur un motif d'intérêt public important (point g). Seuls le "
        "critère et le type de justificatif vu sont enregistrés, jamais le document.",
    ),
    Entry(
        "Situation judiciaire (article 10 du RGPD)",
        "Le critère « personne placée sous main de justice » et le frein « situation judiciaire » touchent "
        "aux condamnations pénales : seule leur mention est enregistrée, jamais un jugement ni un document. "
        "Ce point est à confirmer avec votre délégué à la protection des données.",
    ),
    Entry(
        "Situation sociale (RSA, ASS, hébergement…)",
        "Ces critères ne sont pas des données sensibles au sens de l'article 9, mais ils sont très "
        "personnels : ils restent au guichet et ne sont jamais transmis personne par personne aux donneurs "
        "d'ordre, aux financeurs ni aux Départements.",
    ),
)

PEOPLE = (
    "Les personnes accompagnées vers l'emploi : candidats orientés par un prescripteur et participants "
    "en parcours sur une clause sociale.",
    "Les utilisateurs du service (agents du guichet, personnes des organisations partenaires) et les "
    "contacts des organisations : nom, adresse électronique, téléphone, traces de leurs actions.",
)

TO_CHECK = (
    "Hébergement, sous-traitants (hébergeur, messagerie) et éventuels transferts hors de l'Union "
    "européenne : à indiquer selon votre installation du service.",
    "Analyse d'impact (AIPD) : la liste de la CNIL y soumet l'accompagnement social des personnes ; à "
    "examiner avec votre délégué à la protection des données.",
)

MISSING_CONTROLLER = (
    "Responsable du traitement : à compléter. Le nom du territoire est repris en attendant ; indiquez la "
    "collectivité ou la structure responsable (par exemple « Ville de …, représentée par son maire »)."
)
MISSING_CONTACT = (
    "Contact pour l'exercice des droits : à compléter. Indiquez où les personnes écrivent pour exercer "
    "leurs droits, par exemple l'adresse de votre délégué à la protection des données."
)


# --- what the tenant holds -------------------------------------------------------------------------


def _tenant() -> tuple[str, bool]:
    """The name of the tenant in scope and whether it asks a second factor of every member."""
    row = db.session.execute(
        text("SELECT name, mfa_required FROM tenants WHERE id = :tenant_id"),
        {"tenant_id": require_tenant_id()},
    ).one()
    return row.name, bool(row.mfa_required)


def _referent_ids() -> set[int]:
    """The organisations the guichet made the referent of at least one participant."""
    query = select(Participant.referent_organisation_id).where(
        Participant.referent_organisation_id.is_not(None)
    )
    return set(db.session.scalars(query.distinct()))


# --- the recipients --------------------------------------------------------------------------------

#: (label, kinds, what they receive, the same for the participant)
KINDS = (
    (
        "Employeurs : entreprises, structures d'insertion, GEIQ, entreprises de travail temporaire",
        COMPANY_KINDS,
        "Pour les personnes qu'ils emploient sur une clause : nom, prénom, référence, mission (contrat, "
        "dates, poste), plan de suivi et relevés d'heures. Jamais les critères d'éligibilité ni les "
        "coordonnées.",
        "L'entreprise ou la structure qui vous emploie sur une clause voit votre nom, votre mission, son "
        "suivi et vos heures. Elle ne voit ni vos critères d'éligibilité ni vos coordonnées.",
    ),
    (
        "Prescripteurs",
        frozenset({OrganisationKind.prescripteur}),
        "Pour les personnes qu'ils ont orientées : la suite donnée (reçue, éligible ou non — jamais le "
        "critère —, dans la CVthèque, en mission, catégorie de sortie). Jamais les heures ni ce qu'un autre "
        "a écrit.",
        "L'organisme qui vous a orienté vers le guichet sait si vous êtes éligible (oui ou non, jamais "
        "pourquoi), si vous êtes en mission et comment votre parcours se termine.",
    ),
    (
        "Donneurs d'ordre",
        frozenset({OrganisationKind.donneur_ordre}),
        "Les bilans de leurs propres marchés : heures, obligations, taux, nombres de personnes et de "
        "contrats ; les personnes n'y figurent que par leur référence, jamais par leur nom ni par leurs "
        "critères.",
        "Les acheteurs publics reçoivent des bilans chiffrés de leurs marchés. Vous n'y figurez que par un "
        "numéro, jamais par votre nom ni par vos critères.",
    ),
    (
        "Financeurs et services de l'État",
        frozenset({OrganisationKind.cofinanceur, OrganisationKind.etat}),
        "Les bilans que le guichet leur adresse : des chiffres, les personnes désignées par leur référence, "
        "sans nom ni critère par personne.",
        "Les financeurs du guichet et les services de l'État peuvent recevoir les mêmes bilans chiffrés, "
        "sans votre nom.",
    ),
)

REFERENTS = (
    "Organismes référents de l'accompagnement",
    "Pour les personnes dont ils sont le référent : identité, coordonnées, freins, et les entretiens, "
    "formations et CV qu'ils notent.",
    "L'organisme qui vous accompagne, s'il est votre référent, voit votre identité, vos coordonnées, vos "
    "freins et les entretiens qu'il note.",
)


def _guichet(tenant_name: str) -> Recipient:
    return Recipient(
        "Agents du guichet (facilitateurs et administrateurs du territoire)",
        (tenant_name,),
        "Le dossier entier, pour accompagner la personne et exécuter les clauses ; chaque consultation d'un "
        "dossier est enregistrée au journal.",
        "Les agents du guichet qui vous accompagnent voient votre dossier. Chaque consultation est "
        "enregistrée.",
    )


def _departements() -> Recipient | None:
    names = tuple(member.name for member in federation.memberships())
    if not names:
        return None
    verb = "reçoit" if len(names) == 1 else "reçoivent"
    return Recipient(
        "Départements auxquels le territoire rend compte",
        names,
        "Les indicateurs du bilan annuel, l'avancement de leurs propres marchés, les pièces du financement "
        "des postes de facilitateur, et une clé par personne calculée avec un secret à partir du nom et de "
        "la date de naissance (elle compte une fois une personne venue de deux territoires). Jamais un "
        "nom, une date de naissance ni un critère par personne.",
        f"{joined(names)} {verb} des chiffres et un code calculé à partir de votre nom et de votre date de "
        "naissance. Ce code ne révèle ni l'un ni l'autre : il sert seulement à vous compter une fois si "
        "vous travaillez dans deux territoires.",
    )


def recipients(tenant_name: str) -> list[Recipient]:
    """The guichet, then the tenant's active organisations by what they receive (a kind with no
    organisation is left out), the referents, and the Départements the tenant reports to."""
    organisations = [o for o in partenaires.list_all() if o.active]
    found = [_guichet(tenant_name)]
    for label, kinds, receives, notice in KINDS:
        names = tuple(o.name for o in organisations if o.kind in kinds)
        if names:
            found.append(Recipient(label, names, receives, notice))
    referents = _referent_ids()
    names = tuple(o.name for o in organisations if o.id in referents)
    if names:
        found.append(Recipient(REFERENTS[0], names, *REFERENTS[1:]))
    departements = _departements()
    return [*found, departements] if departements else found


def joined(names: Iterable[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    items = list(names)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


# --- the durations and the measures ------------------------------------------------------------------


def months(count: int) -> str:
    """« 18 mois », « 24 mois (2 ans) », « 12 mois (1 an) »."""
    years = count // 12
    if count % 12 or not years:
        return f"{count} mois"
    return f"{count} mois ({years} an{'s' if years > 1 else ''})"


#: what the dossier's due date counts from (``saas.privacy.retention.LAST_CONTACT_SQL``)
LAST_CONTACT = (
    "la date la plus récente d'un contact, d'une prescription, d'une validation, d'un entretien, d'un "
    "mois d'heures, de la fin d'une mission ou de la situation six mois après"
)
#: what the erasure takes and what it leaves (``saas.privacy.anonymise``)
ERASED = "le nom, le prénom, la date de naissance, le courriel, le téléphone, le CV, les justificatifs et les notes"
LEFT = "les missions, les heures, les critères, le sexe, la commune, le niveau et la tranche d'âge"
MODES = {
    "automatique": "Chaque mois, le service efface de lui-même les dossiers arrivés à échéance.",
    "confirmation": "Chaque mois, le service prépare la liste des dossiers arrivés à échéance ; l'effacement "
    "attend que l'administrateur du territoire la confirme.",
}


def durations(values: dict) -> list[Entry]:
    after_contact = months(values["retention_months_after_contact"])
    return [
        Entry(
            "Dossier des personnes",
            f"{after_contact} après le dernier contact ({LAST_CONTACT}) ; une personne en mission n'arrive "
            f"jamais à échéance. À l'échéance, {ERASED} sont effacés ; ce qui reste ({LEFT}) n'est plus "
            f"rattaché à un nom et ne sert qu'aux bilans chiffrés. {MODES[values['retention_mode']]}",
        ),
        Entry(
            "Justificatifs des heures",
            f"{months(values['proof_retention_months'])} après le mois du relevé, ou moins s'ils partent "
            "plus tôt avec le dossier de la personne.",
        ),
        Entry(
            "Documents des conventions",
            f"{months(values['convention_document_retention_months'])} après la fin de la convention.",
        ),
        Entry(
            "Journaux des consultations (dossier, CV, justificatif, document)",
            f"{months(values['access_log_retention_months'])}.",
        ),
        Entry("Listes exportées et fichiers de relevés importés", f"{retention.FILE_DAYS} jours."),
    ]


#: what the code does for security, true of every tenant (the second factor depends on its setting)
MEASURES = (
    Measure(
        "Chaque territoire ne voit que ses propres données : en plus des contrôles de l'application, la "
        "base de données elle-même refuse les lignes d'un autre territoire (sécurité au niveau des lignes).",
        ("tenants/rls.py", "tenants/orm.py"),
    ),
    Measure(
        "Un partenaire ne voit que ce qui concerne son organisation : une structure, les personnes qu'elle "
        "emploie ; un prescripteur, les personnes qu'il a orientées ; un référent, les personnes qu'il "
        "accompagne ; un donneur d'ordre, les chiffres de ses propres marchés.",
        ("saas/portail/api.py", "saas/portail/prescription.py", "blueprints/acheteur/views.py"),
    ),
)
SECOND_FACTOR_EVIDENCE = ("tenants/mfa_policy.py", "tenants/web.py")

OTHER_MEASURES = (
    Measure(
        "Les mots de passe (12 caractères au moins) ne sont jamais gardés en clair : seule leur empreinte "
        "(argon2id) l'est, de même pour les liens d'invitation et les jetons d'accès.",
        ("saas/security.py",),
    ),
    Measure(
        "Après plusieurs échecs de connexion, chaque nouvel essai attend un délai qui double à chaque échec.",
        ("saas/accounts/throttle.py",),
    ),
    Measure(
        "Un accès désactivé est coupé aussitôt, sessions ouvertes comprises.",
        ("saas/accounts/memberships.py",),
    ),
    Measure(
        "Chaque consultation du dossier d'une personne, de son CV ou d'un justificatif d'heures est "
        "enregistrée au journal : qui, quoi, quand. La base de données refuse qu'une entrée du journal soit "
        "modifiée ou effacée ; seul le traitement de conservation peut y effacer les consultations de plus "
        "de six mois et retirer les détails personnels d'un dossier anonymisé, sans jamais en ajouter.",
        (
            "saas/participants/api.py",
            "saas/heures/api.py",
            "saas/audit/models.py",
            "saas/privacy/anonymise.py",
        ),
    ),
    Measure(
        "Les heures ne sont jamais réécrites : une correction remplace un relevé sans l'effacer, et chaque "
        "décision est tracée.",
        ("saas/heures/models.py",),
    ),
    Measure(
        "Aucun numéro de sécurité sociale (NIR) n'est demandé ni enregistré.",
        ("saas/participants/models.py",),
    ),
    Measure(
        "Pour l'éligibilité, seuls le critère et le type de justificatif vu sont enregistrés : le document "
        "n'est pas gardé. L'identité est rangée à part du parcours ; les bilans et les rapports désignent "
        "les personnes par une référence.",
        ("saas/participants/models.py", "saas/bilans/listings.py"),
    ),
    Measure(
        "Les fichiers déposés (CV, justificatifs, documents) sont acceptés d'après leur contenu réel, jamais "
        "d'après leur nom ou le type annoncé.",
        ("saas/uploads.py",),
    ),
    Measure(
        "Les rapports aux Départements sont signés et ne portent que des chiffres et des clés "
        "pseudonymisées, calculées avec un secret que le Département ne détient pas.",
        ("saas/federation/keys.py", "saas/federation/building.py"),
    ),
    Measure(
        "Les pages n'exécutent aucun script venu d'ailleurs (politique de sécurité du contenu), et les "
        "exports de tableur n'exécutent aucune formule saisie.",
        ("blueprints/headers.py", "saas/tabular.py"),
    ),
)


def measures(mfa_for_all: bool) -> list[Measure]:
    """The security measures of the tenant in scope: who must use a second factor is its setting."""
    second_factor = (
        "La double authentification est exigée des administrateurs du territoire, des coordinateurs des "
        "Départements et de l'opérateur de la plateforme"
        + (
            ", et, sur ce territoire, de tous les utilisateurs."
            if mfa_for_all
            else " ; les autres utilisateurs peuvent l'activer, et vous pouvez l'exiger de tous (Paramètres)."
        )
    )
    return [*MEASURES, Measure(second_factor, SECOND_FACTOR_EVIDENCE), *OTHER_MEASURES]


# --- the register ------------------------------------------------------------------------------------


def build(today: date | None = None) -> Register:
    """The register of the tenant in scope, as its settings and its data stand now."""
    tenant_name, mfa_for_all = _tenant()
    values = settings.current()
    controller = str(values["privacy_controller"] or "").strip()
    contact = str(values["privacy_contact"] or "").strip()
    missing = tuple(
        message
        for message, given in ((MISSING_CONTROLLER, controller), (MISSING_CONTACT, contact))
        if not given
    )
    return Register(
        tenant_name=tenant_name,
        controller=controller or tenant_name,
        contact=contact,
        missing=missing,
        purposes=PURPOSES,
        bases=BASES,
        people=PEOPLE,
        categories=tuple(
            CategoryLine(
                category, tuple(inventory.data_of(category)), tuple(inventory.data_of(category, True))
            )
            for category in inventory.categories_used()
            if category is not Category.gestion
        ),
        stores=inventory.INVENTORY,
        recipients=tuple(recipients(tenant_name)),
        durations=tuple(durations(values)),
        measures=tuple(measures(mfa_for_all)),
        to_check=TO_CHECK,
        values=values,
        edited_on=today or clock.today(),
    )


def shown_data(item: Stored) -> list[tuple[str, str]]:
    """``(category, its data joined)`` of one stored table, in the order of :class:`Category`."""
    by_category: dict[Category, list[str]] = {}
    for datum in item.data:
        by_category.setdefault(datum.category, []).append(datum.label)
    return [
        (category.label, ", ".join(by_category[category])) for category in Category if category in by_category
    ]


def _cover(register: Register) -> list[tuple[str, str]]:
    rows = [
        ("Responsable du traitement", register.controller),
        ("Contact pour l'exercice des droits", register.contact or "À compléter"),
        *[("À compléter", message) for message in register.missing],
        *[("Finalité", f"{e.label} : {e.detail}") for e in register.purposes],
        *[("Base légale", f"{e.label} : {e.detail}") for e in register.bases],
        *[("Personnes concernées", person) for person in register.people],
        *[("Mesure de sécurité", m.text) for m in register.measures],
        *[("À vérifier", item) for item in register.to_check],
    ]
    return [*rows, ("Registre édité le", formats.date(register.edited_on))]


def workbook(register: Register, basename: str) -> tuple[str, str, bytes]:
    """``(filename, mimetype, content)`` of the register as an XLSX workbook of four sheets."""
    data = [
        (item.label, datum.label, datum.category.label, "oui" if datum.sensitive else "non")
        for item in register.stores
        for datum in item.data
    ]
    return write_workbook(
        basename,
        [
            Sheet("Registre", ("Rubrique", "Contenu"), _cover(register), filters=False),
            Sheet("Données", ("Enregistrement", "Donnée", "Catégorie", "Donnée sensible"), data),
            Sheet(
                "Destinataires",
                ("Destinataire", "Organisations", "Ce qu'il reçoit"),
                [(r.label, ", ".join(r.organisations), r.receives) for r in register.recipients],
            ),
            Sheet(
                "Durées",
                ("Données", "Durée de conservation"),
                [(e.label, e.detail) for e in register.durations],
            ),
        ],
    )
