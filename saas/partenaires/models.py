"""Partner organisations of a tenant and their contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, TenantScoped, one_of, tenant_index, tenant_ref, utcnow_column
from saas.partenaires.enums import BuyerKind, OrganisationKind


class Organisation(TenantScoped, Model):
    __tablename__ = "organisations"
    __table_args__ = (
        tenant_index("name"),
        Index(
            "uq_organisations_tenant_id_siret",
            "tenant_id",
            "siret",
            unique=True,
            postgresql_where=text("siret IS NOT NULL"),
        ),
        one_of("buyer_kind", BuyerKind),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(String(32))
    #: for prescripteurs: France Travail, Mission Locale, Cap emploi, PLIE, Département, CCAS...
    prescriber_kind: Mapped[str | None] = mapped_column(String(32))
    #: for donneurs d'ordre: commune, intercommunalité, bailleur social, État... (national collection)
    buyer_kind: Mapped[str | None] = mapped_column(String(32))
    #: 14 digits, Luhn-checked by saas.partenaires.api.
    siret: Mapped[str | None] = mapped_column(String(14))
    address: Mapped[str | None] = mapped_column(String(300))
    commune_insee: Mapped[str | None] = mapped_column(String(5), ForeignKey("ref_communes.insee"))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = utcnow_column()


class Contact(TenantScoped, Model):
    """A person to reach at a partner organisation (not necessarily a user of the service)."""

    __tablename__ = "organisation_contacts"
    organisation_id: Mapped[int] = tenant_ref("organisations", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    is_primary: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime] = utcnow_column()
