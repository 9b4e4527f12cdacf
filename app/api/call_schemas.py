"""Request and response shapes of sign-up, password reset, calls, applications, reviews and decisions.

Kept apart from `schemas.py` (already long); the OpenAPI document is generated from both.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from typing import Literal

from pydantic import BaseModel
from pydantic import Field

from app.api.schemas import Page
from app.api.schemas import PersonRef
from app.api.schemas import Strict

Key = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]
Score = Annotated[int, Field(ge=1, le=5)]
PartnerRole = Literal["lead", "industrial_partner", "research_partner", "customer_pilot", "other"]
ApplicationStatus = Literal["draft", "submitted", "more_info", "labelled", "rejected"]


# Accounts ---------------------------------------------------------------------------------------

class SignupIn(Strict):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(max_length=200)
    #: The person accepted the privacy notice (`/privacy`); recorded with its version and the time. Optional
    #: in the API (the contract is `{email, name, password}`); the web form requires it.
    consent: bool | None = None


class PasswordResetIn(Strict):
    email: str = Field(max_length=254)


class AcceptedOut(BaseModel):
    """The same answer whether or not the email has an account."""

    detail: str


# Calls ------------------------------------------------------------------------------------------

class CriterionIn(Strict):
    key: Key
    title: str = Field(min_length=1, max_length=200)
    weight: int = Field(ge=1, le=5)
    #: What 1 … 5 mean: five texts, or none.
    descriptors: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list, max_length=5)
    #: What the reviewer should look at.
    help: str = Field(default="", max_length=1000)


QuestionKind = Literal["short_text", "long_text", "number", "choice"]


class QuestionIn(Strict):
    key: Key
    #: The question's title.
    text: str = Field(min_length=1, max_length=1000)
    kind: QuestionKind = "long_text"
    help: str = Field(default="", max_length=1000)
    #: The choices of a `choice` question (2 to 20).
    options: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=20)


class CallIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    poles: list[str] = Field(min_length=1, max_length=20)
    opens_on: dt.date
    closes_on: dt.date
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    workflow: str = Field(max_length=64)
    stage: str = Field(max_length=64)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=20)
    requires_deck: bool = True
    #: The zone the dates are read in (the cluster's by default).
    timezone: str | None = Field(default=None, max_length=64)
    #: The cohort labelled projects join: one of the same workflow (GET /cohorts).
    cohort_id: int | None = Field(default=None, ge=1)


class CallPatch(Strict):
    """A draft call's changes (a call that is not open yet); fields left out keep their value."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    poles: list[str] | None = Field(default=None, min_length=1, max_length=20)
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    criteria: list[CriterionIn] | None = Field(default=None, min_length=1, max_length=20)
    questions: list[QuestionIn] | None = Field(default=None, max_length=20)
    workflow: str | None = Field(default=None, max_length=64)
    stage: str | None = Field(default=None, max_length=64)
    requires_deck: bool | None = None
    version: int | None = None


class CallEventIn(Strict):
    """Run an open call: `extend` (a later `closes_on`), `close` early or `withdraw` (a reason required)."""

    event: Literal["extend", "close", "withdraw"]
    closes_on: dt.date | None = None
    reason: str = Field(default="", max_length=2000)
    version: int | None = None


class CallEventOut(BaseModel):
    kind: Literal["edited", "extended", "closed", "withdrawn"]
    actor: PersonRef | None
    at: dt.datetime
    reason: str
    closes_on_before: dt.date | None
    closes_on_after: dt.date | None


class CriterionOut(BaseModel):
    key: str
    title: str
    weight: int
    descriptors: list[str]
    help: str = ""


class QuestionOut(BaseModel):
    key: str
    text: str
    kind: QuestionKind = "long_text"
    help: str = ""
    options: list[str] = Field(default_factory=list)


class CallOut(BaseModel):
    id: int
    title: str
    description: str
    poles: list[str]
    opens_on: dt.date
    closes_on: dt.date
    timezone: str
    #: The deadline: submissions are refused from this instant.
    closes_at: dt.datetime
    is_open: bool
    criteria: list[CriterionOut]
    questions: list[QuestionOut]
    workflow: str
    stage: str
    requires_deck: bool
    #: The cohort its labelled projects join, if any.
    cohort_id: int | None = None
    #: `draft` (not open yet: editable), `open`, `closed` or `withdrawn`.
    status: Literal["draft", "open", "closed", "withdrawn"]
    version: int
    #: Managers only: what was done to the call (edited, extended, closed, withdrawn); empty for others.
    events: list[CallEventOut] = Field(default_factory=list)


class CallPage(Page):
    items: list[CallOut]


# Applications -----------------------------------------------------------------------------------

class PartnerRefIn(Strict):
    organisation_id: int
    role: PartnerRole = "other"


class ApplicationIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=5000)
    pole: str | None = Field(default=None, max_length=64)
    answers: dict[str, Annotated[str, Field(max_length=5000)]] = Field(default_factory=dict)
    partners: list[PartnerRefIn] | None = Field(default=None, max_length=20)


class ApplicationPatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=5000)
    pole: str | None = Field(default=None, max_length=64)
    answers: dict[str, Annotated[str, Field(max_length=5000)]] | None = None
    partners: list[PartnerRefIn] | None = Field(default=None, max_length=20)
    version: int


class SubmitIn(Strict):
    version: int | None = None


class ApplicationPartnerOut(BaseModel):
    organisation_id: int
    name: str
    role: str


class DeckOut(BaseModel):
    filename: str
    size_bytes: int
    sha256: str
    uploaded_at: dt.datetime
    url: str


class ApplicationOut(BaseModel):
    id: int
    call_id: int
    call_title: str
    title: str
    summary: str
    pole: str
    answers: dict[str, str]
    status: ApplicationStatus
    version: int
    applicant: PersonRef
    partners: list[ApplicationPartnerOut]
    deck: DeckOut | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    more_info_requested_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_comment: str
    project_id: int | None
    label: str | None
    #: What the caller may do now.
    can_edit: bool
    can_review: bool
    can_decide: bool


class ApplicationPage(Page):
    items: list[ApplicationOut]


# Reviews and decisions --------------------------------------------------------------------------

class ReviewIn(Strict):
    scores: dict[str, Score] = Field(default_factory=dict)
    comment: str = Field(default="", max_length=5000)
    #: Per criterion, optional.
    comments: dict[str, Annotated[str, Field(max_length=5000)]] = Field(default_factory=dict)
    #: Declare a conflict of interest instead of scoring.
    conflict: bool = False


class ReviewOut(BaseModel):
    id: int
    reviewer: PersonRef
    conflict: bool
    scores: dict[str, int]
    comments: dict[str, str]
    comment: str
    submitted_at: dt.datetime


class ReviewList(BaseModel):
    items: list[ReviewOut]


class DecisionIn(Strict):
    decision: Literal["labelled", "rejected", "more_info"]
    comment: str = Field(default="", max_length=5000)
    version: int | None = None


class DecisionOut(BaseModel):
    application_id: int
    decision: str
    status: ApplicationStatus
    version: int
    #: Set when labelled: the new project and its label number.
    project_id: int | None = None
    label: str | None = None


class RankingRowOut(BaseModel):
    rank: int | None
    application_id: int
    title: str
    applicant: PersonRef
    pole: str
    status: ApplicationStatus
    score: float | None
    low: float | None
    high: float | None
    reviews: int
    #: Reviews still needed from eligible reviewers (0 is complete only when `eligible` > 0).
    missing: int
    #: Reviewers excluded by a conflict of interest (their own, declared, or through an organisation).
    conflicts: int
    #: Reviewers who may review it (commission of the pole and assigned reviewers, minus conflicts).
    eligible: int
    #: Nobody may review it: a manager must assign a reviewer.
    needs_reviewer: bool


class RankingOut(BaseModel):
    call_id: int
    items: list[RankingRowOut]
