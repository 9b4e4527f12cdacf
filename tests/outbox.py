"""Test helper: set aside the notifications and emails a fixture's setup queued (a mentor assigned, an application
submitted…), so a test counts only the emails of what it exercises."""

from __future__ import annotations

from sqlalchemy import delete

from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail


def settle(session) -> None:
    """Drop every email still waiting in the outbox (nothing is delivered) and the unread notifications; commit."""
    session.execute(delete(OutgoingEmail).where(OutgoingEmail.status.in_(("pending", "held"))))
    session.execute(delete(Notification).where(Notification.read_at.is_(None)))
    session.commit()
