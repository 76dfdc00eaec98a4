"""Conventions, obligations calendar, funding schedules, committees and the mail service

Create Date: 2026-11-22 00:32:24.024798
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import (
    authored,
    check,
    drop_tables,
    drop_trigger,
    guard_trigger,
    now_column,
    tenant_index,
    tenant_ref_column,
    tenant_table,
    unique,
    user_ref_column,
)
from tenants import rls

revision = "4e32e5547b1b"
down_revision = "fe4e368260f3"


TENANT_TABLES = (
    "conventions",
    "convention_parties",
    "convention_renewals",
    "convention_terms",
    "convention_resources",
    "financial_commitments",
    "schedule_lines",
    "convention_payments",
    "convention_documents",
    "convention_objections",
    "meetings",
    "meeting_attendees",
    "meeting_conventions",
    "meeting_decisions",
    "convention_obligations",
    "obligation_occurrences",
    "notification_preferences",
    "outgoing_mails",
    "obligation_reminders",
)

#: The tables of the child terms, closed by a later avenant.
CHILD_TERMS_TABLES = ("convention_resources", "financial_commitments", "convention_obligations")

#: Terms are never overwritten: a signed version cannot change, and a child term (resource,
#: commitment, obligation) may only be closed by a later avenant (until_terms from NULL to a number).
TERMS_GUARD_FUNCTIONS_SQL = """
CREATE FUNCTION convention_terms_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- the one update allowed: the signature date of terms signed after they were drafted
    IF TG_OP = 'UPDATE' AND OLD.signed_on IS NULL AND NEW.signed_on IS NOT NULL
       AND (to_jsonb(NEW) - 'signed_on') = (to_jsonb(OLD) - 'signed_on') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'convention terms are never overwritten: record an avenant (%)', TG_TABLE_NAME
        USING ERRCODE = 'check_violation';
END $$;

CREATE FUNCTION convention_child_terms_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'convention terms are never deleted: close them by an avenant (%)', TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.until_terms IS NOT NULL OR NEW.until_terms IS NULL OR NEW.until_terms <= OLD.from_terms
       OR (to_jsonb(NEW) - 'until_terms') IS DISTINCT FROM (to_jsonb(OLD) - 'until_terms') THEN
        RAISE EXCEPTION 'convention terms are never overwritten: record an avenant (%)', TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade():
    _conventions()
    _convention_terms()
    _funding()
    _convention_records()
    _meetings()
    _obligations()
    _mail_and_reminders()
    for table in TENANT_TABLES:
        rls.enable(op, table)
    op.execute(TERMS_GUARD_FUNCTIONS_SQL)
    guard_trigger("convention_terms", "convention_terms_guard")
    for table in CHILD_TERMS_TABLES:
        guard_trigger(table, "convention_child_terms_guard", f"{table}_guard")


def _conventions():
    """Conventions, their parties and renewals."""
    tenant_table(
        "conventions",
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_at_place", sa.String(length=120), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.String(length=500), nullable=True),
        authored(),
        check(
            "kind",
            "kind IN ('accompagnement', 'cooperation_donneur_ordre', 'mise_a_disposition', 'soutien_departement', 'globalisation')",
        ),
        unique("tenant_id", "reference"),
    )
    tenant_table(
        "convention_parties",
        tenant_ref_column("convention_id", "conventions"),
        tenant_ref_column("organisation_id", "organisations"),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("signatory", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("represented_by", sa.String(length=200), nullable=True),
        sa.Column("is_guichet", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        check("role", "role IN ('porteur', 'partenaire', 'cofinanceur', 'etat', 'departement')"),
        unique("tenant_id", "convention_id", "organisation_id", name="org"),
    )
    tenant_table(
        "convention_renewals",
        tenant_ref_column("convention_id", "conventions"),
        sa.Column("period_no", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        now_column("recorded_at"),
        check("period_no", "period_no >= 2"),
        unique("tenant_id", "convention_id", "period_no", name="period"),
    )


def _convention_terms():
    """The successive terms of a convention (versions and avenants) and the resources they commit."""
    tenant_table(
        "convention_terms",
        tenant_ref_column("convention_id", "conventions"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column(
            "articles",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("duration_kind", sa.String(length=10), nullable=False),
        sa.Column("period_months", sa.Integer(), server_default=sa.text("12"), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("max_renewals", sa.Integer(), nullable=True),
        sa.Column("notice_months", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("objecting_party_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "amendments_at_renewal_only", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        authored(),
        check("fixed_has_end", "duration_kind <> 'fixed' OR end_on IS NOT NULL"),
        check("duration_kind", "duration_kind IN ('fixed', 'tacit')"),
        check("max_renewals", "max_renewals IS NULL OR max_renewals >= 0"),
        check("notice_months", "notice_months BETWEEN 0 AND 12"),
        check("number", "number >= 0"),
        check("period_months", "period_months BETWEEN 1 AND 60"),
        unique("tenant_id", "convention_id", "effective_from", name="effective"),
        unique("tenant_id", "convention_id", "number", name="number"),
    )
    tenant_table(
        "convention_resources",
        tenant_ref_column("convention_id", "conventions"),
        tenant_ref_column("provider_id", "organisations"),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("fte", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("from_terms", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("until_terms", sa.Integer(), nullable=True),
        check("fte", "fte > 0 AND fte <= 50"),
    )
    tenant_index("convention_resources", "convention_id")


def _funding():
    """Financial commitments, their schedule lines and the payments made on them."""
    tenant_table(
        "financial_commitments",
        tenant_ref_column("convention_id", "conventions"),
        tenant_ref_column("payer_id", "organisations"),
        tenant_ref_column("payee_id", "organisations"),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("rate_per_post", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("posts_fte", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("recurrence", sa.String(length=12), server_default="each_period", nullable=False),
        sa.Column("article", sa.String(length=40), nullable=True),
        sa.Column("from_terms", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("until_terms", sa.Integer(), nullable=True),
        check("fixed_amount", "basis <> 'fixed' OR amount > 0"),
        check("per_post_inputs", "basis <> 'per_post' OR (rate_per_post > 0 AND posts_fte > 0)"),
        check("basis", "basis IN ('fixed', 'per_post')"),
        check("recurrence", "recurrence IN ('once', 'each_period')"),
    )
    tenant_index("financial_commitments", "convention_id")
    tenant_table(
        "schedule_lines",
        tenant_ref_column("commitment_id", "financial_commitments"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("offset_days", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "required_deliverables",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        check("trigger", "trigger IN ('signature', 'start', 'end')"),
        check("percent", "percent > 0 AND percent <= 100"),
        unique("tenant_id", "commitment_id", "seq", name="seq"),
    )
    tenant_table(
        "convention_payments",
        tenant_ref_column("line_id", "schedule_lines"),
        sa.Column("period_no", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        user_ref_column("recorded_by", nullable=True),
        now_column("recorded_at"),
        check("amount", "amount > 0"),
        unique("tenant_id", "line_id", "period_no", name="instalment"),
    )


def _convention_records():
    """Documents of a convention and the objections raised to it."""
    tenant_table(
        "convention_documents",
        tenant_ref_column("convention_id", "conventions"),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        user_ref_column("uploaded_by", nullable=True),
        now_column("uploaded_at"),
        check("kind", "kind IN ('signed', 'avenant', 'annex', 'other')"),
    )
    tenant_index("convention_documents", "convention_id")
    tenant_table(
        "convention_objections",
        tenant_ref_column("convention_id", "conventions"),
        tenant_ref_column("party_id", "organisations"),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("effective_term", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        user_ref_column("recorded_by", nullable=True),
        now_column("recorded_at"),
        unique("tenant_id", "convention_id", name="convention"),
    )


def _meetings():
    """Meetings (committees), who attends, the conventions reviewed and the decisions taken."""
    tenant_table(
        "meetings",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        authored(),
        check(
            "kind",
            "kind IN ('revue_trimestrielle', 'comite_suivi', 'comite_pilotage', 'reunion_reseau', 'dialogue_gestion', 'reunion_bilan', 'autre_reunion')",
        ),
        check("status", "status IN ('planned', 'held', 'cancelled')"),
    )
    tenant_index("meetings", "meeting_on")
    tenant_table(
        "meeting_attendees",
        tenant_ref_column("meeting_id", "meetings", ondelete="CASCADE"),
        tenant_ref_column("organisation_id", "organisations"),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("represented_by", sa.String(length=200), nullable=True),
        unique("tenant_id", "meeting_id", "organisation_id", name="pair"),
    )
    tenant_table(
        "meeting_conventions",
        tenant_ref_column("meeting_id", "meetings", ondelete="CASCADE"),
        tenant_ref_column("convention_id", "conventions"),
        unique("tenant_id", "meeting_id", "convention_id", name="pair"),
    )
    tenant_table(
        "meeting_decisions",
        tenant_ref_column("meeting_id", "meetings"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        tenant_ref_column("owner_id", "organisations", nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        now_column(),
        check("status", "status IN ('open', 'done', 'dropped')"),
        unique("tenant_id", "meeting_id", "number", name="number"),
    )
    tenant_index("meeting_decisions", "status", "due_on")


def _obligations():
    """Obligations of a convention and their occurrences in the calendar."""
    tenant_table(
        "convention_obligations",
        tenant_ref_column("convention_id", "conventions"),
        tenant_ref_column("responsible_id", "organisations"),
        tenant_ref_column("recipient_id", "organisations", nullable=True),
        sa.Column("nature", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("cadence", sa.String(length=12), nullable=False),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("offset_days", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("offset_months", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("event_label", sa.String(length=100), nullable=True),
        sa.Column("event_default_month", sa.Integer(), nullable=True),
        sa.Column("times_per_period", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=True),
        sa.Column("from_terms", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("until_terms", sa.Integer(), nullable=True),
        check(
            "cadence",
            "cadence IN ('monthly', 'weekly', 'quarterly', 'semiannual', 'annual', 'at_start', 'at_end', 'after_event', 'mission_end', 'ad_hoc')",
        ),
        check("nature", "nature IN ('deliverable', 'meeting')"),
        check("day_of_month", "day_of_month IS NULL OR day_of_month BETWEEN 1 AND 28"),
        check("times_per_period", "times_per_period BETWEEN 1 AND 12"),
        check("weekday", "weekday IS NULL OR weekday BETWEEN 0 AND 6"),
    )
    tenant_index("convention_obligations", "convention_id")
    tenant_table(
        "obligation_occurrences",
        tenant_ref_column("obligation_id", "convention_obligations"),
        tenant_ref_column("convention_id", "conventions"),
        sa.Column("period_no", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        user_ref_column("received_by", nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        tenant_ref_column("meeting_id", "meetings", nullable=True),
        unique("tenant_id", "obligation_id", "period_no", "seq", name="key"),
    )
    tenant_index("obligation_occurrences", "convention_id", "period_no")
    tenant_index("obligation_occurrences", "due_on")


def _mail_and_reminders():
    """The mail service (outgoing mails, notification preferences) and the reminders of occurrences."""
    tenant_table(
        "notification_preferences",
        user_ref_column("user_id"),
        sa.Column("reminders_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        now_column("updated_at"),
    )
    tenant_index("notification_preferences", "user_id", unique=True)
    tenant_table(
        "outgoing_mails",
        sa.Column("to_address", sa.String(length=254), nullable=False),
        user_ref_column("to_user_id", nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("backend", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        now_column(),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        check("status", "status IN ('pending', 'sent', 'mailbox', 'failed')"),
    )
    tenant_index("outgoing_mails", "created_at")
    tenant_table(
        "obligation_reminders",
        tenant_ref_column("occurrence_id", "obligation_occurrences", ondelete="CASCADE"),
        user_ref_column("user_id"),
        sa.Column("kind", sa.String(length=8), nullable=False),
        tenant_ref_column("mail_id", "outgoing_mails", nullable=True),
        now_column("sent_at"),
        check("kind", "kind IN ('before', 'late')"),
        unique("tenant_id", "occurrence_id", "user_id", "kind", name="once"),
    )


def downgrade():
    for table in CHILD_TERMS_TABLES:
        drop_trigger(f"{table}_guard", table)
    drop_trigger("convention_terms_guard", "convention_terms")
    op.execute("DROP FUNCTION IF EXISTS convention_child_terms_guard()")
    op.execute("DROP FUNCTION IF EXISTS convention_terms_guard()")
    for table in TENANT_TABLES:
        rls.disable(op, table)
    drop_tables(*TENANT_TABLES)
