"""What the software stores of the participants, column by column, in plain French: the inventory the
processing register and the participants' notice are made of (``saas.privacy.register``).

Every table that holds a participant's data is declared here: the tables that hang off
``participants`` by their foreign keys, and those that keep it without one (the audit log, the
spreadsheets imported). Each column has a label a person reads and a :class:`Category`;
``tests/privacy/test_register.py`` reads the columns from the SQLAlchemy metadata and fails when one
is not declared, or when a declaration names a column that no longer exists: the register cannot
drift from the schema. The columns every row carries (:data:`COMMON`) are declared once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import auto

from saas.choices import Choices


class Category(Choices):
    """The categories of data of the register (the CNIL's model: identité, vie professionnelle...)."""

    identite = auto(), "Identité"
    coordonnees = auto(), "Coordonnées"
    situation = auto(), "Situation au regard de l'emploi"
    eligibilite = auto(), "Critères d'éligibilité (données sensibles : handicap, RSA, justice…)"
    parcours = auto(), "Parcours : orientation, contrats et sorties"
    heures = auto(), "Heures de travail et de formation"
    justificatifs = auto(), "Justificatifs des heures"
    suivi = auto(), "Suivi et accompagnement"
    cv = auto(), "CV et compétences"
    journaux = auto(), "Journaux des actions et des consultations"
    droits = auto(), "Demandes d'exercice des droits"
    gestion = auto(), "Données de gestion"

    @property
    def sensitive(self) -> bool:
        """Data that may reveal a health condition (disability), a social situation (RSA) or a
        judicial one (RGPD art. 9 and 10, or data the CNIL calls highly personal)."""
        return self is Category.eligibilite


@dataclass(frozen=True)
class Datum:
    """One column of a table, as the register names it."""

    column: str
    label: str
    category: Category
    #: sensitive although its category is not (the freins include health and a judicial situation)
    sensitive_alone: bool = False

    @property
    def sensitive(self) -> bool:
        return self.sensitive_alone or self.category.sensitive


@dataclass(frozen=True)
class Stored:
    """One table holding a participant's data: what a person calls it, and its columns."""

    table: str
    label: str
    data: tuple[Datum, ...]

    def columns(self) -> set[str]:
        return {datum.column for datum in self.data} | set(COMMON)


#: the columns of every row, or of most: the internal numbers, the link to the person's file, who
#: recorded it and when (declared once, shown once).
COMMON = {
    "tenant_id": "Territoire",
    "id": "Numéro interne",
    "participant_id": "Rattachement au dossier de la personne",
    "mission_id": "Rattachement à la mission",
    "statement_id": "Rattachement au relevé d'heures",
    "eligibility_id": "Rattachement à la validation d'éligibilité",
    "counting_id": "Rattachement au décompte des heures",
    "report_id": "Rattachement au point hebdomadaire",
    "created_by": "Auteur de l'enregistrement",
    "created_at": "Date de l'enregistrement",
}

#: columns of a category that may be sensitive on their own (``Datum.sensitive_alone``)
SENSITIVE_ALONE = {("participants", "freins")}  # santé, situation judiciaire


def stored(table: str, label: str, **by_category: dict[str, str]) -> Stored:
    """``stored("cv_profiles", "Profil de la CVthèque", cv={"skills": "Compétences"})``: the
    columns of ``table`` under the name of their category."""
    data = tuple(
        Datum(column, text, Category(category), (table, column) in SENSITIVE_ALONE)
        for category, columns in by_category.items()
        for column, text in columns.items()
    )
    return Stored(table, label, data)


_WHO_WHEN = {"validated_by": "Agent qui a validé", "validated_at": "Date de validation"}

PERSON = (
    stored(
        "participants",
        "Dossier de la personne",
        parcours={
            "reference": "Référence pseudonyme, montrée dans les listes et les bilans",
            "referent_organisation_id": "Organisme référent qui accompagne la personne",
            "last_contact_on": "Date du dernier contact",
        },
        situation={
            "qualification_level": "Niveau de qualification",
            "freins": "Freins à l'emploi (mobilité, logement, santé, situation judiciaire…)",
        },
        suivi={
            "projet_professionnel": "Projet professionnel",
            "bilan_entree": "Bilan individuel d'entrée",
            "bilan_entree_on": "Date du bilan d'entrée",
        },
        gestion={"anonymised_at": "Date de l'anonymisation du dossier"},
    ),
    stored(
        "participant_identities",
        "Identité et coordonnées",
        identite={
            "last_name": "Nom",
            "first_name": "Prénom",
            "last_name_folded": "Nom sans accents (pour la recherche)",
            "first_name_folded": "Prénom sans accents (pour la recherche)",
            "birth_date": "Date de naissance",
            "sex": "Sexe",
        },
        situation={"kept_age_band": "Tranche d'âge gardée après l'effacement de la date de naissance"},
        coordonnees={
            "email": "Adresse électronique",
            "phone": "Téléphone",
            "commune_insee": "Commune de résidence",
            "qpv_code": "Quartier prioritaire de résidence",
        },
    ),
    stored(
        "prescriptions",
        "Prescriptions (orientations vers le guichet)",
        parcours={
            "prescripteur_id": "Prescripteur qui oriente la personne",
            "prescribed_on": "Date de la prescription",
            "valid_until": "Fin de validité de la prescription",
            "consent_on": "Date de l'accord de la personne",
        },
        suivi={"content": "Contenu de la fiche de prescription"},
    ),
    stored(
        "eligibilities",
        "Validations de l'éligibilité",
        eligibilite={
            "validated_on": "Date de la validation",
            "anchor": "Point de départ de la validité",
            "validity_months": "Durée de validité",
            "valid_from": "Début de validité",
            "valid_until": "Fin de validité",
            "revoked_at": "Date du retrait de la validation",
            "revoked_reason": "Motif du retrait",
        },
        suivi={"notes": "Notes de la validation"},
        gestion={"validated_by": _WHO_WHEN["validated_by"]},
    ),
    stored(
        "eligibility_criteria",
        "Critères d'éligibilité retenus",
        eligibilite={
            "criterion_code": "Critère (par exemple bénéficiaire du RSA, travailleur handicapé)",
            "proof_type": "Type de justificatif vu (le document lui-même n'est pas gardé)",
        },
    ),
    stored(
        "cv_profiles",
        "Profil de la CVthèque",
        cv={
            "rome_codes": "Métiers recherchés",
            "skills": "Compétences",
            "available_from": "Disponible à partir du",
            "availability": "Disponibilités",
            "mobility": "Moyens de déplacement",
            "mobility_radius_km": "Distance de déplacement possible",
            "cv_filename": "Nom du fichier du CV",
            "cv_mimetype": "Format du fichier du CV",
            "cv_content": "Fichier du CV",
            "published": "Profil visible dans la CVthèque",
        },
        gestion={**_WHO_WHEN, "updated_at": "Date de la dernière modification"},
    ),
    stored(
        "accompaniment_entries",
        "Entretiens et notes de l'organisme référent",
        suivi={
            "organisation_id": "Organisme qui a noté l'entretien",
            "kind": "Nature (entretien, point sur les freins, formation, CV)",
            "happened_on": "Date de l'entretien ou de la formation",
            "summary": "Compte rendu",
            "training_title": "Intitulé de la formation",
            "training_until": "Fin de la formation",
        },
    ),
)

MISSIONS = (
    stored(
        "missions",
        "Missions et contrats",
        parcours={
            "employer_id": "Employeur ou structure",
            "lot_id": "Lot du marché",
            "modality": "Modalité (embauche directe, mise à disposition…)",
            "contract_type": "Type de contrat",
            "start_date": "Début du contrat",
            "end_date": "Fin prévue",
            "trial_end_date": "Fin de la période d'essai",
            "weekly_hours": "Heures par semaine",
            "job_title": "Poste",
            "rome_code": "Métier",
            "exit_date": "Date de sortie",
            "exit_motif": "Motif de sortie",
            "exit_category": "Catégorie de sortie",
            "situation_6m_motif": "Situation six mois après la sortie",
            "situation_6m_on": "Date de la situation à six mois",
            "durable_confirmed": "Emploi durable confirmé",
        },
        eligibilite={
            "eligibility_override": "Placement sans éligibilité valide (dérogation)",
            "override_reason": "Motif de la dérogation",
        },
        gestion={"override_by": "Agent qui a accordé la dérogation"},
    ),
    stored(
        "follow_ups",
        "Suivis des missions",
        suivi={
            "step": "Étape du suivi",
            "due_on": "Date prévue",
            "done_on": "Date du suivi",
            "kind": "Forme du suivi (visite, entretien…)",
            "notes": "Notes du suivi",
        },
        gestion={"done_by": "Agent qui a fait le suivi", "recorded_at": "Date de l'enregistrement"},
    ),
    stored(
        "weekly_report_lines",
        "Points hebdomadaires des employeurs",
        suivi={"situation": "Déroulement de la semaine", "note": "Difficulté signalée"},
    ),
    stored(
        "mission_evaluations",
        "Évaluations de fin de mission",
        suivi={
            "organisation_id": "Employeur qui évalue",
            "evaluated_on": "Date de l'évaluation",
            "marks": "Appréciation de chaque critère",
            "strengths": "Points forts",
            "improvements": "Points à travailler",
            "recommendation": "Suite recommandée",
        },
    ),
)

_HOURS = {"hours": "Heures comptées", "raw_hours": "Heures réalisées"}

HOURS = (
    stored(
        "hour_statements",
        "Relevés mensuels d'heures",
        heures={
            "month": "Mois",
            "worked_hours": "Heures travaillées",
            "training_hours": "Heures de formation",
            "absence_hours": "Heures d'absence",
            "comment": "Commentaire de l'employeur",
            "status": "Statut (déclaré, validé, rejeté)",
            "rejection_reason": "Motif du rejet",
        },
        gestion={
            "source": "Origine (saisie, import, logiciel de paie)",
            "supersedes_id": "Relevé corrigé",
            "superseded_at": "Date du remplacement par une correction",
            "declared_by": "Personne qui a déclaré",
            "declared_at": "Date de la déclaration",
            "decided_by": "Agent qui a validé ou rejeté",
            "decided_at": "Date de la décision",
            "row_version": "Version de l'enregistrement",
        },
    ),
    stored(
        "statement_proofs",
        "Justificatifs des relevés d'heures",
        justificatifs={
            "filename": "Nom du fichier",
            "mimetype": "Format du fichier",
            "content": "Fichier (bulletin de paie, contrat, relevé…)",
        },
        gestion={"uploaded_by": "Personne qui a déposé", "uploaded_at": "Date du dépôt"},
    ),
    stored(
        "hour_countings",
        "Décomptes des heures",
        heures={
            "raw_hours": "Heures réalisées",
            "counted_hours": "Heures comptées",
            "detail": "Détail du calcul",
        },
        gestion={"rule_id": "Règle de comptage appliquée", "current": "Décompte en vigueur"},
    ),
    stored(
        "hour_allocations",
        "Heures attribuées aux lots",
        heures={"lot_id": "Lot du marché", "hours": "Heures attribuées"},
        gestion={"agreement_id": "Accord de mutualisation"},
    ),
    stored(
        "mission_hour_totals",
        "Totaux mensuels d'heures par mission",
        heures={"month": "Mois", "lot_id": "Lot du marché", **_HOURS, "countings": "Nombre de décomptes"},
        gestion={"rule_id": "Règle de comptage appliquée"},
    ),
    stored(
        "mission_facts",
        "Clés de regroupement des bilans (sans nom)",
        parcours={
            "lot_id": "Lot du marché",
            "employer_id": "Employeur ou structure",
            "start_date": "Début du contrat",
            "until_date": "Fin du contrat ou date de sortie",
            "exit_date": "Date de sortie",
            "exit_category": "Catégorie de sortie",
            "situation_6m_motif": "Situation à six mois",
            "contract_type": "Type de contrat",
            "modality": "Modalité",
            "employer_kind": "Type d'employeur",
            "duration": "Durée du contrat",
            "rome_code": "Métier",
            "sector": "Secteur",
            "prescripteur_id": "Prescripteur",
            "prescriber_kind": "Type de prescripteur",
        },
        situation={
            "sex": "Sexe",
            "age_band": "Tranche d'âge",
            "level": "Niveau de qualification",
            "qpv": "Résidence en quartier prioritaire",
        },
        eligibilite={"criteria": "Critères d'éligibilité à l'entrée"},
    ),
)

TRACES = (
    stored(
        "audit_log",
        "Journal des actions et des consultations",
        journaux={
            "occurred_at": "Date et heure",
            "actor_user_id": "Utilisateur",
            "actor_email": "Adresse électronique de l'utilisateur",
            "action": "Action (dont chaque consultation d'un dossier, d'un CV ou d'un justificatif)",
            "target_type": "Nature de l'objet concerné",
            "target_id": "Objet concerné (par exemple le dossier consulté)",
            "ip_address": "Adresse IP",
            "user_agent": "Navigateur utilisé",
            "details": "Détails de l'action",
        },
    ),
    stored(
        "job_artifacts",
        "Listes exportées depuis les pages",
        parcours={"content": "Fichier exporté (une liste peut nommer des personnes)"},
        gestion={"run_id": "Traitement qui l'a produit", "filename": "Nom du fichier", "mimetype": "Format"},
    ),
    stored(
        "hour_imports",
        "Fichiers de relevés d'heures importés",
        heures={"content": "Fichier importé (noms des personnes et heures du mois)"},
        gestion={
            "organisation_id": "Structure qui a importé",
            "filename": "Nom du fichier",
            "kind": "Format du fichier",
            "digest": "Empreinte du fichier",
            "mapping": "Colonnes reconnues",
            "status": "État de l'import",
            "counts": "Nombre de relevés écrits",
            "written_at": "Date de l'écriture",
        },
    ),
)

RIGHTS = (
    stored(
        "privacy_requests",
        "Demandes des personnes sur leurs données",
        droits={
            "kind": "Droit exercé (accès, rectification, effacement…)",
            "received_on": "Date de réception",
            "due_on": "Date limite de réponse",
            "status": "État de la demande",
            "answered_on": "Date de la réponse",
            "answer": "Réponse faite",
        },
        gestion={"answered_by": "Agent qui a répondu"},
    ),
    stored(
        "retention_runs",
        "Passages de la conservation des données",
        gestion={
            "participant_ids": "Personnes dont le dossier arrivait à échéance",
            "mode": "Simulation ou application",
            "trigger": "Origine du passage",
            "status": "État du passage",
            "rule": "Durées appliquées",
            "counts": "Nombre d'éléments effacés",
            "proposal_id": "Simulation confirmée",
            "requested_by": "Administrateur qui a demandé le passage",
            "applied_at": "Date de l'application",
        },
    ),
)

#: every table of a participant's data, in the order the register shows them
INVENTORY: tuple[Stored, ...] = PERSON + MISSIONS + HOURS + TRACES + RIGHTS
#: tables that keep a participant's data without a foreign key to it (the drift test reaches the
#: others through the foreign keys)
UNLINKED = frozenset({"audit_log", "hour_imports", "job_artifacts", "retention_runs"})


def by_table() -> dict[str, Stored]:
    return {item.table: item for item in INVENTORY}


def categories_used() -> list[Category]:
    """The categories the inventory holds, in the order of :class:`Category`."""
    used = {datum.category for item in INVENTORY for datum in item.data}
    return [category for category in Category if category in used]


def data_of(category: Category, sensitive_alone: bool = False) -> list[str]:
    """The labels of ``category``'s data, each once, in the inventory's order; with
    ``sensitive_alone``, only those sensitive on their own (``Datum.sensitive_alone``)."""
    labels = (
        datum.label
        for item in INVENTORY
        for datum in item.data
        if datum.category is category and (datum.sensitive_alone or not sensitive_alone)
    )
    return list(dict.fromkeys(labels))
