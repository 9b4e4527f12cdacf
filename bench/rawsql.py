"""The bench's SQL baselines: statements captured at the cursor, replayed through the DB-API driver."""

from __future__ import annotations

import sqlite3
import time

import sqlalchemy as sa


def dbapi_connect(url: str):
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite3.connect(parsed.database)
    import psycopg

    return psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False))


class RawSQL:
    """The captured statements, run through the DB-API driver on one open connection."""

    def __init__(self, url: str, statements: list[tuple[str, object]]) -> None:
        self.statements = statements
        self.connection = dbapi_connect(url)

    def run(self) -> float:
        started = time.perf_counter()
        cursor = self.connection.cursor()
        for statement, parameters in self.statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        cursor.close()
        self.connection.rollback()
        return time.perf_counter() - started

    def close(self) -> None:
        self.connection.close()
