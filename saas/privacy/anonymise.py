"""Erasing participants: their identity, contact, CV, proofs and free-text notes go; what remains
keeps every aggregate exact.

What stays is what the bilans count and group by: the missions (dates, contract, employer, lot,
exit), the hours of the ledger and their countings, the eligibility criteria (codes, no longer tied
to a name), the sex, the commune and QPV, the level, and the age band at the first mission
(``participant_identities.kept_age_band``, which ``mission_facts`` reads once the birth date is
gone). The pseudonymised keys already sent to a Département were made from the names and the birth
date: once those are erased, nobody on either side can link a key to a person again, and the
reports built later count the person among those without a key.

Every statement is set-based, scoped to the tenant (row-level security and ``tenant_id``), in the
caller's transaction: the erasure is written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text

from saas.db import db, rows_written
from tenants.context import require_tenant_id

#: what the lists show of an erased person instead of a name
ANONYMOUS = "Anonyme"
#: what a free text that a constraint requires becomes
ERASED = "Effacé (données personnelles)"

#: the audit log accepts blanking an entry's details inside a transaction that says so
#: (migration ``b4d8f2a6c1e3``)
RETENTION_FLAG = text("SELECT set_config('guichet.retention', 'on', true)")

_OF_MISSIONS = "IN (SELECT id FROM missions WHERE tenant_id = :t AND participant_id = ANY(:ids))"
_OF_STATEMENTS = f"IN (SELECT id FROM hour_statements WHERE tenant_id = :t AND mission_id {_OF_MISSIONS})"

#: (what is counted, statement): each statement's row count is what the run reports
STATEMENTS: tuple[tuple[str, str], ...] = (
    (
        "identites",
        "UPDATE participant_identities i SET kept_age_band = coalesce((SELECT f.age_band FROM missions m "
        "JOIN mission_facts f ON f.tenant_id = m.tenant_id AND f.mission_id = m.id "
        "WHERE m.tenant_id = i.tenant_id AND m.participant_id = i.participant_id LIMIT 1), 'inconnu'), "
        f"last_name = '{ANONYMOUS}', first_name = '', birth_date = NULL, email = NULL, phone = NULL "
        "WHERE i.tenant_id = :t AND i.participant_id = ANY(:ids)",
    ),
    (
        "personnes",
        "UPDATE participants SET projet_professionnel = NULL, bilan_entree = NULL, anonymised_at = now() "
        "WHERE tenant_id = :t AND id = ANY(:ids)",
    ),
    (
        "prescriptions",
        "UPDATE prescriptions SET content = NULL WHERE tenant_id = :t AND participant_id = ANY(:ids)",
    ),
    (
        "eligibilites",
        "UPDATE eligibilities SET notes = NULL, revoked_reason = CASE WHEN revoked_reason IS NULL THEN NULL "
        f"ELSE '{ERASED}' END WHERE tenant_id = :t AND participant_id = ANY(:ids)",
    ),
    ("cv", "DELETE FROM cv_profiles WHERE tenant_id = :t AND participant_id = ANY(:ids)"),
    (
        "suivis",
        "UPDATE accompaniment_entries SET summary = '', training_title = NULL "
        "WHERE tenant_id = :t AND participant_id = ANY(:ids)",
    ),
    ("plans", f"UPDATE follow_ups SET notes = NULL WHERE tenant_id = :t AND mission_id {_OF_MISSIONS}"),
    (
        "missions",
        f"UPDATE missions SET override_reason = CASE WHEN override_reason IS NULL THEN NULL ELSE '{ERASED}' END "
        "WHERE tenant_id = :t AND participant_id = ANY(:ids)",
    ),
    ("justificatifs", f"DELETE FROM statement_proofs WHERE tenant_id = :t AND statement_id {_OF_STATEMENTS}"),
    (
        "releves",
        "UPDATE hour_statements SET comment = NULL, rejection_reason = CASE WHEN rejection_reason IS NULL "
        f"THEN NULL ELSE '{ERASED}' END WHERE tenant_id = :t AND mission_id {_OF_MISSIONS}",
    ),
    (
        "mots_hebdomadaires",
        f"UPDATE weekly_report_lines SET note = NULL WHERE tenant_id = :t AND mission_id {_OF_MISSIONS}",
    ),
    (
        "evaluations",
        "UPDATE mission_evaluations SET strengths = NULL, improvements = NULL "
        f"WHERE tenant_id = :t AND mission_id {_OF_MISSIONS}",
    ),
    # the spreadsheets the person's employers (or the guichet) imported: written or abandoned,
    # they are no longer read; their digest still tells a file imported again
    (
        "fichiers_importes",
        "UPDATE hour_imports SET content = ''::bytea WHERE tenant_id = :t AND status <> 'preview' "
        "AND length(content) > 0 AND (organisation_id IS NULL OR organisation_id IN "
        "(SELECT employer_id FROM missions WHERE tenant_id = :t AND participant_id = ANY(:ids)))",
    ),
    # the lists exported from the pages name people: made again on demand
    (
        "exports",
        "DELETE FROM job_artifacts WHERE tenant_id = :t AND run_id IN "
        "(SELECT id FROM job_runs WHERE tenant_id = :t AND kind = 'list_export')",
    ),
    # what the audit log said of the person beyond who did what and when (a motive typed by hand)
    (
        "journal",
        "UPDATE audit_log SET details = '{}'::jsonb WHERE tenant_id = :t AND target_type = 'participant' "
        "AND target_id = ANY(CAST(:ids AS text[])) AND details <> '{}'::jsonb",
    ),
    # the names of the proofs attached to the person's statements (« bulletin Dupont.pdf »); what
    # the entries say of the hours is the audit duty, kept
    (
        "journal_des_heures",
        "UPDATE audit_log SET details = details - 'fichier' WHERE tenant_id = :t AND details ? 'fichier' "
        "AND target_type = 'hour_statement' AND target_id IN (SELECT CAST(id AS text) FROM hour_statements "
        f"WHERE tenant_id = :t AND mission_id {_OF_MISSIONS})",
    ),
)


def erase(participant_ids: Sequence[int]) -> dict[str, int]:
    """Erase the participants ``participant_ids`` of the tenant in scope; the rows touched, by kind.

    Missions under way are the caller's to rule out (``saas.privacy.retention``): a person at work
    is never due."""
    ids = sorted(set(participant_ids))
    if not ids:
        return {}
    db.session.execute(RETENTION_FLAG)
    params = {"t": require_tenant_id(), "ids": ids}
    counts = {kind: rows_written(text(sql), params) for kind, sql in STATEMENTS}
    db.session.expire_all()  # the session's objects of these rows are stale
    return counts
