"""The scheduler's KPI step: a report opens when its period ends, founders are reminded exactly once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.kpis import sweep as kpi_sweep
from app.kpis.models import KpiReport
from app.projects import services as project_services
from app.scheduling.jobs import run_sweep
from tests.checkins.reads import emails
from tests.checkins.reads import notifications
from tests.checkins.test_concurrency import at_once
from tests.checkins.test_concurrency import received_email_ids
from tests.kpis.conftest import GRACE
from tests.kpis.conftest import MONTH

DAY = dt.timedelta(days=1)


def reports(session) -> list[KpiReport]:
    return list(session.scalars(select(KpiReport).order_by(KpiReport.id)))


def test_the_latest_ended_period_is_the_one_opened():
    entered = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)

    assert kpi_sweep.current_period(entered, 30, entered + 29 * DAY) is None
    assert kpi_sweep.current_period(entered, 30, entered + 30 * DAY) == (entered, entered + MONTH)
    assert kpi_sweep.current_period(entered, 30, entered + 95 * DAY) == (entered + 2 * MONTH, entered + 3 * MONTH)


def test_a_report_opens_at_the_end_of_its_period_and_founders_are_reminded_once(
        session, sweep, smtp_server, project, founder, assign, mentor, now):
    assign(project, mentor)

    early = sweep(now + MONTH - DAY)
    first = sweep(now + MONTH)
    again = sweep(now + MONTH + DAY)

    assert (early.kpi_reports_opened, early.kpi_reminders) == (0, 0)
    assert (first.kpi_reports_opened, first.kpi_reminders) == (1, 1)
    assert (again.kpi_reports_opened, again.kpi_reminders) == (0, 0)
    [report] = reports(session)
    assert (report.period_start, report.period_end, report.due_at) == (now, now + MONTH, now + MONTH + GRACE)
    assert report.reminded_at == now + MONTH
    kpi_mail = [m for m in smtp_server.messages if "Figures due" in m.subject]
    assert [m.rcpt_tos for m in kpi_mail] == [[founder.email]]  # the founders, not the mentor
    assert "Darija Voice" in kpi_mail[0].subject and f"/kpi-reports/{report.id}" in kpi_mail[0].body
    assert [n.user_id for n in notifications(session, kind="kpi_report_due")] == [founder.id]


def test_the_next_period_opens_its_own_report(session, sweep, project, now):
    sweep(now + MONTH)
    sweep(now + 2 * MONTH)

    assert [(r.period_start, r.period_end) for r in reports(session)] == [(now, now + MONTH),
                                                                          (now + MONTH, now + 2 * MONTH)]


def test_after_an_outage_only_the_latest_ended_period_opens(session, sweep, project, now):
    report = sweep(now + 3 * MONTH + 5 * DAY)

    assert report.kpi_reports_opened == 1
    assert [r.period_start for r in reports(session)] == [now + 2 * MONTH]


def test_stages_without_kpis_and_paused_projects_owe_no_report(session, sweep, make_project, project, manager, now):
    make_project(name="Early idea")
    project_services.fire_event(session, project, "hold", actor=manager, now=now, version=project.version,
                                comment="Paused.")
    session.commit()

    assert sweep(now + 2 * MONTH).kpi_reports_opened == 0
    assert reports(session) == []


def test_concurrent_sweeps_open_and_remind_exactly_once(session, mail_app, smtp_server, make_project, make_user, now):
    for i in range(6):
        make_project(name=f"Venture {i}", stage="commercialisation", owner=make_user("founder"))

    results = at_once(mail_app, lambda: run_sweep(now + MONTH))
    session.expire_all()

    assert sum(r.kpi_reports_opened for r in results) == 6
    assert sum(r.kpi_reminders for r in results) == 6
    assert len(reports(session)) == 6
    assert len(emails(session)) == 6
    assert sorted(received_email_ids(smtp_server)) == sorted(e.id for e in emails(session))


def test_a_claimed_reminder_is_not_claimed_again_by_another_session(app, session, project, open_reports, now):
    open_reports(now + MONTH)
    with app.app_context():
        first = kpi_sweep.claim_reminders(db.session, now=now + MONTH)
        db.session.commit()
        second = kpi_sweep.claim_reminders(db.session, now=now + MONTH + DAY)
        db.session.commit()
        db.session.remove()

    assert (len(first), second) == (1, [])
