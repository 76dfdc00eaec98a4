"""What goes out to a Département and what it receives.

On the territory's side (tenant tables): ``OutgoingReport``, the outbox, one row per version of a
report for a federation and a period. On the Département's side (federation tables, each row
visible only in the scope of its federation): ``ReceivedReport``, what arrived, stored once per
(territory, period, version). Between them, platform tables set by the operator: the signing keys
of each membership, the secret that derives the person keys, and the territories of a federation
that run on another instance of the service.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.choices import Choices
from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, utcnow_column

#: the version of the report's format (``docs/rapport-departement.md``)
FORMAT = "guichet-rapport/1"


class ReportPeriod(Choices):
    mois = "mois", "Mois"
    annee = "annee", "Année"


class ReportStatus(Choices):
    a_envoyer = "a_envoyer", "À envoyer"
    envoye = "envoye", "Reçu par le Département"
    refuse = "refuse", "Refusé par le Département"


def _federation_column() -> Mapped[int]:
    return mapped_column(BigInteger, ForeignKey("federations.id", ondelete="CASCADE"))


class SigningKey(Model):
    """A key that signs the reports of one territory to one federation. Both ends hold it (on one
    service, the same row); rotation adds a key and retires the old one, which is then refused."""

    __tablename__ = "federation_signing_keys"
    __table_args__ = (UniqueConstraint("federation_id", "territory_slug", "key_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    territory_slug: Mapped[str] = mapped_column(String(63))
    key_id: Mapped[str] = mapped_column(String(32))
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = utcnow_column()
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PersonKeySecret(Model):
    """The secret from which the member territories of a federation derive each person's key.
    Held by the platform for the territories; never read by the Département's console. A new
    generation starts a new series of keys (the old ones then link to nobody)."""

    __tablename__ = "federation_person_secrets"
    __table_args__ = (UniqueConstraint("federation_id", "generation"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    generation: Mapped[int] = mapped_column(Integer)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = utcnow_column()


class RemoteMember(Model):
    """A member territory of a federation that runs on another instance and pushes over HTTP."""

    __tablename__ = "federation_remote_members"
    __table_args__ = (UniqueConstraint("federation_id", "slug"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    slug: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    communes_insee: Mapped[list[str]] = mapped_column(ARRAY(String(5)), server_default=text("'{}'"))
    created_at: Mapped[datetime] = utcnow_column()


class OutgoingReport(TenantScoped, Authored, Model):
    """One version of the report of a period to a federation: the outbox. Never edited but for its
    delivery (a correction makes a new version)."""

    __tablename__ = "outgoing_reports"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "federation_id",
            "period_kind",
            "period_start",
            "version",
            name="uq_outgoing_reports_version",
        ),
        one_of("period_kind", ReportPeriod),
        one_of("status", ReportStatus),
        tenant_index("status", "next_attempt_at"),
    )

    federation_id: Mapped[int] = _federation_column()
    period_kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSONB)
    digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), server_default=ReportStatus.a_envoyer.value)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = utcnow_column()
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    receipt: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class ReceivedReport(Model):
    """A report as the Département received it; stored once per (territory, period, version)."""

    __tablename__ = "received_reports"
    __table_args__ = (
        UniqueConstraint(
            "federation_id",
            "territory_slug",
            "period_kind",
            "period_start",
            "version",
            name="uq_received_reports_version",
        ),
        one_of("period_kind", ReportPeriod),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    territory_slug: Mapped[str] = mapped_column(String(63))
    territory_name: Mapped[str] = mapped_column(String(200))
    period_kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(32))
    #: the report as it was received (signed): read only for the content of a piece
    payload: Mapped[dict] = mapped_column(JSONB, deferred=True)
    #: the report without its person keys and the content of its pieces: what the console reads
    summary: Mapped[dict] = mapped_column(JSONB)
    #: the person keys, each as its first 8 bytes (a 64-bit integer: two people of a million share
    #: one with a chance of 3 in 100 million), counted once across territories in SQL
    person_keys: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'"), deferred=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    transport: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[datetime] = utcnow_column()


class FederationMarche(Model):
    """A marché of the Département itself (seed 003 art. 3.3), recorded by its coordinator; its
    lots are handed to the territories where they are executed."""

    __tablename__ = "federation_marches"
    __table_args__ = (UniqueConstraint("federation_id", "reference"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    reference: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(500))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = utcnow_column()


class FederationLot(Model):
    """A lot of a marché of the Département, its hours, the communes where it is executed and the
    territory it is handed to (None: no territory covers them, or the coordinator has to choose)."""

    __tablename__ = "federation_lots"
    __table_args__ = (UniqueConstraint("marche_id", "number"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    marche_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("federation_marches.id", ondelete="CASCADE")
    )
    number: Mapped[str] = mapped_column(String(20))
    object: Mapped[str] = mapped_column(String(500))
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    communes_insee: Mapped[list[str]] = mapped_column(ARRAY(String(5)))
    assigned_slug: Mapped[str | None] = mapped_column(String(63))
    created_at: Mapped[datetime] = utcnow_column()


class HandedLot(TenantScoped, Model):
    """On the territory's side: a lot of the Département received, executed as a lot of its own."""

    __tablename__ = "handed_lots"
    __table_args__ = (UniqueConstraint("tenant_id", "federation_id", "federation_lot_id"),)

    federation_id: Mapped[int] = _federation_column()
    #: the lot's id on the Département's side (another instance, maybe: no foreign key)
    federation_lot_id: Mapped[int] = mapped_column(BigInteger)
    lot_id: Mapped[int] = tenant_ref("lots", ondelete="CASCADE")
    created_at: Mapped[datetime] = utcnow_column()


class DeliverableKind(Choices):
    """The pieces the 60 % of the subsidy waits for (seed 003 art. 6)."""

    bilan_activite = "bilan_activite", "Bilan d'activité du facilitateur"
    bilan_financier = "bilan_financier", "Bilan financier de l'action"
    bulletins_salaire = "bulletins_salaire", "Bulletins de salaire"
    fiche_poste = "fiche_poste", "Fiche de poste"


class Instalment(Choices):
    avance = "avance", "Avance de 40 % au démarrage"
    solde = "solde", "Solde de 60 % sur pièces"


class MeetingKind(Choices):
    """The two kinds of network meetings of seed 003 art. 3.1."""

    operationnelle = "operationnelle", "Réunion sur les clauses de la commande publique du Département"
    coordination = "coordination", "Coordination départementale (avec l'État)"


class FacilitatorPost(TenantScoped, Model):
    """A facilitator post of the territory that the Département subsidises: its share of a full
    time on the function, from when to when."""

    __tablename__ = "facilitator_posts"

    federation_id: Mapped[int] = _federation_column()
    title: Mapped[str] = mapped_column(String(200))
    fte: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = utcnow_column()


class PostDeliverable(TenantScoped, Authored, Model):
    """A piece sent for a post and a year (the latest of a kind counts); it goes with the report."""

    __tablename__ = "post_deliverables"
    __table_args__ = (one_of("kind", DeliverableKind),)

    post_id: Mapped[int] = tenant_ref("facilitator_posts", ondelete="CASCADE", index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))


class FederationPayment(Model):
    """A payment of the subsidy the coordinator records: a territory, a year, an instalment."""

    __tablename__ = "federation_payments"
    __table_args__ = (one_of("instalment", Instalment),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    territory_slug: Mapped[str] = mapped_column(String(63))
    year: Mapped[int] = mapped_column(Integer)
    instalment: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = utcnow_column()


class FederationMeeting(Model):
    """A network meeting of the Département's facilitators (seed 003 art. 3.1)."""

    __tablename__ = "federation_meetings"
    __table_args__ = (one_of("kind", MeetingKind),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = _federation_column()
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[list[str]] = mapped_column(ARRAY(String(63)), server_default=text("'{}'"))
    created_at: Mapped[datetime] = utcnow_column()
