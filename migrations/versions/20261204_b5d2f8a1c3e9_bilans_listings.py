"""More bilans: the hour consolidation table, the table of people in parcours of a structure and the
evaluation of an accompaniment partner, whose scope (the people a partner follows) is new

Create Date: 2026-12-04 09:00:00
"""

from alembic import op

revision = "b5d2f8a1c3e9"
down_revision = "e2b7c4a9d1f6"

OLD_KINDS = "'annuel', 'execution'"
KINDS = OLD_KINDS + ", 'consolidation', 'parcours', 'evaluation'"
OLD_SCOPES = "'territoire', 'donneur_ordre', 'marche', 'lot', 'employeur', 'prescripteur', 'commune', 'qpv'"
SCOPES = OLD_SCOPES + ", 'accompagnement'"


def _checks(kinds: str, scopes: str) -> None:
    for column, values in (("kind", kinds), ("scope_kind", scopes)):
        op.drop_constraint(op.f(f"ck_bilans_{column}"), "bilans", type_="check")
        op.create_check_constraint(op.f(f"ck_bilans_{column}"), "bilans", f"{column} IN ({values})")


def upgrade():
    _checks(KINDS, SCOPES)


def downgrade():
    op.execute(
        "DELETE FROM bilans WHERE kind IN ('consolidation', 'parcours', 'evaluation') "
        "OR scope_kind = 'accompagnement'"
    )
    _checks(OLD_KINDS, OLD_SCOPES)
