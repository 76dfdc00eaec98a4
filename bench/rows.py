"""Rows kept in memory by table, then written with COPY in the order of the foreign keys.

Every identifier is chosen here (``Ids``), so that rows may refer to each other before they are
written; the identity sequences are moved past them at the end (``bench.database.advance_sequences``).
"""

from __future__ import annotations

import time
from collections import defaultdict

import psycopg

#: each table the generator writes, with its columns, in an order where every foreign key points
#: to a table written before it.
TABLES: dict[str, tuple[str, ...]] = {
    "tenants": ("id", "slug", "name", "kind", "siren", "communes_insee", "created_at"),
    "users": ("id", "email", "display_name", "password_hash", "created_at"),
    "tenant_memberships": ("tenant_id", "id", "user_id", "role", "organisation_id", "created_at"),
    "organisations": (
        "tenant_id",
        "id",
        "name",
        "kind",
        "prescriber_kind",
        "siret",
        "commune_insee",
        "created_at",
    ),
    "hourly_costs": ("tenant_id", "id", "valid_from", "amount", "note", "created_at"),
    "counting_rules": (
        "tenant_id",
        "id",
        "marche_id",
        "version",
        "multipliers",
        "count_training",
        "training_cap_hours",
        "cdi_cap_hours",
        "require_eligibility",
        "rounding_step",
        "rounding",
        "note",
        "created_by",
        "created_at",
        "partial_eligibility",
    ),
    "marches": (
        "tenant_id",
        "id",
        "donneur_ordre_id",
        "reference",
        "object",
        "sector",
        "procedure",
        "notification_date",
        "start_date",
        "end_date",
        "amount_ht",
        "anru",
        "execution_communes",
        "considerations",
        "created_at",
    ),
    "lots": (
        "tenant_id",
        "id",
        "marche_id",
        "number",
        "object",
        "amount_ht",
        "attributaire_id",
        "obligation_mode",
        "fixed_hours",
        "labour_share",
        "insertion_rate",
        "hours_share",
        "per_amount_hours",
        "per_amount_base",
        "rounding",
        "obligation_hours",
        "obligation_inputs",
        "created_at",
    ),
    "lot_figures": ("tenant_id", "id", "lot_id", "kind", "recorded_on", "value", "created_by", "created_at"),
    "mutualisation_agreements": (
        "tenant_id",
        "id",
        "name",
        "valid_from",
        "valid_to",
        "allocation_key",
        "notes",
        "created_at",
    ),
    "mutualisation_members": ("tenant_id", "id", "agreement_id", "lot_id", "share"),
    "participants": (
        "tenant_id",
        "id",
        "reference",
        "qualification_level",
        "freins",
        "projet_professionnel",
        "last_contact_on",
        "created_at",
    ),
    "participant_identities": (
        "tenant_id",
        "id",
        "participant_id",
        "last_name",
        "first_name",
        "birth_date",
        "sex",
        "phone",
        "commune_insee",
    ),
    "prescriptions": (
        "tenant_id",
        "id",
        "participant_id",
        "prescripteur_id",
        "prescribed_on",
        "valid_until",
        "content",
        "created_by",
        "created_at",
    ),
    "eligibilities": (
        "tenant_id",
        "id",
        "participant_id",
        "validated_on",
        "validated_by",
        "anchor",
        "validity_months",
        "valid_from",
        "valid_until",
        "created_at",
    ),
    "eligibility_criteria": ("tenant_id", "id", "eligibility_id", "criterion_code", "proof_type"),
    "cv_profiles": (
        "tenant_id",
        "id",
        "participant_id",
        "rome_codes",
        "skills",
        "available_from",
        "mobility",
        "mobility_radius_km",
        "validated_at",
        "validated_by",
        "published",
        "updated_at",
    ),
    "missions": (
        "tenant_id",
        "id",
        "participant_id",
        "employer_id",
        "lot_id",
        "modality",
        "contract_type",
        "start_date",
        "end_date",
        "trial_end_date",
        "weekly_hours",
        "job_title",
        "eligibility_override",
        "override_reason",
        "override_by",
        "exit_date",
        "exit_motif",
        "exit_category",
        "situation_6m_motif",
        "situation_6m_on",
        "durable_confirmed",
        "created_by",
        "created_at",
    ),
    "follow_ups": (
        "tenant_id",
        "id",
        "mission_id",
        "step",
        "due_on",
        "done_on",
        "kind",
        "notes",
        "done_by",
        "recorded_at",
    ),
    "hour_statements": (
        "tenant_id",
        "id",
        "mission_id",
        "month",
        "worked_hours",
        "training_hours",
        "absence_hours",
        "source",
        "comment",
        "status",
        "rejection_reason",
        "supersedes_id",
        "superseded_at",
        "declared_by",
        "declared_at",
        "decided_by",
        "decided_at",
        "row_version",
    ),
    "hour_countings": (
        "tenant_id",
        "id",
        "statement_id",
        "rule_id",
        "raw_hours",
        "counted_hours",
        "detail",
        "current",
        "created_by",
        "created_at",
    ),
    "hour_allocations": ("tenant_id", "id", "counting_id", "lot_id", "hours", "agreement_id", "created_at"),
}


class Ids:
    """The next identifier of each table (the database is empty when the generator starts).

    Worker ``offset`` of ``step`` takes ``offset + 1``, ``offset + 1 + step``… so that workers
    filling territories side by side never choose the same identifier."""

    def __init__(self, offset: int = 0, step: int = 1) -> None:
        self.step = step
        self._next: dict[str, int] = defaultdict(lambda: offset + 1)

    def __call__(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + self.step
        return value


class Rows:
    """Rows waiting to be copied, by table; ``written`` counts what went to the database."""

    def __init__(self) -> None:
        self.pending: dict[str, list[tuple]] = defaultdict(list)
        self.written: dict[str, int] = defaultdict(int)
        self.copy_seconds = 0.0
        self.analyzed: dict[str, int] = defaultdict(int)

    def add(self, table: str, *values) -> None:
        self.pending[table].append(values)

    def flush(self, conn: psycopg.Connection) -> None:
        """COPY every pending row, tables in the order of ``TABLES`` (the transaction stays open)."""
        started = time.perf_counter()
        with conn.cursor() as cur:
            for table, columns in TABLES.items():
                rows = self.pending.pop(table, None)
                if not rows:
                    continue
                statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cur.copy(statement) as copy:  # type: ignore[arg-type]  # a built statement
                    for row in rows:
                        copy.write_row(row)
                self.written[table] += len(rows)
        self.copy_seconds += time.perf_counter() - started

    def analyze_grown(self, conn: psycopg.Connection) -> None:
        """ANALYZE each table that doubled since its last statistics (autovacuum is off here):
        without them the foreign-key and trigger lookups keep the plans of an empty table."""
        for table, count in self.written.items():
            if count >= 2 * self.analyzed[table] + 500:
                conn.execute(f"ANALYZE {table}")  # type: ignore[arg-type]  # a table of TABLES
                self.analyzed[table] = count
        conn.commit()
