"""Writes about personal data: a person asks for erasure; a manager anonymises the account or refuses.

Anonymising keeps the `users` row, so every event, decision and session still points to it: the
history keeps a pseudonymised actor ("Former member #12") instead of losing who did what. What
only served to reach or recognise the person goes: name, email, password, sign-in, messages."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import AccountLink
from app.auth.models import User
from app.auth.models import new_calendar_token
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.mentoring.models import MentorProfile
from app.notifications.models import Notification
from app.notifications.models import NotificationPreference
from app.notifications.models import OutgoingEmail
from app.people.services import end_access
from app.privacy.models import DeletionRequest

TEXT_MAX = 2000
#: The name an anonymised account shows wherever history names it.
PSEUDONYM = "Former member #{id}"
#: `.invalid` is reserved (RFC 2606): the address can never reach anyone.
ANONYMOUS_EMAIL = "former-member-{id}@anonymised.invalid"


def request_deletion(session: Session, user: User, *, now: dt.datetime, reason: str = "") -> DeletionRequest:
    """Record that `user` asks for their account and data to be erased (one pending request at a time)."""
    if user.anonymised_at is not None:
        raise Conflict(_l("This account is already anonymised."))
    if len(reason) > TEXT_MAX:
        raise ValidationFailed(_l("The request has invalid fields."),
                               reason=[_l("At most %(n)s characters.", n=TEXT_MAX)])
    request = DeletionRequest(user_id=user.id, status="requested", reason=reason.strip(), requested_at=now)
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        raise Conflict(_l("Your request is already with the cluster's team.")) from None
    return request


def _handle(request: DeletionRequest, actor: User) -> None:
    if not actor.is_manager:
        raise Forbidden(_l("Only managers handle deletion requests."))
    if request.status != "requested":
        raise Conflict(_l("This request was already handled."))
    if request.user_id == actor.id:
        raise Forbidden(_l("Another manager handles your own request."))


def carry_out_deletion(session: Session, request: DeletionRequest, *, actor: User, now: dt.datetime) -> User:
    """Anonymise the requester's account: pseudonym, unreachable email, unusable password, deactivated."""
    _handle(request, actor)
    user = request.user
    user.name = PSEUDONYM.format(id=user.id)
    user.email = ANONYMOUS_EMAIL.format(id=user.id)
    user.password_hash = "!" + secrets.token_hex(16)  # no hash method: no password ever matches
    user.calendar_token = new_calendar_token()
    user.email_digest = False
    user.anonymised_at = now
    end_access(session, user, now=now)
    session.execute(delete(Notification).where(Notification.user_id == user.id))
    session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    session.execute(delete(AccountLink).where(AccountLink.user_id == user.id))
    session.execute(delete(OutgoingEmail).where(OutgoingEmail.to_user_id == user.id,
                                                OutgoingEmail.status.in_(("pending", "held"))))
    session.execute(update(OutgoingEmail).where(OutgoingEmail.to_user_id == user.id)
                    .values(to_address=user.email, body="").execution_options(synchronize_session=False))
    session.execute(update(MentorProfile).where(MentorProfile.user_id == user.id)
                    .values(bio="").execution_options(synchronize_session=False))
    request.status, request.handled_by_id, request.handled_at = "done", actor.id, now
    session.flush()
    return user


def refuse_deletion(session: Session, request: DeletionRequest, *, actor: User, now: dt.datetime,
                    answer: str) -> DeletionRequest:
    """Refuse a request, saying why (the person reads the answer on their account page)."""
    _handle(request, actor)
    if not answer.strip() or len(answer) > TEXT_MAX:
        raise ValidationFailed(_l("Say why the request is refused."),
                               answer=[_l("Answer in 1 to %(n)s characters.", n=TEXT_MAX)])
    request.status, request.handled_by_id, request.handled_at, request.answer = "refused", actor.id, now, \
        answer.strip()
    session.flush()
    return request
