"""Shapes that the migrations repeat, written once.

A tenant-owned table starts with ``tenant_id`` and ``id`` (an identity), its primary key is
``(tenant_id, id)`` and ``tenant_id`` references ``tenants`` (``ON DELETE RESTRICT``); a reference
to another tenant row is the composite ``(tenant_id, <column>)``, so that a row never points into
another tenant. The names are the ones the naming convention of ``saas.db`` gives, written out here
so that an applied migration never changes with that convention.

Use them only where the schema they produce is the one written out before: the migrations that ran
must keep producing the same schema (compare ``pg_dump --schema-only`` before and after).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import op


@dataclass(frozen=True)
class TenantRef:
    """``(tenant_id, column)`` references ``(target.tenant_id, target.id)``."""

    column: str
    target: str
    ondelete: str | None = None

    def constraint(self, table: str) -> sa.ForeignKeyConstraint:
        options = {"ondelete": self.ondelete} if self.ondelete else {}
        return sa.ForeignKeyConstraint(
            ["tenant_id", self.column],
            [f"{self.target}.tenant_id", f"{self.target}.id"],
            name=op.f(f"fk_{table}_tenant_id_{self.column}_{self.target}"),
            **options,
        )


@dataclass(frozen=True)
class UserRef:
    """``column`` references ``users.id``."""

    column: str
    ondelete: str | None = None

    def constraint(self, table: str) -> sa.ForeignKeyConstraint:
        options = {"ondelete": self.ondelete} if self.ondelete else {}
        return sa.ForeignKeyConstraint(
            [self.column], ["users.id"], name=op.f(f"fk_{table}_{self.column}_users"), **options
        )


def tenant_ref(column: str, target: str, ondelete: str | None = None) -> TenantRef:
    return TenantRef(column, target, ondelete)


def user_ref(column: str, ondelete: str | None = None) -> UserRef:
    return UserRef(column, ondelete)


def now_column(name: str = "created_at") -> sa.Column:
    """A timestamp with time zone, set by the database when the row is written."""
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _resolved(table: str, items: tuple) -> list:
    return [
        item.constraint(table) if isinstance(item, TenantRef | UserRef | Ref | Check | Unique) else item
        for item in items
    ]


def tenant_table(name: str, *items) -> None:
    """``op.create_table`` for a tenant-owned table: ``items`` are the columns after ``tenant_id``
    and ``id``, then the constraints (references by ``tenant_ref`` and ``user_ref`` are named here)."""
    op.create_table(
        name,
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        *_resolved(name, items),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{name}_tenant_id_tenants"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{name}")),
    )


def create_table(name: str, *items) -> None:
    """``op.create_table`` that also names the references given by ``user_ref`` / ``tenant_ref``."""
    op.create_table(name, *_resolved(name, items))


def tenant_index(table_name: str, *columns: str, **options) -> None:
    """The index on ``(tenant_id, *columns)``, named as the convention names it."""
    op.create_index(
        f"ix_{table_name}_tenant_id_{'_'.join(columns)}",
        table_name,
        ["tenant_id", *columns],
        unique=options.pop("unique", False),
        **options,
    )


def drop_tables(*names: str) -> None:
    """Drop the tables (their indexes go with them), last created first."""
    for name in reversed(names):
        op.drop_table(name)


@dataclass(frozen=True)
class Ref:
    """``column`` references ``target`` (``"table.column"``), a row outside the tenant's."""

    column: str
    target: str
    ondelete: str | None = None

    def constraint(self, table: str) -> sa.ForeignKeyConstraint:
        options = {"ondelete": self.ondelete} if self.ondelete else {}
        name = f"fk_{table}_{self.column}_{self.target.split('.')[0]}"
        return sa.ForeignKeyConstraint([self.column], [self.target], name=op.f(name), **options)


@dataclass(frozen=True)
class Check:
    """A check constraint named ``ck_<table>_<name>``."""

    name: str
    condition: str

    def constraint(self, table: str) -> sa.CheckConstraint:
        return sa.CheckConstraint(self.condition, name=op.f(f"ck_{table}_{self.name}"))


def ref(column: str, target: str, ondelete: str | None = None) -> Ref:
    return Ref(column, target, ondelete)


def check(name: str, condition: str) -> Check:
    return Check(name, condition)


@dataclass(frozen=True)
class Unique:
    """A unique constraint named ``uq_<table>_<columns>``."""

    columns: tuple[str, ...]

    def constraint(self, table: str) -> sa.UniqueConstraint:
        return sa.UniqueConstraint(*self.columns, name=op.f(f"uq_{table}_{'_'.join(self.columns)}"))


def unique(*columns: str) -> Unique:
    return Unique(columns)


SQL = Path(__file__).resolve().parent / "sql"


def sql_file(name: str) -> str:
    """The text of ``migrations/sql/<name>``: functions and triggers in plpgsql, kept as SQL."""
    return (SQL / name).read_text(encoding="utf-8")
