"""Starting APScheduler: the `scheduler run` process, or in-process under `make run`.

APScheduler 3 has no cross-process locking, so the scheduler must run once per deployment.
In-process, a file lock in the instance folder lets exactly one process of a host start it
(the reloader's parent and child both build the app; only one gets the lock). Whatever runs,
the sweep itself is safe to run concurrently: the database decides what is done.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.scheduling import jobs

log = logging.getLogger(__name__)
JOB_ID = "checkins-sweep"
_lock_file = None


def _configure(scheduler, app: Flask) -> None:
    jobs.bind(app)
    scheduler.add_job(
        "app.scheduling.jobs:sweep", "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], id=JOB_ID,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
    )


def _take_host_lock(app: Flask) -> bool:
    """Hold an exclusive lock for the life of the process; False when another process has it."""
    global _lock_file
    path = os.path.join(app.instance_path, "scheduler.lock")
    handle = open(path, "a+")  # noqa: SIM115 - kept open on purpose: closing releases the lock
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    _lock_file = handle
    return True


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start a background scheduler unless another process of this host already runs one."""
    if not _take_host_lock(app):
        log.info("scheduler already running in another process; not starting here")
        return None
    scheduler = BackgroundScheduler(timezone="UTC")
    _configure(scheduler, app)
    scheduler.start()
    atexit.register(lambda: scheduler.shutdown(wait=False))
    log.info("scheduler started in process %s", os.getpid())
    return scheduler


def run_forever(app: Flask) -> None:
    """The production scheduler process: run sweeps until interrupted."""
    scheduler = BlockingScheduler(timezone="UTC")
    _configure(scheduler, app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
