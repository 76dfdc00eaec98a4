"""Personal data (issue 15): the runs of the retention job, the requests of the persons, what an
anonymised participant keeps, and the one way the audit log may change

- ``participants.anonymised_at``: when the identity, contact, CV, proofs and notes were erased.
- ``participant_identities.kept_age_band``: the age band at the first mission, kept when the birth
  date is erased, so that the bilans group the person as before (``mission_facts_refresh`` reads
  it first).
- ``retention_runs``: each run of the retention job, simulated or applied, with its rule and counts.
- ``privacy_requests``: a person's request (access, erasure...), its deadline and its answer.
- The audit log stays append-only, except inside a transaction that declares itself the retention
  job (``set_config('guichet.retention', 'on', true)``, set and unset around its statements): there,
  the access logs (reads of a file, a proof, a document) older than six months may be deleted, and
  keys may be taken out of an entry's details (never added or changed), nothing else. The flag is
  no secret: what it guards against is a mistake of the code, not a hostile session of the
  application role, which could not add, change or antedate an entry anyway.

Create Date: 2026-12-15 09:00:00
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from migrations.helpers import (
    authored,
    check,
    drop_tables,
    jsonb_column,
    now_column,
    tenant_index,
    tenant_ref_column,
    tenant_table,
    user_ref_column,
)
from tenants import rls

revision = "b4d8f2a6c1e3"
down_revision = "a3c9e5f7b1d2"

#: the audit actions that are access logs (``saas.privacy.retention.ACCESS_ACTIONS``)
ACCESS_ACTIONS = ("participant.file_read", "hours.proof_read", "convention.document_read")
#: the shortest duration of the access logs a tenant may set (``saas.settings.RANGES``)
SHORTEST_MONTHS = 6

GUARD_SQL = f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'audit_log' AND current_setting('guichet.retention', true) = 'on' THEN
        IF TG_OP = 'DELETE' AND OLD.action IN {ACCESS_ACTIONS!r}
           AND OLD.occurred_at < now() - interval '{SHORTEST_MONTHS} months' THEN
            RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.tenant_id, NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_email,
                                 NEW.action, NEW.target_type, NEW.target_id, NEW.ip_address, NEW.user_agent)
                  IS NOT DISTINCT FROM (OLD.tenant_id, OLD.id, OLD.occurred_at, OLD.actor_user_id,
                                        OLD.actor_email, OLD.action, OLD.target_type, OLD.target_id,
                                        OLD.ip_address, OLD.user_agent)
           AND NEW.details <@ OLD.details THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
"""

OLD_GUARD_SQL = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
"""

AGE_CASE = "CASE WHEN i.birth_date IS NULL THEN 'inconnu'"
KEPT_AGE_CASE = (
    "CASE WHEN i.kept_age_band IS NOT NULL THEN i.kept_age_band WHEN i.birth_date IS NULL THEN 'inconnu'"
)


def _refresh_sql() -> str:
    """The function of migration ``b8e4f1a6d2c7``, as it was written there."""
    path = Path(__file__).with_name("20261209_b8e4f1a6d2c7_mission_facts.py")
    spec = importlib.util.spec_from_file_location("mission_facts_migration", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sql = module.REFRESH_SQL
    assert AGE_CASE in sql
    return sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def upgrade():
    op.add_column("participants", sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("participant_identities", sa.Column("kept_age_band", sa.String(length=16), nullable=True))
    op.create_check_constraint(
        "kept_age_band",
        "participant_identities",
        "kept_age_band IS NULL OR kept_age_band IN ('moins_26', '26_49', '50_plus', 'inconnu')",
    )
    op.execute(_refresh_sql().replace(AGE_CASE, KEPT_AGE_CASE))
    tenant_table(
        "retention_runs",
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        jsonb_column("rule"),
        jsonb_column("counts"),
        sa.Column("participant_ids", sa.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        tenant_ref_column("proposal_id", "retention_runs", nullable=True),
        user_ref_column("requested_by", nullable=True, ondelete="SET NULL"),
        now_column(),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        check("mode", "mode IN ('simulation', 'application')"),
        check("trigger", "trigger IN ('planification', 'administrateur', 'demande')"),
        check("status", "status IN ('proposee', 'appliquee', 'remplacee')"),
    )
    tenant_index("retention_runs", "created_at")
    tenant_table(
        "privacy_requests",
        tenant_ref_column("participant_id", "participants"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        user_ref_column("answered_by", nullable=True, ondelete="SET NULL"),
        *authored(),
        check(
            "kind",
            "kind IN ('acces', 'portabilite', 'rectification', 'effacement', 'limitation', 'opposition')",
        ),
        check("status", "status IN ('ouverte', 'traitee', 'refusee')"),
        check("answered", "(status = 'ouverte') = (answered_on IS NULL)"),
        check("due_after_receipt", "due_on >= received_on"),
    )
    tenant_index("privacy_requests", "status", "due_on")
    tenant_index("privacy_requests", "participant_id")
    for table in ("retention_runs", "privacy_requests"):
        rls.enable(op, table)
    op.execute(GUARD_SQL)


def downgrade():
    # the owner is filtered by row-level security too (FORCE): lifted for this count only
    op.execute("ALTER TABLE participants NO FORCE ROW LEVEL SECURITY")
    anonymised = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM participants WHERE anonymised_at IS NOT NULL"))
        .scalar()
    )
    op.execute("ALTER TABLE participants FORCE ROW LEVEL SECURITY")
    if anonymised:
        raise RuntimeError(
            "des participants sont anonymisés : sans « anonymised_at » ni « kept_age_band », leurs dossiers "
            "redeviendraient ordinaires et les bilans perdraient leur tranche d'âge"
        )
    op.execute(OLD_GUARD_SQL)
    drop_tables("privacy_requests", "retention_runs")
    op.execute(_refresh_sql())
    op.drop_constraint("kept_age_band", "participant_identities", type_="check")
    op.drop_column("participant_identities", "kept_age_band")
    op.drop_column("participants", "anonymised_at")
