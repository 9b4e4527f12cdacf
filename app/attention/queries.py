"""What waits for a person today: the prioritised kinds of work of the manager's cockpit, of a
mentor's mentees page and of a founder's projects page (and `GET /api/v1/attention`).

Each kind is one SQL statement whatever the portfolio's size: its first `CAP` items, oldest first,
with the exact count alongside (`count(*) OVER ()`). The rules come from their areas (the pipeline's
stalled rules, mentoring's "needs a mentor", the check-ins' statuses, late KPI reports, the calls'
reviewer pool, the project's pending gate review).

Items name where the work is done as an endpoint and its arguments (`Item.endpoint`, `Item.args`):
the boundary turns them into links, this module knows no Flask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls import queries as call_queries
from app.calls.models import Application
from app.calls.models import Call
from app.checkins import queries as checkin_queries
from app.checkins.models import OPEN_STATUSES
from app.checkins.models import CheckIn
from app.cluster import queries as cluster_queries
from app.cluster.models import SupportRequest
from app.core import changes
from app.core.sqltime import instant
from app.kpis import queries as kpi_queries
from app.kpis.models import KpiReport
from app.mentoring import queries as mentoring_queries
from app.mentoring.models import MentorAssignment
from app.officehours.models import Booking
from app.officehours.models import MentorAvailability
from app.pipeline.readmodel import late_drift_ranges
from app.projects.models import DeliverableState
from app.projects.models import MentorLoad
from app.projects.models import PipelineCount
from app.projects.models import PipelineEntry
from app.projects.models import PipelineLateReport
from app.projects.models import Project
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of

#: Items listed per kind (the count is exact).
CAP = 10
#: A call closing within this many days is waiting for the managers.
CALL_CLOSING_WITHIN = dt.timedelta(days=7)
#: Action items due within this many days (or overdue) wait for the mentor.
ACTION_ITEMS_WITHIN = dt.timedelta(days=7)
MANAGER_KINDS = ("gate_review_requested", "application_decision", "call_closing", "call_without_reviewers",
                 "no_mentor",
                 "mentor_without_availability", "overdue_checkin",
                 "overdue_kpi_report", "stalled", "support_unanswered", "never_booked")
MENTOR_KINDS = ("gate_review_requested", "session_to_log", "booking_to_log", "overdue_checkin", "action_items_due")
FOUNDER_KINDS = ("next_step", "next_checkin", "action_items_open")


@dataclass(frozen=True)
class Item:
    """One thing to do: what (`title`), since when, and where it is done."""

    title: str
    since: dt.datetime | None
    endpoint: str
    args: dict = field(default_factory=dict)
    project_id: int | None = None
    application_id: int | None = None
    call_id: int | None = None
    #: When it falls due, where that matters (a call's closing, an action item's date).
    due: dt.datetime | dt.date | None = None
    #: Kind-specific facts the page words (`missing_reviews`, `missing`, `step`…).
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    kind: str
    count: int
    items: list[Item]


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of work `user`'s role has, in priority order."""
    if user.is_manager:
        return MANAGER_KINDS
    if user.role == "mentor":
        return MENTOR_KINDS
    if user.role == "founder":
        return FOUNDER_KINDS
    return ()


def attention(session: Session, user: User, *, now: dt.datetime) -> list[Kind]:
    """Every kind of work waiting for `user`, in priority order (empty kinds included, count 0)."""
    changes.catch_up(session)  # the pipeline's read model sees this transaction's own writes
    return [_BUILDERS[kind](session, user, now) for kind in kinds_for(user)]


def _kind(session: Session, name: str, stmt: Select, build) -> Kind:
    """Run `stmt` once: its first CAP rows become items, a count of the same rows (a scalar subquery:
    an index-only count where an index serves the filter) the exact count. (`count(*) OVER ()` made
    SQLite materialise and sort every matching row to list ten.)"""
    total = select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()
    return _counted(session, name, stmt, total, build)


def _counted(session: Session, name: str, stmt: Select, total, build) -> Kind:
    """Run `stmt` once: its first CAP rows become items; `total`, a scalar subquery over a maintained
    counter (the pipeline's read model), is the exact count without counting the rows themselves."""
    rows = session.execute(stmt.add_columns(total.label("total")).limit(CAP)).all()
    return Kind(name, int(rows[0].total or 0) if rows else 0, [build(row) for row in rows])


def _project_item(project_id: int, name: str, since, endpoint: str = "projects.detail", **extra) -> Item:
    return Item(title=name, since=since, endpoint=endpoint, args={"project_id": project_id}, project_id=project_id,
                **extra)


# Gate reviews ------------------------------------------------------------------------------------


def _gate_reviews(session: Session, user: User, now: dt.datetime) -> Kind:
    # The project keeps its pending request (`projects.services.fire_event` sets and clears it).
    stmt = (select(Project.id, Project.name, Project.review_requested_at.label("since"))
            .where(Project.review_requested_at.is_not(None))
            .order_by(Project.review_requested_at, Project.id))
    if not user.is_manager:  # a mentor: the projects they mentor at their current stage
        stmt = stmt.where(exists().where(MentorAssignment.project_id == Project.id,
                                         MentorAssignment.mentor_id == user.id,
                                         MentorAssignment.stage == Project.stage, MentorAssignment.ended_at.is_(None)))
    return _kind(session, "gate_review_requested", stmt, lambda r: _project_item(r.id, r.name, r.since))


# Managers ----------------------------------------------------------------------------------------


def _application_decisions(session: Session, user: User, now: dt.datetime) -> Kind:
    reviewers = call_queries.reviewer_counts(None, status="submitted")
    stmt = (select(Application.id, Application.title, Application.call_id, Application.submitted_at,
                   Call.title.label("call_title"), func.coalesce(reviewers.c.missing, 0).label("missing"))
            .join(Call, Call.id == Application.call_id)
            .outerjoin(reviewers, reviewers.c.application_id == Application.id)
            .where(Application.status == "submitted").order_by(Application.submitted_at, Application.id))
    return _kind(session, "application_decision", stmt, lambda r: Item(
        title=r.title, since=r.submitted_at, endpoint="calls.application", args={"application_id": r.id},
        application_id=r.id, call_id=r.call_id,
        detail={"call": r.call_title, "missing_reviews": int(r.missing)}))


def _calls_closing(session: Session, user: User, now: dt.datetime) -> Kind:
    stmt = (select(Call.id, Call.title, Call.opens_at, Call.closes_at)
            .where(call_queries.is_open_at(now), Call.closes_at <= instant(now + CALL_CLOSING_WITHIN))
            .order_by(Call.closes_at, Call.id))
    return _kind(session, "call_closing", stmt, lambda r: Item(
        title=r.title, since=r.opens_at, endpoint="calls.detail", args={"call_id": r.id}, call_id=r.id,
        due=r.closes_at))


def _calls_without_reviewers(session: Session, user: User, now: dt.datetime) -> Kind:
    # An open call whose pole commission is empty: its applications would wait for nobody.
    stmt = call_queries.select_calls_without_commission(now)
    return _kind(session, "call_without_reviewers", stmt, lambda r: Item(
        title=r.title, since=r.opens_at, endpoint="calls.detail", args={"call_id": r.id}, call_id=r.id, due=r.closes_at,
        detail={"poles": sorted(r.poles.split(","))}))


def _no_mentor(session: Session, user: User, now: dt.datetime) -> Kind:
    """Active projects without a mentor at their stage (mentoring's rule, `select_projects_needing_mentor`),
    read from the pipeline's read model: the count is a sum of counters, the first items an index
    range (`ix_pipeline_entries_waiting`), whatever the number of projects."""
    e, c = PipelineEntry, PipelineCount
    total = (select(func.coalesce(func.sum(c.n), 0))
             .where(c.status == "active", c.has_mentor.is_(False)).scalar_subquery())
    stmt = (select(e.project_id.label("id"), Project.name, e.stage_entered_at, e.workflow_key, e.stage)
            .join(Project, Project.id == e.project_id)
            .where(e.status == "active", e.has_mentor.is_(False)).order_by(e.stage_entered_at, e.project_id))
    return _counted(session, "no_mentor", stmt, total, lambda r: _project_item(
        r.id, r.name, r.stage_entered_at, "mentoring.suggestions",
        detail={"workflow": r.workflow_key, "stage": r.stage}))


def _mentors_without_availability(session: Session, user: User, now: dt.datetime) -> Kind:
    """Active mentors who follow projects but publish no office hours (their founders cannot book
    them), those who follow the most projects first: the more founders wait, the sooner.

    The mentors with open assignments are the read model's `mentor_loads` (n > 0), walked from the
    largest load down (`ix_mentor_loads_n`) until ten qualify; each one's first open assignment (the
    item's date) is one probe of `ix_mentor_assignments_open_by_mentor`. (Ordered by that date, every
    mentor's had to be read and sorted: the kind grew with the number of mentors.)"""
    ml, ma = MentorLoad, MentorAssignment
    # The account checked by its key in a scalar subquery, not a join: PostgreSQL misjudged how many
    # loads are active mentors' and merged with every user.
    active = (select(User.id).where(User.id == ml.mentor_id, User.role == "mentor", User.is_disabled.is_(False))
              .scalar_subquery())
    qualifies = and_(ml.n > 0, active.is_not(None), ~exists().where(MentorAvailability.mentor_id == ml.mentor_id))
    counted = select(func.count()).select_from(ml).where(qualifies).scalar_subquery()
    firsts = (select(ml.mentor_id, ml.n).where(qualifies).order_by(ml.n.desc(), ml.mentor_id)
              .limit(CAP).subquery("firsts"))
    since = (select(func.min(ma.started_at)).where(ma.mentor_id == firsts.c.mentor_id, ma.ended_at.is_(None))
             .scalar_subquery())
    stmt = (select(User.id, User.name, since.label("since")).join(firsts, firsts.c.mentor_id == User.id)
            .order_by(firsts.c.n.desc(), User.id))
    return _counted(session, "mentor_without_availability", stmt, counted, lambda r: Item(
        title=r.name, since=r.since, endpoint="officehours.bookings", args={"mentor": r.id}))


def _never_booked(session: Session, user: User, now: dt.datetime) -> Kind:
    """Active projects whose stage mentor publishes office hours and which never booked any: founders
    who may not know they can (oldest assignment first)."""
    # From the mentors who publish (their assignments by `ix_mentor_assignments_mentor_started`), not
    # from every assignment of the portfolio.
    publishing = select(MentorAvailability.mentor_id).distinct()
    booked = exists().where(Booking.project_id == Project.id)
    stmt = (select(Project.id, Project.name, func.min(MentorAssignment.started_at).label("since"))
            .select_from(MentorAssignment)
            .join(Project, and_(MentorAssignment.project_id == Project.id, MentorAssignment.stage == Project.stage))
            .where(MentorAssignment.mentor_id.in_(publishing), MentorAssignment.ended_at.is_(None),
                   Project.status == "active", ~booked)
            .group_by(Project.id, Project.name).order_by(func.min(MentorAssignment.started_at), Project.id))
    return _kind(session, "never_booked", stmt, lambda r: _project_item(r.id, r.name, r.since))


def _overdue_checkins(session: Session, user: User, now: dt.datetime) -> Kind:
    endpoint = "projects.detail" if user.is_manager else "mentoring.log_session"

    def build(r) -> Item:
        return _project_item(r.project_id, r.name, r.due_at, endpoint, due=r.due_at, detail={"mentor": r.mentor})

    if not user.is_manager:  # a mentor's own: few
        stmt = _checkin_rows(checkin_queries.select_checkins(user, status="overdue", mentor_id=user.id))
        return _kind(session, "overdue_checkin", stmt, build)
    # Every overdue check-in: a project has at most one open check-in (`uq_checkins_open_project`), so
    # their number is the read model's count of projects with one; the first ten, an index range.
    total = (select(func.coalesce(func.sum(PipelineCount.n), 0))
             .where(PipelineCount.is_overdue.is_(True)).scalar_subquery())
    stmt = _checkin_rows(checkin_queries.select_checkins(user, status="overdue"))
    return _counted(session, "overdue_checkin", stmt, total, build)


def _checkin_rows(stmt: Select) -> Select:
    """The check-ins of `stmt` (an area's query, joined to their project) as plain rows: no check-in,
    project or mentor loaded, so listing ten of many costs no eager join for every row."""
    return (stmt.with_only_columns(CheckIn.id, CheckIn.project_id, CheckIn.due_at, CheckIn.status,
                                   CheckIn.created_at, Project.name, User.name.label("mentor"))
            .outerjoin(User, User.id == CheckIn.mentor_id))


def _late_kpi_reports(session: Session, user: User, now: dt.datetime) -> Kind:
    # The read model's count (`pipeline_late_reports`) corrected by the reports late since the sweep
    # (or counted ahead of `now`): short ranges of `ix_kpi_reports_late`.
    counted = select(func.coalesce(func.sum(PipelineLateReport.n), 0)).scalar_subquery()
    drift = [select(func.count()).select_from(KpiReport).where(condition).scalar_subquery()
             for condition in late_drift_ranges(now)]  # (late since the sweep, counted ahead of `now`)
    total = counted + drift[0] - drift[1]
    stmt = (kpi_queries.select_open(now=now, late_only=True)
            .with_only_columns(KpiReport.id, KpiReport.project_id, KpiReport.due_at, KpiReport.period_start,
                               KpiReport.period_end, Project.name)
            .join(Project, Project.id == KpiReport.project_id))
    return _counted(session, "overdue_kpi_report", stmt, total, lambda r: Item(
        title=r.name, since=r.due_at, endpoint="kpis.report", args={"report_id": r.id}, project_id=r.project_id,
        due=r.due_at, detail={"period_start": r.period_start, "period_end": r.period_end}))


def _stalled(session: Session, user: User, now: dt.datetime) -> Kind:
    """Projects longer in their stage than it expects (the pipeline's rule); its other two stalled
    reasons, an overdue check-in and no mentor, are kinds of their own above this one."""
    e = PipelineEntry
    # The read model's counters (flags as of the last sweep) corrected by the entries whose instant
    # passed since, or lies ahead of `now` (`readmodel.stall_drift`: an index range).
    flagged = (select(func.coalesce(func.sum(PipelineCount.n), 0))
               .where(PipelineCount.status == "active", PipelineCount.is_too_long.is_(True)).scalar_subquery())
    passed = (select(func.count()).select_from(e)
              .where(e.is_too_long.is_(False), e.stall_at <= now).scalar_subquery())
    ahead = (select(func.count()).select_from(e)
             .where(e.is_too_long.is_(True), e.stall_at > now).scalar_subquery())
    # The oldest: the first ten flagged (`ix_pipeline_entries_too_long`, in order) and those whose
    # instant passed since the sweep (`ix_pipeline_entries_stall`: a short range), then ten of both.
    columns = (e.project_id, e.workflow_key, e.stage, e.stage_entered_at)
    flagged_first = (select(*columns).where(e.is_too_long.is_(True), e.stall_at <= now)
                     .order_by(e.stage_entered_at, e.project_id).limit(CAP).subquery())
    firsts = union_all(select(flagged_first),
                       select(*columns).where(e.is_too_long.is_(False), e.stall_at <= now)).subquery("firsts")
    stmt = (select(firsts.c.project_id.label("id"), Project.name, firsts.c.workflow_key, firsts.c.stage,
                   firsts.c.stage_entered_at)
            .join(Project, Project.id == firsts.c.project_id).order_by(firsts.c.stage_entered_at, firsts.c.project_id))
    return _counted(session, "stalled", stmt, flagged + passed - ahead, lambda r: _project_item(
        r.id, r.name, r.stage_entered_at, detail={"workflow": r.workflow_key, "stage": r.stage,
                                                  "days": max((now - r.stage_entered_at).days, 0)}))


def _unanswered_support(session: Session, user: User, now: dt.datetime) -> Kind:
    stmt = (select(SupportRequest.id, SupportRequest.project_id, SupportRequest.kind, SupportRequest.created_at,
                   SupportRequest.status, Project.name)
            .join(Project, Project.id == SupportRequest.project_id).where(cluster_queries.is_unanswered())
            .order_by(SupportRequest.created_at, SupportRequest.id))
    return _kind(session, "support_unanswered", stmt, lambda r: Item(
        title=r.name, since=r.created_at, endpoint="cluster.support_queue", project_id=r.project_id,
        detail={"support_kind": r.kind, "status": r.status}))


# Mentors -----------------------------------------------------------------------------------------


def _sessions_to_log(session: Session, user: User, now: dt.datetime) -> Kind:
    """Check-ins whose time came and went without a logged session (status `due`: once the grace
    period passes they are overdue, a kind of its own)."""
    stmt = _checkin_rows(checkin_queries.select_checkins(user, mentor_id=user.id, status="due"))
    return _kind(session, "session_to_log", stmt, lambda r: _project_item(
        r.project_id, r.name, r.due_at, "mentoring.log_session", due=r.due_at))


def _bookings_to_log(session: Session, user: User, now: dt.datetime) -> Kind:
    """Office hours meetings that have started and are still `booked`: log the session (or mark a no-show)."""
    stmt = (select(Booking.id, Booking.project_id, Booking.starts_at, Project.name)
            .join(Project, Project.id == Booking.project_id)
            .where(Booking.mentor_id == user.id, Booking.status == "booked", Booking.starts_at <= now)
            .order_by(Booking.starts_at, Booking.id))
    return _kind(session, "booking_to_log", stmt, lambda r: Item(
        title=r.name, since=r.starts_at, endpoint="officehours.log", args={"booking_id": r.id},
        project_id=r.project_id, due=r.starts_at))


def _action_items_due(session: Session, user: User, now: dt.datetime) -> Kind:
    stmt = mentoring_queries.select_open_action_items(mentor_id=user.id, due_by=(now + ACTION_ITEMS_WITHIN).date())
    return _kind(session, "action_items_due", stmt, _action_item)


def _action_item(row) -> Item:
    return _project_item(row.project_id, row.title, row.created_at, "projects.sessions", due=row.due_on,
                         detail={"project": row.project_name})


# Founders ----------------------------------------------------------------------------------------


def _next_checkins(session: Session, user: User, now: dt.datetime) -> Kind:
    stmt = _checkin_rows(checkin_queries.select_calendar(user).join(Project, Project.id == CheckIn.project_id)
                         .where(CheckIn.status.in_(OPEN_STATUSES)))
    return _kind(session, "next_checkin", stmt, lambda r: _project_item(
        r.project_id, r.name, r.created_at, due=r.due_at, detail={"status": r.status, "mentor": r.mentor}))


def _open_action_items(session: Session, user: User, now: dt.datetime) -> Kind:
    return _kind(session, "action_items_open", mentoring_queries.select_open_action_items(owner_id=user.id),
                 _action_item)


def _next_steps(session: Session, user: User, now: dt.datetime) -> Kind:
    """Per active project of the founder, what stands between it and the next stage (three statements):
    required deliverables still open, else a pending gate review, else the gate to ask for, else the move."""
    rows = session.execute(
        select(Project.id, Project.name, Project.workflow_key, Project.workflow_version, Project.stage,
               Project.stage_entered_at, Project.gate_decision, Project.review_requested_at.label("review_since"),
               func.count().over().label("total"))
        .join(ProjectMember, and_(ProjectMember.project_id == Project.id, ProjectMember.user_id == user.id))
        .where(Project.status == "active").order_by(Project.stage_entered_at, Project.id).limit(CAP)).all()
    done = set(session.execute(
        select(DeliverableState.project_id, DeliverableState.stage, DeliverableState.key)
        .where(DeliverableState.project_id.in_([r.id for r in rows]), DeliverableState.is_done.is_(True))).all())
    catalog = catalog_of(session)
    items = [_next_step(row, catalog.version(session, row.workflow_key, row.workflow_version), done) for row in rows]
    return Kind("next_step", rows[0].total if rows else 0, items)


def _next_step(row, definition, done: set) -> Item:
    stage = definition.stage(row.stage)
    missing = [d.label for d in stage.deliverables if d.required and (row.id, row.stage, d.key) not in done]
    is_last = definition.stage_index(row.stage) == len(definition.stages) - 1
    if missing:
        step = "deliverables"
    elif row.review_since is not None:
        step = "review_pending"
    elif "approve_gate" in definition.events and row.gate_decision != "go":
        step = "request_review" if "request_review" in definition.events else "gate"
    else:
        step = "graduate" if is_last else "advance"
    return _project_item(row.id, row.name, row.review_since or row.stage_entered_at,
                         detail={"step": step, "missing": missing, "stage": row.stage, "workflow": row.workflow_key})


_BUILDERS = {
    "gate_review_requested": _gate_reviews, "application_decision": _application_decisions,
    "call_closing": _calls_closing, "call_without_reviewers": _calls_without_reviewers, "no_mentor": _no_mentor,
    "mentor_without_availability": _mentors_without_availability, "never_booked": _never_booked,
    "overdue_checkin": _overdue_checkins,
    "overdue_kpi_report": _late_kpi_reports, "stalled": _stalled, "support_unanswered": _unanswered_support,
    "session_to_log": _sessions_to_log, "booking_to_log": _bookings_to_log,
    "action_items_due": _action_items_due, "next_checkin": _next_checkins,
    "action_items_open": _open_action_items, "next_step": _next_steps,
}
