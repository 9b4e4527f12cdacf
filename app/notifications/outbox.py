"""Delivering the outbox from the app: by the scheduler's sweep, or right after a request.

The transport comes from the configuration (`MAIL_BACKEND`): SMTP, or files and the log when
`make run` has no SMTP server. Work that must not delay an answer (or reveal anything through
its duration) runs after the response is sent: `after_response`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from flask import Flask
from flask import after_this_request
from flask import current_app

from app.core.time import utcnow
from app.extensions import db
from app.notifications import mailer

log = logging.getLogger(__name__)
BACKENDS = ("smtp", "file")

Transport = Callable[..., dict[int, str | None]]


def smtp_settings() -> mailer.SmtpSettings:
    config = current_app.config
    return mailer.SmtpSettings(host=config["SMTP_HOST"], port=config["SMTP_PORT"], sender=config["MAIL_FROM"])


def transport() -> Transport:
    """`send(emails, now=…) -> {id: error}` for the configured backend."""
    backend = current_app.config.get("MAIL_BACKEND", "smtp")
    if backend == "smtp":
        return partial(mailer.send_batch, settings=smtp_settings())
    if backend == "file":
        folder = current_app.config.get("MAIL_DIR") or os.path.join(current_app.instance_path, "mail")
        return partial(mailer.write_batch, settings=smtp_settings(), folder=Path(folder))
    raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def deliver(now: dt.datetime, *, keys: list[str] | None = None) -> tuple[int, int]:
    """Send what the outbox holds (only the emails with these dedupe `keys` if given); return (sent, not sent)."""
    session = db.session
    send = transport()
    sent = failed = 0
    while batch := mailer.claim_batch(session, now=now, keys=keys):
        session.commit()  # the claim is visible to other senders before any traffic
        results = send(batch, now=now)
        ok, not_ok = mailer.record_results(session, batch, results, now=now)
        session.commit()
        sent, failed = sent + ok, failed + not_ok
    return sent, failed


def after_response(work: Callable[[], None]) -> None:
    """Run `work` in an app context once the response is sent (the WSGI server closes it).

    A failure is logged: the answer is already gone, and the sweep retries what the outbox holds.
    """
    app = current_app._get_current_object()

    @after_this_request
    def attach(response):
        response.call_on_close(partial(_run, app, work))
        return response


def _run(app: Flask, work: Callable[[], None]) -> None:
    with app.app_context():
        try:
            work()
        except Exception:  # noqa: BLE001 - nobody is left to answer; the sweep is the retry path
            log.exception("work after the response failed")
        finally:
            db.session.remove()


def deliver_after_response(keys: list[str | None]) -> None:
    """Send these just-queued emails right after the response, when the configuration says so."""
    wanted = [key for key in keys if key]
    if wanted and current_app.config.get("MAIL_DELIVER_AFTER_REQUEST"):
        after_response(lambda: deliver(utcnow(), keys=wanted))
