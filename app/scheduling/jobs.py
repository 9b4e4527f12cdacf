"""Scheduler jobs: module-level functions, referenced by name, run inside an app context.

`sweep` is the one periodic job. `run_sweep(now)` is the same work for a given instant,
used by `flask scheduler tick` and the tests.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict
from dataclasses import dataclass

from flask import Flask
from flask import current_app

from app.calls import sweep as calls_sweep
from app.checkins import sweep as checkin_sweep
from app.core.time import utcnow
from app.extensions import db
from app.kpis import sweep as kpi_sweep
from app.mentoring import sweep as mentoring_sweep
from app.notifications import digest
from app.notifications import outbox
from app.notifications import services as notifications
from app.notifications.render import render_message
from app.officehours import sweep as officehours_sweep
from app.pipeline import readmodel as pipeline_readmodel

log = logging.getLogger(__name__)
#: The app the scheduler process serves; set by `app.scheduling.runner` before jobs run.
_app: Flask | None = None


@dataclass
class SweepReport:
    planned: int = 0
    due: int = 0
    overdue: int = 0
    reminders: int = 0
    escalations: int = 0
    kpi_reports_opened: int = 0
    kpi_reminders: int = 0
    action_items_due: int = 0
    calls_closing: int = 0
    booking_reminders: int = 0
    digests: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    #: Projects of the pipeline's read model whose "longer than the stage expects" flag moved.
    too_long: int = 0


def bind(app: Flask) -> None:
    global _app
    _app = app


def sweep() -> None:
    """The periodic job: one sweep at the current instant."""
    if _app is None:  # pragma: no cover - the runner binds the app before starting
        raise RuntimeError("the scheduler job ran before an app was bound")
    with _app.app_context():
        report = run_sweep(utcnow())
        log.info("sweep: %s", asdict(report))


def settings() -> checkin_sweep.SweepSettings:
    config = current_app.config
    return checkin_sweep.SweepSettings(
        grace=dt.timedelta(hours=config["CHECKIN_GRACE_HOURS"]),
        reminder_lead=dt.timedelta(hours=config["REMINDER_LEAD_HOURS"]),
        base_url=config["BASE_URL"].rstrip("/"),
    )


def run_sweep(now: dt.datetime) -> SweepReport:
    """Plan, move statuses, queue reminders, escalations and notices, open KPI reports, send the daily
    digests, deliver email; commit step by step."""
    session = db.session
    options = settings()
    report = SweepReport()
    report.planned = checkin_sweep.plan_missing(session, now=now)
    session.commit()
    report.due, report.overdue = checkin_sweep.advance_statuses(session, now=now, grace=options.grace)
    session.commit()
    while claimed := checkin_sweep.claim_reminders(session, now=now, lead=options.reminder_lead):
        notifications.queue(session, checkin_sweep.reminder_messages(session, claimed, render_message, options),
                            now=now)
        session.commit()
        report.reminders += len(claimed)
    while claimed := checkin_sweep.claim_escalations(session, now=now):
        notifications.queue(session, checkin_sweep.escalation_messages(session, claimed, render_message, options),
                            now=now)
        session.commit()
        report.escalations += len(claimed)
    report.kpi_reports_opened, report.kpi_reminders = run_kpi_step(now, options.base_url)
    # After the KPI step: the pipeline's read model counts late the reports it opened already late.
    report.too_long = pipeline_readmodel.mark_too_long(session, now=now)
    session.commit()
    report.action_items_due, report.calls_closing = run_notice_step(now)
    report.booking_reminders = run_booking_step(now)
    report.digests = run_digest_step(now, options.base_url)
    report.emails_sent, report.emails_failed = deliver_emails(now)
    return report


def run_kpi_step(now: dt.datetime, base_url: str) -> tuple[int, int]:
    """Open the KPI reports that fell due, then remind their founders once; commit step by step."""
    session = db.session
    grace = dt.timedelta(days=current_app.config["KPI_REPORT_GRACE_DAYS"])
    opened = kpi_sweep.open_due(session, now=now, grace=grace)
    session.commit()
    reminded = 0
    while claimed := kpi_sweep.claim_reminders(session, now=now):
        notifications.queue(session, kpi_sweep.reminder_messages(session, claimed, render_message, base_url), now=now)
        session.commit()
        reminded += len(claimed)
    return opened, reminded


def run_notice_step(now: dt.datetime) -> tuple[int, int]:
    """Tell of action items due tomorrow and of calls closing soon (once each: dedupe keys); commit."""
    session = db.session
    due = notifications.queue(session, mentoring_sweep.due_tomorrow_messages(session, now=now), now=now)
    session.commit()
    closing = notifications.queue(session, calls_sweep.closing_messages(
        session, now=now, days=current_app.config["CALL_CLOSING_NOTICE_DAYS"]), now=now)
    session.commit()
    return due, closing


def run_booking_step(now: dt.datetime) -> int:
    """Remind both sides of booked office hours a day and an hour before (once each); commit per batch."""
    session = db.session
    reminded = 0
    for which in ("day", "hour"):
        while claimed := officehours_sweep.claim_reminders(session, now=now, which=which):
            notifications.queue(session, officehours_sweep.reminder_messages(claimed, now=now, which=which), now=now)
            session.commit()
            reminded += len(claimed)
    return reminded


def run_digest_step(now: dt.datetime, base_url: str) -> int:
    """Send each digest reader, once a local day, the emails held for them; commit."""
    session = db.session
    claimed = digest.claim_digests(session, now=now, hour=current_app.config["NOTIFICATION_DIGEST_HOUR"])
    queued = digest.queue_digests(session, claimed, render_message, base_url=base_url, now=now)
    session.commit()
    return queued


def deliver_emails(now: dt.datetime) -> tuple[int, int]:
    """Send what the outbox holds, batch by batch; failures wait for their retry time."""
    return outbox.deliver(now)
