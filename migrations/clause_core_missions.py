"""The steps of revision fe4e368260f3 (clause execution core) from missions on: missions, their
follow-ups and the participants' CV profiles, hour statements, the hours ledger and its guards
(immutable statements and countings, the deferred check of allocations).

Part of an applied revision: a change here must leave the schema of `alembic upgrade head` from an
empty database the same (see README.md).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import (
    authored,
    check,
    deferred_check,
    guard_trigger,
    now_column,
    ref,
    tenant_index,
    tenant_ref_column,
    tenant_table,
    unique,
    unique_where,
    user_ref_column,
)

LEDGER_FUNCTIONS_SQL = """
CREATE FUNCTION hour_statements_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'hour statements are never deleted (statement %)', OLD.id;
    END IF;
    IF (NEW.tenant_id, NEW.mission_id, NEW.month, NEW.worked_hours, NEW.training_hours, NEW.absence_hours,
        NEW.source, NEW.supersedes_id, NEW.declared_by, NEW.declared_at)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.mission_id, OLD.month, OLD.worked_hours, OLD.training_hours, OLD.absence_hours,
        OLD.source, OLD.supersedes_id, OLD.declared_by, OLD.declared_at) THEN
        RAISE EXCEPTION 'the figures of hour statement % are never edited: supersede it', OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND OLD.status <> 'declared' THEN
        RAISE EXCEPTION 'hour statement % was already decided (%)', OLD.id, OLD.status;
    END IF;
    IF OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS DISTINCT FROM OLD.superseded_at THEN
        RAISE EXCEPTION 'hour statement % is already superseded', OLD.id;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION hour_countings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'countings are never deleted (counting %)', OLD.id;
    END IF;
    IF (NEW.tenant_id, NEW.statement_id, NEW.rule_id, NEW.raw_hours, NEW.counted_hours, NEW.detail)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.statement_id, OLD.rule_id, OLD.raw_hours, OLD.counted_hours, OLD.detail)
       OR (NEW.current AND NOT OLD.current) THEN
        RAISE EXCEPTION 'counting % is never edited: a recount adds a new counting', OLD.id;
    END IF;
    RETURN NEW;
END $$;

-- An hour is never counted twice: the allocations of a counting add up to at most its counted
-- hours, and only the current counting of a validated statement in force may carry any.
CREATE FUNCTION hour_allocations_check(p_tenant bigint, p_statement bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT c.id, c.counted_hours, c.current, s.status, s.superseded_at,
           (SELECT sum(a.hours) FROM hour_allocations a
             WHERE a.tenant_id = c.tenant_id AND a.counting_id = c.id) AS allocated
      INTO bad
      FROM hour_countings c
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
     WHERE c.tenant_id = p_tenant AND c.statement_id = p_statement
       AND EXISTS (SELECT 1 FROM hour_allocations a WHERE a.tenant_id = c.tenant_id AND a.counting_id = c.id)
       AND (NOT c.current OR s.status <> 'validated' OR s.superseded_at IS NOT NULL
            OR (SELECT sum(a.hours) FROM hour_allocations a
                 WHERE a.tenant_id = c.tenant_id AND a.counting_id = c.id) > c.counted_hours)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'hours counted twice or off the ledger: counting % allocates % h of % h (current %, statement %, superseded %)',
            bad.id, bad.allocated, bad.counted_hours, bad.current, bad.status, bad.superseded_at
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
END $$;

CREATE FUNCTION hour_allocations_check_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_id bigint;
BEGIN
    IF TG_TABLE_NAME = 'hour_statements' THEN
        statement_id := NEW.id;
    ELSIF TG_TABLE_NAME = 'hour_countings' THEN
        statement_id := NEW.statement_id;
    ELSE
        SELECT c.statement_id INTO statement_id FROM hour_countings c
         WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.counting_id;
    END IF;
    PERFORM hour_allocations_check(NEW.tenant_id, statement_id);
    RETURN NULL;
END $$;
"""


def missions():
    """Missions: a participant employed on a lot."""
    tenant_table(
        "missions",
        tenant_ref_column("participant_id", "participants"),
        tenant_ref_column("employer_id", "organisations"),
        tenant_ref_column("lot_id", "lots"),
        sa.Column("modality", sa.String(length=24), nullable=False),
        sa.Column("contract_type", sa.String(length=40), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("trial_end_date", sa.Date(), nullable=True),
        sa.Column("weekly_hours", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("rome_code", sa.String(length=5), nullable=True),
        sa.Column("eligibility_override", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        user_ref_column("override_by", nullable=True),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column("exit_motif", sa.String(length=40), nullable=True),
        sa.Column("exit_category", sa.String(length=32), nullable=True),
        sa.Column("situation_6m_motif", sa.String(length=40), nullable=True),
        sa.Column("situation_6m_on", sa.Date(), nullable=True),
        sa.Column("durable_confirmed", sa.Boolean(), nullable=True),
        authored(),
        check("override_reasoned", "(eligibility_override IS FALSE) OR (override_reason IS NOT NULL)"),
        check("exit_complete", "(exit_date IS NULL) = (exit_motif IS NULL)"),
        check("dates_order", "end_date IS NULL OR end_date >= start_date"),
        check("weekly_hours", "weekly_hours > 0 AND weekly_hours <= 48"),
        ref("contract_type", "ref_contract_types.code"),
        ref("exit_motif", "ref_exit_motifs.code"),
        ref("rome_code", "ref_rome.code"),
        ref("situation_6m_motif", "ref_exit_motifs.code"),
    )
    tenant_index("missions", "employer_id")
    tenant_index("missions", "lot_id")
    tenant_index("missions", "participant_id")


def follow_ups_and_cvs():
    """The follow-up of missions and the participants' CV profiles."""
    tenant_table(
        "follow_ups",
        tenant_ref_column("mission_id", "missions", ondelete="CASCADE"),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        user_ref_column("done_by", nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        check("done_complete", "(done_on IS NULL) = (kind IS NULL)"),
    )
    tenant_index("follow_ups", "due_on")
    tenant_index("follow_ups", "mission_id")
    tenant_table(
        "cv_profiles",
        tenant_ref_column("participant_id", "participants", ondelete="CASCADE"),
        sa.Column("rome_codes", postgresql.ARRAY(sa.String(length=5)), nullable=False),
        sa.Column("skills", sa.Text(), nullable=True),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("availability", sa.String(length=200), nullable=True),
        sa.Column("mobility", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("mobility_radius_km", sa.Integer(), nullable=True),
        sa.Column("cv_filename", sa.String(length=200), nullable=True),
        sa.Column("cv_mimetype", sa.String(length=100), nullable=True),
        sa.Column("cv_content", sa.LargeBinary(), nullable=True),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=True),
        user_ref_column("validated_by", nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        now_column("updated_at"),
        unique("tenant_id", "participant_id"),
    )
    tenant_index("cv_profiles", "validated_at")


def hour_statements():
    """Monthly hour statements of a mission: one in force per month, corrections supersede."""
    tenant_table(
        "hour_statements",
        tenant_ref_column("mission_id", "missions"),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("worked_hours", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("training_hours", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("absence_hours", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.String(length=500), nullable=True),
        tenant_ref_column("supersedes_id", "hour_statements", nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        user_ref_column("declared_by", nullable=True),
        now_column("declared_at"),
        user_ref_column("decided_by", nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        check("rejection_reasoned", "status <> 'rejected' OR rejection_reason IS NOT NULL"),
        check("status", "status IN ('declared', 'validated', 'rejected')"),
        check("month_first_day", "extract(day from month) = 1"),
        check("hours_in_month", "worked_hours + training_hours <= 744"),
        check("hours_positive", "worked_hours >= 0 AND training_hours >= 0 AND absence_hours >= 0"),
    )
    tenant_index("hour_statements", "mission_id", "month")
    tenant_index("hour_statements", "status")
    unique_where(
        "uq_hour_statements_one_correction",
        "hour_statements",
        ["tenant_id", "supersedes_id"],
        "status <> 'rejected' AND superseded_at IS NULL",
    )
    unique_where(
        "uq_hour_statements_in_force",
        "hour_statements",
        ["tenant_id", "mission_id", "month"],
        "superseded_at IS NULL AND status <> 'rejected' AND NOT (status = 'declared' AND supersedes_id IS NOT NULL)",
    )


def hour_ledger():
    """Statement proofs, countings of a statement and their allocation to lots."""
    tenant_table(
        "statement_proofs",
        tenant_ref_column("statement_id", "hour_statements"),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        user_ref_column("uploaded_by", nullable=True),
        now_column("uploaded_at"),
    )
    tenant_index("statement_proofs", "statement_id")
    tenant_table(
        "hour_countings",
        tenant_ref_column("statement_id", "hour_statements"),
        tenant_ref_column("rule_id", "counting_rules"),
        sa.Column("raw_hours", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("counted_hours", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        authored(),
        check("counted_positive", "counted_hours >= 0"),
    )
    unique_where("uq_hour_countings_current", "hour_countings", ["tenant_id", "statement_id"], "current")
    tenant_table(
        "hour_allocations",
        tenant_ref_column("counting_id", "hour_countings"),
        tenant_ref_column("lot_id", "lots"),
        sa.Column("hours", sa.Numeric(precision=9, scale=2), nullable=False),
        tenant_ref_column("agreement_id", "mutualisation_agreements", nullable=True),
        now_column(),
        check("hours_positive", "hours > 0"),
        unique("tenant_id", "counting_id", "lot_id"),
    )
    tenant_index("hour_allocations", "lot_id")


def ledger_guards():
    """Statements and countings are never edited nor deleted; the allocations are checked at the
    commit of any write to them, to a counting or to a statement."""
    op.execute(LEDGER_FUNCTIONS_SQL)
    guard_trigger("hour_statements", "hour_statements_guard")
    guard_trigger("hour_countings", "hour_countings_guard")
    deferred_check(
        "hour_allocations_check",
        "hour_allocations_check_trigger",
        {"hour_allocations": "INSERT OR UPDATE", "hour_countings": "UPDATE", "hour_statements": "UPDATE"},
    )
