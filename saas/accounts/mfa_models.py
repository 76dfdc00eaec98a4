"""The second factor of a user: a TOTP secret and single-use recovery codes.

Platform tables (no tenant): a person has one second factor for every space they enter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, String
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, utcnow_column


class TotpDevice(Model):
    """The authenticator application of a user. Unconfirmed until a first valid code is given."""

    __tablename__ = "mfa_totp_devices"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: base32 secret shared with the authenticator application.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = utcnow_column()
    #: NULL while the enrolment waits for its first valid code: the factor is not in force yet.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the 30-second time step of the last code accepted: a code of this step or before is refused
    #: (no replay of a code seen over a shoulder or in a proxy log).
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(Model):
    """A single-use code for a lost device; only its digest is stored."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the user id and the code (``saas.security.token_digest``), unique.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = utcnow_column()
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
