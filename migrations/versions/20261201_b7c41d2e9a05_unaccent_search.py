"""Accent-insensitive search: the unaccent extension and its IMMUTABLE wrapper f_unaccent

Revision ID: b7c41d2e9a05
Revises: 5b0c2a9e7d41
Create Date: 2026-12-01 11:40:00

``unaccent`` is a trusted extension (PostgreSQL 13 and later): the owner role, which owns the
database, may create it. ``guichet db create-roles`` and ``infra/roles.sql`` also create it as the
superuser, for servers where the owner could not. ``unaccent(text)`` is only STABLE (it reads its
dictionary from the search path); the wrapper names the dictionary, so that it is IMMUTABLE and an
index may use it. The application role executes it through the default grant to PUBLIC.
"""

from alembic import op

revision = "b7c41d2e9a05"
down_revision = "5b0c2a9e7d41"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
    op.execute(
        "CREATE OR REPLACE FUNCTION public.f_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"
    )


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS public.f_unaccent(text)")
    # the extension stays: it may have been created by the superuser, outside the migrations
