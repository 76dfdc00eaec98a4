"""A person followed in 2025 in every table that can mention her, with a name no other data holds,
and the search of the whole database for her (every text, JSON, array, binary and date column)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text

from saas.audit import api as audit
from saas.db import db
from saas.heures import api as heures
from saas.jobs import api as runs
from saas.parcours import api as parcours
from saas.parcours import partner_reports
from saas.parcours.enums import EVALUATION_CRITERIA
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.portail import accompaniment
from tests.builders import ClauseWorld, place
from tests.world import ACTOR, PDF, PNG

LAST_NAME, FIRST_NAME = "Quintessa-Vauclair", "Zéphyrine"
BIRTH_DATE = date(1987, 5, 14)
EMAIL, PHONE = "zephyrine.qv@exemple.fr", "06 12 34 56 78"
#: what must be found nowhere once she is erased (the first name folded as the search folds it)
NEEDLES = (
    LAST_NAME,
    FIRST_NAME,
    "Zephyrine",
    EMAIL,
    PHONE,
    BIRTH_DATE.isoformat(),
    BIRTH_DATE.strftime("%d/%m/%Y"),
)

_COLUMNS = text(
    "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
    "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
    "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
    "AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea', 'date') ORDER BY 1, 2"
)


def hits_of(last_name: str, birth_date: date) -> set[str]:
    """``table.column`` of every column that holds the person's names, contact or birth date, in
    the tenant in scope (row-level security) and the platform's tables the application reads."""
    assert last_name == LAST_NAME and birth_date == BIRTH_DATE  # the needles are this person's
    found = set()
    for table, column, kind in db.session.execute(_COLUMNS):
        if kind == "date":
            condition, params = f'"{column}" = :born', {"born": birth_date}
        elif kind == "bytea":
            condition = " OR ".join(
                f"position(convert_to(:n{i}, 'UTF8') IN \"{column}\") > 0" for i in range(len(NEEDLES))
            )
            params = {f"n{i}": needle for i, needle in enumerate(NEEDLES)}
        else:
            condition = " OR ".join(f'CAST("{column}" AS text) ILIKE :n{i}' for i in range(len(NEEDLES)))
            params = {f"n{i}": f"%{needle}%" for i, needle in enumerate(NEEDLES)}
        with db.session.begin_nested():
            if db.session.execute(text(f'SELECT 1 FROM "{table}" WHERE {condition} LIMIT 1'), params).first():
                found.add(f"{table}.{column}")
    return found


def _her_mission(world: ClauseWorld, person, referent_id: int) -> int:
    mission_id = place(world, person.id, world.lots[0], job_title="Maçonne")
    mission = parcours.get(mission_id)
    for month, hours in ((date(2025, 2, 1), 70), (date(2025, 3, 1), 80)):
        statement = heures.declare(
            ACTOR, mission_id, month, Decimal(hours), comment=f"{FIRST_NAME} absente deux jours"
        )
        heures.attach_proof(ACTOR, statement, f"bulletin {LAST_NAME}.png", "image/png", PNG)
        heures.validate(ACTOR, statement)
    april = heures.declare(ACTOR, mission_id, date(2025, 4, 1), Decimal(10))
    heures.reject(ACTOR, april, f"Bulletin de {FIRST_NAME} {LAST_NAME} illisible")
    follow_up = parcours.follow_ups_of(mission_id)[0]
    parcours.record_follow_up(
        ACTOR, follow_up, date(2025, 2, 1), "entretien_individuel", f"Point avec {FIRST_NAME}"
    )
    employer = audit.Actor(email="employeur@exemple.fr")
    situations = {mission_id: ("difficulte", f"{FIRST_NAME} arrive en retard")}
    upcoming = f"Un contrat pour {FIRST_NAME} {LAST_NAME} en juin"
    partner_reports.save_weekly(
        employer, world.employer_id, date(2025, 3, 3), {mission_id: mission}, situations, upcoming
    )
    marks = dict.fromkeys(EVALUATION_CRITERIA, "3")
    partner_reports.record_evaluation(
        employer, world.employer_id, mission, marks, f"{FIRST_NAME} est ponctuelle", f"Suivi de {LAST_NAME}", "emploi",
        evaluated_on=date(2025, 12, 31),
    )  # fmt: skip
    entry = accompaniment.Record("entretien", date(2025, 4, 2), f"Entretien avec {FIRST_NAME} {LAST_NAME}")
    accompaniment.record(audit.Actor(email="ml@exemple.fr"), referent_id, person, entry)
    return mission_id


def _her_list_exported() -> None:
    """A colleague searched her name and exported the list (a finished run and its file)."""
    run = runs.request_run("list_export", {"path": "/participants/", "args": {"q": LAST_NAME}}, None)
    run.status = "finished"
    runs.attach_file(
        run.id, "participants.csv", "text/csv", f"Nom;Prénom\n{LAST_NAME};{FIRST_NAME}\n".encode()
    )


#: the columns that hold something of her before the erasure: the search must find each of them
WRITTEN = {
    "participant_identities.last_name", "participant_identities.first_name", "participant_identities.birth_date",
    "participant_identities.email", "participant_identities.phone", "participants.projet_professionnel",
    "participants.bilan_entree", "prescriptions.content", "eligibilities.notes", "eligibilities.revoked_reason",
    "cv_profiles.skills", "cv_profiles.cv_content", "accompaniment_entries.summary", "follow_ups.notes",
    "hour_statements.comment", "hour_statements.rejection_reason",
    "statement_proofs.filename", "weekly_report_lines.note", "weekly_reports.upcoming",
    "mission_evaluations.strengths", "mission_evaluations.improvements", "audit_log.details", "job_runs.params",
    "job_artifacts.content",
}  # fmt: skip


def followed_person(world: ClauseWorld) -> dict[str, int]:
    """She worked in 2025 (ids ``due``, ``mission``); a witness is still at work (``at_work``)."""
    referent = partenaires.create(ACTOR, "Mission Locale du test", "prescripteur", None, "mission_locale")
    person = participants.create(
        ACTOR, LAST_NAME, FIRST_NAME, BIRTH_DATE, "F", email=EMAIL, phone=PHONE,
        projet_professionnel=f"{FIRST_NAME} vise le second œuvre", referent_organisation_id=referent.id,
    )  # fmt: skip
    participants.add_prescription(
        ACTOR, person, referent.id, date(2025, 1, 2), f"{FIRST_NAME} {LAST_NAME} orientée"
    )
    participants.validate_eligibility(
        ACTOR, person, [("beneficiaire_rsa", "attestation_caf")], date(2025, 1, 2), notes=f"Vu {LAST_NAME}"
    )
    participants.record_bilan(ACTOR, person, f"Bilan de {FIRST_NAME}", date(2025, 1, 3))
    mistaken = participants.validate_eligibility(
        ACTOR, person, [("deld", "attestation_france_travail")], date(2025, 1, 3)
    )
    participants.revoke_eligibility(ACTOR, mistaken, f"Erreur sur {LAST_NAME}")
    participants.save_profile(
        ACTOR,
        person,
        skills=f"{FIRST_NAME} : maçonnerie",
        cv=("cv.pdf", "application/pdf", PDF + LAST_NAME.encode()),
    )
    mission_id = _her_mission(world, person, referent.id)
    participants.read_file(ACTOR, person)
    _her_list_exported()
    witness = participants.create(ACTOR, "Témoin", "Karim", date(1980, 1, 1), "M")
    participants.validate_eligibility(
        ACTOR, witness, [("beneficiaire_rsa", "attestation_caf")], date(2025, 1, 2)
    )
    place(world, witness.id, world.lots[1], contract="cdi", start_date=date(2025, 2, 3))
    db.session.flush()
    return {"due": person.id, "mission": mission_id, "at_work": witness.id, "referent": referent.id}
