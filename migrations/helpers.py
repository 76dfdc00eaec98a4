"""Shapes that the migrations repeat, written once.

A tenant-owned table starts with ``tenant_id`` and ``id`` (an identity), its primary key is
``(tenant_id, id)`` and ``tenant_id`` references ``tenants`` (``ON DELETE RESTRICT``); a reference
to another tenant row is the composite ``(tenant_id, <column>)``, so that a row never points into
another tenant. Constraints are named as the naming convention of ``saas.db`` names them, the
names written out here so that an applied migration never changes with that convention:
``tenant_table``, ``identity_table`` and ``create_table`` name the ``tenant_ref``, ``user_ref``,
``ref``, ``check``, ``unique`` and ``primary_key`` items after the table they are given in; a
``tenant_ref_column`` or ``user_ref_column`` item is a column and its reference at once.

Use them only where the schema they produce is the one written out before: the migrations that ran
must keep producing the same schema (compare ``pg_dump --schema-only`` before and after).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


@dataclass(frozen=True)
class Reference:
    """``columns`` reference ``target_columns`` of ``target``."""

    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]
    ondelete: str | None = None

    def constraint(self, table: str) -> sa.ForeignKeyConstraint:
        options = {"ondelete": self.ondelete} if self.ondelete else {}
        return sa.ForeignKeyConstraint(
            list(self.columns),
            [f"{self.target}.{column}" for column in self.target_columns],
            name=op.f(f"fk_{table}_{'_'.join(self.columns)}_{self.target}"),
            **options,
        )


@dataclass(frozen=True)
class Check:
    """A check constraint named ``ck_<table>_<name>``."""

    name: str
    condition: str

    def constraint(self, table: str) -> sa.CheckConstraint:
        return sa.CheckConstraint(self.condition, name=op.f(f"ck_{table}_{self.name}"))


@dataclass(frozen=True)
class Unique:
    """A unique constraint named ``uq_<table>_<name>``, the name being the columns by default."""

    columns: tuple[str, ...]
    name: str | None = None

    def constraint(self, table: str) -> sa.UniqueConstraint:
        return sa.UniqueConstraint(
            *self.columns, name=op.f(f"uq_{table}_{self.name or '_'.join(self.columns)}")
        )


@dataclass(frozen=True)
class PrimaryKey:
    """The primary key, named ``pk_<table>``."""

    columns: tuple[str, ...]

    def constraint(self, table: str) -> sa.PrimaryKeyConstraint:
        return sa.PrimaryKeyConstraint(*self.columns, name=op.f(f"pk_{table}"))


def tenant_ref(column: str, target: str, ondelete: str | None = None) -> Reference:
    """``(tenant_id, column)`` references ``(target.tenant_id, target.id)``."""
    return Reference(("tenant_id", column), target, ("tenant_id", "id"), ondelete)


def user_ref(column: str, ondelete: str | None = None) -> Reference:
    """``column`` references ``users.id``."""
    return Reference((column,), "users", ("id",), ondelete)


def tenant_ref_column(
    name: str, target: str, nullable: bool = False, ondelete: str | None = None
) -> tuple[sa.Column, Reference]:
    """The column ``name`` (a big integer) and its reference :func:`tenant_ref` to ``target``."""
    return sa.Column(name, sa.BigInteger(), nullable=nullable), tenant_ref(name, target, ondelete)


def user_ref_column(
    name: str, nullable: bool = False, ondelete: str | None = None
) -> tuple[sa.Column, Reference]:
    """The column ``name`` (a big integer) and its reference :func:`user_ref` to ``users.id``."""
    return sa.Column(name, sa.BigInteger(), nullable=nullable), user_ref(name, ondelete)


def authored(ondelete: str | None = None) -> tuple:
    """``created_by`` (the user, a reference) and ``created_at`` (now), as ``saas.db.Authored``."""
    return user_ref_column("created_by", nullable=True, ondelete=ondelete), now_column()


def audit_columns() -> tuple:
    """What an audit entry says (``saas.audit.models.AuditColumns``): when, who, what, on what, from
    where; in the tenants' log and in the platform's."""
    return (
        now_column("occurred_at"),
        user_ref_column("actor_user_id", nullable=True, ondelete="SET NULL"),
        sa.Column("actor_email", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=64), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        jsonb_column("details"),
    )


def ref(column: str, target: str, ondelete: str | None = None) -> Reference:
    """``column`` references ``target`` (``"table.column"``), a row outside the tenant's."""
    table, target_column = target.split(".")
    return Reference((column,), table, (target_column,), ondelete)


def check(name: str, condition: str) -> Check:
    return Check(name, condition)


def unique(*columns: str, name: str | None = None) -> Unique:
    return Unique(columns, name)


def primary_key(*columns: str) -> PrimaryKey:
    return PrimaryKey(columns)


def identity_column() -> sa.Column:
    """``id``, a big integer the database numbers."""
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False)


def now_column(name: str = "created_at") -> sa.Column:
    """A timestamp with time zone, set by the database when the row is written."""
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _flat(items: tuple) -> list:
    return [part for item in items for part in (_flat(item) if isinstance(item, tuple) else [item])]


def _resolved(table: str, items: tuple) -> list:
    """The items of ``create_table``, a group of items (a column and its reference) standing for all."""
    return [
        item.constraint(table) if isinstance(item, Reference | Check | Unique | PrimaryKey) else item
        for item in _flat(items)
    ]


def create_table(name: str, *items) -> None:
    """``op.create_table``, naming the constraints given by the helpers above."""
    op.create_table(name, *_resolved(name, items))


def identity_table(name: str, *items) -> None:
    """``create_table`` for a table outside the tenants whose key is ``id``: ``items`` are the
    columns after ``id``, then the constraints; the primary key is added."""
    create_table(name, identity_column(), *items, primary_key("id"))


def reference_list(name: str, *columns: sa.Column) -> None:
    """A list of the reference data, keyed by its ``code``: ``code``, ``label``, the ``columns``,
    then ``rank`` (the order it is shown in)."""
    create_table(
        name,
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        *columns,
        sa.Column("rank", sa.Integer(), nullable=False),
        primary_key("code"),
    )


def tenant_table(name: str, *items) -> None:
    """``create_table`` for a tenant-owned table: ``items`` are the columns after ``tenant_id``
    and ``id``, then the constraints; the primary key and the tenant's reference are added."""
    create_table(
        name,
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        identity_column(),
        *items,
        Reference(("tenant_id",), "tenants", ("id",), "RESTRICT"),
        primary_key("tenant_id", "id"),
    )


def tenant_index(table_name: str, *columns: str, **options) -> None:
    """The index on ``(tenant_id, *columns)``, named as the convention names it."""
    op.create_index(
        f"ix_{table_name}_tenant_id_{'_'.join(columns)}",
        table_name,
        ["tenant_id", *columns],
        unique=options.pop("unique", False),
        **options,
    )


def index(table_name: str, *columns: str) -> None:
    """The plain index on ``columns`` of a table outside the tenants, named as the convention names it."""
    op.create_index(op.f(f"ix_{table_name}_{'_'.join(columns)}"), table_name, list(columns), unique=False)


def drop_tables(*names: str) -> None:
    """Drop the tables (their indexes go with them), last created first."""
    for name in reversed(names):
        op.drop_table(name)


def jsonb_column(name: str) -> sa.Column:
    """A JSONB column, never NULL, ``{}`` by default."""
    return sa.Column(
        name, postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
    )


def unique_where(name: str, table_name: str, columns: list, where: str) -> None:
    """A partial unique index: ``columns`` are unique among the rows where ``where`` holds."""
    op.create_index(name, table_name, columns, unique=True, postgresql_where=sa.text(where))


def guard_trigger(table: str, function: str, name: str | None = None) -> None:
    """The trigger ``name`` (the function's name by default) running ``function()`` before each
    update or delete of a row of ``table``: a guard raises to refuse the change."""
    op.execute(
        f"CREATE TRIGGER {name or function} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()"
    )


def deferred_check(name: str, function: str, events: dict[str, str]) -> None:
    """The constraint trigger ``name`` on each table of ``events`` (a table: the writes it follows,
    ``"INSERT OR UPDATE"``), deferred to the commit: ``function()`` checks each row written."""
    for table, table_events in events.items():
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {name} AFTER {table_events} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def drop_trigger(name: str, *tables: str) -> None:
    """Drop the trigger ``name`` from each of ``tables``."""
    for table in tables:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
