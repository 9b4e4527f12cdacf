"""Statements built once and reused.

Building a large statement (a union of a subquery per stage, of a walk per percentile) and
computing its cache key cost more than running it. A statement object that is reused keeps its
memoised cache key, so SQLAlchemy's compiled cache serves it at once; its values must then be
bound parameters (`bindparam`), given at execution. Kept per process, bounded: cleared when full.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Hashable

from sqlalchemy import Executable

_KEPT: dict[Hashable, Executable] = {}
#: At most this many statements are kept (then all are forgotten and built again as needed).
KEPT_MAX = 128


def kept(key: Hashable, build: Callable[[], Executable]) -> Executable:
    """The statement `build()` makes for `key`, built once per process while kept."""
    stmt = _KEPT.get(key)
    if stmt is None:
        if len(_KEPT) >= KEPT_MAX:
            _KEPT.clear()
        stmt = _KEPT[key] = build()
    return stmt
