"""The retention job of a tenant: who and what is due by its settings, simulated or applied.

- A participant is due ``retention_months_after_contact`` months after the last contact: the latest
  of the recorded contact, the file's creation, a prescription, an eligibility, an interview, a
  month of hours, a mission's end or exit and its situation six months on. A mission with no end,
  or ending later, keeps the person active: nobody at work is ever due.
- The proofs of hours go ``proof_retention_months`` after their month, a convention's documents
  ``convention_document_retention_months`` after its end, the access logs (the reads of a file, a
  proof, a document) after ``access_log_retention_months``; exported lists and imported
  spreadsheets after ``FILE_DAYS`` days.

A run is recorded with the rule it applied (the settings in force) and its counts. In mode
« confirmation » the monthly run is a simulation that waits for the admin; confirming it applies
what it listed, except the people who came back since (they are due no more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select, text, update

from saas import clock
from saas import settings as rule_settings
from saas.audit import api as audit
from saas.conventions import lifecycle
from saas.conventions.models import Convention, ConventionDocument
from saas.db import by_id, db, insert, rows_written
from saas.errors import ConflictError
from saas.jobs import api as runs
from saas.privacy import anonymise
from saas.privacy.models import RetentionRun, RunMode, RunStatus, RunTrigger
from tenants.context import require_tenant_id

JOB_KIND = "privacy_retention"
#: the audit actions that are access logs (the migration's guard lets only these be deleted)
ACCESS_ACTIONS = ("participant.file_read", "hours.proof_read", "convention.document_read")
#: exported lists and imported spreadsheets, kept this many days
FILE_DAYS = 30
#: the settings a run applies, recorded with it
RULE_KEYS = (
    "retention_months_after_contact",
    "proof_retention_months",
    "convention_document_retention_months",
    "access_log_retention_months",
    "retention_mode",
)
#: what a run counts, in the order the pages show it
COUNT_LABELS = {
    "personnes": "Personnes anonymisées",
    "justificatifs": "Justificatifs d'heures effacés",
    "documents": "Documents de convention effacés",
    "journaux": "Entrées du journal de consultation effacées",
    "fichiers": "Fichiers exportés ou importés effacés",
}

audit.ACTION_LABELS.update(
    {
        "privacy.retention_simulated": "Simulation de la conservation des données",
        "privacy.retention_applied": "Application de la conservation des données (anonymisation)",
    }
)

LAST_CONTACT_SQL = """
SELECT p.id, p.reference, GREATEST(
    p.last_contact_on, p.created_at::date,
    (SELECT max(x.prescribed_on) FROM prescriptions x WHERE x.tenant_id = p.tenant_id AND x.participant_id = p.id),
    (SELECT max(e.validated_on) FROM eligibilities e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id),
    (SELECT max(a.happened_on) FROM accompaniment_entries a
      WHERE a.tenant_id = p.tenant_id AND a.participant_id = p.id),
    (SELECT max(GREATEST(coalesce(m.exit_date, m.end_date, 'infinity'::date), m.situation_6m_on)) FROM missions m
      WHERE m.tenant_id = p.tenant_id AND m.participant_id = p.id),
    (SELECT max((s.month + interval '1 month - 1 day')::date) FROM hour_statements s
       JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
      WHERE s.tenant_id = p.tenant_id AND m.participant_id = p.id)
) AS last_contact
FROM participants p WHERE p.tenant_id = :t AND p.anonymised_at IS NULL
"""
DUE_SQL = (
    f"SELECT id, reference, last_contact FROM ({LAST_CONTACT_SQL}) d WHERE last_contact < :limit ORDER BY id"
)

_PROOFS = (
    "FROM statement_proofs WHERE tenant_id = :t AND statement_id IN "
    "(SELECT id FROM hour_statements WHERE tenant_id = :t AND month < :limit)"
)
_LOGS = (
    "FROM audit_log WHERE tenant_id = :t AND action = ANY(:actions) AND occurred_at < :limit "
    "AND occurred_at < now() - interval '6 months'"  # never younger: the guard of the audit log refuses
)
_ARTIFACTS = "FROM job_artifacts WHERE tenant_id = :t AND created_at < :limit"
_IMPORTS = "FROM hour_imports WHERE tenant_id = :t AND created_at < :limit AND length(content) > 0"


@dataclass(frozen=True)
class Due:
    participant_id: int
    reference: str
    #: None for a person anonymised, or at work again
    last_contact: date | None
    anonymised: bool = False


def rule() -> dict:
    """The settings a run applies now."""
    current = rule_settings.current()
    return {key: current[key] for key in RULE_KEYS}


def limits(applied: dict, today: date) -> dict[str, date]:
    """The first day kept of each kind, by ``applied`` (a run's rule)."""
    return {
        "personnes": today - relativedelta(months=applied["retention_months_after_contact"]),
        "justificatifs": (today - relativedelta(months=applied["proof_retention_months"])).replace(day=1),
        "documents": today - relativedelta(months=applied["convention_document_retention_months"]),
        "journaux": today - relativedelta(months=applied["access_log_retention_months"]),
        "fichiers": today - timedelta(days=FILE_DAYS),
    }


def due_people(limit: date) -> list[Due]:
    rows = db.session.execute(text(DUE_SQL), {"t": require_tenant_id(), "limit": limit})
    return [Due(row.id, row.reference, row.last_contact) for row in rows]


def kept_until(participant_id: int) -> date | None:
    """The last day the person's data is kept by the settings in force, from her last contact as
    the retention reads it; None while she is at work (or already anonymised)."""
    sql = f"SELECT NULLIF(last_contact, 'infinity') FROM ({LAST_CONTACT_SQL}) d WHERE id = :id"
    last = db.session.execute(text(sql), {"t": require_tenant_id(), "id": participant_id}).scalar()
    if last is None:
        return None
    return last + relativedelta(months=rule_settings.get("retention_months_after_contact"))


def _documents_due(limit: date) -> list[int]:
    """The documents of the conventions ended before ``limit`` (terminated, or past their last term)."""
    with_documents = select(ConventionDocument.convention_id).distinct()
    conventions = list(db.session.scalars(select(Convention).where(Convention.id.in_(with_documents))))
    ended = []
    for convention_id, standing in lifecycle.standings(conventions).items():
        convention = next(c for c in conventions if c.id == convention_id)
        end = convention.terminated_on if standing.status == "terminated" else None
        if standing.status == "ended":
            end = standing.ends_on
        if end is not None and end < limit:
            ended.append(convention_id)
    query = select(ConventionDocument.id).where(ConventionDocument.convention_id.in_(ended))
    return list(db.session.scalars(query))


def _count(sql_from: str, params: dict) -> int:
    return db.session.execute(text(f"SELECT count(*) {sql_from}"), params).scalar_one()


def _params(limit: date) -> dict:
    return {"t": require_tenant_id(), "limit": limit, "actions": list(ACCESS_ACTIONS)}


def survey(applied: dict, today: date) -> tuple[list[Due], list[int], dict[str, int]]:
    """What ``applied`` would erase on ``today``: the people, the documents, and the counts."""
    db.session.flush()  # what the session holds counts: a contact recorded in this transaction
    bounds = limits(applied, today)
    people, documents = due_people(bounds["personnes"]), _documents_due(bounds["documents"])
    files = _params(bounds["fichiers"])
    counts = {
        "personnes": len(people),
        "justificatifs": _count(
            "FROM statement_proofs WHERE tenant_id = :t AND statement_id IN (SELECT s.id FROM hour_statements s "
            "JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id WHERE s.tenant_id = :t "
            "AND (s.month < :limit OR m.participant_id = ANY(:ids)))",
            _params(bounds["justificatifs"]) | {"ids": [due.participant_id for due in people]},
        ),
        "documents": len(documents),
        "journaux": _count(_LOGS, _params(bounds["journaux"])),
        "fichiers": _count(_ARTIFACTS, files) + _count(_IMPORTS, files),
    }
    return people, documents, counts


def _purge(applied: dict, today: date, documents: list[int]) -> dict[str, int]:
    """Erase the proofs, documents, access logs and files due; the rows erased, by kind."""
    bounds = limits(applied, today)
    with anonymise.retention_flag():
        return _purged(bounds, documents)


def _purged(bounds: dict[str, date], documents: list[int]) -> dict[str, int]:
    proofs = rows_written(text(f"DELETE {_PROOFS}"), _params(bounds["justificatifs"]))
    logs = rows_written(text(f"DELETE {_LOGS}"), _params(bounds["journaux"]))
    files = _params(bounds["fichiers"])
    artifacts = rows_written(text(f"DELETE {_ARTIFACTS}"), files)
    imports = rows_written(
        text(
            "UPDATE hour_imports SET content = ''::bytea, status = CASE WHEN status = 'preview' "
            f"THEN 'abandoned' ELSE status END WHERE tenant_id = :t AND id IN (SELECT id {_IMPORTS})"
        ),
        files,
    )
    erased = rows_written(
        delete(ConventionDocument).where(
            ConventionDocument.tenant_id == require_tenant_id(), ConventionDocument.id.in_(documents)
        )
    )
    return {"justificatifs": proofs, "documents": erased, "journaux": logs, "fichiers": artifacts + imports}


def record_run(
    mode: RunMode, trigger: RunTrigger, applied: dict, counts: dict, people: list[int], actor: audit.Actor
) -> RetentionRun:
    """Record a run: what ``applied`` (a rule) did or would do."""
    status = RunStatus.proposee if mode == RunMode.simulation else RunStatus.appliquee
    run = RetentionRun(
        tenant_id=require_tenant_id(),
        mode=mode.value,
        trigger=trigger.value,
        status=status.value,
        rule=applied,
        counts=counts,
        participant_ids=people,
        requested_by=actor.user_id,
        applied_at=clock.now() if mode == RunMode.application else None,
    )
    return insert(run)


def simulate(actor: audit.Actor, trigger: RunTrigger) -> RetentionRun:
    """Record what the settings would erase today, replacing the simulations still waiting."""
    applied = rule()
    people, _, counts = survey(applied, clock.today())
    db.session.execute(
        update(RetentionRun).where(RetentionRun.status == RunStatus.proposee.value).values(status="remplacee")
    )
    run = record_run(
        RunMode.simulation, trigger, applied, counts, [due.participant_id for due in people], actor
    )
    audit.record("privacy.retention_simulated", actor, "retention_run", run.id, counts)
    return run


def apply(actor: audit.Actor, trigger: RunTrigger, proposal: RetentionRun | None = None) -> RetentionRun:
    """Erase what is due today (only what ``proposal`` listed, when it is given) and record it."""
    applied = proposal.rule if proposal is not None else rule()
    if proposal is not None and proposal.status != RunStatus.proposee.value:
        raise ConflictError("Cette simulation a déjà été appliquée ou remplacée par une plus récente.")
    _lock_people()  # a placement or a contact being written now waits, or is seen by the survey
    people, documents, _ = survey(applied, clock.today())
    ids = [due.participant_id for due in people]
    if proposal is not None:
        listed = set(proposal.participant_ids)
        ids = [participant_id for participant_id in ids if participant_id in listed]
        proposal.status = RunStatus.appliquee.value
        proposal.applied_at = clock.now()
    counts = _purge(applied, clock.today(), documents)
    erased = anonymise.erase(ids)
    counts = {"personnes": len(ids), **counts}
    counts["justificatifs"] += erased.get("justificatifs", 0)  # the proofs of the people erased
    run = record_run(RunMode.application, trigger, applied, counts, ids, actor)
    if proposal is not None:
        run.proposal_id = proposal.id
    audit.record("privacy.retention_applied", actor, "retention_run", run.id, counts)
    return run


def _lock_people() -> None:
    """The tenant's participants not yet anonymised, locked as an update of their rows would (a
    placement takes the same lock: ``saas.parcours.api``), so that the erasure reads who is due
    after what is being written commits, never before."""
    db.session.execute(
        text(
            "SELECT id FROM participants WHERE tenant_id = :t AND anonymised_at IS NULL ORDER BY id FOR NO KEY UPDATE"
        ),
        {"t": require_tenant_id()},
    )


#: a simulation nobody examined is applied by the monthly run after this long: the durations the
#: notice promises hold even when the admin is away
UNREVIEWED_DAYS = 28


def run_scheduled(actor: audit.Actor) -> RetentionRun:
    """The monthly run: applied in mode « automatique »; otherwise the simulation waiting for a
    month is applied (the admin let the schedule act), then a new one waits."""
    if rule_settings.get("retention_mode") == "automatique":
        return apply(actor, RunTrigger.planification)
    waiting = waiting_proposal()
    if waiting is not None and waiting.created_at <= clock.now() - timedelta(days=UNREVIEWED_DAYS):
        apply(actor, RunTrigger.planification, waiting)
    return simulate(actor, RunTrigger.planification)


def waiting_proposal() -> RetentionRun | None:
    """The simulation waiting for the admin, if any (a newer one replaces it)."""
    query = select(RetentionRun).where(RetentionRun.status == RunStatus.proposee.value)
    return db.session.scalars(query.order_by(RetentionRun.created_at.desc()).limit(1)).first()


def set_durations(actor: audit.Actor, **values) -> dict:
    """Store the retention settings; a simulation made under the former ones is replaced (its list no
    longer says what its confirmation would do)."""
    saved = rule_settings.set_values(actor, **values)
    db.session.execute(
        update(RetentionRun)
        .where(RetentionRun.status == RunStatus.proposee.value, RetentionRun.rule != rule())
        .values(status=RunStatus.remplacee.value)
    )
    return saved


def request_monthly(day: date) -> bool:
    """Ask for the tenant's monthly run, unless it was asked for this month already."""
    month = day.strftime("%Y-%m")
    if runs.asked_before(JOB_KIND, "month", month):
        return False
    runs.request_run(JOB_KIND, {"month": month, "action": "planifie"})
    return True


def get(run_id: int) -> RetentionRun | None:
    return by_id(RetentionRun, run_id)


def recent(limit: int = 24) -> list[RetentionRun]:
    return list(
        db.session.scalars(select(RetentionRun).order_by(RetentionRun.created_at.desc()).limit(limit))
    )


#: what a run of the job is asked to do (``job_runs.params["action"]``)
ACTIONS = ("planifie", "simuler", "appliquer")


def request(action: str, actor: audit.Actor, proposal_id: int | None = None):
    """Ask the worker to simulate now, or to apply the simulation ``proposal_id`` (the admin)."""
    if action not in ACTIONS[1:]:
        raise ValueError(action)
    if action == "appliquer":
        proposal = get(proposal_id) if proposal_id is not None else None
        if proposal is None or proposal.status != RunStatus.proposee.value:
            raise ConflictError("Cette simulation a déjà été appliquée ou remplacée par une plus récente.")
    params = {"action": action, "proposal_id": proposal_id, "email": actor.email, "user_id": actor.user_id}
    return runs.request_run(JOB_KIND, params, actor.user_id)


def perform(action: str, proposal_id: int | None, actor: audit.Actor) -> RetentionRun:
    """The work of one run of the job (``workers/jobs/privacy.py``), in the job's transaction."""
    if action == "planifie":
        return run_scheduled(actor)
    if action == "simuler":
        return simulate(actor, RunTrigger.administrateur)
    proposal = db.session.get(RetentionRun, (require_tenant_id(), proposal_id), with_for_update=True)
    if proposal is None:
        raise ConflictError("Cette simulation n'existe plus.")
    done = db.session.scalars(select(RetentionRun).where(RetentionRun.proposal_id == proposal.id)).first()
    if done is not None:  # applied by an earlier delivery of this run, or by another confirmation
        return done
    if proposal.status != RunStatus.proposee.value:
        return proposal  # replaced since it was confirmed: nothing to do, its page says so
    return apply(actor, RunTrigger.administrateur, proposal)


def people_of(run: RetentionRun) -> list[Due]:
    """The participants a run listed, with their last contact as read now (None: at work again)."""
    sql = (
        f"SELECT id, reference, NULLIF(last_contact, 'infinity') AS last_contact, false AS anonymised FROM "
        f"({LAST_CONTACT_SQL}) l UNION ALL SELECT p.id, p.reference, NULL, true FROM participants p "
        "WHERE p.tenant_id = :t AND p.anonymised_at IS NOT NULL"
    )
    sql = f"SELECT * FROM ({sql}) d WHERE id = ANY(:ids) ORDER BY reference"
    rows = db.session.execute(text(sql), {"t": require_tenant_id(), "ids": list(run.participant_ids)})
    return [Due(row.id, row.reference, row.last_contact, row.anonymised) for row in rows]
