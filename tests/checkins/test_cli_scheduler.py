"""`flask scheduler tick`, and the in-process scheduler: started once per instance, and really sweeping."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from app.checkins.models import CheckIn
from app.scheduling import runner as scheduling_runner
from tests.checkins.reads import emails
from tests.conftest import new_postgres_database


def counts(output: str) -> dict[str, int]:
    pairs = (item.partition("=") for item in output.split())
    return {key: int(value) for key, _, value in pairs if value.isdigit()}


def test_tick_sweeps_at_the_given_instant_and_prints_the_counts(session, mail_app, runner, smtp_server, make_project,
                                                                mentor, assign, founder, manager):
    project = make_project()
    assign(project, mentor)  # raw: the sweep plans it, years before --now, so it is overdue at once

    result = runner.invoke(args=["scheduler", "tick", "--now", "2030-01-01T00:00:00Z"])

    assert result.exit_code == 0, result.output
    assert counts(result.output) == {"planned": 1, "due": 0, "overdue": 1, "reminders": 1, "escalations": 1,
                                     "kpi_reports_opened": 0, "kpi_reminders": 0, "action_items_due": 0,
                                     "calls_closing": 0, "booking_reminders": 0, "digests": 0, "emails_sent": 3,
                                     "emails_failed": 0, "too_long": 1}
    checkin = session.scalar(select(CheckIn).where(CheckIn.project_id == project.id))
    assert checkin.status == "overdue"
    assert sorted(smtp_server.recipients()) == sorted([founder.email, mentor.email, manager.email])

    again = runner.invoke(args=["scheduler", "tick", "--now", "2030-01-01T00:05:00+00:00"])

    assert again.exit_code == 0, again.output
    assert set(counts(again.output).values()) == {0}
    assert len(emails(session)) == 3


@pytest.mark.parametrize(("value", "message"), [("yesterday", "is not an ISO-8601 instant"),
                                                ("2030-13-01T00:00:00Z", "is not an ISO-8601 instant"),
                                                ("2030-01-01T00:00:00", "give a time zone")])
def test_tick_refuses_a_bad_instant_with_a_clear_message(runner, value, message):
    result = runner.invoke(args=["scheduler", "tick", "--now", value])

    assert result.exit_code != 0
    assert "--now" in result.output and message in result.output


def test_tick_without_now_sweeps_at_the_current_time(mail_app, runner):
    result = runner.invoke(args=["scheduler", "tick"])

    assert result.exit_code == 0, result.output
    assert set(counts(result.output)) == {"planned", "due", "overdue", "reminders", "escalations",
                                          "kpi_reports_opened", "kpi_reminders", "action_items_due", "calls_closing",
                                          "booking_reminders", "digests", "emails_sent", "emails_failed",
                                          "too_long"}


@pytest.fixture
def local_app(mail_app, tmp_path):
    """The app with its own instance folder, so the scheduler's host lock is this test's alone."""
    mail_app.instance_path = str(tmp_path)
    return mail_app


def test_the_scheduler_starts_once_per_instance(local_app):
    first = scheduling_runner.start_in_process(local_app)
    try:
        assert first is not None and first.running
        assert scheduling_runner.start_in_process(local_app) is None  # the lock is held
    finally:
        if first is not None:
            scheduling_runner.stop_in_process(local_app, first)
    assert not first.running

    again = scheduling_runner.start_in_process(local_app)  # released: it can start again
    assert again is not None
    scheduling_runner.stop_in_process(local_app, again)


def hold_lock_elsewhere(database_url: str, instance_path: str) -> subprocess.Popen:
    """Another process taking the scheduler lock of this database, and keeping it until its stdin closes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from app.scheduling.runner import take_database_lock; "
                               "held = take_database_lock(sys.argv[1], sys.argv[2]); "
                               "print('locked' if held else 'busy', flush=True); sys.stdin.read()",
         database_url, instance_path],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(10)
    holder.stdout.close()


def test_another_process_holding_the_lock_keeps_the_scheduler_from_starting(local_app):
    """As under the reloader: the parent and the child both build the app; only one may run the scheduler."""
    holder = hold_lock_elsewhere(local_app.config["SQLALCHEMY_DATABASE_URI"], local_app.instance_path)
    try:
        assert scheduling_runner.start_in_process(local_app) is None
    finally:
        release(holder)

    scheduler = scheduling_runner.start_in_process(local_app)  # the other process is gone: its lock too
    assert scheduler is not None
    scheduling_runner.stop_in_process(local_app, scheduler)


@pytest.fixture
def other_database(backend, tmp_path):
    """A second, empty database on the same server (PostgreSQL) or in the same folder (SQLite)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    with new_postgres_database("parcours_other") as url:
        yield url


def test_two_servers_in_one_folder_on_two_databases_each_run_their_scheduler(local_app, other_database):
    """Two `make run` from one folder with different DATABASE_URLs: the second database still gets its sweeps."""
    holder = hold_lock_elsewhere(other_database, local_app.instance_path)  # the other server's scheduler
    try:
        scheduler = scheduling_runner.start_in_process(local_app)
        assert scheduler is not None and scheduler.running
        scheduling_runner.stop_in_process(local_app, scheduler)
    finally:
        release(holder)


def test_the_lock_is_taken_once_per_database(database_url, other_database, tmp_path):
    instance = str(tmp_path / "instance")
    first = scheduling_runner.take_database_lock(database_url, instance)
    other = scheduling_runner.take_database_lock(other_database, instance)
    try:
        assert first is not None and other is not None
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sys; from app.scheduling.runner import take_database_lock; "
                                   "print('locked' if take_database_lock(sys.argv[1], sys.argv[2]) else 'busy')",
             database_url, instance], stdout=subprocess.PIPE, text=True)
        assert holder.communicate(timeout=30)[0].strip() == "busy"
    finally:
        for lock in (first, other):
            if lock is not None:
                scheduling_runner._locks.pop(lock.key).release()


def test_the_in_process_scheduler_really_sweeps(session, local_app, make_project, mentor, assign):
    project = make_project()
    assign(project, mentor)  # raw: nothing planned until a sweep runs
    local_app.config["SCHEDULER_INTERVAL_SECONDS"] = 1

    scheduler = scheduling_runner.start_in_process(local_app)
    try:
        deadline = time.monotonic() + 10
        planned = None
        while planned is None and time.monotonic() < deadline:
            time.sleep(0.1)
            session.rollback()  # a fresh read each time
            planned = session.scalar(select(CheckIn).where(CheckIn.project_id == project.id))
    finally:
        scheduling_runner.stop_in_process(local_app, scheduler)

    assert planned is not None, "no sweep ran within 10 s"
    assert (planned.status, planned.mentor_id) == ("scheduled", mentor.id)
