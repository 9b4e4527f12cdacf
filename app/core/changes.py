"""Which projects a transaction changed, for the read models that follow them.

Set-based writes (a Core UPDATE of check-ins or assignments) bypass the ORM's flush events: their
service notes the projects it touched here, in `session.info`. A read model subscribed with
`on_catch_up` (the pipeline's, `app.pipeline.readmodel`) consumes the notes in the same
transaction, before it commits, and readers call `catch_up` first so that a transaction sees its
own writes. Core knows no model: it keeps ids and calls what was subscribed.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable

from sqlalchemy.orm import Session

PROJECTS = "changed_projects"
EVENTS = "changed_project_events"
_catch_up: list[Callable[[Session], None]] = []


def note_projects(session: Session, ids: Iterable[int], *, events: bool = False) -> None:
    """Record that the projects `ids` changed in this transaction (`events`: their history too)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return
    session.info.setdefault(PROJECTS, set()).update(ids)
    if events:
        session.info.setdefault(EVENTS, set()).update(ids)


def take(session: Session) -> tuple[set[int], set[int]]:
    """The noted projects and those with new history, forgetting them."""
    return session.info.pop(PROJECTS, set()), session.info.pop(EVENTS, set())


def forget(session: Session) -> None:
    session.info.pop(PROJECTS, None)
    session.info.pop(EVENTS, None)


def on_catch_up(function: Callable[[Session], None]) -> None:
    """Subscribe a read model's catch-up (kept once)."""
    if function not in _catch_up:
        _catch_up.append(function)


def catch_up(session: Session) -> None:
    """Bring the subscribed read models up to this transaction's own writes (nothing when none)."""
    if session.info.get(PROJECTS):
        for function in _catch_up:
            function(session)
