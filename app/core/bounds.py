"""Whole numbers that come from outside (URL ids, page numbers, query filters), held to what the
database stores.

Ids are `integer` columns (PostgreSQL's int4). SQLite raises `OverflowError` on any Python int past
int64, which surfaced as a 500 for `/calls/99999999999999999999999` or `?page=922337203685477580`:
a number out of these bounds can match nothing, so it is refused where it enters, once.
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

#: The largest id, page number or numeric filter accepted from a request.
DB_INT_MAX = 2**31 - 1


def whole_number(value: str) -> int:
    """Parse a whole number within the database's bounds; raise `ValueError` otherwise."""
    number = int(value)
    if not -DB_INT_MAX - 1 <= number <= DB_INT_MAX:
        raise ValueError(f"{value!r} is out of range")
    return number


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number past `DB_INT_MAX` names nothing, so it is a 404 like any id
    that matches no row, instead of reaching the database."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > DB_INT_MAX:
            # NotFound, not werkzeug's ValidationError: that one makes the router answer 405 when the
            # same path has a route for another method (it weighs the methods before converting).
            raise NotFound()
        return number
