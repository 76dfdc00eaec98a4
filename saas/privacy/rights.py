"""Everything the guichet holds about one person, for an access or portability request (RGPD art.
15 and 20): one section per table that mentions them, read in SQL with the codes in words.

``SECTIONS`` names the table each section reads; the tests compare it with the catalogue (every
table that refers to the person, directly or through a mission, a statement, an eligibility or a
counting), so that a new table cannot be left out of the export. The file itself (JSON, PDF) is
laid out by the view (``blueprints/guichet/privacy_views.py``); making it is audited like a read of
the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import text

from saas import clock
from saas.audit import api as audit
from saas.bilans.engine import AGE_BANDS
from saas.choices import Choices
from saas.db import db
from saas.heures.enums import ReleveStatus, Source
from saas.parcours.enums import FollowUpKind, FollowUpStep, Modality, Recommendation, WeeklySituation
from saas.participants.enums import AccompanimentKind, Sex
from saas.participants.models import Participant
from saas.privacy.models import RequestKind, RequestStatus
from saas.referentiels.enums import ExitCategory
from tenants.context import require_tenant_id

audit.ACTION_LABELS["privacy.data_exported"] = "Export des données d'une personne (droit d'accès)"

_MISSIONS = "SELECT id FROM missions WHERE tenant_id = :t AND participant_id = :p"
_STATEMENTS = f"SELECT id FROM hour_statements WHERE tenant_id = :t AND mission_id IN ({_MISSIONS})"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    table: str
    sql: str
    #: the columns holding a code of a closed list, and that list (or its labels by code)
    labels: Mapping[str, type[Choices] | Mapping[str, str]] = field(default_factory=dict)


SECTIONS: tuple[Section, ...] = (
    Section(
        "identite",
        "Identité et coordonnées",
        "participant_identities",
        'SELECT i.last_name AS "Nom", i.first_name AS "Prénom", i.birth_date AS "Date de naissance", '
        'i.sex AS "Sexe", i.email AS "Courriel", i.phone AS "Téléphone", c.name AS "Commune", '
        'q.name AS "Quartier prioritaire" FROM participant_identities i '
        "LEFT JOIN ref_communes c ON c.insee = i.commune_insee LEFT JOIN ref_qpv q ON q.code = i.qpv_code "
        "WHERE i.tenant_id = :t AND i.participant_id = :p",
        {"Sexe": Sex},
    ),
    Section(
        "dossier",
        "Dossier",
        "participants",
        "SELECT p.reference AS \"Référence\", (SELECT r.label FROM ref_items r WHERE r.list = 'niveau_qualification' "
        'AND r.code = p.qualification_level) AS "Niveau de qualification", '
        "(SELECT string_agg(r.label, ', ' ORDER BY r.label) FROM ref_items r WHERE r.list = 'frein' "
        'AND r.code = ANY(p.freins)) AS "Freins", p.projet_professionnel AS "Projet professionnel", '
        'p.bilan_entree AS "Bilan d\'entrée", p.bilan_entree_on AS "Date du bilan d\'entrée", '
        'o.name AS "Structure référente", p.last_contact_on AS "Dernier contact", '
        'p.created_at AS "Dossier créé le", p.anonymised_at AS "Anonymisé le" FROM participants p '
        "LEFT JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.referent_organisation_id "
        "WHERE p.tenant_id = :t AND p.id = :p",
    ),
    Section(
        "prescriptions",
        "Prescriptions",
        "prescriptions",
        'SELECT o.name AS "Prescripteur", x.prescribed_on AS "Date", x.valid_until AS "Valable jusqu\'au", '
        'x.content AS "Motif", x.consent_on AS "Consentement recueilli le" FROM prescriptions x '
        "JOIN organisations o ON o.tenant_id = x.tenant_id AND o.id = x.prescripteur_id "
        "WHERE x.tenant_id = :t AND x.participant_id = :p ORDER BY x.prescribed_on, x.id",
    ),
    Section(
        "eligibilites",
        "Validations de l'éligibilité",
        "eligibilities",
        'SELECT e.validated_on AS "Validée le", e.valid_from AS "Valable du", e.valid_until AS "Valable jusqu\'au", '
        'e.notes AS "Notes", e.revoked_at AS "Retirée le", e.revoked_reason AS "Motif du retrait" '
        "FROM eligibilities e WHERE e.tenant_id = :t AND e.participant_id = :p ORDER BY e.validated_on, e.id",
    ),
    Section(
        "criteres",
        "Critères d'éligibilité retenus",
        "eligibility_criteria",
        'SELECT e.validated_on AS "Validation du", r.label AS "Critère", coalesce((SELECT j.label FROM ref_items j '
        "WHERE j.list = 'justificatif' AND j.code = c.proof_type), c.proof_type) AS \"Justificatif vu\" "
        "FROM eligibility_criteria c JOIN eligibilities e ON e.tenant_id = c.tenant_id AND e.id = c.eligibility_id "
        "JOIN ref_criteria r ON r.code = c.criterion_code WHERE c.tenant_id = :t AND e.participant_id = :p "
        "ORDER BY e.validated_on, r.label",
    ),
    Section(
        "cv",
        "Profil dans la CVthèque",
        "cv_profiles",
        'SELECT array_to_string(v.rome_codes, \', \') AS "Métiers (codes ROME)", v.skills AS "Compétences", '
        'v.available_from AS "Disponible à partir du", v.availability AS "Disponibilités", '
        "(SELECT string_agg(r.label, ', ' ORDER BY r.label) FROM ref_items r WHERE r.list = 'mobilite' "
        'AND r.code = ANY(v.mobility)) AS "Mobilité", v.mobility_radius_km AS "Rayon de mobilité (km)", '
        'v.cv_filename AS "CV (fichier)", length(v.cv_content) AS "CV (octets)", '
        'v.validated_at AS "Validé le", v.published AS "Visible dans la CVthèque" FROM cv_profiles v '
        "WHERE v.tenant_id = :t AND v.participant_id = :p",
    ),
    Section(
        "accompagnement",
        "Suivi par la structure référente",
        "accompaniment_entries",
        'SELECT a.happened_on AS "Date", a.kind AS "Type", o.name AS "Structure", a.summary AS "Compte rendu", '
        'a.training_title AS "Formation", a.training_until AS "Formation jusqu\'au" FROM accompaniment_entries a '
        "JOIN organisations o ON o.tenant_id = a.tenant_id AND o.id = a.organisation_id "
        "WHERE a.tenant_id = :t AND a.participant_id = :p ORDER BY a.happened_on, a.id",
        {"Type": AccompanimentKind},
    ),
    Section(
        "missions",
        "Missions",
        "missions",
        'SELECT o.name AS "Employeur", mk.reference || \' — \' || mk.object AS "Marché", l.number AS "Lot", '
        'm.modality AS "Modalité", ct.label AS "Contrat", m.start_date AS "Début", m.end_date AS "Fin prévue", '
        'm.weekly_hours AS "Heures par semaine", m.job_title AS "Poste", m.exit_date AS "Sortie le", '
        'em.label AS "Motif de sortie", m.exit_category AS "Catégorie de sortie", '
        'm.situation_6m_on AS "Situation à 6 mois le", sm.label AS "Situation à 6 mois", '
        'm.trial_end_date AS "Fin de la période d\'essai", m.override_reason AS "Motif de la dérogation" '
        "FROM missions m "
        "JOIN organisations o ON o.tenant_id = m.tenant_id AND o.id = m.employer_id "
        "JOIN lots l ON l.tenant_id = m.tenant_id AND l.id = m.lot_id "
        "JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id "
        "JOIN ref_contract_types ct ON ct.code = m.contract_type "
        "LEFT JOIN ref_exit_motifs em ON em.code = m.exit_motif "
        "LEFT JOIN ref_exit_motifs sm ON sm.code = m.situation_6m_motif "
        "WHERE m.tenant_id = :t AND m.participant_id = :p ORDER BY m.start_date, m.id",
        {"Modalité": Modality, "Catégorie de sortie": ExitCategory},
    ),
    Section(
        "suivi_des_missions",
        "Plan de suivi des missions",
        "follow_ups",
        'SELECT m.start_date AS "Mission du", f.step AS "Étape", f.due_on AS "Prévue le", f.done_on AS "Faite le", '
        'f.kind AS "Forme", f.notes AS "Notes" FROM follow_ups f '
        "JOIN missions m ON m.tenant_id = f.tenant_id AND m.id = f.mission_id "
        "WHERE f.tenant_id = :t AND m.participant_id = :p ORDER BY f.due_on, f.id",
        {"Étape": FollowUpStep, "Forme": FollowUpKind},
    ),
    Section(
        "releves",
        "Relevés d'heures",
        "hour_statements",
        'SELECT s.month AS "Mois", s.worked_hours AS "Heures travaillées", s.training_hours AS "Heures de formation", '
        's.absence_hours AS "Heures d\'absence", s.source AS "Déclaré par", s.status AS "Statut", '
        's.comment AS "Commentaire", s.rejection_reason AS "Motif du refus", s.declared_at AS "Déclaré le", '
        's.superseded_at AS "Remplacé le" FROM hour_statements s '
        f"WHERE s.tenant_id = :t AND s.mission_id IN ({_MISSIONS}) ORDER BY s.month, s.id",
        {"Déclaré par": Source, "Statut": ReleveStatus},
    ),
    Section(
        "justificatifs",
        "Justificatifs des heures",
        "statement_proofs",
        'SELECT s.month AS "Mois", j.filename AS "Fichier", length(j.content) AS "Taille (octets)", '
        'j.uploaded_at AS "Déposé le" FROM statement_proofs j '
        "JOIN hour_statements s ON s.tenant_id = j.tenant_id AND s.id = j.statement_id "
        f"WHERE j.tenant_id = :t AND j.statement_id IN ({_STATEMENTS}) ORDER BY s.month, j.id",
    ),
    Section(
        "heures_comptees",
        "Heures comptées",
        "hour_countings",
        'SELECT s.month AS "Mois", c.raw_hours AS "Heures retenues", c.counted_hours AS "Heures comptées", '
        'c.current AS "En vigueur", c.created_at AS "Comptées le" FROM hour_countings c '
        "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id "
        f"WHERE c.tenant_id = :t AND c.statement_id IN ({_STATEMENTS}) ORDER BY s.month, c.id",
    ),
    Section(
        "affectations",
        "Affectation des heures aux lots",
        "hour_allocations",
        'SELECT s.month AS "Mois", l.number AS "Lot", a.hours AS "Heures" FROM hour_allocations a '
        "JOIN hour_countings c ON c.tenant_id = a.tenant_id AND c.id = a.counting_id "
        "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id "
        "JOIN lots l ON l.tenant_id = a.tenant_id AND l.id = a.lot_id "
        f"WHERE a.tenant_id = :t AND c.statement_id IN ({_STATEMENTS}) ORDER BY s.month, a.id",
    ),
    Section(
        "heures_par_mois",
        "Heures comptées par mois",
        "mission_hour_totals",
        'SELECT t.month AS "Mois", t.raw_hours AS "Heures retenues", t.hours AS "Heures comptées" '
        f"FROM mission_hour_totals t WHERE t.tenant_id = :t AND t.mission_id IN ({_MISSIONS}) ORDER BY t.month, t.id",
    ),
    Section(
        "faits_des_bilans",
        "Ce que les bilans retiennent de chaque mission",
        "mission_facts",
        'SELECT f.start_date AS "Mission du", f.sex AS "Sexe", f.age_band AS "Tranche d\'âge", '
        "(SELECT r.label FROM ref_items r WHERE r.list = 'niveau_qualification' AND r.code = f.level) AS \"Niveau\", "
        "f.qpv AS \"Quartier prioritaire\", (SELECT string_agg(c.label, ', ' ORDER BY c.label) FROM ref_criteria c "
        'WHERE c.code = ANY(f.criteria)) AS "Critères", f.exit_category AS "Catégorie de sortie" FROM mission_facts f '
        f"WHERE f.tenant_id = :t AND f.mission_id IN ({_MISSIONS}) ORDER BY f.start_date",
        {"Sexe": Sex, "Tranche d'âge": AGE_BANDS, "Catégorie de sortie": ExitCategory},
    ),
    Section(
        "mots_hebdomadaires",
        "Points hebdomadaires de l'employeur",
        "weekly_report_lines",
        'SELECT w.week_start AS "Semaine du", x.situation AS "Situation", x.note AS "Note" '
        "FROM weekly_report_lines x JOIN weekly_reports w ON w.tenant_id = x.tenant_id AND w.id = x.report_id "
        f"WHERE x.tenant_id = :t AND x.mission_id IN ({_MISSIONS}) ORDER BY w.week_start, x.id",
        {"Situation": WeeklySituation},
    ),
    Section(
        "evaluations",
        "Évaluations de fin de mission",
        "mission_evaluations",
        'SELECT e.evaluated_on AS "Date", o.name AS "Structure", e.strengths AS "Points forts", '
        'e.improvements AS "Points à travailler", e.recommendation AS "Suite proposée" FROM mission_evaluations e '
        "JOIN organisations o ON o.tenant_id = e.tenant_id AND o.id = e.organisation_id "
        f"WHERE e.tenant_id = :t AND e.mission_id IN ({_MISSIONS}) ORDER BY e.evaluated_on, e.id",
        {"Suite proposée": Recommendation},
    ),
    Section(
        "consultations",
        "Qui a consulté ou modifié le dossier",
        "audit_log",
        'SELECT a.occurred_at AS "Date", coalesce(u.display_name, a.actor_email) AS "Personne", a.action AS "Action" '
        "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id WHERE a.tenant_id = :t "
        "AND ((a.target_type = 'participant' AND a.target_id = CAST(:p AS text)) OR (a.action = 'hours.proof_read' "
        f"AND a.target_type = 'hour_statement' AND a.target_id IN (SELECT CAST(id AS text) FROM ({_STATEMENTS}) s))) "
        "ORDER BY a.occurred_at, a.id",
    ),
    Section(
        "demandes",
        "Demandes sur ses données",
        "privacy_requests",
        'SELECT r.kind AS "Demande", r.received_on AS "Reçue le", r.due_on AS "Réponse due le", '
        'r.status AS "Statut", r.answered_on AS "Répondue le", r.answer AS "Réponse" FROM privacy_requests r '
        "WHERE r.tenant_id = :t AND r.participant_id = :p ORDER BY r.received_on, r.id",
        {"Demande": RequestKind, "Statut": RequestStatus},
    ),
)


@dataclass(frozen=True)
class Export:
    reference: str
    made_at: datetime
    #: (section, rows): each row maps a column's French name to its value
    sections: list[tuple[Section, list[dict]]]


def _value(value, choices: type[Choices] | Mapping[str, str] | None):
    if choices is None or not isinstance(value, str):
        return value
    if isinstance(choices, Mapping):
        return choices.get(value, value)
    return choices.label_of(value)


def _rows(section: Section, participant_id: int) -> list[dict]:
    result = db.session.execute(text(section.sql), {"t": require_tenant_id(), "p": participant_id})
    rows = [dict(row) for row in result.mappings()]
    if section.key == "consultations":
        return [row | {"Action": audit.action_label(row["Action"])} for row in rows]
    return [{key: _value(value, section.labels.get(key)) for key, value in row.items()} for row in rows]


def export(actor: audit.Actor, participant: Participant) -> Export:
    """Everything held about ``participant``; the export is audited (a read of the whole file)."""
    audit.record(
        "privacy.data_exported", actor, "participant", participant.id, {"reference": participant.reference}
    )
    sections = [(section, _rows(section, participant.id)) for section in SECTIONS]
    return Export(participant.reference, clock.now(), sections)


def plain(value):
    """A value as JSON holds it: dates in ISO 8601, hours as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


#: the shape of the JSON file, for whoever reads it again (portability)
JSON_FORMAT = "guichet-clauses/donnees-personne/1"


def as_json(made: Export, territory: str) -> bytes:
    """The export as one JSON file: every section by its key, its title and its rows."""
    document = {
        "format": JSON_FORMAT,
        "territoire": territory,
        "reference": made.reference,
        "produit_le": made.made_at.isoformat(),
        "sections": {
            section.key: {
                "titre": section.title,
                "lignes": [{key: plain(value) for key, value in row.items()} for row in rows],
            }
            for section, rows in made.sections
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def filename(made: Export, extension: str) -> str:
    """``donnees-P-2026-00042.json``: ASCII, as every download is named."""
    return f"donnees-{made.reference}.{extension}"
