"""Participants and what the guichet knows of their parcours before a mission.

The identity (name, birth date, contact) lives in its own table, ``participant_identities``, so
that reports and pseudonymised exports work on ``participants`` alone. There is no NIR anywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref, utcnow_column
from saas.participants.enums import AccompanimentKind, Sex


class Participant(TenantScoped, Model):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("tenant_id", "reference"),)

    #: pseudonymous reference shown in lists and reports (e.g. P-2026-00042).
    reference: Mapped[str] = mapped_column(String(20))
    qualification_level: Mapped[str | None] = mapped_column(String(40))
    #: codes of ref_items (list "frein").
    freins: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    projet_professionnel: Mapped[str | None] = mapped_column(Text)
    #: the individual bilan at entry.
    bilan_entree: Mapped[str | None] = mapped_column(Text)
    bilan_entree_on: Mapped[date | None] = mapped_column(Date)
    #: the accompaniment partner that follows the person (e.g. the Mission Locale).
    referent_organisation_id: Mapped[int | None] = tenant_ref("organisations", index=True)
    last_contact_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = utcnow_column()
    #: when the identity, contact, CV, proofs and notes were erased (saas.privacy.anonymise)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Identity(TenantScoped, Model):
    """Who the participant is. Read only through saas.participants.api, which audits each read."""

    __tablename__ = "participant_identities"
    __table_args__ = (
        UniqueConstraint("tenant_id", "participant_id"),
        one_of("sex", Sex),
        tenant_index("last_name", "first_name"),
        CheckConstraint(
            "kept_age_band IS NULL OR kept_age_band IN ('moins_26', '26_49', '50_plus', 'inconnu')",
            name="kept_age_band",
        ),
    )

    participant_id: Mapped[int] = tenant_ref("participants", ondelete="CASCADE")
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    #: the names without their accents, as the database folds them at each write (``f_unaccent``):
    #: what a search compares, instead of folding every name of the territory at each search
    last_name_folded: Mapped[str] = mapped_column(
        Text, Computed("public.f_unaccent(last_name)", persisted=True)
    )
    first_name_folded: Mapped[str] = mapped_column(
        Text, Computed("public.f_unaccent(first_name)", persisted=True)
    )
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    commune_insee: Mapped[str | None] = mapped_column(String(5), ForeignKey("ref_communes.insee"))
    qpv_code: Mapped[str | None] = mapped_column(String(12), ForeignKey("ref_qpv.code"))
    #: the age band at the first mission, kept when the birth date is erased (the bilans read it)
    kept_age_band: Mapped[str | None] = mapped_column(String(16))


class Prescription(TenantScoped, Authored, Model):
    """A referral by a prescripteur; valid ``tenant.settings['prescription_validity_months']`` months."""

    __tablename__ = "prescriptions"
    __table_args__ = (
        tenant_index("valid_until"),
        CheckConstraint("valid_until >= prescribed_on", name="validity"),
    )

    participant_id: Mapped[int] = tenant_ref("participants", ondelete="CASCADE", index=True)
    prescripteur_id: Mapped[int] = tenant_ref("organisations")
    prescribed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    content: Mapped[str | None] = mapped_column(Text)
    #: the day the candidate agreed to be referred and to the processing of their data (a prescription
    #: sent from the portal carries it: saas.portail.prescription)
    consent_on: Mapped[date | None] = mapped_column(Date)


class Eligibility(TenantScoped, Model):
    """The guichet's validation that the person belongs to an eligible public.

    ``valid_from``/``valid_until`` are set at validation when the window counts from the
    validation; when the tenant counts it from the first mission, they are set when that mission
    starts (until then the validation is valid from its date, with no end).
    """

    __tablename__ = "eligibilities"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="validity"),
        one_of("anchor", ("validation", "first_mission")),
    )

    participant_id: Mapped[int] = tenant_ref("participants", ondelete="CASCADE", index=True)
    validated_on: Mapped[date] = mapped_column(Date)
    validated_by: Mapped[int | None] = user_ref()
    anchor: Mapped[str] = mapped_column(String(16))
    validity_months: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = utcnow_column()


class EligibilityCriterion(TenantScoped, Model):
    """One criterion of a validation, with the proof type seen (the document itself is not kept)."""

    __tablename__ = "eligibility_criteria"
    __table_args__ = (UniqueConstraint("tenant_id", "eligibility_id", "criterion_code"),)

    eligibility_id: Mapped[int] = tenant_ref("eligibilities", ondelete="CASCADE")
    criterion_code: Mapped[str] = mapped_column(String(40), ForeignKey("ref_criteria.code"))
    proof_type: Mapped[str] = mapped_column(String(40))


class CvProfile(TenantScoped, Model):
    """The participant's profile in the CV library; listed only once validated by the facilitateur."""

    __tablename__ = "cv_profiles"
    __table_args__ = (
        UniqueConstraint("tenant_id", "participant_id"),
        tenant_index("validated_at"),
    )

    participant_id: Mapped[int] = tenant_ref("participants", ondelete="CASCADE")
    rome_codes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), default=list)
    skills: Mapped[str | None] = mapped_column(Text)
    available_from: Mapped[date | None] = mapped_column(Date)
    availability: Mapped[str | None] = mapped_column(String(200))
    #: codes of ref_items (list "mobilite").
    mobility: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    mobility_radius_km: Mapped[int | None] = mapped_column(Integer)
    cv_filename: Mapped[str | None] = mapped_column(String(200))
    cv_mimetype: Mapped[str | None] = mapped_column(String(100))
    cv_content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    validated_by: Mapped[int | None] = user_ref()
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = utcnow_column()


class AccompanimentEntry(TenantScoped, Authored, Model):
    """What an accompaniment partner (the person's referent organisation) records: an interview, a
    point on the freins, a training, a CV update. Never edited; the facilitateur reads them all."""

    __tablename__ = "accompaniment_entries"
    __table_args__ = (
        tenant_index("participant_id", "happened_on"),
        one_of("kind", AccompanimentKind),
    )

    participant_id: Mapped[int] = tenant_ref("participants", ondelete="CASCADE")
    organisation_id: Mapped[int] = tenant_ref("organisations")
    kind: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    #: a training: its title and end (``kind`` formation)
    training_title: Mapped[str | None] = mapped_column(String(200))
    training_until: Mapped[date | None] = mapped_column(Date)
