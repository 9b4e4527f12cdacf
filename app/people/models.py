"""Invitations: a person asked by email to join Parcours (and a project's team)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow

#: The roles an invitation may carry (applicants sign up on their own).
INVITED_ROLES = ("founder", "mentor", "manager", "admin")


class Invitation(Base):
    """An emailed invitation; only the sha256 of the link's secret is stored (like API tokens).

    Pending until it is accepted, revoked or past `expires_at`; re-sending it makes a new secret
    (the earlier link stops working) and a new expiry.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('founder', 'mentor', 'manager', 'admin')", name="role_known"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        CheckConstraint("accepted_at IS NULL OR revoked_at IS NULL", name="accepted_or_revoked"),
        # A project's team is made of founders: an invitation to a team is a founder's.
        CheckConstraint("project_id IS NULL OR role = 'founder'", name="team_invitations_are_founders"),
        CheckConstraint("resent_count >= 0", name="resent_count_positive"),
        Index("ix_invitations_email", "email"),
        # The founders' cap counts their recent invitations.
        Index("ix_invitations_invited_by_created", "invited_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, like users' emails.
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    #: The team the person joins on accepting (None: an account only).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The language of the email and of the account it creates (the inviter's choice).
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    #: When it was last emailed (creation or the latest re-send).
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resent_count: Mapped[int] = mapped_column(default=0)
    accepted_at: Mapped[dt.datetime | None]
    #: The account that accepted it (a new one, or an existing one that joined the team).
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None]

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id], lazy="joined")

    def status(self, now: dt.datetime) -> str:
        """`accepted`, `revoked`, `expired` or `pending`."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email} {self.role}>"
