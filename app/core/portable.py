"""Export every record to a portable file, and load it back into an empty database.

The file is JSON Lines: a header line, then one line per table (in foreign-key order) with its
columns and rows. Values are written in a database-neutral form (ISO dates, decimals as
strings), so a SQLite export loads into PostgreSQL and back unchanged. This is how a cluster
outgrows SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from collections.abc import Iterator
from decimal import Decimal
from typing import IO

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import MetaData
from sqlalchemy import Numeric
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import Connection

FORMAT = "parcours-export"
FORMAT_VERSION = 1
#: Filled by migrations, not by users: compared, not imported.
SEEDED = {"alembic_version"}
BATCH = 2000


class ImportRefused(Exception):
    """The file or the target database is not fit for an import; nothing was written."""


def _encode(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoder(table: Table) -> Callable[[dict], dict]:
    kinds = {}
    for column in table.columns:
        if isinstance(column.type, DateTime) or getattr(column.type, "impl", None).__class__ is DateTime:
            kinds[column.name] = dt.datetime.fromisoformat
        elif isinstance(column.type, Date):
            kinds[column.name] = dt.date.fromisoformat
        elif isinstance(column.type, Numeric) and getattr(column.type, "asdecimal", False):
            kinds[column.name] = Decimal

    def decode(row: dict) -> dict:
        return {k: (kinds[k](v) if v is not None and k in kinds else v) for k, v in row.items()}

    return decode


def tables(metadata: MetaData) -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in SEEDED]


def export(connection: Connection, metadata: MetaData, out: IO[str], *,
           progress: Callable[[str, int], None] = lambda name, n: None) -> dict[str, int]:
    """Write every table's rows; return table → row count."""
    counts: dict[str, int] = {}
    out.write(json.dumps({"format": FORMAT, "version": FORMAT_VERSION}) + "\n")
    for table in tables(metadata):
        order = list(table.primary_key.columns) or list(table.columns)
        rows = [{k: _encode(v) for k, v in row._mapping.items()}
                for row in connection.execute(select(table).order_by(*order))]
        out.write(json.dumps({"table": table.name, "rows": rows}, ensure_ascii=False, sort_keys=True) + "\n")
        counts[table.name] = len(rows)
        progress(table.name, len(rows))
    return counts


def _read(stream: IO[str]) -> Iterator[dict]:
    header = json.loads(stream.readline() or "{}")
    if header.get("format") != FORMAT or header.get("version") != FORMAT_VERSION:
        raise ImportRefused(f"not a {FORMAT} file of version {FORMAT_VERSION}")
    for line in stream:
        if line.strip():
            yield json.loads(line)


def load(connection: Connection, metadata: MetaData, stream: IO[str], *,
         progress: Callable[[str, int], None] = lambda name, n: None) -> dict[str, int]:
    """Load an export into an empty, migrated database (in the caller's transaction)."""
    known = {t.name: t for t in tables(metadata)}
    for table in known.values():
        if table.name != "poles" and connection.scalar(select(func.count()).select_from(table)):
            raise ImportRefused(f"the target database is not empty (table {table.name} has rows)")
    counts: dict[str, int] = {}
    for block in _read(stream):
        table = known.get(block["table"])
        if table is None:
            raise ImportRefused(f"unknown table {block['table']!r}: is the schema older than the export?")
        if table.name == "poles":
            connection.execute(table.delete())  # seeded by the first migration: the export's rows win
        decode = _decoder(table)
        rows = [decode(r) for r in block["rows"]]
        for start in range(0, len(rows), BATCH):
            connection.execute(table.insert(), rows[start:start + BATCH])
        counts[table.name] = len(rows)
        progress(table.name, len(rows))
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, known.values())
    return counts


def _reset_sequences(connection: Connection, all_tables) -> None:
    """After explicit ids, move each serial sequence past the highest id."""
    for table in all_tables:
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
