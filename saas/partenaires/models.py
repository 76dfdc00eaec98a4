"""Partner organisations of a tenant (the full partner register comes with the clause core)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import TenantScoped, db, tenant_index, utcnow_column
from saas.partenaires.enums import OrganisationKind


class Organisation(TenantScoped, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        tenant_index("organisations", "name"),
        Index(
            "uq_organisations_tenant_id_siret",
            "tenant_id",
            "siret",
            unique=True,
            postgresql_where=text("siret IS NOT NULL"),
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(String(32))
    #: for prescripteurs: France Travail, Mission Locale, Cap emploi, PLIE, Département, CCAS...
    prescriber_kind: Mapped[str | None] = mapped_column(String(32))
    #: 14 digits, Luhn-checked by saas.partenaires.api.
    siret: Mapped[str | None] = mapped_column(String(14))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = utcnow_column()
