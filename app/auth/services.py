"""Accounts and credentials: creating users, checking passwords, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from email_validator import EmailNotValidError
from email_validator import validate_email
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload

from app.auth.models import ROLES
from app.auth.models import ApiToken
from app.auth.models import User
from app.auth.passwords import check_nothing
from app.auth.passwords import check_password
from app.auth.passwords import hash_password
from app.core import statements
from app.core.errors import Conflict
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.core.time import utcnow

PASSWORD_MIN = 10
NAME_MAX = 120


def normalise_email(email: str) -> str:
    """Return the canonical (lower-cased) form of a syntactically valid email."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_l("Invalid email address."), email=[str(exc)]) from None


def create_user(session: Session, *, email: str, name: str, role: str, password: str,
                locale: str = "fr", verified: bool = True, now: dt.datetime | None = None) -> User:
    """Create an account; raise `ValidationFailed` on bad fields, `Conflict` on a taken email.

    Accounts made by a manager or the CLI are verified at once; self sign-up passes `verified=False`.
    """
    errors: dict[str, list[str]] = {}
    try:
        email = normalise_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = [_l("A name of 1 to %(n)s characters is required.", n=NAME_MAX)]
    if role not in ROLES:
        errors["role"] = [_l("Unknown role “%(role)s”; use one of: %(roles)s.", role=role, roles=", ".join(ROLES))]
    if len(password or "") < PASSWORD_MIN:
        errors["password"] = [_l("At least %(n)s characters.", n=PASSWORD_MIN)]
    if errors:
        raise ValidationFailed(_l("The account has invalid fields."), **errors)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password), locale=locale,
                email_verified_at=(now or utcnow()) if verified else None)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        raise Conflict(_l("An account with email %(email)s already exists.", email=email),
                       email=[_l("Already registered.")]) from None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    try:
        email = normalise_email(email)
    except ValidationFailed:
        return None
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        check_nothing(password)
        return None
    if not check_password(user.password_hash, password) or not user.is_active:
        return None
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, *, now: dt.datetime, ttl: dt.timedelta) -> tuple[str, ApiToken]:
    """Create a bearer token; return the secret (shown once) and its stored record."""
    secret = secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, token_hash=_hash_token(secret), created_at=now, expires_at=now + ttl)
    session.add(record)
    session.flush()
    return secret, record


def user_for_token(session: Session, secret: str, *, now: dt.datetime) -> tuple[User, ApiToken] | None:
    """Return the user and token for a valid, unexpired, unrevoked bearer secret."""
    # The user comes in the same statement, built once: every API request asks for both.
    stmt = statements.kept("auth.token", lambda: select(ApiToken).options(joinedload(ApiToken.user))
                           .where(ApiToken.token_hash == bindparam("token_hash")))
    record = session.scalar(stmt, {"token_hash": _hash_token(secret)})
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        return None
    if not record.user.is_active:
        return None
    return record.user, record


def revoke_token(record: ApiToken, *, now: dt.datetime) -> None:
    record.revoked_at = now



#: The languages an account may choose (Config.LANGUAGES; a test keeps the two equal).
LOCALES = ("fr", "en", "ar")


def update_preferences(session: Session, user: User, *, locale: str | None, timezone: str | None,
                       name: str | None = None) -> User:
    """Change a user's language, time zone or name (None keeps it; notification choices:
    `app.notifications.services`). A language given here is the person's choice."""
    from zoneinfo import available_timezones

    errors: dict[str, list[str]] = {}
    if name is not None:
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            errors["name"] = [_l("A name of 1 to %(n)s characters is required.", n=NAME_MAX)]
    chosen = locale is not None
    locale = user.locale if locale is None else locale
    timezone = user.timezone if timezone is None else timezone
    if locale not in LOCALES:
        errors["locale"] = [_l("Choose one of: %(locales)s.", locales=", ".join(LOCALES))]
    if timezone not in available_timezones():
        errors["timezone"] = [_l("Unknown time zone “%(zone)s”.", zone=timezone)]
    if errors:
        raise ValidationFailed(_l("The settings have invalid fields."), **errors)
    user.locale, user.timezone = locale, timezone
    user.has_chosen_locale = user.has_chosen_locale or chosen
    if name is not None:
        user.name = name
    session.flush()
    return user


def choose_locale(session: Session, user: User, locale: str) -> User:
    """The person picked a language (the switcher): pages and emails speak it from now on."""
    if locale not in LOCALES:
        raise ValidationFailed(_l("The settings have invalid fields."),
                               locale=[_l("Choose one of: %(locales)s.", locales=", ".join(LOCALES))])
    user.locale, user.has_chosen_locale = locale, True
    session.flush()
    return user


def adopt_browser_locale(session: Session, user: User, *, picked: str | None, browser: str | None) -> None:
    """On signing in, an account that never chose a language takes the one picked with the switcher
    before signing in (a choice), else follows the browser (a guess, for its emails too)."""
    if user.has_chosen_locale:
        return
    if picked in LOCALES:
        user.locale, user.has_chosen_locale = picked, True
    elif browser in LOCALES:
        user.locale = browser
    session.flush()


def regenerate_calendar_token(session: Session, user: User) -> str:
    """Give the user a new private calendar URL; the old one stops working at once."""
    from app.auth.models import new_calendar_token

    user.calendar_token = new_calendar_token()
    session.flush()
    return user.calendar_token


def change_password(session: Session, user: User, *, current: str, new: str, now) -> None:
    """Change a password: every other web session and every API token stop working."""
    from sqlalchemy import update

    if not check_password(user.password_hash, current):
        raise ValidationFailed(_l("The current password is wrong."),
                               current_password=[_l("The current password is wrong.")])
    if len(new or "") < PASSWORD_MIN:
        raise ValidationFailed(_l("The new password is too short."),
                               new_password=[_l("At least %(n)s characters.", n=PASSWORD_MIN)])
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now))
    session.flush()
