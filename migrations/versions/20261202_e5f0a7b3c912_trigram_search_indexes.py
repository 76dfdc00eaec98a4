"""The text searches of the lists and of the search fields are served by trigram indexes

Create Date: 2026-12-02 09:00:00

``saas.db.text_matches`` looks for ``f_unaccent(column) ILIKE f_unaccent('%text%')``: without an
index each search folds the accents of every row of the territory (25 000 names in a large one,
150 to 390 ms a keystroke). A GIN index of trigrams (``pg_trgm``) on ``f_unaccent(column)`` serves
``ILIKE`` with a pattern of three letters or more; ``btree_gin`` lets the same index start with
``tenant_id``, so that a search reads only its own territory's entries. Both extensions are trusted
(PostgreSQL 13 and later): the owner role may create them.

A server without the contrib modules (the embedded ``pgserver`` of the quick start) has neither:
there the searches stay as they were, row by row, which is fast enough at the demo's size.
"""

from alembic import op

revision = "e5f0a7b3c912"
down_revision = "a4d8c6e2f1b7"

#: the columns that ``text_matches`` searches, by table.
SEARCHED = {
    "participant_identities": ("last_name", "first_name"),
    "participants": ("reference",),
    "organisations": ("name",),
    "marches": ("reference", "object"),
    "lots": ("object",),
}


def _available() -> bool:
    names = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM pg_available_extensions WHERE name IN ('pg_trgm', 'btree_gin')"
    )
    return names.scalar_one() == 2


def upgrade():
    if not _available():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public")
    for table, columns in SEARCHED.items():
        for column in columns:
            op.execute(
                f"CREATE INDEX ix_{table}_{column}_trgm ON {table} "
                f"USING gin (tenant_id, public.f_unaccent({column}) public.gin_trgm_ops)"
            )


def downgrade():
    for table, columns in SEARCHED.items():
        for column in columns:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
    # the extensions stay: they may have been created by the superuser, outside the migrations
