"""Starting APScheduler: the `scheduler run` process, or in-process under `make run`.

APScheduler 3 has no cross-process locking, so the scheduler must run once per database.
In-process, a lock keyed by the database lets exactly one process start it (the reloader's
parent and child both build the app; only one gets the lock), while two servers started
from one folder on two databases each get their own: on PostgreSQL an advisory lock held on
a dedicated connection, on SQLite a file lock beside the database file. Whatever runs, the
sweep itself is safe to run concurrently: the database decides what is done.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import logging
import os
from dataclasses import dataclass
from typing import IO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.scheduling import jobs

log = logging.getLogger(__name__)
JOB_ID = "checkins-sweep"
#: The advisory lock's key on PostgreSQL (advisory locks are per database, so one key serves all).
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"parcours.scheduler").digest()[:8], "big", signed=True)


@dataclass
class DatabaseLock:
    """A held scheduler lock: an open lock file, or the connection holding the advisory lock."""

    key: str
    handle: IO[str] | None = None
    connection: Connection | None = None

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing the file releases the lock
        if self.connection is not None:
            engine = self.connection.engine
            self.connection.close()  # ending the session releases the advisory lock
            engine.dispose()


#: lock key → the lock this process holds (one per database, kept for the life of the scheduler).
_locks: dict[str, DatabaseLock] = {}


def _configure(scheduler, app: Flask) -> None:
    jobs.bind(app)
    scheduler.add_job(
        "app.scheduling.jobs:sweep", "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], id=JOB_ID,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
    )


def lock_key(database_url: str, instance_path: str) -> str:
    """Where the scheduler lock of a database lives: `pg:<url>` or a lock file's path."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return "pg:" + url.render_as_string(hide_password=False)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return os.path.abspath(url.database) + ".scheduler.lock"
    # A database with no file of its own (in memory): one lock per URL in the instance folder.
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return os.path.join(instance_path, f"scheduler-{digest}.lock")


def _advisory_lock(key: str) -> DatabaseLock | None:
    engine = create_engine(key.removeprefix("pg:"), poolclass=NullPool)
    connection = engine.connect()
    held = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
    connection.commit()  # the lock belongs to the session: no transaction is left open while it is held
    if not held:
        connection.close()
        engine.dispose()
        return None
    return DatabaseLock(key, connection=connection)


def _file_lock(key: str) -> DatabaseLock | None:
    os.makedirs(os.path.dirname(key), exist_ok=True)
    handle = open(key, "a+")  # noqa: SIM115 - kept open on purpose: closing releases the lock
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return DatabaseLock(key, handle=handle)


def take_database_lock(database_url: str, instance_path: str) -> DatabaseLock | None:
    """Hold the scheduler lock of this database for the life of the process; None when another has it."""
    key = lock_key(database_url, instance_path)
    if key in _locks:
        return None  # this very process already runs the scheduler for this database
    lock = _advisory_lock(key) if key.startswith("pg:") else _file_lock(key)
    if lock is not None:
        _locks[key] = lock
    return lock


def _release_database_lock(app: Flask) -> None:
    lock = _locks.pop(lock_key(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path), None)
    if lock is not None:
        lock.release()


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start a background scheduler unless another process already runs one for this database."""
    if take_database_lock(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path) is None:
        log.info("a scheduler already runs for this database in another process; not starting here")
        return None
    scheduler = BackgroundScheduler(timezone="UTC")
    _configure(scheduler, app)
    scheduler.start()
    atexit.register(stop_in_process, app, scheduler, wait=False)
    log.info("scheduler started in process %s", os.getpid())
    return scheduler


def stop_in_process(app: Flask, scheduler: BackgroundScheduler, *, wait: bool = True) -> None:
    """Shut the in-process scheduler down (once) and release the database's lock."""
    if scheduler.running:
        scheduler.shutdown(wait=wait)
    _release_database_lock(app)


def run_forever(app: Flask) -> None:
    """The production scheduler process: run sweeps until interrupted."""
    scheduler = BlockingScheduler(timezone="UTC")
    _configure(scheduler, app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
