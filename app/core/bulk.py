"""Set-based writes that work the same on PostgreSQL and SQLite."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(session: Session, model, rows: list[dict]) -> int:
    """Insert rows, silently skipping any that would break a unique constraint; return how many landed.

    This is how idempotent writes (one reminder per person, one open check-in per project) stay
    exactly-once when several processes run the same work at the same moment.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # A Core insert on the table (not the ORM bulk path) reports the rows it really inserted; psycopg
    # reports -1 for an executemany unless SQLAlchemy is asked to keep the driver's count.
    stmt = insert(model.__table__).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    result = session.connection().execute(stmt, rows)
    return max(result.rowcount or 0, 0)
