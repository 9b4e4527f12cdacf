"""Users and their API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.core.models import Base
from app.core.time import utcnow

#: `applicant`: a self-registered account; it applies to calls and becomes a `founder` when an
#: application is labelled (only founders made by managers create projects directly).
ROLES = ("applicant", "founder", "mentor", "manager", "admin")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('applicant', 'founder', 'mentor', 'manager', 'admin')", name="role_known"),
        # Mentors, managers: a few among tens of thousands of founders (mentor lists, suggestions, load).
        # By role (mentor lists, suggestions, the mentor load), and a role's accounts by name read from
        # the index alone (the pipeline's mentor filter lists every active mentor).
        Index("ix_users_role_name", "role", "is_disabled", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The language emails are written in, and pages too once the person chose it.
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    #: Whether the person chose `locale` (the switcher, the settings, `PATCH /me`); until then the
    #: pages follow the browser's Accept-Language and `locale` is only the latest best guess.
    has_chosen_locale: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    timezone: Mapped[str] = mapped_column(String(64), default="Africa/Casablanca")
    #: Secret part of the private iCalendar feed URL; regenerating it revokes old links.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_calendar_token)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    #: Bumped when the password changes: web sessions signed in before it stop working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    #: Emails of switchable notifications wait for one daily digest instead of going one by one.
    email_digest: Mapped[bool] = mapped_column(default=False)
    #: The local date of the latest daily digest: claiming the day makes it go once.
    digest_sent_on: Mapped[dt.date | None] = mapped_column(Date)
    #: When the owner proved the address by following an emailed link; NULL: a self-signed-up
    #: account that cannot sign in yet. Accounts created by managers are verified at creation.
    email_verified_at: Mapped[dt.datetime | None]
    #: When the person accepted the privacy notice at sign-up, and which version of it (law 09-08);
    #: NULL for accounts made by the cluster's staff or through the API without `consent`.
    consented_at: Mapped[dt.datetime | None]
    consent_notice_version: Mapped[str | None] = mapped_column(String(32))
    #: When the account was anonymised at its owner's request: the row stays, so history keeps a
    #: pseudonymised actor ("Former member #id").
    anonymised_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login's protocol, written out so the domain model needs no Flask mixin.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The epoch in the session id: changing the password signs out every other session.
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_manager(self) -> bool:
        """Managers and admins see and steer every project."""
        return self.role in ("manager", "admin")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(Base):
    """A bearer token; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


LINK_PURPOSES = ("verify_email", "password_reset")


class AccountLink(Base):
    """A link sent by email (verify an address, reset a password): expiring and single-use.

    The link carries a signed random nonce; only the nonce's sha256 is stored, so the table
    alone cannot forge a working link.
    """

    __tablename__ = "account_links"
    __table_args__ = (
        CheckConstraint("purpose IN ('verify_email', 'password_reset')", name="purpose_known"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        Index("ix_account_links_user_purpose", "user_id", "purpose", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    #: Set when the link is followed (or superseded): a used link never works again.
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class UserSession(Base):
    """A signed-in browser session, held server-side so that signing out ends it.

    The cookie carries a random secret (signed by Flask); only its sha256 is stored. Signing out
    deletes the row, so a copy of the cookie taken before stops working, while the user's other
    devices keep theirs (the session epoch, by contrast, ends them all).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
