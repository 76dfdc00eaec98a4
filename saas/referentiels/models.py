"""Reference tables: shared by every tenant, no ``tenant_id``, no row-level security.

They are loaded (and reloaded, idempotently) by ``guichet referentiels charger`` from the files
in ``saas/referentiels/data``. The application role may only read them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, SmallInteger, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model


class _Entry:
    """The columns of every list of codes: the code, its French label, its rank in the lists
    (first the code and the label, last the rank, whatever the table adds between them)."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True, sort_order=-2)
    label: Mapped[str] = mapped_column(String(200), sort_order=-1)
    rank: Mapped[int] = mapped_column(Integer, default=0, sort_order=1)


class Criterion(_Entry, Model):
    """An eligibility criterion: national IAE criteria (level 1 or 2) or clause-specific ones."""

    __tablename__ = "ref_criteria"

    #: 1 or 2 for the national IAE criteria; None for clause-specific criteria.
    level: Mapped[int | None] = mapped_column(SmallInteger)
    #: "iae" or "clause".
    family: Mapped[str] = mapped_column(String(16))
    #: codes of ``ref_items`` (list "justificatif") accepted as proof.
    proof_types: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)


class ContractType(_Entry, Model):
    __tablename__ = "ref_contract_types"

    #: classique, insertion, alternance, aide, interim
    family: Mapped[str] = mapped_column(String(16))
    fixed_term: Mapped[bool] = mapped_column(Boolean)


class ExitMotif(_Entry, Model):
    """A detailed exit motif; its category (``ExitCategory``) is derived from it."""

    __tablename__ = "ref_exit_motifs"

    category: Mapped[str] = mapped_column(String(32))


class Item(_Entry, Model):
    """Short lists: proof types, qualification levels, freins, sectors, procedures, mobility."""

    __tablename__ = "ref_items"

    #: before the code: the primary key is (list, code).
    list: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-3)


class Commune(Model):
    __tablename__ = "ref_communes"

    insee: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    departement: Mapped[str] = mapped_column(String(3), index=True)
    region: Mapped[str | None] = mapped_column(String(3))
    epci_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    epci_name: Mapped[str | None] = mapped_column(String(200))
    postcodes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), default=list)


class Departement(Model):
    __tablename__ = "ref_departements"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(3))


class Qpv(Model):
    """A quartier prioritaire de la politique de la ville."""

    __tablename__ = "ref_qpv"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: INSEE codes of the communes the quartier lies in.
    communes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), default=list)


class Rome(Model):
    """A ROME job sheet (Répertoire opérationnel des métiers et des emplois)."""

    __tablename__ = "ref_rome"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(200))
