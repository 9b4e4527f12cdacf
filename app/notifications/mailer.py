"""Delivering the email outbox over SMTP, with retries and backoff.

Emails are claimed in small batches by an atomic UPDATE (and `SKIP LOCKED` on PostgreSQL),
so several senders never send the same email; a claim held longer than the lease (a crashed
sender) is taken over. A temporary SMTP failure schedules a retry with exponential backoff;
a refused address, or an email that cannot be built, fails that email alone (attempts counted)
while the rest of the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.notifications.models import OutgoingEmail

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
MAX_BACKOFF = dt.timedelta(hours=6)
BATCH = 100
#: Unicode categories never kept in a header: control characters, line and paragraph separators.
_NOT_IN_HEADERS = {"Cc", "Zl", "Zp"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    timeout: float = 10.0


def backoff(attempts: int) -> dt.timedelta:
    """Wait 1, 2, 4, … minutes between attempts, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim_batch(session: Session, *, now: dt.datetime, limit: int = BATCH,
                keys: list[str] | None = None) -> list[OutgoingEmail]:
    """Claim up to `limit` emails that are ready to send (only those with these dedupe `keys` if given).

    The caller commits the claim.
    """
    ready = (select(OutgoingEmail.id)
             .where(or_((OutgoingEmail.status == "pending") & (OutgoingEmail.next_attempt_at <= now),
                        (OutgoingEmail.status == "sending") & (OutgoingEmail.claimed_at < now - LEASE)))
             .order_by(OutgoingEmail.id).limit(limit))
    if keys is not None:
        ready = ready.where(OutgoingEmail.dedupe_key.in_(keys))
    if session.get_bind().dialect.name == "postgresql":
        ready = ready.with_for_update(skip_locked=True)
    ids = list(session.scalars(ready))
    if not ids:
        return []
    claimed = session.scalars(
        update(OutgoingEmail)
        .where(OutgoingEmail.id.in_(ids),
               or_(OutgoingEmail.status == "pending",
                   (OutgoingEmail.status == "sending") & (OutgoingEmail.claimed_at < now - LEASE)))
        .values(status="sending", claimed_at=now)
        .returning(OutgoingEmail)
        .execution_options(synchronize_session=False)
    ).all()
    # In the order they were queued: `UPDATE … RETURNING` returns rows in no promised order.
    return sorted(claimed, key=lambda email: email.id)


def header_value(value: str) -> str:
    """Return `value` fit for one header line: control characters and line breaks become spaces.

    A CR or LF in a header would let a title inject headers (`Bcc:`), and the email package refuses
    such values outright; the other control characters have no place in a subject or an address.
    """
    cleaned = "".join(" " if unicodedata.category(char) in _NOT_IN_HEADERS else char for char in value or "")
    # Only runs of plain spaces collapse: a French no-break space before ":" stays as it is.
    return re.sub(" {2,}", " ", cleaned).strip(" ")


def build_message(email: OutgoingEmail, settings: SmtpSettings) -> EmailMessage:
    """The email as sent; raises (ValueError, …) when it cannot be built, which fails that email alone."""
    message = EmailMessage()
    message["From"] = header_value(settings.sender)
    message["To"] = header_value(email.to_address)
    message["Subject"] = header_value(email.subject)
    message["Message-ID"] = make_msgid(idstring=f"parcours-{email.id}")
    message.set_content(email.body)
    if email.ics:
        # The part calendars act on: its METHOD (REQUEST, CANCEL) is repeated on the content type.
        method = "CANCEL" if "METHOD:CANCEL" in email.ics else "REQUEST"
        message.add_attachment(email.ics, subtype="calendar", params={"method": method},
                               filename="invitation.ics")
    return message


def _send_one(smtp: smtplib.SMTP, email: OutgoingEmail, settings: SmtpSettings) -> str | None:
    """Send one email on an open connection; return None, `fail:…` or `retry:…`.

    A connection error propagates: the caller stops using the connection.
    """
    try:
        message = build_message(email, settings)
    except Exception as exc:  # noqa: BLE001 - whatever breaks one email must not stop the others
        return f"fail:cannot build the message: {exc!r}"
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        return f"fail:{exc.recipients}"
    except smtplib.SMTPResponseException as exc:
        kind = "fail" if 500 <= exc.smtp_code < 600 else "retry"
        return f"{kind}:{exc.smtp_code} {exc.smtp_error!r}"
    except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address to a server without SMTPUTF8
        return f"fail:refused by the server: {exc}"
    except (ValueError, TypeError, UnicodeError) as exc:  # the message cannot be serialised
        return f"fail:cannot serialise the message: {exc!r}"
    return None


def send_batch(emails: list[OutgoingEmail], settings: SmtpSettings, *, now: dt.datetime) -> dict[int, str | None]:
    """Send claimed emails over one SMTP connection; return id → error (None when sent).

    Errors are `retry:…` (temporary: try again later) or `fail:…` (this email will never go: a refused
    address, a message that cannot be built). Either concerns that email alone; only a lost connection
    leaves the rest of the batch for the next attempt.
    """
    results: dict[int, str | None] = {}
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            for email in emails:
                try:
                    results[email.id] = _send_one(smtp, email, settings)
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    results[email.id] = f"retry:{exc}"
                    break
    except (OSError, smtplib.SMTPException) as exc:  # includes timeouts
        unreachable = f"retry:cannot reach {settings.host}:{settings.port}: {exc}"
        for email in emails:
            results.setdefault(email.id, unreachable)
    for email in emails:
        results.setdefault(email.id, "retry:not attempted (connection lost)")
    return results


def write_batch(emails: list[OutgoingEmail], settings: SmtpSettings, *, now: dt.datetime,
                folder: Path) -> dict[int, str | None]:
    """Development without an SMTP server: write each email to `folder` as .eml and to the log, links included."""
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[int, str | None] = {}
    for email in emails:
        try:
            message = build_message(email, settings)
            path = folder / f"{now:%Y%m%d-%H%M%S}-{email.id}.eml"
            path.write_bytes(message.as_bytes())
        except Exception as exc:  # noqa: BLE001 - as over SMTP: one broken email never stops the others
            results[email.id] = f"fail:cannot build the message: {exc!r}"
            continue
        log.info("email to %s (not sent: no SMTP_HOST; saved in %s)\nSubject: %s\n\n%s", message["To"], path,
                 message["Subject"], email.body)
        results[email.id] = None
    return results


def record_results(session: Session, emails: list[OutgoingEmail], results: dict[int, str | None], *,
                   now: dt.datetime) -> tuple[int, int]:
    """Store what happened to each email; return (sent, not sent)."""
    sent = 0
    for email in emails:
        error = results[email.id]
        attempts = email.attempts + 1
        if error is None:
            values = {"status": "sent", "sent_at": now, "attempts": attempts, "last_error": ""}
            sent += 1
        elif error.startswith("fail:") or attempts >= MAX_ATTEMPTS:
            values = {"status": "failed", "attempts": attempts, "last_error": error[:2000]}
        else:
            values = {"status": "pending", "attempts": attempts, "last_error": error[:2000],
                      "next_attempt_at": now + backoff(attempts), "claimed_at": None}
        session.execute(update(OutgoingEmail).where(OutgoingEmail.id == email.id).values(**values)
                        .execution_options(synchronize_session=False))
    return sent, len(emails) - sent
