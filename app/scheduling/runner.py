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
from typing import IO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.scheduling import jobs

log = logging.getLogger(__name__)
JOB_ID = "checkins-sweep"
#: instance folder's lock path → the open file holding the lock (one per instance, kept open).
_lock_files: dict[str, IO[str]] = {}


def _configure(scheduler, app: Flask) -> None:
    jobs.bind(app)
    scheduler.add_job(
        "app.scheduling.jobs:sweep", "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], id=JOB_ID,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
    )


def _take_host_lock(app: Flask) -> bool:
    """Hold an exclusive lock for the life of the process; False when another process has it."""
    path = os.path.join(app.instance_path, "scheduler.lock")
    if path in _lock_files:
        return False  # this very process already runs the scheduler for this instance
    handle = open(path, "a+")  # noqa: SIM115 - kept open on purpose: closing releases the lock
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    _lock_files[path] = handle
    return True


def _release_host_lock(app: Flask) -> None:
    handle = _lock_files.pop(os.path.join(app.instance_path, "scheduler.lock"), None)
    if handle is not None:
        handle.close()  # closing the file releases the lock


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start a background scheduler unless another process of this host already runs one."""
    if not _take_host_lock(app):
        log.info("scheduler already running in another process; not starting here")
        return None
    scheduler = BackgroundScheduler(timezone="UTC")
    _configure(scheduler, app)
    scheduler.start()
    atexit.register(stop_in_process, app, scheduler, wait=False)
    log.info("scheduler started in process %s", os.getpid())
    return scheduler


def stop_in_process(app: Flask, scheduler: BackgroundScheduler, *, wait: bool = True) -> None:
    """Shut the in-process scheduler down (once) and release the host lock."""
    if scheduler.running:
        scheduler.shutdown(wait=wait)
    _release_host_lock(app)


def run_forever(app: Flask) -> None:
    """The production scheduler process: run sweeps until interrupted."""
    scheduler = BlockingScheduler(timezone="UTC")
    _configure(scheduler, app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
