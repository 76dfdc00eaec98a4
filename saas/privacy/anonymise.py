"""Erasing participants: their identity, contact, CV, proofs and free-text notes go; what remains
keeps every aggregate exact.

What stays is what the bilans count and group by: the missions (dates, contract, employer, lot,
exit), the hours of the ledger and their countings, the eligibility criteria (codes, no longer tied
to a name), the sex, the commune and QPV, the level, and the age band at the first mission
(``participant_identities.kept_age_band``, which ``mission_facts`` reads once the birth date is
gone). The pseudonymised keys already sent to a Département were made from the names and the birth
date: once those are erased, the territory holds nothing a key could be computed from again, and
the Département never held the secret; the reports built later count the person, once, among
those without a key. (Another member territory that still follows her would compute the same key:
the key is one person's across the Département, by design.)

Every statement is set-based, scoped to the tenant (row-level security and ``tenant_id``), in the
caller's transaction: the erasure is written whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text

from saas.db import db, rows_written
from tenants.context import require_tenant_id

#: what the lists show of an erased person instead of a name
ANONYMOUS = "Anonyme"
#: what a free text that a constraint requires becomes
ERASED = "Effacé (données personnelles)"

#: the audit log accepts the purge of old access logs and the removal of details inside a
#: transaction that says so (migration ``b4d8f2a6c1e3``), for the statements of the retention only
_FLAG = text("SELECT set_config('guichet.retention', :value, true)")

#: free texts that may name a person anywhere in them: her full name is replaced there
NAMED_IN = (
    ("weekly_reports", "upcoming"),
    ("meetings", "agenda"),
    ("meetings", "minutes"),
    ("meeting_decisions", "text"),
    ("meeting_decisions", "note"),
    ("privacy_requests", "answer"),
)
#: what replaces her name in them
NAME_GONE = "[personne anonymisée]"


@contextmanager
def retention_flag() -> Iterator[None]:
    """The retention's statements, and only them, run with the flag the audit log's guard reads."""
    db.session.execute(_FLAG, {"value": "on"})
    try:
        yield
    finally:
        db.session.execute(_FLAG, {"value": "off"})


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
        "UPDATE participants SET projet_professionnel = NULL, bilan_entree = NULL, freins = '{}', anonymised_at = now() "
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
    # the spreadsheets the person's employers (or the guichet) imported: a preview is abandoned, and
    # the file is no longer read; its digest still tells a file imported again
    (
        "fichiers_importes",
        "UPDATE hour_imports SET content = ''::bytea, status = CASE WHEN status = 'preview' THEN 'abandoned' "
        "ELSE status END WHERE tenant_id = :t AND length(content) > 0 AND (organisation_id IS NULL OR organisation_id IN "
        "(SELECT employer_id FROM missions WHERE tenant_id = :t AND participant_id = ANY(:ids)))",
    ),
    # the lists exported from the pages name people: made again on demand
    (
        "exports",
        "DELETE FROM job_artifacts WHERE tenant_id = :t AND run_id IN "
        "(SELECT id FROM job_runs WHERE tenant_id = :t AND kind = 'list_export')",
    ),
    # ...and the searches typed to make them (« ?q=Dupont »)
    (
        "recherches_exportees",
        "UPDATE job_runs SET params = params - 'args' WHERE tenant_id = :t AND kind = 'list_export' "
        "AND status IN ('finished', 'failed') AND params ? 'args'",
    ),
    # what the audit log said of the person beyond who did what and when (a motive typed by hand)
    (
        "journal",
        "UPDATE audit_log SET details = '{}'::jsonb WHERE tenant_id = :t AND target_type = 'participant' "
        "AND target_id = ANY(CAST(:ids AS text[])) AND details <> '{}'::jsonb",
    ),
    # the names of the proofs attached to the person's statements (« bulletin Dupont.pdf ») and the
    # motives typed of a refusal or an override; what the entries say of the hours is the audit
    # duty, kept
    (
        "journal_des_heures",
        "UPDATE audit_log SET details = details - 'fichier' - 'motif' WHERE tenant_id = :t "
        "AND details ?| array['fichier', 'motif'] AND ((target_type = 'hour_statement' AND target_id IN "
        f"(SELECT CAST(id AS text) FROM hour_statements WHERE tenant_id = :t AND mission_id {_OF_MISSIONS})) "
        "OR (target_type = 'mission' AND target_id IN (SELECT CAST(id AS text) FROM missions "
        "WHERE tenant_id = :t AND participant_id = ANY(:ids))))",
    ),
)


def erase(participant_ids: Sequence[int]) -> dict[str, int]:
    """Erase the participants ``participant_ids`` of the tenant in scope; the rows touched, by kind.

    Missions under way are the caller's to rule out (``saas.privacy.retention``): a person at work
    is never due."""
    ids = sorted(set(participant_ids))
    if not ids:
        return {}
    params = {"t": require_tenant_id(), "ids": ids}
    names = _full_names(params)
    with retention_flag():
        counts = {kind: rows_written(text(sql), params) for kind, sql in STATEMENTS}
    counts["textes"] = _scrub(names)
    db.session.expire_all()  # the session's objects of these rows are stale
    return counts


def _full_names(params: dict) -> list[str]:
    """« Prénom Nom » and « Nom Prénom » of each person, as they may be written."""
    query = text(
        "SELECT first_name, last_name FROM participant_identities WHERE tenant_id = :t AND participant_id = ANY(:ids)"
    )
    names = []
    for first, last in db.session.execute(query, params):
        if first.strip() and last.strip():
            names += [f"{first.strip()} {last.strip()}", f"{last.strip()} {first.strip()}"]
    return names


def _scrub(names: list[str]) -> int:
    """Replace the full names in the free texts of ``NAMED_IN``, whatever their case; rows changed."""
    if not names:
        return 0
    pattern = "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))
    changed = 0
    for table, column in NAMED_IN:
        changed += rows_written(
            text(
                f"UPDATE {table} SET {column} = regexp_replace({column}, :pattern, :gone, 'gi') "
                f"WHERE tenant_id = :t AND {column} ~* :pattern"
            ),
            {"t": require_tenant_id(), "pattern": pattern, "gone": NAME_GONE},
        )
    return changed
