"""Making SQLite behave transactionally like PostgreSQL where Parcours relies on it.

pysqlite opens a transaction only at the first INSERT/UPDATE/DELETE. A SAVEPOINT issued before
that starts a transaction of its own, which its RELEASE then *commits*: a later rollback of the
request would not undo it. So when a savepoint is about to open outside a transaction, open one
first (IMMEDIATE: take the write lock now, waiting politely behind other writers).

A database file runs in write-ahead-log mode (`_write_ahead_log`).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Seconds a writer waits for the lock before "database is locked" (pysqlite's default is 5).
BUSY_TIMEOUT = 30
#: `PRAGMA synchronous`'s value FULL, SQLite's default.
SYNCHRONOUS_FULL = 2


@event.listens_for(Engine, "savepoint")
def _begin_before_first_savepoint(connection, name) -> None:
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "connect")
def _write_ahead_log(dbapi_connection, connection_record) -> None:
    """A database file runs in WAL mode, with `synchronous=NORMAL`.

    In the default rollback-journal mode readers and the one writer exclude each other, and every
    commit waits for two syncs to the disk: under concurrent requests the write lock is held for
    the whole of those syncs. With WAL, readers never wait for the writer, and a commit appends to
    the log without waiting for the disk (the log is synced at checkpoints): SQLite's documented
    safe combination for WAL. A commit survives a crash of the application; a power loss may only
    lose the last commits, never corrupt the database. The mode is kept in the file: this switches
    it once, and is a no-op on later connections. A `synchronous` setting other than the default
    (FULL) was chosen on purpose (the tests turn it off) and is kept.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if dbapi_connection.execute("PRAGMA database_list").fetchone()[2] == "":
        return  # in memory (or a temporary database): no file, no log
    dbapi_connection.execute("PRAGMA journal_mode = WAL")
    if dbapi_connection.execute("PRAGMA synchronous").fetchone()[0] == SYNCHRONOUS_FULL:
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")


def engine_options(uri: str, options: dict) -> dict:
    """Engine options for a database URI: a longer lock wait on SQLite files."""
    if not uri.startswith("sqlite"):
        return options
    connect_args = {"timeout": BUSY_TIMEOUT, **options.get("connect_args", {})}
    return {**options, "connect_args": connect_args}
