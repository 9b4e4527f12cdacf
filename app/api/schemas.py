"""Request and response shapes of the API; the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator

from app.auth.services import PASSWORD_MIN
from app.core.bounds import DB_INT_MAX
from app.projects.services import COMMENT_MAX
from app.projects.services import NAME_MAX
from app.projects.services import NOTE_MAX
from app.projects.services import SUMMARY_MAX

Role = Literal["applicant", "founder", "mentor", "manager", "admin"]
Status = Literal["active", "on_hold", "abandoned", "graduated"]
#: The events of the default workflow (`innovation_path`); another workflow names its own.
EVENT_NAMES = "request_review, approve_gate, advance, send_back, hold, resume, abandon, graduate"


class Strict(BaseModel):
    """Inputs refuse unknown fields, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _whole_numbers_in_bounds(cls, value):
        # Every whole number of an input is an id, a version, a count: past the database's
        # integers it matches nothing, and SQLite raises OverflowError (a 500) when it is bound.
        numbers = value if isinstance(value, list | tuple | set) else (value,)
        if any(isinstance(n, int) and not isinstance(n, bool) and not -DB_INT_MAX - 1 <= n <= DB_INT_MAX
               for n in numbers):
            raise ValueError(f"Whole numbers range from {-DB_INT_MAX - 1} to {DB_INT_MAX}.")
        return value


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
    #: False once a manager or an admin deactivated the account (it cannot sign in nor use tokens).
    active: bool = True


class MeIn(Strict):
    """`PATCH /me`: the signed-in person's own settings; a language set here is a choice."""
    locale: Literal["fr", "en", "ar"] | None = None
    timezone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, min_length=1, max_length=120)


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


class EvidenceOut(BaseModel):
    """A file or a link attached to a deliverable: `download_url` for a file, `url` for a link."""

    id: int
    kind: Literal["file", "link"]
    name: str
    at: dt.datetime
    deliverable: str
    stage: str
    url: str | None = None
    download_url: str | None = None
    size_bytes: int | None = None
    content_type: str | None = None
    comment: str = ""
    by: PersonRef | None = None


class EvidenceLinkIn(Strict):
    """A link as evidence (send a file as multipart/form-data instead: `file`, `comment`)."""

    url: str = Field(min_length=1, max_length=2000)
    comment: str = Field(default="", max_length=2000)


class EvidenceFileIn(BaseModel):
    """A file as evidence: PDF, docx, xlsx, pptx, odt, ods, odp, png or jpeg, checked by its content."""

    file: bytes = Field(json_schema_extra={"format": "binary"})
    comment: str = Field(default="", max_length=2000)


class DeliverableOut(BaseModel):
    key: str
    title: str
    required: bool
    done: bool
    note: str = ""
    evidence: list[EvidenceOut] = []


class EventOptionOut(BaseModel):
    event: str = Field(description=f"A trigger of the project's workflow; in innovation_path: {EVENT_NAMES}.")
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
    #: The cluster label, when a call for projects labelled the project.
    label: LabelOut | None = None
    #: A review of the current stage's gate was requested then (by `review_requested_by`) and
    #: awaits a decision; null otherwise.
    review_requested_at: dt.datetime | None = None
    review_requested_by: PersonRef | None = None
    review_request_comment: str | None = None
    #: The cohort the project goes through its programme with (managers set it with PATCH).
    cohort_id: int | None = None
    cohort: CohortRef | None = None


class CohortRef(BaseModel):
    id: int
    name: str


class LabelOut(BaseModel):
    number: str
    labelled_on: dt.date
    call_id: int
    call_title: str
    certificate_url: str


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
    cohort_id: int | None = None


class ProjectIn(Strict):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    summary: str = Field(default="", max_length=SUMMARY_MAX)
    pole: str = Field(max_length=64)
    workflow: str | None = Field(default=None, max_length=64)


class ProjectPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    summary: str | None = Field(default=None, max_length=SUMMARY_MAX)
    pole: str | None = Field(default=None, max_length=64)
    cohort_id: int | None = Field(default=None, ge=1, description=(
        "Managers only: a cohort of the project's workflow (422 otherwise), null for none; left out, the cohort "
        "stays. Another role sending a different cohort gets 403 (sending the current one is no change)."))
    version: int


class EventIn(Strict):
    event: str = Field(min_length=1, max_length=64, description=(
        f"A trigger of the project's workflow (GET /api/v1/workflows/{{key}}); in innovation_path: {EVENT_NAMES}."))
    comment: str = Field(default="", max_length=COMMENT_MAX)
    version: int
    override: bool = False


class DeliverableIn(Strict):
    done: bool
    note: str | None = Field(default=None, max_length=NOTE_MAX)
    version: int | None = None


class HistoryOut(BaseModel):
    event: str = Field(description=(
        f"A workflow event (in innovation_path: {EVENT_NAMES}) or one the application records: create, label, "
        "migrate_workflow, deliverable_done, deliverable_undone, evidence_added, evidence_removed."))
    from_stage: str | None
    to_stage: str
    from_status: str | None
    to_status: str
    actor: PersonRef | None
    comment: str
    override: bool
    at: dt.datetime
    #: The deliverable a `deliverable_done`, `deliverable_undone`, `evidence_added` or
    #: `evidence_removed` line is about (null for the workflow's events).
    subject: str | None = None


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


class NoticeOut(BaseModel):
    kind: Literal["gate_review_requested", "gate_decided"]
    roles: list[str]


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
    #: Firing it asks for a gate review, pending until the next gate decision or stage change.
    requests_review: bool = False
    #: Who hears of it: the notification `kind` and the `roles` on the project it goes to.
    notifies: NoticeOut | None = None


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
    #: Echoes X-Request-Id: quote it to support, it finds the request in the logs.
    request_id: str | None = None


# Mentoring ---------------------------------------------------------------------------------

class MentorOut(BaseModel):
    id: int
    name: str
    poles: list[str]
    stages: list[str]
    capacity: int
    languages: list[str]
    bio: str
    active_assignments: int
    average_rating: float | None


class MentorPatch(Strict):
    poles: list[str] | None = None
    stages: list[str] | None = None
    capacity: int | None = Field(default=None, ge=0, le=100)
    languages: list[str] | None = None
    bio: str | None = Field(default=None, max_length=2000)
    #: Readiness dimensions the mentor is strong in (technology, customer, …).
    dimensions: list[str] | None = None


class AssignmentIn(Strict):
    mentor_id: int
    stage: str | None = None
    override: bool = False


class AssignmentOut(BaseModel):
    assignment_id: int
    mentor: PersonRef
    stage: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None
    over_capacity: bool


class SuggestionOut(BaseModel):
    mentor: PersonRef
    score: int
    reasons: list[str]
    active_assignments: int
    capacity: int
    full: bool


class ActionItemIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    owner_id: int | None = None
    due_on: dt.date | None = None


class SessionIn(Strict):
    held_at: dt.datetime
    duration_minutes: int = Field(gt=0, le=1440)
    summary: str = Field(min_length=1, max_length=10_000)
    notes: str = Field(default="", max_length=10_000)
    checkin_id: int | None = None
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=50)


class ActionItemOut(BaseModel):
    id: int
    title: str
    owner: PersonRef | None
    due_on: dt.date | None
    done: bool
    overdue: bool


class RatingOut(BaseModel):
    side: Literal["founder", "mentor"]
    rater: PersonRef
    usefulness: int
    comment: str


class SessionOut(BaseModel):
    id: int
    project_id: int
    mentor: PersonRef
    stage: str
    held_at: dt.datetime
    duration_minutes: int
    summary: str
    #: Present only for the mentor who wrote them.
    notes: str | None = None
    checkin_id: int | None
    action_items: list[ActionItemOut]
    ratings: list[RatingOut]


class SessionPage(Page):
    items: list[SessionOut]


class ActionItemPatch(Strict):
    done: bool


class RatingIn(Strict):
    usefulness: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


# Check-ins ---------------------------------------------------------------------------------

class CheckInOut(BaseModel):
    id: int
    project_id: int
    project_name: str
    mentor: PersonRef | None
    stage: str
    due_at: dt.datetime
    status: Literal["scheduled", "due", "overdue", "done", "cancelled"]
    reminded_at: dt.datetime | None
    closed_at: dt.datetime | None


class CheckInPage(Page):
    items: list[CheckInOut]


# Pipeline ----------------------------------------------------------------------------------

class PipelineStageOut(BaseModel):
    workflow: str
    stage: str
    label: str
    count: int
    active: int
    median_days_in_stage: float | None
    p90_days_in_stage: float | None
    median_days_per_stay: float | None
    p90_days_per_stay: float | None
    stalled: int
    stalled_reasons: dict[str, int]
    reached: int
    conversion: float | None


class PipelinePoleOut(BaseModel):
    pole: str
    counts: dict[str, int]


class MembersOut(BaseModel):
    count: int
    target: int


class MentorLoadOut(BaseModel):
    mentor_id: int
    name: str
    active: int
    capacity: int
    sessions_30_days: int
    sessions_90_days: int
    overdue_checkins: int


class FundingSumOut(BaseModel):
    source: str
    status: str
    currency: str
    workflow: str
    stage: str
    pole: str
    #: Exact decimal, as a string.
    amount: str
    lines: int


class PipelineOut(BaseModel):
    total: int
    by_status: dict[str, int]
    stages: list[PipelineStageOut]
    by_pole: list[PipelinePoleOut]
    overdue_checkins: int
    members: MembersOut
    #: The busiest mentors (at most 50, most active mentees first); `mentors_total` counts them all.
    mentor_load: list[MentorLoadOut]
    mentors_total: int = 0
    funding: list[FundingSumOut]
    #: Open KPI reports past their due date.
    late_kpi_reports: int = 0


# Cluster -----------------------------------------------------------------------------------

OrganisationKind = Literal["telecom_operator", "company", "startup", "university_rd", "training_institution",
                           "association"]
Membership = Literal["applicant", "member", "lapsed"]
FundingSource = Literal["business_angel", "innovation_fund", "national_fund", "bank_loan", "grant", "other"]
FundingStatus = Literal["planned", "applied", "granted", "refused"]


class OrganisationIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    membership_status: Membership = "applicant"
    joined_on: dt.date | None = None
    contact_name: str = Field(default="", max_length=120)
    contact_email: str = Field(default="", max_length=254)


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: str
    membership_status: str
    joined_on: dt.date | None
    contact_name: str
    contact_email: str


class OrganisationPage(Page):
    items: list[OrganisationOut]


class PartnerIn(Strict):
    organisation_id: int
    role: Literal["lead", "industrial_partner", "research_partner", "customer_pilot", "other"]


class PartnerOut(BaseModel):
    organisation: OrganisationOut
    role: str


class FundingIn(Strict):
    source: FundingSource
    #: An exact decimal: a string ("250000.00") is safest; a JSON number is read by its decimal text.
    amount: Decimal = Field(gt=0, max_digits=15, decimal_places=2)
    currency: str = Field(default="MAD", min_length=3, max_length=3)
    status: FundingStatus = "planned"
    applied_on: dt.date | None = None
    decided_on: dt.date | None = None
    note: str = Field(default="", max_length=5000)


class FundingPatch(FundingIn):
    version: int


class FundingOut(BaseModel):
    id: int
    source: str
    amount: str
    currency: str
    status: str
    applied_on: dt.date | None
    decided_on: dt.date | None
    note: str
    version: int


class MoneyTotalOut(BaseModel):
    #: Exact decimal string: every amount that converts at a recorded rate, in dirhams.
    mad: str
    #: True when every amount is in `mad`; otherwise `unconverted` holds the rest, per currency.
    complete: bool
    unconverted: dict[str, str]


class FundingPage(Page):
    items: list[FundingOut]
    totals: dict[str, dict[str, str]]
    #: status → the total in dirhams at the recorded exchange rates (amounts without a rate apart).
    totals_mad: dict[str, MoneyTotalOut] = {}


class ExchangeRateIn(Strict):
    currency: str = Field(min_length=3, max_length=3)
    #: Dirhams for one unit; an exact decimal string ("10.85") is safest.
    rate_to_mad: Decimal = Field(gt=0, max_digits=12, decimal_places=6)
    valid_on: dt.date
    source: str = Field(min_length=1, max_length=200)


class ExchangeRateOut(BaseModel):
    id: int
    currency: str
    rate_to_mad: str
    valid_on: dt.date
    source: str
    recorded_by: PersonRef | None
    recorded_at: dt.datetime


class ExchangeRatePage(Page):
    items: list[ExchangeRateOut]


class SupportRequestIn(Strict):
    kind: Literal["support", "advice", "accompaniment"]
    description: str = Field(min_length=1, max_length=5000)


class SupportRequestPatch(Strict):
    assignee_id: int | None = None
    answer: str | None = Field(default=None, max_length=5000)


class SupportRequestOut(BaseModel):
    id: int
    project_id: int
    kind: str
    description: str
    status: str
    requester: PersonRef | None
    assignee: PersonRef | None
    answer: str
    created_at: dt.datetime
    closed_at: dt.datetime | None


class SupportRequestPage(Page):
    items: list[SupportRequestOut]


class CommissionIn(Strict):
    chair_id: int | None = None
    member_ids: list[int] = Field(default_factory=list, max_length=100)


class CommissionOut(BaseModel):
    pole: str
    chair: PersonRef | None
    members: list[PersonRef]


# Readiness, KPI reports, funders' report ---------------------------------------------------


class AssessmentIn(Strict):
    #: dimension → level, for every dimension of the project's scale (technology, customer, business_model,
    #: ip, team, funding, each 1–9 on the default scale).
    scores: dict[str, int]
    comment: str = Field(default="", max_length=2000)


class AssessmentOut(BaseModel):
    id: int
    project_id: int
    by: Literal["founder", "mentor"]
    at: dt.datetime
    author: PersonRef | None
    stage: str
    scores: dict[str, int]
    comment: str
    #: The dimension(s) with the lowest score in this assessment.
    weakest: list[str]


class AssessmentPage(Page):
    items: list[AssessmentOut]


class MetricOut(BaseModel):
    key: str
    label: str
    unit: str
    type: Literal["int", "decimal", "money"]
    min: int | None


class KpiValueOut(BaseModel):
    #: Exact decimal, as a string.
    value: str
    unit: str


class KpiChangeOut(BaseModel):
    metric: str
    old_value: str | None
    new_value: str
    unit: str
    by: PersonRef | None
    at: dt.datetime
    reason: str


class KpiReportOut(BaseModel):
    id: int
    project_id: int
    stage: str
    period_start: dt.datetime
    period_end: dt.datetime
    due_at: dt.datetime
    status: Literal["open", "submitted"]
    late: bool
    version: int
    metrics: list[MetricOut]
    values: dict[str, KpiValueOut]
    submitted_at: dt.datetime | None
    submitted_by: PersonRef | None
    changes: list[KpiChangeOut] | None = None


class KpiReportPage(Page):
    items: list[KpiReportOut]


class KpiValueIn(Strict):
    #: A number or its text; whole for `int` metrics, 2 decimals at most for money, 4 for decimals.
    value: Decimal
    #: The unit meant; refused when it is not the metric's.
    unit: str | None = Field(default=None, max_length=16)


class KpiReportIn(Strict):
    values: dict[str, KpiValueIn]
    #: Required when correcting figures already submitted.
    reason: str = Field(default="", max_length=1000)
    version: int | None = None


class ImpactStageOut(BaseModel):
    workflow: str
    stage: str
    label: str
    at_start: int
    entered: int
    left: int
    at_end: int
    in_progress_at_end: int
    gates_passed: int


class KpiTotalOut(BaseModel):
    metric: str
    label: str
    unit: str
    total: str
    reports: int
    projects: int


class MoneyRaisedOut(BaseModel):
    source: FundingSource
    currency: str
    amount: str
    lines: int
    projects: int


class SurvivalOut(BaseModel):
    years: int
    cohort: int
    alive: int
    rate: float | None


class FundersReportOut(BaseModel):
    period: dict[str, dt.date]
    pole: str | None
    cohort: int | None
    stages: list[ImpactStageOut]
    by_status_at_end: dict[str, int]
    new_projects: int
    stage_changes: int
    projects_moved: int
    gates_passed: int
    jobs_created: str
    revenue: dict[str, str]
    kpis: list[KpiTotalOut]
    kpi_reports: dict[str, int]
    money_raised: list[MoneyRaisedOut]
    survival: list[SurvivalOut]
    mentoring: dict[str, str | int]
    support_requests: dict[str, int]
    members: dict[str, int]
