"""The keys a bilan groups each mission by, kept by triggers: its person's sex, age band at entry,
level, residence in a QPV, last prescriber and criteria at entry; its contract, modality, employer
and the kind of it, duration, trade and sector; its dates and exit

Create Date: 2026-12-09 09:00:00

A bilan of a large territory's year (7 000 missions) joined each mission to its person, identity,
lot, marché, employer, last prescription, first mission and eligibility at entry: seven lookups a
mission, 150 ms, then the same missions once more for the criteria at entry (75 ms). The keys do
not depend on the period of the bilan, so ``mission_facts`` holds them, one row per mission.
``hour_totals`` gains an index by lot and month that carries the hours, so that the lots' hours
of a bilan are read from the index alone.

They are computed by one function, ``mission_facts_refresh(tenants, missions)``, an upsert from
the tables they come from; the triggers only say which missions to refresh:

- statement-level, on ``missions``, ``participant_identities``, ``prescriptions``,
  ``eligibilities`` (insert, update, delete) and ``eligibility_criteria`` (insert, delete, update):
  every mission of the persons concerned (a new first mission changes the age band at entry and
  the eligibility at entry of the person's other missions);
- row-level, on the rare updates of a key: a person's level, an organisation's kind or kind of
  prescriber, a lot's marché, a marché's sector.

Values read from the reference lists (a contract's family, whether it has a term, a motif's
category, a criterion's level) are not copied: ``guichet ref load`` may change them, and the
bilans join the lists, a few dozen rows. A mission that is deleted takes its row with it. A
mission never changes lot (a trigger refuses it): the bilans tell its mutualised hours from its own
by that lot.
``tests/bilans/test_mission_facts.py`` checks the table against the same function over every
mission after each kind of change, and that a refresh waits for a concurrent write of the same
person's keys (the function first locks the rows it reads).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import drop_tables, tenant_index, tenant_ref_column, tenant_table, unique
from tenants import rls

revision = "b8e4f1a6d2c7"
down_revision = "a7d3e9f2c4b6"

COLUMNS = (
    "tenant_id, mission_id, participant_id, lot_id, employer_id, start_date, until_date, exit_date, "
    "exit_category, situation_6m_motif, contract_type, modality, employer_kind, duration, rome_code, "
    "sector, sex, age_band, level, qpv, prescripteur_id, prescriber_kind, criteria"
)
UNDER_WAY_COVERED = ("mission_id", "participant_id", "lot_id", "employer_id")
UPDATED = ", ".join(f"{column} = EXCLUDED.{column}" for column in COLUMNS.split(", ")[2:])

# The keys of the given missions (those that no longer exist are skipped: their row went with
# them), written over the rows they had. The eligibility at entry is the last validated on or
# before the person's first mission, else the first after; the prescription, the last one.
#
# First, the rows the keys are read from are locked: the persons (as a write of their keys would),
# then the employers, prescribers, lots and marchés (shared, as an update of them would wait for).
# A transaction writing the same keys commits before, or waits for this one; each statement of the
# function reads its own snapshot, so the upsert then reads what the other one wrote.
LOCK_SQL = """
    WITH d AS (
        SELECT m.tenant_id, m.participant_id
          FROM unnest(p_tenant, p_mission) AS x (tenant_id, mission_id)
          JOIN missions m ON m.tenant_id = x.tenant_id AND m.id = x.mission_id
    )
    SELECT 1 FROM participants pa
     WHERE (pa.tenant_id, pa.id) IN (SELECT d.tenant_id, d.participant_id FROM d)
     ORDER BY pa.tenant_id, pa.id
       FOR NO KEY UPDATE;
    WITH d AS (
        SELECT m.tenant_id, m.participant_id, m.employer_id
          FROM unnest(p_tenant, p_mission) AS x (tenant_id, mission_id)
          JOIN missions m ON m.tenant_id = x.tenant_id AND m.id = x.mission_id
    )
    SELECT 1 FROM organisations o
     WHERE (o.tenant_id, o.id) IN (
            SELECT d.tenant_id, d.employer_id FROM d
            UNION
            SELECT p.tenant_id, p.prescripteur_id
              FROM prescriptions p JOIN d ON d.tenant_id = p.tenant_id AND d.participant_id = p.participant_id)
     ORDER BY o.tenant_id, o.id
       FOR SHARE;
    WITH d AS (
        SELECT m.tenant_id, m.lot_id
          FROM unnest(p_tenant, p_mission) AS x (tenant_id, mission_id)
          JOIN missions m ON m.tenant_id = x.tenant_id AND m.id = x.mission_id
    )
    SELECT 1 FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
     WHERE (l.tenant_id, l.id) IN (SELECT d.tenant_id, d.lot_id FROM d)
     ORDER BY l.tenant_id, l.id
       FOR SHARE;
"""
REFRESH_SQL = f"""
CREATE FUNCTION mission_facts_refresh(p_tenant bigint[], p_mission bigint[]) RETURNS void
LANGUAGE sql AS $$
{LOCK_SQL}
    INSERT INTO mission_facts AS f ({COLUMNS})
    SELECT m.tenant_id, m.id, m.participant_id, m.lot_id, m.employer_id, m.start_date,
           coalesce(m.exit_date, m.end_date, 'infinity'), m.exit_date, m.exit_category,
           m.situation_6m_motif, m.contract_type, m.modality, emp.kind,
           CASE WHEN m.end_date IS NULL THEN 'sans_terme'
                WHEN m.end_date + 1 < m.start_date + interval '1 month' THEN 'moins_1_mois'
                WHEN m.end_date + 1 < m.start_date + interval '3 months' THEN '1_3_mois'
                WHEN m.end_date + 1 < m.start_date + interval '6 months' THEN '3_6_mois'
                WHEN m.end_date + 1 < m.start_date + interval '12 months' THEN '6_12_mois'
                ELSE '12_mois_plus' END,
           coalesce(m.rome_code, ''), coalesce(mk.sector, ''), coalesce(i.sex, ''),
           CASE WHEN i.birth_date IS NULL THEN 'inconnu'
                WHEN fs.first_start < i.birth_date + interval '26 years' THEN 'moins_26'
                WHEN fs.first_start >= i.birth_date + interval '50 years' THEN '50_plus'
                ELSE '26_49' END,
           coalesce(pa.qualification_level, ''), i.qpv_code IS NOT NULL,
           coalesce(pr.prescripteur_id, 0), coalesce(pr.prescriber_kind, ''),
           coalesce(cr.criteria, '{{}}')
      FROM (SELECT DISTINCT tenant_id, mission_id FROM unnest(p_tenant, p_mission) AS d (tenant_id, mission_id)) d
      JOIN missions m ON m.tenant_id = d.tenant_id AND m.id = d.mission_id
      JOIN participants pa ON pa.tenant_id = m.tenant_id AND pa.id = m.participant_id
      JOIN lots l ON l.tenant_id = m.tenant_id AND l.id = m.lot_id
      JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id
      JOIN organisations emp ON emp.tenant_id = m.tenant_id AND emp.id = m.employer_id
      JOIN LATERAL (
          SELECT f.tenant_id, min(f.start_date) AS first_start FROM missions f
           WHERE f.tenant_id = m.tenant_id AND f.participant_id = m.participant_id GROUP BY f.tenant_id
      ) fs ON fs.tenant_id = m.tenant_id
      LEFT JOIN participant_identities i ON i.tenant_id = m.tenant_id AND i.participant_id = m.participant_id
      LEFT JOIN LATERAL (
          SELECT p.tenant_id, p.prescripteur_id, o.prescriber_kind
            FROM prescriptions p
            JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.prescripteur_id
           WHERE p.tenant_id = m.tenant_id AND p.participant_id = m.participant_id
           ORDER BY p.prescribed_on DESC, p.id DESC
           LIMIT 1
      ) pr ON pr.tenant_id = m.tenant_id
      LEFT JOIN LATERAL (
          SELECT en.tenant_id, array_agg(ec.criterion_code ORDER BY ec.criterion_code) AS criteria
            FROM (SELECT e.tenant_id, e.id FROM eligibilities e
                   WHERE e.tenant_id = m.tenant_id AND e.participant_id = m.participant_id
                     AND e.revoked_at IS NULL
                   ORDER BY (e.validated_on <= fs.first_start) DESC,
                            CASE WHEN e.validated_on <= fs.first_start THEN e.validated_on END DESC NULLS LAST,
                            e.validated_on, e.id
                   LIMIT 1) en
            JOIN eligibility_criteria ec ON ec.tenant_id = en.tenant_id AND ec.eligibility_id = en.id
           GROUP BY en.tenant_id
      ) cr ON cr.tenant_id = m.tenant_id
     ORDER BY m.tenant_id, m.id
    ON CONFLICT (tenant_id, mission_id) DO UPDATE SET {UPDATED};
$$;
"""

# Statement-level: ``TG_ARGV[0]`` joins the changed rows ``r`` to the missions ``m`` to refresh.
FOLLOW_SQL = """
CREATE FUNCTION mission_facts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text := CASE TG_OP WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
                               WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
                               ELSE 'SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows' END;
BEGIN
    EXECUTE format('SELECT mission_facts_refresh(array_agg(m.tenant_id), array_agg(m.id))
                      FROM (SELECT DISTINCT m.tenant_id, m.id FROM (%s) r %s) m', changed, TG_ARGV[0]);
    RETURN NULL;
END $$;
"""

# Row-level, on an update of one of the keys (the trigger's WHEN says which).
FOLLOW_ROW_SQL = """
CREATE FUNCTION mission_facts_follow_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT mission_facts_refresh(array_agg(m.tenant_id), array_agg(m.id))
                      FROM (SELECT DISTINCT m.tenant_id, m.id FROM (SELECT ($1).*) r %s) m', TG_ARGV[0])
      USING NEW;
    RETURN NULL;
END $$;
"""

# A mission's hours are counted under its own lot (``mission_hour_totals``), and the bilans tell
# mutualised hours from it by that lot: a mission never moves to another lot.
FIXED_LOT_SQL = """
CREATE FUNCTION missions_keep_their_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a mission never changes lot (mission %)', OLD.id;
END $$;
"""

OF_PERSON = "JOIN missions m ON m.tenant_id = r.tenant_id AND m.participant_id = r.participant_id"
STATEMENT_TRIGGERS = {
    "missions": OF_PERSON,
    "participant_identities": OF_PERSON,
    "prescriptions": OF_PERSON,
    "eligibilities": OF_PERSON,
    "eligibility_criteria": "JOIN eligibilities e ON e.tenant_id = r.tenant_id AND e.id = r.eligibility_id "
    "JOIN missions m ON m.tenant_id = e.tenant_id AND m.participant_id = e.participant_id",
}
EVENTS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
ROW_TRIGGERS = {
    "participants": (
        "OLD.qualification_level IS DISTINCT FROM NEW.qualification_level",
        "JOIN missions m ON m.tenant_id = r.tenant_id AND m.participant_id = r.id",
    ),
    "organisations": (
        "OLD.kind IS DISTINCT FROM NEW.kind OR OLD.prescriber_kind IS DISTINCT FROM NEW.prescriber_kind",
        "JOIN missions m ON m.tenant_id = r.tenant_id AND (m.employer_id = r.id OR EXISTS ("
        "SELECT 1 FROM prescriptions p WHERE p.tenant_id = m.tenant_id "
        "AND p.participant_id = m.participant_id AND p.prescripteur_id = r.id))",
    ),
    "lots": (
        "OLD.marche_id IS DISTINCT FROM NEW.marche_id",
        "JOIN missions m ON m.tenant_id = r.tenant_id AND m.lot_id = r.id",
    ),
    "marches": (
        "OLD.sector IS DISTINCT FROM NEW.sector",
        "JOIN lots l ON l.tenant_id = r.tenant_id AND l.marche_id = r.id "
        "JOIN missions m ON m.tenant_id = l.tenant_id AND m.lot_id = l.id",
    ),
}

# The owner is filtered by row-level security too (FORCE): lifted for the first rows only.
READ = ("missions", "participants", "participant_identities", "prescriptions", "eligibilities")
TABLES = (*READ, "eligibility_criteria", "organisations", "lots", "marches", "mission_facts")


def _quoted(sql: str) -> str:
    return sql.replace("'", "''")


def _triggers() -> None:
    op.execute(REFRESH_SQL)
    op.execute(FOLLOW_SQL)
    op.execute(FOLLOW_ROW_SQL)
    for table, join in STATEMENT_TRIGGERS.items():
        for event, clause in EVENTS.items():
            op.execute(
                f"CREATE TRIGGER mission_facts_{event} {clause.format(table=table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION mission_facts_follow('{_quoted(join)}')"
            )
    for table, (when, join) in ROW_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER mission_facts_update AFTER UPDATE ON {table} FOR EACH ROW WHEN ({when}) "
            f"EXECUTE FUNCTION mission_facts_follow_row('{_quoted(join)}')"
        )
    op.execute(FIXED_LOT_SQL)
    op.execute(
        "CREATE TRIGGER missions_keep_their_lot BEFORE UPDATE OF lot_id ON missions FOR EACH ROW "
        "WHEN (OLD.lot_id IS DISTINCT FROM NEW.lot_id) EXECUTE FUNCTION missions_keep_their_lot()"
    )


def upgrade():
    tenant_table(
        "mission_facts",
        *tenant_ref_column("mission_id", "missions", ondelete="CASCADE"),
        # copies, not references: the row goes with its mission
        sa.Column("participant_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("employer_id", sa.BigInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=False),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column("exit_category", sa.String(), nullable=True),
        sa.Column("situation_6m_motif", sa.String(), nullable=True),
        sa.Column("contract_type", sa.String(), nullable=False),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("employer_kind", sa.String(), nullable=False),
        sa.Column("duration", sa.String(), nullable=False),
        sa.Column("rome_code", sa.String(), nullable=False),
        sa.Column("sector", sa.String(), nullable=False),
        sa.Column("sex", sa.String(), nullable=False),
        sa.Column("age_band", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("qpv", sa.Boolean(), nullable=False),
        sa.Column("prescripteur_id", sa.BigInteger(), nullable=False),
        sa.Column("prescriber_kind", sa.String(), nullable=False),
        sa.Column("criteria", postgresql.ARRAY(sa.String()), nullable=False),
        unique("tenant_id", "mission_id"),
    )
    # the missions under way in a period (those ending after its start, then starting before its
    # end) with what a scope asks of them, from the index alone
    tenant_index("mission_facts", "until_date", "start_date", postgresql_include=list(UNDER_WAY_COVERED))
    tenant_index("mission_facts", "employer_id")
    tenant_index("mission_facts", "lot_id")
    rls.enable(op, "mission_facts")
    # the lots' months of a bilan (its lots, their cumulated hours, its curve) read from the index alone
    tenant_index("hour_totals", "lot_id", "month", postgresql_include=["hours", "raw_hours"])
    _triggers()
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute("SELECT mission_facts_refresh(array_agg(tenant_id), array_agg(id)) FROM missions")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade():
    for table in STATEMENT_TRIGGERS:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS mission_facts_{event} ON {table}")
    for table in ROW_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS mission_facts_update ON {table}")
    op.execute("DROP TRIGGER IF EXISTS missions_keep_their_lot ON missions")
    op.execute("DROP FUNCTION IF EXISTS missions_keep_their_lot()")
    op.execute("DROP FUNCTION IF EXISTS mission_facts_follow()")
    op.execute("DROP FUNCTION IF EXISTS mission_facts_follow_row()")
    op.execute("DROP FUNCTION IF EXISTS mission_facts_refresh(bigint[], bigint[])")
    drop_tables("mission_facts")
    op.execute("DROP INDEX IF EXISTS ix_hour_totals_tenant_id_lot_id_month")
