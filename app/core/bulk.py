"""Set-based writes that work the same on PostgreSQL and SQLite."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy import update
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


def claim(session: Session, model, *, where, mark, now, order_by, limit: int) -> list:
    """Claim up to `limit` rows matching `where` whose `mark` column is still NULL, setting it to `now`.

    This is how a sweep takes work exactly once when several run at the same moment: on PostgreSQL
    the candidates are locked with SKIP LOCKED (a concurrent sweep takes the next ones instead of
    waiting); everywhere the UPDATE re-checks `mark IS NULL`, so a row claimed meanwhile is not
    returned twice. Returns the claimed rows.
    """
    candidates = select(model.id).where(where, mark.is_(None)).order_by(*order_by).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    return list(session.scalars(
        update(model).where(model.id.in_(ids), mark.is_(None)).values({mark: now})
        .returning(model).execution_options(synchronize_session=False)))
