"""Whether a database's schema is at the latest migration (`/readyz` and the command line ask)."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.engine import Connection

#: Alembic's bookkeeping table (its default name; migrations/env.py keeps it).
VERSION_TABLE = "alembic_version"


def is_current(connection: Connection, config: Config) -> bool:
    """True when the database's Alembic revisions are exactly the migration scripts' heads (an empty
    database, or one a release behind, is not). Read directly: alembic's MigrationContext would log a
    line at each call (each health probe, each command)."""
    current: set[str] = set()
    if inspect(connection).has_table(VERSION_TABLE):
        current = set(connection.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}")))
    return current == set(ScriptDirectory.from_config(config).get_heads())
