"""Requests to erase a person's data (Morocco's law 09-08 on personal data)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow

DELETION_STATUSES = ("requested", "done", "refused")


class DeletionRequest(Base):
    """A person asks for their account to be erased; a manager carries it out (anonymises) or refuses."""

    __tablename__ = "deletion_requests"
    __table_args__ = (
        CheckConstraint("status IN ('requested', 'done', 'refused')", name="status_known"),
        CheckConstraint("status = 'requested' OR handled_at IS NOT NULL", name="handled_has_date"),
        # One pending request per person, enforced by the database.
        Index("uq_deletion_requests_pending", "user_id", unique=True, sqlite_where=text("status = 'requested'"),
              postgresql_where=text("status = 'requested'")),
        Index("ix_deletion_requests_status", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    #: What the person wrote, if anything.
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[dt.datetime | None]
    #: Why a request was refused (a legal obligation to keep the data, for instance).
    answer: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id], lazy="joined")
