"""The funders' report: the cluster's impact figures for a period, every one an SQL aggregate.

`funders_report(session, filters, ...)` runs a fixed number of queries whatever the size of the
portfolio. The period is whole days, `start` and `end` included (UTC); `pole` and `cohort`
(a cohort's id) narrow every project-based figure; member organisations
belong to the cluster, not to a pole, so they are never filtered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy import distinct
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from app.cluster import money
from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.cluster.models import SupportRequest
from app.core.sqltime import days_between
from app.core.sqltime import instant
from app.impact import series
from app.impact.series import Quarter
from app.kpis.models import KpiReport
from app.kpis.models import KpiValue
from app.mentoring.models import AdviceSession
from app.officehours.models import Booking
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.workflow.catalog import catalog_of
from app.workflow.definition import WorkflowDefinition

#: Statuses of a project still on its way (neither abandoned nor graduated).
IN_PROGRESS = ("active", "on_hold")
SURVIVAL_YEARS = (1, 2, 3)
YEAR = dt.timedelta(days=365)


@dataclass(frozen=True)
class ReportFilters:
    start: dt.date
    end: dt.date
    pole: str | None = None
    #: A cohort's id.
    cohort: int | None = None

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)

    @property
    def end_at(self) -> dt.datetime:
        """The first instant after the period (its last day is included)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def as_args(self) -> dict:
        args = {"from": self.start.isoformat(), "to": self.end.isoformat(), "pole": self.pole, "cohort": self.cohort}
        return {k: v for k, v in args.items() if v not in (None, "")}


@dataclass
class StageRow:
    workflow: str
    stage: str
    label: str
    workflow_label: str
    #: Projects at this stage when the period began / ended (any status).
    at_start: int = 0
    at_end: int = 0
    #: Of `at_end`, those still in progress (active or on hold).
    in_progress_at_end: int = 0
    #: Moves into the stage in the period (creations included) and out of it.
    entered: int = 0
    left: int = 0
    #: Gate decisions "go" taken at this stage in the period.
    gates_passed: int = 0


@dataclass(frozen=True)
class KpiTotal:
    metric: str
    label: str
    unit: str
    total: Decimal
    reports: int
    projects: int


@dataclass(frozen=True)
class FundingTotal:
    source: str
    currency: str
    amount: Decimal
    lines: int
    projects: int


@dataclass(frozen=True)
class Survival:
    years: int
    #: Projects created at least `years` years before the end of the period.
    cohort: int
    #: Of them, those not abandoned within `years` years of their creation.
    alive: int

    @property
    def rate(self) -> float | None:
        return round(self.alive / self.cohort, 3) if self.cohort else None


@dataclass
class FundersReport:
    filters: ReportFilters
    stages: list[StageRow]
    by_status_at_end: dict[str, int] = field(default_factory=dict)
    new_projects: int = 0
    moves: int = 0
    projects_moved: int = 0
    kpis: list[KpiTotal] = field(default_factory=list)
    kpi_reports_due: int = 0
    kpi_reports_submitted: int = 0
    money_raised: list[FundingTotal] = field(default_factory=list)
    survival: list[Survival] = field(default_factory=list)
    mentoring_minutes: int = 0
    #: Office hours booked in the period (not cancelled) and those held (their session logged), in hours.
    office_hours_booked: Decimal = Decimal(0)
    office_hours_held: Decimal = Decimal(0)
    mentoring_sessions: int = 0
    projects_mentored: int = 0
    support_opened: int = 0
    support_served: int = 0
    members: int = 0
    members_joined: int = 0
    members_target: int = 0
    #: Jobs and revenue per calendar quarter of the period.
    quarters: list[Quarter] = field(default_factory=list)
    #: source → money granted in the period, in dirhams where rates allow (per currency otherwise).
    money_in_mad: dict[str, money.Totals] = field(default_factory=dict)

    @property
    def gates_passed(self) -> int:
        return sum(s.gates_passed for s in self.stages)

    @property
    def projects_at_end(self) -> int:
        return sum(s.at_end for s in self.stages)

    @property
    def mentoring_hours(self) -> Decimal:
        return (Decimal(self.mentoring_minutes) / 60).quantize(Decimal("0.1"))

    def kpi_total(self, metric: str) -> dict[str, Decimal]:
        """unit → total of one metric (e.g. revenue by currency)."""
        return {k.unit: k.total for k in self.kpis if k.metric == metric}

    @property
    def jobs_created(self) -> Decimal:
        return sum(self.kpi_total("jobs").values(), Decimal(0))

    def stages_of(self, workflow: str) -> list[StageRow]:
        return [s for s in self.stages if s.workflow == workflow]

    @property
    def workflows(self) -> list[str]:
        return list(dict.fromkeys(s.workflow for s in self.stages))


def project_ids(filters: ReportFilters):
    """The projects the report covers (pole, cohort), as a subquery of ids."""
    stmt = select(Project.id)
    if filters.pole:
        stmt = stmt.where(Project.pole_key == filters.pole)
    if filters.cohort:
        stmt = stmt.where(Project.cohort_id == filters.cohort)
    return stmt


def funders_report(session: Session, filters: ReportFilters, *, members_target: int) -> FundersReport:
    """Compute every figure of the funders' report for the period (a fixed number of queries)."""
    ids = project_ids(filters)
    report = FundersReport(filters=filters, stages=[], members_target=members_target)
    stages = _skeleton(catalog_of(session).all_latest())
    _stage_counts(session, ids, filters, stages, report)
    _movements(session, ids, filters, stages, report)
    _gates(session, ids, filters, stages)
    report.stages = list(stages.values())
    report.kpis, report.kpi_reports_due, report.kpi_reports_submitted = _kpis(session, ids, filters)
    report.money_raised = _money_raised(session, ids, filters)
    report.money_in_mad = series.money_by_source(session, ids, filters.start, filters.end)
    report.quarters = series.quarterly(session, ids, filters.start_at, filters.end_at)
    report.survival = _survival(session, ids, filters)
    _mentoring_and_support(session, ids, filters, report)
    report.members, report.members_joined = session.execute(
        select(func.count(Organisation.id).filter(or_(Organisation.joined_on.is_(None),
                                                      Organisation.joined_on <= filters.end)),
               func.count(Organisation.id).filter(Organisation.joined_on >= filters.start,
                                                  Organisation.joined_on <= filters.end))
        .where(Organisation.membership_status == "member")).one()
    return report


def _skeleton(definitions: list[WorkflowDefinition]) -> dict[tuple[str, str], StageRow]:
    """Every stage of every path, in path order, so an empty period still lists them."""
    return {(d.key, s.name): StageRow(d.key, s.name, s.label, d.label) for d in definitions for s in d.stages}


def _row(stages: dict[tuple[str, str], StageRow], workflow: str, stage: str) -> StageRow:
    if (workflow, stage) not in stages:  # a stage only older versions know
        stages[(workflow, stage)] = StageRow(workflow, stage, stage, workflow)
    return stages[(workflow, stage)]


def state_at(ids, when: dt.datetime):
    """Each project's stage and status at an instant: its latest event before then (subquery)."""
    ranked = (select(ProjectEvent.project_id, ProjectEvent.to_stage.label("stage"),
                     ProjectEvent.to_status.label("status"),
                     func.row_number().over(partition_by=ProjectEvent.project_id,
                                            order_by=(ProjectEvent.at.desc(), ProjectEvent.id.desc())).label("rn"))
              .where(ProjectEvent.project_id.in_(ids), ProjectEvent.at < instant(when)).subquery())
    return select(ranked.c.project_id, ranked.c.stage, ranked.c.status).where(ranked.c.rn == 1).subquery()


def _stage_counts(session: Session, ids, filters: ReportFilters, stages: dict, report: FundersReport) -> None:
    for when, attribute in ((filters.start_at, "at_start"), (filters.end_at, "at_end")):
        state = state_at(ids, when)
        rows = session.execute(
            select(Project.workflow_key, state.c.stage, state.c.status, func.count())
            .join(state, state.c.project_id == Project.id)
            .group_by(Project.workflow_key, state.c.stage, state.c.status))
        for workflow, stage, status, count in rows:
            row = _row(stages, workflow, stage)
            setattr(row, attribute, getattr(row, attribute) + count)
            if attribute == "at_end":
                report.by_status_at_end[status] = report.by_status_at_end.get(status, 0) + count
                if status in IN_PROGRESS:
                    row.in_progress_at_end += count


def _movements(session: Session, ids, filters: ReportFilters, stages: dict, report: FundersReport) -> None:
    """Creations and stage changes in the period: into and out of each stage."""
    in_period = and_(ProjectEvent.project_id.in_(ids), ProjectEvent.at >= instant(filters.start_at),
                     ProjectEvent.at < instant(filters.end_at))
    created = ProjectEvent.from_stage.is_(None)
    moved = and_(ProjectEvent.from_stage.is_not(None), ProjectEvent.from_stage != ProjectEvent.to_stage)
    for workflow, to_stage, entered in session.execute(
            select(Project.workflow_key, ProjectEvent.to_stage, func.count())
            .join(Project, Project.id == ProjectEvent.project_id).where(in_period, or_(created, moved))
            .group_by(Project.workflow_key, ProjectEvent.to_stage)):
        _row(stages, workflow, to_stage).entered = entered
    for workflow, from_stage, left in session.execute(
            select(Project.workflow_key, ProjectEvent.from_stage, func.count())
            .join(Project, Project.id == ProjectEvent.project_id).where(in_period, moved)
            .group_by(Project.workflow_key, ProjectEvent.from_stage)):
        _row(stages, workflow, from_stage).left = left
    report.new_projects, report.moves, report.projects_moved = session.execute(
        select(func.count().filter(created), func.count().filter(moved),
               func.count(distinct(ProjectEvent.project_id)).filter(moved)).where(in_period)).one()


def _gates(session: Session, ids, filters: ReportFilters, stages: dict) -> None:
    """Gates passed in the period, by the stage they closed: one per project and stage visit.

    The history is append-only, so a gate approved twice in one visit (possible before approvals
    were refused) keeps both rows; only the visit's first "go" counts, and only in its period."""
    for workflow, stage, passed in session.execute(
            select(Project.workflow_key, GateDecision.stage, func.count(GateDecision.id))
            .join(Project, Project.id == GateDecision.project_id)
            .where(GateDecision.project_id.in_(ids), GateDecision.decision == "go", ~_approved_earlier_in_visit(),
                   GateDecision.decided_at >= instant(filters.start_at),
                   GateDecision.decided_at < instant(filters.end_at))
            .group_by(Project.workflow_key, GateDecision.stage)):
        _row(stages, workflow, stage).gates_passed = passed


def _approved_earlier_in_visit():
    """EXISTS an earlier "go" on the same project and stage with no stage change in between."""
    earlier, boundary = aliased(GateDecision), aliased(ProjectEvent)
    # A visit ends with any event that enters a stage (creation, a move, a workflow migration).
    stage_entered = select(boundary.id).where(
        boundary.project_id == GateDecision.project_id,
        boundary.id > earlier.event_id, boundary.id < GateDecision.event_id,
        or_(boundary.from_stage.is_(None), boundary.from_stage != boundary.to_stage),
    ).correlate_except(boundary).exists()
    return exists().where(earlier.project_id == GateDecision.project_id, earlier.stage == GateDecision.stage,
                          earlier.decision == "go", earlier.id < GateDecision.id, ~stage_entered)


def exact(value, places: int = 4) -> Decimal:
    """A sum as an exact Decimal, rounded to `places` and written without trailing zeros (1200.5, 3)."""
    rounded = Decimal(value or 0).quantize(Decimal(1).scaleb(-places))
    return Decimal(format(rounded.normalize(), "f"))


def _kpis(session: Session, ids, filters: ReportFilters) -> tuple[list[KpiTotal], int, int]:
    """Sums of every submitted figure whose period ended in the report's period, by metric and unit."""
    ended = and_(KpiReport.project_id.in_(ids), KpiReport.period_end >= instant(filters.start_at),
                 KpiReport.period_end < instant(filters.end_at))
    labels = {m.key: m.label for d in catalog_of(session).all_latest()
              for s in d.stages if s.kpis for m in s.kpis.metrics}
    totals = [
        KpiTotal(metric, labels.get(metric, metric), unit, exact(total), reports, projects)
        for metric, unit, total, reports, projects in session.execute(
            select(KpiValue.metric_key, KpiValue.unit, func.sum(KpiValue.value), func.count(distinct(KpiReport.id)),
                   func.count(distinct(KpiReport.project_id)))
            .join(KpiReport, KpiReport.id == KpiValue.report_id)
            .where(ended, KpiReport.status == "submitted")
            .group_by(KpiValue.metric_key, KpiValue.unit).order_by(KpiValue.metric_key, KpiValue.unit))
    ]
    due, submitted = session.execute(
        select(func.count(KpiReport.id), func.count(KpiReport.id).filter(KpiReport.status == "submitted"))
        .where(ended)).one()
    return totals, due, submitted


def _money_raised(session: Session, ids, filters: ReportFilters) -> list[FundingTotal]:
    """Financing granted in the period (by its decision date), by source and currency."""
    rows = session.execute(
        select(Funding.source, Funding.currency, func.sum(Funding.amount), func.count(Funding.id),
               func.count(distinct(Funding.project_id)))
        .where(Funding.project_id.in_(ids), Funding.status == "granted", Funding.decided_on >= filters.start,
               Funding.decided_on <= filters.end)
        .group_by(Funding.source, Funding.currency).order_by(Funding.source, Funding.currency))
    return [FundingTotal(source, currency, Decimal(amount).quantize(Decimal("0.01")), lines, projects)
            for source, currency, amount, lines, projects in rows]


def _survival(session: Session, ids, filters: ReportFilters) -> list[Survival]:
    """For 1, 2, 3 years: projects old enough at the end of the period, and those not abandoned by that age."""
    dialect = session.get_bind().dialect.name
    columns = []
    for years in SURVIVAL_YEARS:
        old_enough = Project.created_at < instant(filters.end_at - years * YEAR)
        abandoned_young = (select(ProjectEvent.id).where(
            ProjectEvent.project_id == Project.id, ProjectEvent.to_status == "abandoned",
            ProjectEvent.at < instant(filters.end_at),
            days_between(Project.created_at, ProjectEvent.at, dialect) < years * YEAR.days).exists())
        columns += [func.count().filter(old_enough), func.count().filter(and_(old_enough, ~abandoned_young))]
    row = session.execute(select(*columns).where(Project.id.in_(ids))).one()
    return [Survival(years, row[2 * i], row[2 * i + 1]) for i, years in enumerate(SURVIVAL_YEARS)]


def _mentoring_and_support(session: Session, ids, filters: ReportFilters, report: FundersReport) -> None:
    start, end = instant(filters.start_at), instant(filters.end_at)
    report.mentoring_minutes, report.mentoring_sessions, report.projects_mentored = session.execute(
        select(func.coalesce(func.sum(AdviceSession.duration_minutes), 0), func.count(AdviceSession.id),
               func.count(distinct(AdviceSession.project_id)))
        .where(AdviceSession.project_id.in_(ids), AdviceSession.held_at >= start, AdviceSession.held_at < end)).one()
    hours = days_between(Booking.starts_at, Booking.ends_at, session.get_bind().dialect.name) * 24
    booked, held = session.execute(
        select(func.coalesce(func.sum(hours), 0), func.coalesce(func.sum(hours).filter(Booking.status == "held"), 0))
        .where(Booking.project_id.in_(ids), Booking.status != "cancelled", Booking.starts_at >= start,
               Booking.starts_at < end)).one()
    report.office_hours_booked = Decimal(str(round(float(booked), 1)))
    report.office_hours_held = Decimal(str(round(float(held), 1)))
    report.support_opened, report.support_served = session.execute(
        select(func.count().filter(and_(SupportRequest.created_at >= start, SupportRequest.created_at < end)),
               func.count().filter(and_(SupportRequest.status == "closed", SupportRequest.closed_at >= start,
                                        SupportRequest.closed_at < end)))
        .where(SupportRequest.project_id.in_(ids))).one()
