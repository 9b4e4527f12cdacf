"""Request and response shapes of the API; the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from app.auth.services import PASSWORD_MIN
from app.projects.services import COMMENT_MAX
from app.projects.services import NAME_MAX
from app.projects.services import NOTE_MAX
from app.projects.services import SUMMARY_MAX

Role = Literal["founder", "mentor", "manager", "admin"]
Status = Literal["active", "on_hold", "abandoned", "graduated"]


class Strict(BaseModel):
    """Inputs refuse unknown fields, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TokenIn(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class TokenOut(BaseModel):
    token: str
    expires_at: dt.datetime


class UserIn(Strict):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=120)
    role: Role
    password: str = Field(min_length=PASSWORD_MIN, max_length=200)


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    locale: str


class MeOut(UserOut):
    calendar_url: str
    timezone: str


class PoleOut(BaseModel):
    key: str
    name: str


class PersonRef(BaseModel):
    id: int
    name: str


class MentorRef(BaseModel):
    assignment_id: int
    mentor: PersonRef
    stage: str


class DeliverableOut(BaseModel):
    key: str
    title: str
    required: bool
    done: bool
    note: str = ""


class EventOptionOut(BaseModel):
    event: str
    label: str
    allowed: bool
    reasons: list[str]
    overridable: bool = False
    comment_required: bool = False


class GateDecisionOut(BaseModel):
    stage: str
    decision: Literal["go", "recycle", "hold", "kill"]
    decider: PersonRef | None
    rationale: str
    deliverables: dict[str, bool]
    decided_at: dt.datetime


class ProjectOut(BaseModel):
    id: int
    name: str
    summary: str
    pole: str
    workflow: str
    workflow_version: int
    stage: str
    status: Status
    version: int
    gate_decision: Literal["go", "recycle", "hold", "kill"] | None
    stage_entered_at: dt.datetime
    created_at: dt.datetime
    founders: list[PersonRef]
    mentors: list[MentorRef]
    deliverables: list[DeliverableOut]
    events: list[EventOptionOut]


class ProjectSummaryOut(BaseModel):
    id: int
    name: str
    summary: str
    pole: str
    workflow: str
    stage: str
    status: Status
    version: int
    stage_entered_at: dt.datetime
    created_at: dt.datetime


class ProjectIn(Strict):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    summary: str = Field(default="", max_length=SUMMARY_MAX)
    pole: str = Field(max_length=64)
    workflow: str | None = Field(default=None, max_length=64)


class ProjectPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    summary: str | None = Field(default=None, max_length=SUMMARY_MAX)
    pole: str | None = Field(default=None, max_length=64)
    version: int


class EventIn(Strict):
    event: str = Field(min_length=1, max_length=64)
    comment: str = Field(default="", max_length=COMMENT_MAX)
    version: int
    override: bool = False


class DeliverableIn(Strict):
    done: bool
    note: str | None = Field(default=None, max_length=NOTE_MAX)
    version: int | None = None


class HistoryOut(BaseModel):
    event: str
    from_stage: str | None
    to_stage: str
    from_status: str | None
    to_status: str
    actor: PersonRef | None
    comment: str
    override: bool
    at: dt.datetime


class Page(BaseModel):
    total: int
    page: int
    per_page: int


class ProjectPage(Page):
    items: list[ProjectSummaryOut]


class UserPage(Page):
    items: list[UserOut]


class HistoryPage(Page):
    items: list[HistoryOut]


class DeliverableDefOut(BaseModel):
    key: str
    title: str
    required: bool


class StageOut(BaseModel):
    name: str
    label: str
    checkin_every_days: int | None
    expected_days: int | None
    deliverables: list[DeliverableDefOut]


class TransitionOut(BaseModel):
    source: list[str]
    dest: str | None


class EventDefOut(BaseModel):
    name: str
    label: str
    roles: list[str]
    gates: list[str]
    comment_required: bool
    from_status: list[str]
    to_status: str | None
    gate_decision: str | None
    override_roles: list[str]
    transitions: list[TransitionOut]


class WorkflowOut(BaseModel):
    key: str
    version: int
    label: str
    initial: str
    stages: list[StageOut]
    events: list[EventDefOut]


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
    reasons: list[str] | None = None
