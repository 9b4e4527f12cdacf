"""In-app notifications and the outbox of emails to send."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.core.models import Base
from app.core.time import utcnow


class Notification(Base):
    """A message shown in the app; rendered in the reader's language when displayed."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: checkin_reminder, checkin_overdue, …: selects the message template.
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    #: Makes a notification idempotent: the same key is never stored twice.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]


class OutgoingEmail(Base):
    """An email waiting to be sent, sent, or given up on; retried with backoff."""

    __tablename__ = "outgoing_emails"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested')", name="status_known"),
        Index("ix_outgoing_emails_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: An iCalendar invitation sent along as a text/calendar part (office hours bookings); NULL: none.
    ics: Mapped[str | None] = mapped_column(Text)
    #: The notification kind it tells of ('' for account emails and digests).
    kind: Mapped[str] = mapped_column(String(32), default="")
    #: The page it links to (a path under BASE_URL): what the daily digest links to.
    link: Mapped[str] = mapped_column(String(300), default="")
    #: The same reminder to the same person is queued once, even by two schedulers at once.
    #: `held`: kept for the recipient's daily digest; `digested`: listed in one (never sent alone).
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: When a sender claimed it; a claim older than the lease is taken over (crashed sender).
    claimed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class NotificationPreference(Base):
    """A person's choice for one kind of notification; no row means the kind's defaults."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: A key of `app.notifications.kinds.KINDS`.
    kind: Mapped[str] = mapped_column(String(32))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=True)
