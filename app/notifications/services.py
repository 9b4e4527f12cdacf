"""Queueing in-app notifications and emails, idempotently (a dedupe key per message)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.bulk import insert_ignoring_conflicts
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail


@dataclass(frozen=True)
class Message:
    """One message for one person, in the app and (if they want it) by email."""

    user: User
    kind: str
    params: dict
    link: str
    dedupe_key: str
    subject: str
    body: str
    #: Reminders respect the user's email preference; escalations to managers always go.
    optional_email: bool = True


def queue(session: Session, messages: list[Message], *, now: dt.datetime) -> int:
    """Store the notifications and queue the emails; a message queued before is skipped."""
    insert_ignoring_conflicts(session, Notification, [
        {"user_id": m.user.id, "kind": m.kind, "params": m.params, "link": m.link, "dedupe_key": m.dedupe_key,
         "created_at": now}
        for m in messages
    ])
    return insert_ignoring_conflicts(session, OutgoingEmail, [
        {"to_address": m.user.email, "to_user_id": m.user.id, "subject": m.subject, "body": m.body,
         "dedupe_key": m.dedupe_key, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "last_error": "", "created_at": now}
        for m in messages if m.user.is_active and (m.user.wants_email_reminders or not m.optional_email)
    ])


def queue_email(session: Session, *, user: User, subject: str, body: str, dedupe_key: str,
                now: dt.datetime) -> int:
    """Queue one email with no in-app notification (account links: the reader is not signed in)."""
    return insert_ignoring_conflicts(session, OutgoingEmail, [
        {"to_address": user.email, "to_user_id": user.id, "subject": subject, "body": body,
         "dedupe_key": dedupe_key, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "last_error": "", "created_at": now}
    ])


def select_notifications(user: User):
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def count_unread(session: Session, user: User) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_all_read(session: Session, user: User, *, now: dt.datetime) -> None:
    session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                    .values(read_at=now))


def queue_email_to(session: Session, *, address: str, subject: str, body: str, dedupe_key: str,
                   now: dt.datetime) -> int:
    """Queue one email to an address that has no account (yet): an invitation."""
    return insert_ignoring_conflicts(session, OutgoingEmail, [
        {"to_address": address, "to_user_id": None, "subject": subject, "body": body,
         "dedupe_key": dedupe_key, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "last_error": "", "created_at": now}
    ])
