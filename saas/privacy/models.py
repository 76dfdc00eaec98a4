"""The runs of the retention job and the requests of the persons (migration ``b4d8f2a6c1e3``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ARRAY, BigInteger, CheckConstraint, Date, DateTime, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.choices import Choices
from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref, utcnow_column


class RunMode(Choices):
    simulation = "simulation", "Simulation (rien n'est effacé)"
    application = "application", "Application"


class RunTrigger(Choices):
    planification = "planification", "Passage mensuel programmé"
    administrateur = "administrateur", "Demandé par un administrateur"
    demande = "demande", "Demande d'effacement d'une personne"


class RunStatus(Choices):
    proposee = "proposee", "En attente de confirmation"
    appliquee = "appliquee", "Appliquée"
    remplacee = "remplacee", "Remplacée par un passage plus récent"


class RetentionRun(TenantScoped, Model):
    """One run of the retention job: what was due by which rule (``rule``: the settings in force),
    how many of each kind (``counts``), and the participants concerned. A simulation waits for the
    admin (``proposee``) until it is applied (its application is a run of its own, ``proposal_id``)
    or a later simulation replaces it."""

    __tablename__ = "retention_runs"
    __table_args__ = (
        one_of("mode", RunMode),
        one_of("trigger", RunTrigger),
        one_of("status", RunStatus),
        tenant_index("created_at"),
    )

    mode: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    rule: Mapped[dict] = mapped_column(JSONB, default=dict)
    counts: Mapped[dict] = mapped_column(JSONB, default=dict)
    participant_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), default=list, server_default=text("'{}'")
    )
    proposal_id: Mapped[int | None] = tenant_ref("retention_runs")
    requested_by: Mapped[int | None] = user_ref(ondelete="SET NULL")
    created_at: Mapped[datetime] = utcnow_column()
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RequestKind(Choices):
    acces = "acces", "Accès à ses données"
    portabilite = "portabilite", "Portabilité de ses données"
    rectification = "rectification", "Rectification"
    effacement = "effacement", "Effacement"
    limitation = "limitation", "Limitation du traitement"
    opposition = "opposition", "Opposition"


class RequestStatus(Choices):
    ouverte = "ouverte", "À traiter"
    traitee = "traitee", "Traitée"
    refusee = "refusee", "Refusée"


class PrivacyRequest(TenantScoped, Authored, Model):
    """A request of a person about their data (RGPD art. 15 to 21), answered within one month."""

    __tablename__ = "privacy_requests"
    __table_args__ = (
        one_of("kind", RequestKind),
        one_of("status", RequestStatus),
        CheckConstraint("(status = 'ouverte') = (answered_on IS NULL)", name="answered"),
        CheckConstraint("due_on >= received_on", name="due_after_receipt"),
        tenant_index("status", "due_on"),
        tenant_index("participant_id"),
    )

    participant_id: Mapped[int] = tenant_ref("participants")
    kind: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.ouverte.value)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = user_ref(ondelete="SET NULL")
