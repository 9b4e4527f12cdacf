"""Making SQLite behave transactionally like PostgreSQL where Parcours relies on it.

pysqlite opens a transaction only at the first INSERT/UPDATE/DELETE. A SAVEPOINT issued before
that starts a transaction of its own, which its RELEASE then *commits*: a later rollback of the
request would not undo it. So when a savepoint is about to open outside a transaction, open one
first (IMMEDIATE: take the write lock now, waiting politely behind other writers).
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Seconds a writer waits for the lock before "database is locked" (pysqlite's default is 5).
BUSY_TIMEOUT = 30


@event.listens_for(Engine, "savepoint")
def _begin_before_first_savepoint(connection, name) -> None:
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def engine_options(uri: str, options: dict) -> dict:
    """Engine options for a database URI: a longer lock wait on SQLite files."""
    if not uri.startswith("sqlite"):
        return options
    connect_args = {"timeout": BUSY_TIMEOUT, **options.get("connect_args", {})}
    return {**options, "connect_args": connect_args}
