"""People who log in, their server-side sessions and their one-time password links.

Platform tables: a user may belong to several tenants; what they may see in each comes from
``tenants.models.TenantMembership``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, DateTime, Identity, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Model, user_ref, utcnow_column


class User(Model):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_email_lower", func.lower(text("email")), unique=True),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(200))
    #: argon2id hash; NULL until the invitation link has been used.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: the platform operator: creates tenants and federations; no access to tenant data.
    is_operator: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = utcnow_column()
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Flask-Login protocol. The session id, not the user id, is what the cookie carries, so that
    # logging out or deactivating revokes the session on the server side.
    if TYPE_CHECKING:  # an annotation in the class body would be read as a column
        auth_session: AuthSession | None
    auth_session = None  # the AuthSession of this request (not mapped)

    @property
    def is_authenticated(self) -> bool:
        return self.auth_session is not None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.auth_session.token if self.auth_session else None


class AuthSession(Model):
    """One login. The cookie holds a random token; the table keeps only its SHA-256."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = user_ref(ondelete="CASCADE", index=True)
    created_at: Mapped[datetime] = utcnow_column()
    last_seen_at: Mapped[datetime] = utcnow_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    #: SHA-256 of the full User-Agent at login: a cookie replayed from another browser is refused
    #: and the session revoked. The address is not bound: mobile users change it all the time.
    user_agent_digest: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(lazy="joined")
    #: the clear token, only on the object that was just created or loaded from the cookie.
    if TYPE_CHECKING:
        token: str | None
    token = None  # not mapped


class PasswordToken(Model):
    """A one-time link sent by e-mail (invitation, password reset, login unlock), stored hashed."""

    __tablename__ = "password_tokens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = user_ref(ondelete="CASCADE", index=True)
    #: "invitation", "password_reset" or "login_unlock" (``saas.accounts.links``).
    purpose: Mapped[str] = mapped_column(String(20), server_default="invitation")
    created_by_user_id: Mapped[int | None] = user_ref(ondelete="SET NULL")
    created_at: Mapped[datetime] = utcnow_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
