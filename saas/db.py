"""The Model base, the naming convention, and the TenantScoped mixin.

Every tenant-owned table is declared through :class:`TenantScoped`: ``tenant_id NOT NULL``, a
composite primary key ``(tenant_id, id)`` and, for each parent that is itself tenant-owned, a
column declared with :func:`tenant_ref`, which brings the composite foreign key of
:func:`tenant_fk`. The database then refuses a child in one tenant
pointing at a parent in another. Row-level security policies are created by the migrations
(``tenants.rls``) and the ORM criteria by ``tenants.orm``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ColumnElement,
    CursorResult,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    MetaData,
    Table,
    and_,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, QueryableAttribute, mapped_column
from sqlalchemy.sql.expression import Executable

from saas.clock import PARIS

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        """What ``db.Model`` is at run time, for the type checker: mypy takes no attribute of an object
        (``db.Model``) as a base class."""

        __abstract__ = True
        __table__: ClassVar[Table]  # every model maps one table (typed FromClause by SQLAlchemy)

else:
    Model = db.Model


def utcnow_column(**kwargs) -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False, **kwargs)


class TenantScoped:
    """Mixin for every tenant-owned model.

    The primary key is ``(tenant_id, id)`` in that order: the tenant leads every index, and the
    table can later be distributed by ``tenant_id`` (Citus). ``id`` alone is unique too (it comes
    from one identity sequence), but nothing relies on that: objects are always looked up with the
    tenant of the current scope.
    """

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True, sort_order=-100
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True, sort_order=-99)


def user_ref(*, ondelete: str | None = None, **kwargs) -> MappedColumn[Any]:
    """The id of an account (``users``, a platform table): ``BigInteger`` with its foreign key;
    ``kwargs`` go to ``mapped_column`` (``index=True``, ``primary_key=True``)."""
    return mapped_column(BigInteger, ForeignKey("users.id", ondelete=ondelete), **kwargs)


class Authored:
    """Mixin for the rows that record who created them and when (the account, None for the system)."""

    created_by: Mapped[int | None] = user_ref(sort_order=100)
    created_at: Mapped[datetime] = utcnow_column(sort_order=101)


def tenant_fk(columns: list[str], parent: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A composite foreign key ``(tenant_id, *columns) -> parent (tenant_id, id)``.

    ``columns`` name the local id columns; the parent table must be tenant-owned.
    """
    return ForeignKeyConstraint(
        ["tenant_id", *columns],
        [f"{parent}.tenant_id", *[f"{parent}.id" for _ in columns]],
        ondelete=ondelete,
    )


def tenant_ref(parent: str, *, ondelete: str | None = None, index: bool = False) -> MappedColumn[Any]:
    """The id of a row of the tenant-owned table ``parent``, declared once, in a
    :class:`TenantScoped` model: a ``BigInteger`` column that brings to its table the composite
    foreign key of :func:`tenant_fk` and, with ``index``, the index ``(tenant_id, column)`` that
    :func:`tenant_index` would declare (``meeting_id: Mapped[int] = tenant_ref("meetings")``). Its
    nullability comes from the annotation, as for any ``mapped_column``."""
    column = mapped_column(BigInteger)

    def declare(ref: Column, table: Table) -> None:
        table.append_constraint(tenant_fk([ref.name], parent, ondelete=ondelete))
        if index:  # built on the table's columns, the index joins the table
            Index(None, table.c.tenant_id, ref)

    event.listen(column.column, "after_parent_attach", declare)
    return column


def tenant_index(*columns: str, **kwargs) -> Index:
    """An index of the table it is declared in that leads with ``tenant_id``; the naming convention
    names it ``ix_<table>_tenant_id_<columns>``."""
    return Index(None, "tenant_id", *columns, **kwargs)


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """``CHECK (column IN ('a', 'b', …))``, named ``name`` (the column's name without one).
    ``values`` is the closed list the column holds (a ``Choices`` class), so that the list is written
    once, in its enum: ``one_of("status", MeetingStatus)``."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column)


#: a condition of a query: an expression, or a boolean column as it stands (``Counting.current``:
#: PostgreSQL reads it as the predicate of a partial index ``WHERE current``; ``IS true`` it does not).
Criterion = ColumnElement[bool] | QueryableAttribute[bool]


def _tenant_of(column):
    """The ``tenant_id`` beside ``column``: of its model, or of the subquery it is a column of."""
    mapper = getattr(column, "parent", None)
    return mapper.entity.tenant_id if mapper is not None else column.table.c.tenant_id


def same_tenant(key, other) -> ColumnElement[bool]:
    """The ON clause of a join within one tenant: ``key == other`` and their rows' ``tenant_id``
    equal, as the composite foreign keys of :func:`tenant_fk` hold them
    (``same_tenant(Organisation.id, Mission.employer_id)``); a side may be a column of a subquery
    that selects ``tenant_id`` too (a table distributed by tenant joins on it: saas/distribution.py)."""
    return and_(_tenant_of(key) == _tenant_of(other), key == other)


# --- the row helpers of every repository ---------------------------------------------------------

Row = TypeVar("Row")
Scoped = TypeVar("Scoped", bound=TenantScoped)


def insert(row: Row) -> Row:
    """``row`` added to the session and flushed: its id and server defaults are known on return."""
    db.session.add(row)
    db.session.flush()
    return row


def assign_changes(row: object, values: Mapping[str, object]) -> list[str]:
    """The names, sorted, of the attributes of ``row`` whose value in ``values`` differs; ``row``
    takes those new values (the others are left as they are). What an update audits as changed."""
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, values[name])
    return changed


def one_where(model: type[Row], *criteria: Criterion, **equal: object) -> Row | None:
    """The row of ``model`` that meets every criterion, or None (two rows: ``MultipleResultsFound``).
    ``equal`` names columns of ``model`` and the values they hold (``participant_id=3``)."""
    return db.session.scalars(select(model).where(*criteria).filter_by(**equal)).one_or_none()


def by_id(model: type[Scoped], row_id: object) -> Scoped | None:
    """The row of ``model`` whose ``id`` is ``row_id`` (in the tenant of the current scope), or None."""
    return one_where(model, model.id == row_id)


def rows_of(model: type[Row], *criteria: Criterion, order_by: object = (), **equal: object) -> list[Row]:
    """The rows of ``model`` that meet every criterion and hold the values of ``equal`` (as in
    :func:`one_where`), sorted by ``order_by`` (one clause or a tuple of them)."""
    ordering = order_by if isinstance(order_by, tuple) else (order_by,)
    query = select(model).where(*criteria).filter_by(**equal).order_by(*ordering)
    return list(db.session.scalars(query))


__all__ = [
    "Authored",
    "Base",
    "BigInteger",
    "Model",
    "TenantScoped",
    "assign_changes",
    "by_id",
    "db",
    "insert",
    "one_of",
    "one_where",
    "rows_of",
    "same_tenant",
    "tenant_fk",
    "tenant_index",
    "tenant_ref",
    "user_ref",
    "utcnow_column",
]


# --- after-commit hooks --------------------------------------------------------------------------
# Work that must only happen once the transaction is durable (enqueue a job, send a mail) is
# registered with ``on_commit``. Callbacks take ids and strings only, never ORM objects: an object
# would be expired, or belong to a session that is gone, by the time the callback runs.

_ALLOWED_ARG_TYPES = (int, str, float, bool, type(None))


def on_commit(callback, *args) -> None:
    for arg in args:
        if not isinstance(arg, _ALLOWED_ARG_TYPES):
            raise TypeError(f"on_commit accepte des identifiants, pas {type(arg).__name__}")
    db.session.info.setdefault("on_commit", []).append((callback, args))


def _run_on_commit(session) -> None:
    callbacks = session.info.pop("on_commit", [])
    for callback, args in callbacks:
        callback(*args)


def _drop_on_commit(session) -> None:
    session.info.pop("on_commit", None)


def install_commit_hooks(session_class) -> None:
    if not event.contains(session_class, "after_commit", _run_on_commit):
        event.listen(session_class, "after_commit", _run_on_commit)
        event.listen(session_class, "after_rollback", _drop_on_commit)
        event.listen(session_class, "after_transaction_end", _forget_reads)


# --- what a transaction reads once ---------------------------------------------------------------
# A value many parts of one request read (the tenant's rule settings) is read once per transaction:
# ``read_once`` keeps it in the session until the transaction ends, or until ``forget_read``.


def read_once(key: Hashable, load: Callable[[], Any]) -> Any:
    """``load()``, called at the first read of ``key`` in the transaction; kept until it ends."""
    reads = db.session.info.setdefault("read_once", {})
    if key not in reads:
        reads[key] = load()
    return reads[key]


def forget_read(key: Hashable) -> None:
    """Read ``key`` again at its next ``read_once`` (the transaction changed it)."""
    db.session.info.get("read_once", {}).pop(key, None)


def _forget_reads(session, transaction) -> None:
    session.info.pop("read_once", None)


def rows_written(statement: Executable, params: Mapping | None = None) -> int:
    """How many rows the UPDATE or DELETE ``statement``, executed in the session (with ``params``),
    changed."""
    result = db.session.execute(statement, params)
    assert isinstance(result, CursorResult)  # what a DML statement returns, typed as a plain Result
    return result.rowcount


def text_matches(text: str, *columns, folded: tuple = ()) -> ColumnElement[bool]:
    """The one text search of the lists: ``text`` found anywhere in one of ``columns`` or of
    ``folded``, whatever the case and the accents ("andre" finds "ANDRÉ"). ``f_unaccent`` is the
    IMMUTABLE wrapper of PostgreSQL's ``unaccent`` created by the migrations; ``columns`` are
    folded at each search, ``folded`` are columns already without accents (a generated column
    folded at each write, a reference made of ASCII), compared as they are. ``%`` and ``_`` typed
    by people are taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = func.f_unaccent(f"%{escaped}%")
    compared = [func.f_unaccent(column) for column in columns] + list(folded)
    return or_(*(column.ilike(pattern, escape="\\") for column in compared))


@dataclass(frozen=True)
class DayRange:
    """The one date range of the lists: the days from ``date_from`` to ``date_to``, both included;
    a bound left None leaves that side open. The filters of a list cut by dates derive from it."""

    date_from: date | None = None
    date_to: date | None = None

    def days(self, column) -> list[ColumnElement[bool]]:
        """The criteria that keep the rows whose day ``column`` is in the range."""
        criteria = []
        if self.date_from is not None:
            criteria.append(column >= self.date_from)
        if self.date_to is not None:
            criteria.append(column <= self.date_to)
        return criteria

    def instants(self, column) -> list[ColumnElement[bool]]:
        """The same for a timestamp ``column``: from the midnight that opens ``date_from`` to the
        one that closes ``date_to``, in Paris time (the legal time of the tenants)."""
        criteria = []
        if self.date_from is not None:
            criteria.append(column >= datetime.combine(self.date_from, time(), PARIS))
        if self.date_to is not None:
            criteria.append(column < datetime.combine(self.date_to + timedelta(days=1), time(), PARIS))
        return criteria
