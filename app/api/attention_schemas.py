"""Response shapes of `GET /api/v1/attention` (kept apart from `schemas.py`, like `call_schemas.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from typing import Literal

from pydantic import BaseModel

AttentionKind = Literal[
    "gate_review_requested", "application_decision", "call_closing", "call_without_reviewers", "no_mentor",
    "mentor_without_availability",
    "never_booked", "overdue_checkin",
    "overdue_kpi_report", "stalled", "support_unanswered", "session_to_log", "booking_to_log", "action_items_due",
    "next_step", "next_checkin", "action_items_open"]


class AttentionItemOut(BaseModel):
    """One thing to do; the ids that apply to its kind are set, the others null."""

    project_id: int | None = None
    application_id: int | None = None
    call_id: int | None = None
    title: str
    #: Since when it waits (the request, the submission, the stage's start, the due date passed…).
    since: dt.datetime | None
    #: Where it is done: a path of the web application.
    link: str
    #: When it falls due, where that matters (a call's closing, a check-in, an action item).
    due: dt.datetime | dt.date | None = None
    #: Facts of the kind: `missing_reviews`, `stage`, `days`, `step` and `missing` deliverables…
    detail: dict[str, Any] = {}


class AttentionKindOut(BaseModel):
    kind: AttentionKind
    #: Every item of the kind (exact); `items` lists the first ten, oldest first.
    count: int
    items: list[AttentionItemOut]


class AttentionOut(BaseModel):
    """The kinds of the reader's role, in priority order (a kind with nothing waiting has count 0)."""

    kinds: list[AttentionKindOut]
