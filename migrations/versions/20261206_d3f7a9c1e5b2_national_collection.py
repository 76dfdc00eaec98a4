"""The national collection of the network: a donneur d'ordre's kind of buyer (collectivité,
bailleur social, État…), the operation a marché belongs to, and the bilan of the collection

Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d3f7a9c1e5b2"
down_revision = "c8e4a2f6b1d9"

OLD_KINDS = "'annuel', 'execution', 'consolidation', 'parcours', 'evaluation'"
KINDS = OLD_KINDS + ", 'national'"
BUYER_KINDS = (
    "'commune', 'intercommunalite', 'departement', 'region', 'etat', 'etablissement_public', "
    "'bailleur_social', 'sante', 'sem_spl', 'prive'"
)


def _kind_checks(kinds: str) -> None:
    for table in ("bilans", "bilan_schedules"):
        op.drop_constraint(op.f(f"ck_{table}_kind"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_kind"), table, f"kind IN ({kinds})")


def upgrade():
    op.add_column("organisations", sa.Column("buyer_kind", sa.String(length=32), nullable=True))
    op.create_check_constraint(
        op.f("ck_organisations_buyer_kind"), "organisations", f"buyer_kind IN ({BUYER_KINDS})"
    )
    op.add_column("marches", sa.Column("operation", sa.String(length=200), nullable=True))
    _kind_checks(KINDS)


def downgrade():
    # the owner is filtered by row-level security too (FORCE): lifted for the removal only
    for table in ("bilan_schedules", "bilans"):
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"DELETE FROM {table} WHERE kind = 'national'")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    _kind_checks(OLD_KINDS)
    op.drop_column("marches", "operation")
    op.drop_constraint(op.f("ck_organisations_buyer_kind"), "organisations", type_="check")
    op.drop_column("organisations", "buyer_kind")
