"""A list of ids bound as one value.

`column.in_(ids)` binds one parameter per id: for the thousand ids of an export's chunk, SQLAlchemy
spent longer rendering and binding them than the database spent reading the rows. Here the list
is one array (PostgreSQL, `= ANY(…)`) or one JSON text (SQLite, `IN (SELECT value FROM json_each(…))`),
and the statement's text is the same whatever the number of ids.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlalchemy import Integer
from sqlalchemy import any_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import ARRAY


def among(column, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """SQL: `column` is one of `ids` (integers), bound as a single parameter."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    listed = func.json_each(bindparam(None, json.dumps([int(i) for i in ids])))
    return column.in_(select(literal_column("value")).select_from(listed))
