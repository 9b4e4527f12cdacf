"""Several sweeps at the same instant on the same data: every "once" holds (SQLite and PostgreSQL)."""

from __future__ import annotations

import collections
import datetime as dt
import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy import update

from app.checkins import sweep as checkin_sweep
from app.checkins.models import CheckIn
from app.extensions import db
from app.scheduling.jobs import run_sweep
from tests.checkins.reads import checkins_of
from tests.checkins.reads import emails
from tests.checkins.reads import notifications
from tests.race import run_together

THREADS = 8
PROJECTS = 20
DUE = dt.datetime(2031, 6, 4, 9, 0, tzinfo=dt.UTC)


def at_once(app, work: Callable[[], object], n: int = THREADS) -> list:
    """Run `work` in n threads released together, each in its own app context (its own DB session)."""

    def task(go):
        with app.app_context():
            go()
            return work()

    return run_together([task] * n)


def received_email_ids(smtp_server) -> list[int]:
    """The outbox id of each message the server received (it is in the Message-ID)."""
    ids = []
    for received in smtp_server.messages:
        match = re.search(r"parcours-(\d+)@", received.message["Message-ID"])
        assert match, received.message["Message-ID"]
        ids.append(int(match.group(1)))
    return ids


def test_concurrent_sweeps_remind_escalate_and_send_each_exactly_once(session, mail_app, smtp_server, mentored,
                                                                        manager, mentor):
    projects = mentored(PROJECTS, mentor=mentor)
    session.execute(update(CheckIn).values(due_at=DUE))
    session.commit()

    first = at_once(mail_app, lambda: run_sweep(DUE - dt.timedelta(hours=23)))
    second = at_once(mail_app, lambda: run_sweep(DUE + dt.timedelta(days=3)))
    session.expire_all()

    assert sum(r.reminders for r in first) == PROJECTS
    assert sum(r.escalations for r in first) == 0
    assert sum(r.overdue for r in second) == PROJECTS
    assert sum(r.escalations for r in second) == PROJECTS
    assert sum(r.reminders for r in second) == 0
    checkins = [c for p in projects for c in checkins_of(session, p)]
    assert len(checkins) == PROJECTS
    assert all(c.status == "overdue" and c.reminded_at == DUE - dt.timedelta(hours=23) for c in checkins)
    assert all(c.escalated_at == DUE + dt.timedelta(days=3) for c in checkins)

    outbox = emails(session)
    reminders = [e for e in outbox if e.dedupe_key.startswith("checkin:")]
    expected = {(c.id, p.members[0].user_id) for p in projects for c in checkins_of(session, p)} | \
               {(c.id, mentor.id) for c in checkins}
    assert sorted((int(e.dedupe_key.split(":")[1]), e.to_user_id) for e in reminders) == sorted(expected)
    digests = [e for e in outbox if e.dedupe_key.startswith("escalation:")]
    assert digests and {e.to_user_id for e in digests} == {manager.id}
    # However the claims were split between sweeps, each check-in is in exactly one digest.
    digest_notes = notifications(session, kind="checkin_overdue", user_id=manager.id)
    assert len(digest_notes) == len(digests)
    assert sum(n.params["count"] for n in digest_notes) == PROJECTS
    listed = collections.Counter(item["project_id"] for n in digest_notes for item in n.params["items"])
    assert listed == collections.Counter({p.id: 1 for p in projects})

    assert {e.status for e in outbox} == {"sent"}
    assert sum(r.emails_sent for r in first + second) == len(outbox)
    assert sorted(received_email_ids(smtp_server)) == sorted(e.id for e in outbox)  # each received once
    assert len(smtp_server.received_by(mentor.email)) == PROJECTS


def test_concurrent_planning_opens_exactly_one_checkin_per_project(session, app, make_project, make_user, mentor,
                                                                    assign, now):
    projects = [make_project(name=f"Raw {i:02d}", owner=make_user("founder")) for i in range(PROJECTS)]
    for project in projects:
        assign(project, mentor)  # raw inserts: only the sweep's safety net plans them

    def plan_missing() -> int:
        planned = checkin_sweep.plan_missing(db.session, now=now)
        db.session.commit()
        return planned

    planned = at_once(app, plan_missing)

    assert sum(planned) == PROJECTS
    opened = list(session.scalars(select(CheckIn.project_id).where(CheckIn.status == "scheduled")))
    assert sorted(opened) == sorted(p.id for p in projects)


def test_concurrent_sweeps_plan_once_when_the_services_planned_nothing(session, mail_app, make_project, make_user,
                                                                       mentor, assign, now):
    projects = [make_project(name=f"Net {i:02d}", owner=make_user("founder")) for i in range(PROJECTS)]
    for project in projects:
        assign(project, mentor)

    reports = at_once(mail_app, lambda: run_sweep(now))

    assert sum(r.planned for r in reports) == PROJECTS
    assert all(len(checkins_of(session, p)) == 1 for p in projects)
