"""JSON shapes of personal data (law 09-08): a person's export and their erasure request."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from pydantic import Field

from app.api.schemas import Strict


class PersonalDataOut(BaseModel):
    """Everything the cluster holds that is the person's; each list holds the rows' columns (secrets left out)."""

    format_version: int
    exported_at: dt.datetime
    profile: dict
    memberships: list[dict]
    project_memberships: list[dict]
    organisations: list[dict]
    events: list[dict]
    gate_decisions: list[dict]
    mentor_profile: list[dict]
    mentor_assignments: list[dict]
    sessions: list[dict]
    session_ratings: list[dict]
    action_items: list[dict]
    applications: list[dict]
    reviews: list[dict]
    fundings_recorded: list[dict]
    support_requests: list[dict]
    kpi_reports: list[dict]
    assessments: list[dict]
    notifications: list[dict]
    deletion_requests: list[dict]


class DeletionRequestIn(Strict):
    reason: str = Field(default="", max_length=2000)


class DeletionRequestOut(BaseModel):
    id: int
    status: str
    reason: str
    requested_at: dt.datetime
    handled_at: dt.datetime | None
    answer: str
