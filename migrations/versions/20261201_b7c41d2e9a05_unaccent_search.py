"""Accent-insensitive search: the unaccent extension and its IMMUTABLE wrapper f_unaccent

Create Date: 2026-12-01 11:40:00

``unaccent`` is a trusted extension (PostgreSQL 13 and later): the owner role, which owns the
database, may create it. ``guichet db create-roles`` and ``infra/roles.sql`` also create it as the
superuser, for servers where the owner could not. ``unaccent(text)`` is only STABLE (it reads its
dictionary from the search path); the wrapper names the dictionary, so that it is IMMUTABLE and an
index may use it. The application role executes it through the default grant to PUBLIC.

A server without the contrib modules (the embedded ``pgserver`` of the quick start has none) cannot
create the extension: there the wrapper folds the accents of French and the Latin letters with
``translate()``, so that the search behaves the same for the names people type.
"""

from alembic import op

revision = "b7c41d2e9a05"
down_revision = "5b0c2a9e7d41"


ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY"


def upgrade():
    available = (
        op.get_bind().exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").first()
    )
    if available:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
        body = "SELECT public.unaccent('public.unaccent'::regdictionary, $1)"
    else:
        body = (
            "SELECT replace(replace(replace(replace(translate($1, "
            f"'{ACCENTED}', '{PLAIN}'), 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')"
        )
    op.execute(
        "CREATE OR REPLACE FUNCTION public.f_unaccent(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ {body} $$"
    )


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS public.f_unaccent(text)")
    # the extension stays: it may have been created by the superuser, outside the migrations
