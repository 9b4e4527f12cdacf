"""Export every record to a portable file, and load it back into an empty database.

The file is JSON Lines, written and read one row at a time, so a national database streams
through in bounded memory. Version 2 (written since the national-scale work, issue #19):

    {"format": "parcours-export", "version": 2}
    {"table": "users", "columns": ["id", "email", …]}      one header per table, in foreign-key order
    [1, "a@example.org", …]                                 one line per row, in primary-key order
    {"end": "users", "rows": 52000}                         the table's row count (a truncated file is refused)

Values are database-neutral (ISO dates, UTC instants, decimals as strings), so a SQLite export
loads into PostgreSQL and back unchanged. Version 1 files (one line per table holding all its rows
as objects) are still read. On PostgreSQL the rows go in with `COPY … FROM STDIN` (psycopg's
`cursor.copy()`), on SQLite with `executemany` in batches, all in the caller's one transaction.
`checksums()` gives each table's row count and SHA-256 of its encoded rows: equal checksums on two
databases mean equal data, whatever their engines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from collections.abc import Iterator
from decimal import Decimal
from typing import IO

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import MetaData
from sqlalchemy import Numeric
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.core.i18n import _l

FORMAT = "parcours-export"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
#: Filled by migrations, not by users: compared, not imported.
SEEDED = {"alembic_version"}
#: Rows per fetch when reading, per `executemany` when writing, per progress step.
BATCH = 5000
Progress = Callable[[str, int], None]


class ImportRefused(Exception):
    """The file or the target database is not fit for an import; nothing was written."""


def _encode(value):
    """The JSON form of the values json cannot write itself (called by `json.dumps` for those only)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot export a {type(value).__name__}")


def _line(values) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_encode)


def tables(metadata: MetaData) -> list[Table]:
    """The tables a dump carries: not the seeded ones, nor those derived from the others (marked
    `info={"derived": True}`: the pipeline's read model, which an import rebuilds)."""
    return [t for t in metadata.sorted_tables if t.name not in SEEDED and not t.info.get("derived")]


def exported_columns(table: Table) -> list:
    """A table's columns that a dump carries: not those derived from other rows (`info={"derived":
    True}`, e.g. a flag the read model's sweep keeps), which the import's rebuild sets again."""
    return [c for c in table.columns if not c.info.get("derived")]


def row_counts(connection: Connection, metadata: MetaData) -> dict[str, int]:
    """table → rows (for a progress bar's length)."""
    return {t.name: connection.scalar(select(func.count()).select_from(t)) for t in tables(metadata)}


def _encoded_rows(connection: Connection, table: Table) -> Iterator[str]:
    """The table's rows as export lines, in primary-key order, read `BATCH` at a time (a server-side
    cursor on PostgreSQL: nothing holds the whole table)."""
    order = list(table.primary_key.columns) or exported_columns(table)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(*exported_columns(table)).order_by(*order))
    for part in result.partitions():
        for row in part:
            yield _line(list(row))


def export(connection: Connection, metadata: MetaData, out: IO[str], *,
           progress: Progress = lambda name, n: None) -> dict[str, int]:
    """Write every table's rows, one line each; return table → row count. `progress(table, n)` is
    called every `BATCH` rows and at each table's end."""
    counts: dict[str, int] = {}
    out.write(_line({"format": FORMAT, "version": FORMAT_VERSION}) + "\n")
    for table in tables(metadata):
        out.write(_line({"table": table.name, "columns": [c.name for c in exported_columns(table)]}) + "\n")
        count = 0
        for line in _encoded_rows(connection, table):
            out.write(line)
            out.write("\n")
            count += 1
            if count % BATCH == 0:
                progress(table.name, BATCH)
        progress(table.name, count % BATCH)
        out.write(_line({"end": table.name, "rows": count}) + "\n")
        counts[table.name] = count
    return counts


def checksums(connection: Connection, metadata: MetaData) -> dict[str, dict]:
    """table → {"rows", "sha256"} of its rows as the export writes them: engine-neutral."""
    sums = {}
    for table in tables(metadata):
        digest, count = hashlib.sha256(), 0
        for line in _encoded_rows(connection, table):
            digest.update(line.encode())
            digest.update(b"\n")
            count += 1
        sums[table.name] = {"rows": count, "sha256": digest.hexdigest()}
    return sums


# Import ------------------------------------------------------------------------------------------


def load(connection: Connection, metadata: MetaData, stream: IO[str], *,
         progress: Progress = lambda name, n: None) -> dict[str, int]:
    """Load an export into an empty, migrated database (in the caller's transaction).

    :raises ImportRefused: the file is not an export (a CSV, a PDF, a damaged or cut line included) or the
        database is not empty; the caller's transaction then writes nothing.
    """
    try:
        return _load(connection, metadata, stream, progress)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportRefused(_l("a line is not JSON text (%(error)s): the file is damaged or not an export",
                               error=exc)) from None


def _load(connection: Connection, metadata: MetaData, stream: IO[str], progress: Progress) -> dict[str, int]:
    header = json.loads(stream.readline() or "{}")
    if not isinstance(header, dict) or header.get("format") != FORMAT \
            or header.get("version") not in READABLE_VERSIONS:
        raise ImportRefused(_l("not a %(format)s file of version %(versions)s", format=FORMAT,
                               versions=" / ".join(map(str, READABLE_VERSIONS))))
    known = {t.name: t for t in tables(metadata)}
    for table in known.values():
        if table.name != "poles" and connection.scalar(select(func.count()).select_from(table)):
            raise ImportRefused(_l("the target database is not empty (table %(table)s has rows)", table=table.name))
    reader = _read_v1 if header["version"] == 1 else _read_v2
    counts: dict[str, int] = {}
    for name, columns, rows in reader(stream):
        table = known.get(name)
        if table is None:
            raise ImportRefused(_l("unknown table %(table)s: is the schema older than the export?", table=name))
        unknown = [c for c in columns if c not in table.columns]
        if unknown:
            raise ImportRefused(_l("unknown columns %(columns)s in table %(table)s: is the schema older than the "
                                   "export?", columns=", ".join(unknown), table=name))
        if table.name == "poles":
            connection.execute(table.delete())  # seeded by the first migration: the export's rows win
        writer = _copy_rows if _copyable(connection, table, columns) else _insert_rows
        counts[name] = writer(connection, table, columns, rows, lambda n, name=name: progress(name, n))
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, known.values())
    return counts


def _read_v1(stream: IO[str]) -> Iterator[tuple[str, list[str], Iterator[list]]]:
    """Version 1: one line per table, {"table", "rows": [{column: value}]}."""
    for line in stream:
        if not line.strip():
            continue
        block = json.loads(line)
        rows = block["rows"]
        columns = list(rows[0]) if rows else []
        yield block["table"], columns, ([r.get(c) for c in columns] for r in rows)


def _read_v2(stream: IO[str]) -> Iterator[tuple[str, list[str], Iterator[list]]]:
    """Version 2: a header line per table, a line per row, an end line with the count."""
    for line in stream:
        if not line.strip():
            continue
        opening = json.loads(line)
        if not isinstance(opening, dict) or "table" not in opening:
            raise ImportRefused(_l("a row outside any table: the file is damaged"))
        seen = [0]
        ended: list[int] = []
        yield opening["table"], opening["columns"], _rows_v2(stream, opening["table"], seen, ended)
        if not ended:  # the writer stopped early: read the rest of the table to find its end
            for _ in _rows_v2(stream, opening["table"], seen, ended):
                pass
        if not ended or ended[0] != seen[0]:
            raise ImportRefused(_l("table %(table)s is incomplete: the file is truncated or damaged",
                                   table=opening["table"]))


def _rows_v2(stream: IO[str], table: str, seen: list[int], ended: list[int]) -> Iterator[list]:
    for line in stream:
        if line.startswith("["):
            seen[0] += 1
            yield json.loads(line)
            continue
        if not line.strip():
            continue
        closing = json.loads(line)
        if closing.get("end") != table:
            raise ImportRefused(_l("table %(table)s has no end line: the file is damaged", table=table))
        ended.append(closing["rows"])
        return


def _copyable(connection: Connection, table: Table, columns: list[str]) -> bool:
    """COPY on PostgreSQL, unless a column the file lacks has a default only Python knows."""
    if connection.dialect.name != "postgresql":
        return False
    missing = [c for c in table.columns if c.name not in columns]
    return all(c.default is None or c.server_default is not None for c in missing)


def _copy_rows(connection: Connection, table: Table, columns: list[str], rows: Iterator[list],
               progress: Callable[[int], None]) -> int:
    """`COPY table (columns) FROM STDIN`, text format: PostgreSQL parses the ISO instants, dates and
    decimal strings itself; JSON columns are written as JSON text, as SQLAlchemy would."""
    as_json = [i for i, c in enumerate(columns) if isinstance(table.columns[c].type, JSON)]
    cursor = connection.connection.driver_connection.cursor()
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            for i in as_json:
                row[i] = json.dumps(row[i])
            copy.write_row(row)
            count += 1
            if count % BATCH == 0:
                progress(BATCH)
    progress(count % BATCH)
    cursor.close()
    return count


def _insert_rows(connection: Connection, table: Table, columns: list[str], rows: Iterator[list],
                 progress: Callable[[int], None]) -> int:
    """`executemany` of `BATCH` rows at a time, through SQLAlchemy's types (SQLite's storage forms)."""
    decode = _decoders(table, columns)
    insert = table.insert()
    batch: list[dict] = []
    count = 0
    for row in rows:
        for i, convert in decode:
            if row[i] is not None:
                row[i] = convert(row[i])
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == BATCH:
            connection.execute(insert, batch)
            count += len(batch)
            progress(len(batch))
            batch = []
    if batch:
        connection.execute(insert, batch)
        count += len(batch)
        progress(len(batch))
    return count


def _decoders(table: Table, columns: list[str]) -> list[tuple[int, Callable]]:
    found = []
    for i, name in enumerate(columns):
        kind = table.columns[name].type
        if isinstance(kind, DateTime) or getattr(kind, "impl", None).__class__ is DateTime:
            found.append((i, dt.datetime.fromisoformat))
        elif isinstance(kind, Date):
            found.append((i, dt.date.fromisoformat))
        elif isinstance(kind, Numeric) and getattr(kind, "asdecimal", False):
            found.append((i, Decimal))
    return found


def _reset_sequences(connection: Connection, all_tables) -> None:
    """After explicit ids, move each serial sequence past the highest id."""
    for table in all_tables:
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
