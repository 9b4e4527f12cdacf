"""Queueing in-app notifications and emails, idempotently (a dedupe key per message), as each
person chose (`app.notifications.kinds` and their `NotificationPreference` rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.bulk import insert_ignoring_conflicts
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.notifications import kinds as registry
from app.notifications.models import Notification
from app.notifications.models import NotificationPreference
from app.notifications.models import OutgoingEmail

#: (kind, recipient, params) → (subject, body), in the recipient's language and time zone.
Renderer = Callable[[str, User, dict], tuple[str, str]]


@dataclass(frozen=True)
class Message:
    """One message for one person, in the app and by email, as they chose for its kind.

    `link` is the page's path; an email gets `BASE_URL` + `link` as the `link` parameter. A message
    without `subject` is rendered by `queue()`, only when an email goes, through the database's
    `Postman` (domain code builds messages without Flask; the renderer comes from `create_app`).
    """

    user: User
    kind: str
    params: dict
    link: str
    dedupe_key: str
    subject: str = ""
    body: str = ""
    #: An iCalendar object (METHOD:REQUEST or CANCEL) attached to the email.
    ics: str = ""


@dataclass(frozen=True)
class Postman:
    """How one database's messages become emails: the renderer and the site's address (read when used)."""

    render: Renderer
    base_url: Callable[[], str]


_postmen: WeakKeyDictionary = WeakKeyDictionary()


def attach_postman(bind, postman: Postman) -> None:
    """Render the emails of every session bound to `bind` (an Engine) with `postman` (create_app does)."""
    _postmen[bind] = postman


def postman_of(session: Session) -> Postman | None:
    """The postman attached to the session's database; None: emails cannot be written (no app)."""
    bind = session.get_bind()
    return _postmen.get(getattr(bind, "engine", bind))


@dataclass(frozen=True)
class Choice:
    in_app: bool
    email: bool


def _choices(session: Session, messages: list[Message]) -> dict[tuple[int, str], Choice]:
    """(user id, kind) → the choice, for every switchable pair in `messages`: one query."""
    pairs = {(m.user.id, m.kind) for m in messages if (kind := registry.get(m.kind)) and kind.switchable}
    if not pairs:
        return {}
    rows = session.execute(select(NotificationPreference.user_id, NotificationPreference.kind,
                                  NotificationPreference.in_app, NotificationPreference.email)
                           .where(NotificationPreference.user_id.in_({u for u, _ in pairs}),
                                  NotificationPreference.kind.in_({k for _, k in pairs})))
    stored = {(user_id, kind): Choice(in_app, email) for user_id, kind, in_app, email in rows}
    return {pair: stored.get(pair) or Choice(registry.KINDS[pair[1]].in_app, registry.KINDS[pair[1]].email)
            for pair in pairs}


def queue(session: Session, messages: list[Message], *, now: dt.datetime) -> int:
    """Store the notifications and queue the emails each person wants; a message queued before is skipped.

    In-app off: no notification; email off: no email; the daily digest on: the email is `held` for
    it. Kinds not switchable always go. At most four statements, whatever the number of messages.
    Returns how many emails landed in the outbox (held ones included).
    """
    if not messages:
        return 0
    choices = _choices(session, messages)
    always = Choice(True, True)
    insert_ignoring_conflicts(session, Notification, [
        {"user_id": m.user.id, "kind": m.kind, "params": m.params, "link": m.link, "dedupe_key": m.dedupe_key,
         "created_at": now}
        for m in messages if choices.get((m.user.id, m.kind), always).in_app
    ])
    mailed = [m for m in messages if m.user.is_active and choices.get((m.user.id, m.kind), always).email]
    if not mailed:
        return 0
    # Rendering costs: an email queued before (a sweep running again) is not written twice.
    known = set(session.scalars(select(OutgoingEmail.dedupe_key)
                                .where(OutgoingEmail.dedupe_key.in_({m.dedupe_key for m in mailed}))))
    rows = []
    for m in mailed:
        if m.dedupe_key in known:
            continue
        subject, body = (m.subject, m.body) if m.subject else _render(session, m)
        # A calendar invitation goes at once: a digest would lose the event it carries.
        held = m.user.email_digest and (m.user.id, m.kind) in choices and not m.ics
        rows.append({"to_address": m.user.email, "to_user_id": m.user.id, "subject": subject, "body": body,
                     "kind": m.kind, "link": m.link, "dedupe_key": m.dedupe_key,
                     "ics": m.ics or None, "status": "held" if held else "pending", "attempts": 0,
                     "next_attempt_at": now, "last_error": "", "created_at": now})
    return insert_ignoring_conflicts(session, OutgoingEmail, rows)


def _render(session: Session, message: Message) -> tuple[str, str]:
    postman = postman_of(session)
    if postman is None:
        raise LookupError("No postman is attached to this database: create_app attaches one "
                          "(app.notifications.services.attach_postman).")
    return postman.render(message.kind, message.user, {**message.params, "link": postman.base_url() + message.link})


def queue_email(session: Session, *, user: User, subject: str, body: str, dedupe_key: str,
                now: dt.datetime) -> int:
    """Queue one email with no in-app notification (account links: the reader is not signed in)."""
    return insert_ignoring_conflicts(session, OutgoingEmail, [
        {"to_address": user.email, "to_user_id": user.id, "subject": subject, "body": body,
         "dedupe_key": dedupe_key, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "last_error": "", "created_at": now}
    ])


# Preferences ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    """A person's choices: every switchable kind (stored or default) and the digest."""

    kinds: dict[str, Choice]
    digest: bool


def get_preferences(session: Session, user: User) -> Preferences:
    """The person's choice for every switchable kind (defaults where they chose nothing)."""
    stored = {p.kind: Choice(p.in_app, p.email) for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return Preferences(kinds={k.key: stored.get(k.key) or Choice(k.in_app, k.email) for k in registry.switchable()},
                       digest=user.email_digest)


def update_preferences(session: Session, user: User, *, kinds: dict[str, dict[str, bool]],
                       digest: bool | None = None) -> Preferences:
    """Change some kinds' switches (a partial update: kinds and channels left out keep their value).

    :raises ValidationFailed: a kind is unknown or not switchable (the field `kinds.<kind>` names it).
    """
    unknown = [key for key in kinds if not (found := registry.get(key)) or not found.switchable]
    if unknown:
        raise ValidationFailed(_l("Unknown notification kind(s): %(keys)s.", keys=", ".join(sorted(unknown))),
                               **{f"kinds.{key}": [_l("Not a notification kind you can choose.")]
                                  for key in unknown})
    current = get_preferences(session, user).kinds
    wanted = {key: Choice(in_app=channels.get("in_app", current[key].in_app),
                          email=channels.get("email", current[key].email)) for key, channels in kinds.items()}
    if wanted:
        # Replace the rows of the kinds given: one DELETE and one INSERT, whatever the number.
        session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id,
                                                             NotificationPreference.kind.in_(wanted)))
        session.add_all([NotificationPreference(user_id=user.id, kind=key, in_app=c.in_app, email=c.email)
                         for key, c in wanted.items()])
    if digest is not None:
        user.email_digest = digest
    session.flush()
    return Preferences(kinds={**current, **wanted}, digest=user.email_digest)


# Reading ----------------------------------------------------------------------------------------


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
