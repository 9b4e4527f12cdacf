"""Links sent by email: confirm an address after signing up, reset a forgotten password.

A link carries a random nonce signed with itsdangerous (one salt per purpose, so a
verification link is no reset link). Only the nonce's sha256 is stored, with an expiry and a
`used_at`: following a link marks it used in one conditional UPDATE, so it works once, even
when two requests race. Nothing here tells a caller whether an email is registered: the
boundaries answer the same way in every case.

Domain code: no Flask. The boundary passes the secret, the lifetimes and `now`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth import services
from app.auth.models import AccountLink
from app.auth.models import ApiToken
from app.auth.models import User
from app.auth.passwords import hash_password
from app.core.errors import Conflict
from app.core.errors import ValidationFailed
from app.core.i18n import _l

VERIFY_EMAIL = "verify_email"
PASSWORD_RESET = "password_reset"
#: Lifetimes of the links (the boundary may pass others from the configuration).
VERIFY_TTL = dt.timedelta(hours=48)
RESET_TTL = dt.timedelta(hours=1)
#: A second request within this delay sends no second email (no mailbox flooding through us).
COOLDOWN = dt.timedelta(minutes=2)


class LinkInvalid(ValidationFailed):
    """The link is malformed, forged, expired, already used or meant for something else."""

    code = "link_invalid"

    def __init__(self) -> None:
        super().__init__(_l("This link is invalid, has expired or was already used. Ask for a new one."))


@dataclass(frozen=True)
class LinkRequest:
    """An email to send: to whom, which message, and the signed token (None: nothing to send)."""

    user: User | None
    #: The email template: verify_email, password_reset, account_exists, confirm_and_choose; "none" sends nothing.
    kind: str
    token: str | None
    link_id: int | None = None


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"parcours.{purpose}")


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue_link(session: Session, user: User, purpose: str, *, now: dt.datetime, secret: str,
               ttl: dt.timedelta) -> tuple[str, AccountLink] | None:
    """Create a link for `user`; None when one was issued moments ago (the first email is on its way)."""
    recent = session.scalar(select(AccountLink.id).where(
        AccountLink.user_id == user.id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None),
        AccountLink.created_at > now - COOLDOWN).limit(1))
    if recent is not None:
        return None
    nonce = secrets.token_urlsafe(32)
    link = AccountLink(user_id=user.id, purpose=purpose, nonce_hash=_digest(nonce), created_at=now,
                       expires_at=now + ttl)
    session.add(link)
    session.flush()
    return _serializer(secret, purpose).dumps({"n": nonce}), link


def _find(session: Session, token: str, purpose: str, *, now: dt.datetime, secret: str,
          ttl: dt.timedelta) -> AccountLink:
    try:
        payload = _serializer(secret, purpose).loads(token or "", max_age=int(ttl.total_seconds()) + 60)
        nonce = str(payload["n"])
    except (BadSignature, KeyError, TypeError):
        raise LinkInvalid() from None
    link = session.scalar(select(AccountLink).where(AccountLink.nonce_hash == _digest(nonce),
                                                    AccountLink.purpose == purpose))
    if link is None or link.used_at is not None or link.expires_at <= now or not link.user.is_active:
        raise LinkInvalid()
    return link


def check_link(session: Session, token: str, purpose: str, *, now: dt.datetime, secret: str,
               ttl: dt.timedelta) -> User:
    """Return the user a valid link belongs to, without using it up (to show a form first)."""
    return _find(session, token, purpose, now=now, secret=secret, ttl=ttl).user


def _use(session: Session, token: str, purpose: str, *, now: dt.datetime, secret: str,
         ttl: dt.timedelta) -> User:
    link = _find(session, token, purpose, now=now, secret=secret, ttl=ttl)
    # Conditional: of two requests following the same link at once, exactly one wins.
    used = session.execute(update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
                           .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise LinkInvalid()
    return link.user


def sign_up(session: Session, *, email: str, name: str, password: str, locale: str, now: dt.datetime,
            secret: str, ttl: dt.timedelta = VERIFY_TTL, reset_ttl: dt.timedelta = RESET_TTL,
            consent_notice: str | None = None) -> LinkRequest:
    """Create an unverified applicant account and a link to confirm its address.

    Self-registered accounts are applicants: they reach the portfolio through a call and its
    label, never by creating a project themselves.

    An email already registered gets no new account and no error: its owner is sent a note
    instead (a link to confirm the address by choosing the password if it was never confirmed,
    a reset link if the account is in use), so the answer never tells who has an account.

    `consent_notice`: the version of the privacy notice the person accepted, recorded with the time.

    :raises ValidationFailed: a malformed email, a missing name, a short password.
    """
    try:
        user = services.create_user(session, email=email, name=name, role="applicant", password=password,
                                    locale=locale, verified=False, now=now)
    except Conflict:
        # create_user hashed the password before the insert failed: this path costs what a sign-up costs.
        existing = session.scalar(select(User).where(User.email == services.normalise_email(email)))
        if existing is None or not existing.is_active:
            return _nothing()
        if not existing.is_verified:
            return _claimed_twice(session, existing, now=now, secret=secret, ttl=reset_ttl)
        return _request(session, existing, PASSWORD_RESET, "account_exists", now=now, secret=secret, ttl=reset_ttl)
    if consent_notice:
        user.consented_at, user.consent_notice_version = now, consent_notice
    return _request(session, user, VERIFY_EMAIL, "verify_email", now=now, secret=secret, ttl=ttl)


def _claimed_twice(session: Session, user: User, *, now: dt.datetime, secret: str,
                   ttl: dt.timedelta) -> LinkRequest:
    """A sign-up for an address that an earlier, unconfirmed sign-up holds.

    Either sign-up may be an attacker's (signing up first with the victim's address, or after
    the victim), so no password chosen so far may become active: the confirmation links sent
    so far stop working, and the mailbox gets a link to confirm the address by choosing the
    password. Only whoever reads that mailbox ends up with a working password.
    """
    _retire_links(session, user, VERIFY_EMAIL, now=now)
    return _request(session, user, PASSWORD_RESET, "confirm_and_choose", now=now, secret=secret, ttl=ttl)


def _retire_links(session: Session, user: User, purpose: str, *, now: dt.datetime) -> None:
    session.execute(update(AccountLink).where(AccountLink.user_id == user.id, AccountLink.purpose == purpose,
                                              AccountLink.used_at.is_(None))
                    .values(used_at=now).execution_options(synchronize_session=False))


def _nothing() -> LinkRequest:
    return LinkRequest(user=None, kind="none", token=None)


def _request(session: Session, user: User, purpose: str, kind: str, *, now: dt.datetime, secret: str,
             ttl: dt.timedelta) -> LinkRequest:
    issued = issue_link(session, user, purpose, now=now, secret=secret, ttl=ttl)
    if issued is None:
        return LinkRequest(user=user, kind="none", token=None)
    token, link = issued
    return LinkRequest(user=user, kind=kind, token=token, link_id=link.id)


def request_password_reset(session: Session, email: str, *, now: dt.datetime, secret: str,
                           ttl: dt.timedelta = RESET_TTL) -> LinkRequest:
    """A reset link for the active account with this email; kind "none" for any other address."""
    try:
        address = services.normalise_email(email)
    except ValidationFailed:
        return _nothing()
    user = session.scalar(select(User).where(User.email == address))
    if user is None or not user.is_active:
        return _nothing()
    return _request(session, user, PASSWORD_RESET, "password_reset", now=now, secret=secret, ttl=ttl)


def verify_email(session: Session, token: str, *, now: dt.datetime, secret: str,
                 ttl: dt.timedelta = VERIFY_TTL) -> User:
    """Mark the address of the link's account as confirmed; the link stops working.

    :raises LinkInvalid: forged, expired, used or not a verification link.
    """
    user = _use(session, token, VERIFY_EMAIL, now=now, secret=secret, ttl=ttl)
    if user.email_verified_at is None:
        user.email_verified_at = now
    session.flush()
    return user


def reset_password(session: Session, token: str, password: str, *, now: dt.datetime, secret: str,
                   ttl: dt.timedelta = RESET_TTL) -> User:
    """Set a new password from a reset link: other sessions and API tokens end, the link is used up.

    Following the link proves the mailbox, so an unconfirmed address becomes confirmed too.

    :raises ValidationFailed: the password is too short (the link stays usable).
    :raises LinkInvalid: forged, expired, used or not a reset link.
    """
    check_link(session, token, PASSWORD_RESET, now=now, secret=secret, ttl=ttl)
    if len(password or "") < services.PASSWORD_MIN:
        raise ValidationFailed(_l("The new password is too short."),
                               password=[_l("At least %(n)s characters.", n=services.PASSWORD_MIN)])
    user = _use(session, token, PASSWORD_RESET, now=now, secret=secret, ttl=ttl)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    user.email_verified_at = user.email_verified_at or now
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))
    # Any other reset link sent earlier dies with this one; so do confirmation links of earlier sign-ups.
    _retire_links(session, user, PASSWORD_RESET, now=now)
    _retire_links(session, user, VERIFY_EMAIL, now=now)
    session.flush()
    return user
