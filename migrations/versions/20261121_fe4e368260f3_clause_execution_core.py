"""Clause execution core: reference data, partners' contacts, marchés and lots, participants,
missions, the hours ledger and mutualisation, API tokens.

After the tables, one step per group: row-level security on every tenant table (the API token
table answers also to the hash the request presents), read-only reference tables for the
application role, and the ledger's guards (immutable statements and countings, and the deferred
check that no counted hour is allocated twice or off a statement that is not in force).
The steps from missions on (missions, follow-ups and CVs, hour statements, the ledger and its
guards) are in ``migrations/clause_core_missions.py``.

Create Date: 2026-11-21 21:54:54.299950
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import clause_core_missions
from migrations.helpers import (
    authored,
    check,
    create_table,
    drop_tables,
    drop_trigger,
    index,
    now_column,
    primary_key,
    ref,
    reference_list,
    tenant_index,
    tenant_ref_column,
    tenant_table,
    unique,
    user_ref_column,
)
from tenants import rls

TENANT_TABLES = [
    "api_tokens",
    "hourly_costs",
    "organisation_contacts",
    "marches",
    "counting_rules",
    "lots",
    "lot_figures",
    "lot_subcontractors",
    "mutualisation_agreements",
    "mutualisation_members",
    "participants",
    "participant_identities",
    "eligibilities",
    "eligibility_criteria",
    "prescriptions",
    "missions",
    "follow_ups",
    "cv_profiles",
    "hour_statements",
    "statement_proofs",
    "hour_countings",
    "hour_allocations",
]
REFERENCE_TABLES = [
    "ref_communes",
    "ref_contract_types",
    "ref_criteria",
    "ref_departements",
    "ref_exit_motifs",
    "ref_items",
    "ref_qpv",
    "ref_rome",
]

# The reference tables are written by the owner (``guichet referentiels charger``) only.
READ_ONLY_REFERENCE_SQL = """
DO $$
DECLARE
    grant_row record;
BEGIN
    FOR grant_row IN
        SELECT DISTINCT grantee, table_name FROM information_schema.role_table_grants
         WHERE table_schema = 'public' AND left(table_name, 4) = 'ref_'
           AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
           AND grantee <> current_user
    LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I FROM %I', grant_row.table_name, grant_row.grantee);
    END LOOP;
END $$;
"""

revision = "fe4e368260f3"
down_revision = "79effbe7f6eb"


def upgrade():
    _reference_places()
    _reference_lists()
    _tokens_and_costs()
    _partner_details()
    _marches()
    _lots()
    _lot_sharing()
    _participants()
    _eligibility()
    clause_core_missions.missions()
    clause_core_missions.follow_ups_and_cvs()
    clause_core_missions.hour_statements()
    clause_core_missions.hour_ledger()
    for table in TENANT_TABLES:
        if table == "api_tokens":
            continue
        rls.enable(op, table)
    rls.enable(
        op,
        "api_tokens",
        using=f"tenant_id = {rls.CURRENT_TENANT} OR token_hash = NULLIF(current_setting('app.token_hash', true), '')",
        check=f"tenant_id = {rls.CURRENT_TENANT}",
    )
    clause_core_missions.ledger_guards()
    op.execute(READ_ONLY_REFERENCE_SQL)


def _reference_places():
    """Communes, départements and QPV (quartiers prioritaires): the places of the reference data."""
    create_table(
        "ref_communes",
        sa.Column("insee", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("region", sa.String(length=3), nullable=True),
        sa.Column("epci_siren", sa.String(length=9), nullable=True),
        sa.Column("epci_name", sa.String(length=200), nullable=True),
        sa.Column("postcodes", postgresql.ARRAY(sa.String(length=5)), nullable=False),
        primary_key("insee"),
    )
    index("ref_communes", "departement")
    index("ref_communes", "epci_siren")
    index("ref_communes", "name")
    create_table(
        "ref_departements",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=3), nullable=True),
        primary_key("code"),
    )
    create_table(
        "ref_qpv",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("communes", postgresql.ARRAY(sa.String(length=5)), nullable=False),
        primary_key("code"),
    )


def _reference_lists():
    """Contract types, criteria, exit motifs, ROME codes and the small lists of the reference data."""
    reference_list(
        "ref_contract_types",
        sa.Column("family", sa.String(length=16), nullable=False),
        sa.Column("fixed_term", sa.Boolean(), nullable=False),
    )
    reference_list(
        "ref_criteria",
        sa.Column("level", sa.SmallInteger(), nullable=True),
        sa.Column("family", sa.String(length=16), nullable=False),
        sa.Column("proof_types", postgresql.ARRAY(sa.String(length=40)), nullable=False),
    )
    reference_list(
        "ref_exit_motifs",
        sa.Column("category", sa.String(length=32), nullable=False),
    )
    create_table(
        "ref_items",
        sa.Column("list", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        primary_key("list", "code"),
    )
    create_table(
        "ref_rome",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=200), nullable=True),
        primary_key("code"),
    )


def _tokens_and_costs():
    """API tokens and the tenant's hourly costs."""
    tenant_table(
        "api_tokens",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        authored(ondelete="SET NULL"),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        check("role", "role IN ('facilitateur', 'lecture')"),
        unique("token_hash"),
    )
    tenant_table(
        "hourly_costs",
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        now_column(),
        check("amount_positive", "amount > 0"),
        unique("tenant_id", "valid_from"),
    )


def _partner_details():
    """Partners' contacts, and the address and contact columns of organisations."""
    tenant_table(
        "organisation_contacts",
        tenant_ref_column("organisation_id", "organisations", ondelete="CASCADE"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("function", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        now_column(),
    )
    tenant_index("organisation_contacts", "organisation_id")
    op.add_column("organisations", sa.Column("address", sa.String(length=300), nullable=True))
    op.add_column("organisations", sa.Column("commune_insee", sa.String(length=5), nullable=True))
    op.add_column("organisations", sa.Column("email", sa.String(length=254), nullable=True))
    op.add_column("organisations", sa.Column("phone", sa.String(length=30), nullable=True))
    op.add_column("organisations", sa.Column("notes", sa.Text(), nullable=True))
    op.create_foreign_key(
        op.f("fk_organisations_commune_insee_ref_communes"),
        "organisations",
        "ref_communes",
        ["commune_insee"],
        ["insee"],
    )


def _marches():
    """Marchés and the counting rules of their hours."""
    tenant_table(
        "marches",
        tenant_ref_column("donneur_ordre_id", "organisations"),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("object", sa.String(length=500), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=True),
        sa.Column("procedure", sa.String(length=40), nullable=True),
        sa.Column("notification_date", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("amount_ht", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("anru", sa.Boolean(), nullable=False),
        sa.Column("anru_project_id", sa.String(length=40), nullable=True),
        sa.Column("execution_communes", postgresql.ARRAY(sa.String(length=5)), nullable=False),
        sa.Column("considerations", postgresql.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("hourly_cost_override", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        now_column(),
        check("dates_order", "end_date IS NULL OR start_date IS NULL OR end_date >= start_date"),
        check("cost_positive", "hourly_cost_override IS NULL OR hourly_cost_override > 0"),
        unique("tenant_id", "reference"),
    )
    tenant_index("marches", "donneur_ordre_id")
    tenant_table(
        "counting_rules",
        tenant_ref_column("marche_id", "marches", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("multipliers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("count_training", sa.Boolean(), nullable=False),
        sa.Column("training_cap_hours", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("cdi_cap_hours", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("require_eligibility", sa.Boolean(), nullable=False),
        sa.Column("rounding_step", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("rounding", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        authored(),
        check("rounding", "rounding IN ('nearest', 'up', 'down')"),
        check("cdi_cap", "cdi_cap_hours IS NULL OR cdi_cap_hours >= 0"),
        check("rounding_step", "rounding_step IN (0.01, 0.25, 0.5, 1)"),
        check("training_cap", "training_cap_hours IS NULL OR training_cap_hours >= 0"),
        check("version_positive", "version >= 1"),
        sa.UniqueConstraint(
            "tenant_id",
            "marche_id",
            "version",
            name=op.f("uq_counting_rules_tenant_id_marche_id_version"),
            postgresql_nulls_not_distinct=True,
        ),
    )


def _lots():
    """Lots of a marché and their recorded figures."""
    tenant_table(
        "lots",
        tenant_ref_column("marche_id", "marches", ondelete="CASCADE"),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("object", sa.String(length=500), nullable=False),
        sa.Column("amount_ht", sa.Numeric(precision=14, scale=2), nullable=True),
        tenant_ref_column("attributaire_id", "organisations", nullable=True),
        sa.Column("obligation_mode", sa.String(length=16), nullable=False),
        sa.Column("fixed_hours", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("labour_share", sa.Numeric(precision=6, scale=4), nullable=True),
        sa.Column("insertion_rate", sa.Numeric(precision=6, scale=4), nullable=True),
        sa.Column("hourly_cost_override", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("hours_share", sa.Numeric(precision=6, scale=4), nullable=True),
        sa.Column("per_amount_hours", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("per_amount_base", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("rounding", sa.String(length=8), nullable=False),
        sa.Column("obligation_hours", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("obligation_inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("penalty_per_hour", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        now_column(),
        check("mode", "obligation_mode IN ('fixed', 'formula', 'percentage', 'per_amount')"),
        check("rounding", "rounding IN ('nearest', 'up', 'down')"),
        check("obligation_positive", "obligation_hours IS NULL OR obligation_hours >= 0"),
        unique("tenant_id", "marche_id", "number"),
    )
    tenant_index("lots", "attributaire_id")
    tenant_index("lots", "marche_id")
    tenant_table(
        "lot_figures",
        tenant_ref_column("lot_id", "lots", ondelete="CASCADE"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        authored(),
        check("kind", "kind IN ('invoiced_amount', 'hours_worked')"),
        check("value_positive", "value >= 0"),
    )
    tenant_index("lot_figures", "lot_id", "recorded_on")


def _lot_sharing():
    """Subcontractors of a lot and the mutualisation of hours between lots."""
    tenant_table(
        "lot_subcontractors",
        tenant_ref_column("lot_id", "lots", ondelete="CASCADE"),
        tenant_ref_column("organisation_id", "organisations"),
        sa.Column("role", sa.String(length=16), nullable=False),
        unique("tenant_id", "lot_id", "organisation_id"),
    )
    tenant_index("lot_subcontractors", "organisation_id")
    tenant_table(
        "mutualisation_agreements",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("allocation_key", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        now_column(),
        check("allocation_key", "allocation_key IN ('pro_rata', 'explicit')"),
        check("validity", "valid_to IS NULL OR valid_to >= valid_from"),
    )
    tenant_table(
        "mutualisation_members",
        tenant_ref_column("agreement_id", "mutualisation_agreements", ondelete="CASCADE"),
        tenant_ref_column("lot_id", "lots"),
        sa.Column("share", sa.Numeric(precision=6, scale=4), nullable=True),
        check("share", "share IS NULL OR (share > 0 AND share <= 1)"),
        unique("tenant_id", "agreement_id", "lot_id"),
    )
    tenant_index("mutualisation_members", "lot_id")


def _participants():
    """Participants and their identities."""
    tenant_table(
        "participants",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("qualification_level", sa.String(length=40), nullable=True),
        sa.Column("freins", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("projet_professionnel", sa.Text(), nullable=True),
        sa.Column("bilan_entree", sa.Text(), nullable=True),
        sa.Column("bilan_entree_on", sa.Date(), nullable=True),
        tenant_ref_column("referent_organisation_id", "organisations", nullable=True),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        now_column(),
        unique("tenant_id", "reference"),
    )
    tenant_index("participants", "referent_organisation_id")
    tenant_table(
        "participant_identities",
        tenant_ref_column("participant_id", "participants", ondelete="CASCADE"),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        sa.Column("qpv_code", sa.String(length=12), nullable=True),
        check("sex", "sex IN ('F', 'M', 'X')"),
        ref("commune_insee", "ref_communes.insee"),
        ref("qpv_code", "ref_qpv.code"),
        unique("tenant_id", "participant_id"),
    )
    tenant_index("participant_identities", "last_name", "first_name")


def _eligibility():
    """Eligibilities, the criteria they rest on, and prescriptions."""
    tenant_table(
        "eligibilities",
        tenant_ref_column("participant_id", "participants", ondelete="CASCADE"),
        sa.Column("validated_on", sa.Date(), nullable=False),
        user_ref_column("validated_by", nullable=True),
        sa.Column("anchor", sa.String(length=16), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=300), nullable=True),
        now_column(),
        check("anchor", "anchor IN ('validation', 'first_mission')"),
        check("validity", "valid_until IS NULL OR valid_until >= valid_from"),
    )
    tenant_index("eligibilities", "participant_id")
    tenant_table(
        "eligibility_criteria",
        tenant_ref_column("eligibility_id", "eligibilities", ondelete="CASCADE"),
        sa.Column("criterion_code", sa.String(length=40), nullable=False),
        sa.Column("proof_type", sa.String(length=40), nullable=False),
        ref("criterion_code", "ref_criteria.code"),
        unique("tenant_id", "eligibility_id", "criterion_code"),
    )
    tenant_table(
        "prescriptions",
        tenant_ref_column("participant_id", "participants", ondelete="CASCADE"),
        tenant_ref_column("prescripteur_id", "organisations"),
        sa.Column("prescribed_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        authored(),
        check("validity", "valid_until >= prescribed_on"),
    )
    tenant_index("prescriptions", "participant_id")
    tenant_index("prescriptions", "valid_until")


def downgrade():
    drop_trigger("hour_allocations_check", "hour_allocations", "hour_countings", "hour_statements")
    drop_trigger("hour_countings_guard", "hour_countings")
    drop_trigger("hour_statements_guard", "hour_statements")
    for function in (
        "hour_allocations_check_trigger()",
        "hour_allocations_check(bigint, bigint)",
        "hour_countings_guard()",
        "hour_statements_guard()",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    for table in TENANT_TABLES:
        rls.disable(op, table)
    op.drop_constraint(
        op.f("fk_organisations_commune_insee_ref_communes"), "organisations", type_="foreignkey"
    )
    op.drop_column("organisations", "notes")
    op.drop_column("organisations", "phone")
    op.drop_column("organisations", "email")
    op.drop_column("organisations", "commune_insee")
    op.drop_column("organisations", "address")
    drop_tables(*REFERENCE_TABLES, *TENANT_TABLES)
