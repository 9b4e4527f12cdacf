"""The managers' pipeline: every number is a SQL aggregate over the filtered projects.

`pipeline(session, filters, now)` runs a small, fixed number of queries whatever the size of
the portfolio: counts, stalled flags, current and historical time in stage (percentiles with
window functions, portable to SQLite), the funnel, mentor load and the board's cards.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import distinct
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.auth.models import User
from app.checkins.models import CheckIn
from app.cluster.models import Funding
from app.cluster.queries import count_members
from app.core import changes
from app.core import statements
from app.core.bounds import DB_INT_MAX
from app.core.models import UTCDateTime
from app.core.sqltime import days_between
from app.core.sqltime import instant
from app.kpis.models import KpiReport
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from app.mentoring.queries import DEFAULT_CAPACITY
from app.pipeline import counters
from app.projects.models import MentorLoad
from app.projects.models import PipelineEntry
from app.projects.models import PipelineFunding
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of
from app.workflow.definition import WorkflowDefinition

CARDS_PER_STAGE = 12
STALLED_LIST = 50
#: Mentors in the load table of the page and the API, the busiest first (exports list them all): what
#: a request computes then stays the same whatever the number of mentors.
MENTOR_LOAD_ROWS = 50


@dataclass(frozen=True)
class Filters:
    pole: str | None = None
    workflow: str | None = None
    status: str | None = None
    #: A cohort's id.
    cohort: int | None = None
    mentor: int | None = None

    def as_args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


@dataclass
class StageFigures:
    workflow: str
    stage: str
    label: str
    count: int = 0
    active: int = 0
    by_pole: dict[str, int] = field(default_factory=dict)
    median_days_now: float | None = None
    p90_days_now: float | None = None
    median_days_done: float | None = None
    p90_days_done: float | None = None
    stalled: int = 0
    stalled_too_long: int = 0
    stalled_overdue: int = 0
    stalled_no_mentor: int = 0
    #: Open KPI reports past their due date.
    late_kpi_reports: int = 0
    reached: int = 0
    conversion: float | None = None
    expected_days: int | None = None
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class Card:
    project_id: int
    name: str
    pole: str
    status: str
    days_in_stage: float
    founders: tuple[str, ...]
    mentors: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class StalledProject:
    project_id: int
    name: str
    workflow: str
    stage: str
    days_in_stage: float
    too_long: bool
    overdue_checkin: bool
    no_mentor: bool


@dataclass(frozen=True)
class MentorLoadRow:
    mentor_id: int
    name: str
    active: int
    capacity: int
    sessions_30: int
    sessions_90: int
    overdue_checkins: int


class FundingRow(NamedTuple):
    """A sum of financing, grouped by source, status, currency, stage and pole (in SQL). A tuple of
    whole cents: a national portfolio has hundreds of these groups, built on every view of the
    pipeline, and most are only summed again."""

    source: str
    status: str
    currency: str
    workflow: str
    stage: str
    pole: str
    cents: int
    lines: int

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents).scaleb(-2)


@dataclass
class Pipeline:
    filters: Filters
    total: int
    by_status: dict[str, int]
    stages: list[StageFigures]
    poles: list[str]
    overdue_checkins: int
    stalled: list[StalledProject]
    mentor_load: list[MentorLoadRow]
    members: int = 0
    #: Every active mentor, when `mentor_load` lists only the busiest.
    mentors_total: int = 0
    funding: list[FundingRow] = field(default_factory=list)
    late_kpi_reports: int = 0

    def funding_by(self, key: str) -> dict[tuple[str, str, str], Decimal]:
        """(key value, status, currency) → amount, e.g. key="source"."""
        cents: dict[tuple[str, str, str], int] = defaultdict(int)
        for row in self.funding:
            cents[(getattr(row, key), row.status, row.currency)] += row.cents
        return {k: Decimal(v).scaleb(-2) for k, v in sorted(cents.items())}

    def stages_of(self, workflow: str) -> list[StageFigures]:
        return [s for s in self.stages if s.workflow == workflow]

    @property
    def workflows(self) -> list[str]:
        return list(dict.fromkeys(s.workflow for s in self.stages))


def _filters_can_match(filters: Filters) -> bool:
    """False for a cohort or mentor id past the ids: they match no project (and would raise binding
    the number on SQLite)."""
    return all(n is None or abs(n) <= DB_INT_MAX for n in (filters.cohort, filters.mentor))


def filtered_projects(filters: Filters) -> Select:
    """The filtered projects, as a statement other queries build on."""
    stmt = select(Project.id, Project.name, Project.workflow_key, Project.workflow_version, Project.stage,
                  Project.status, Project.pole_key, Project.stage_entered_at)
    if filters.pole:
        stmt = stmt.where(Project.pole_key == filters.pole)
    if filters.workflow:
        stmt = stmt.where(Project.workflow_key == filters.workflow)
    if filters.status:
        stmt = stmt.where(Project.status == filters.status)
    if not _filters_can_match(filters):
        return stmt.where(false())
    if filters.cohort:
        stmt = stmt.where(Project.cohort_id == filters.cohort)
    if filters.mentor:
        stmt = stmt.where(select(MentorAssignment.id).where(
            MentorAssignment.project_id == Project.id, MentorAssignment.mentor_id == filters.mentor,
            MentorAssignment.ended_at.is_(None)).exists())
    return stmt


def _too_long(base, now: dt.datetime, definitions: list[WorkflowDefinition]):
    """SQL: the project has been in its stage longer than the stage's expected duration."""
    conditions = []
    for definition in definitions:
        for stage in definition.stages:
            if stage.expected_days:
                conditions.append(and_(base.c.workflow_key == definition.key, base.c.stage == stage.name,
                                       base.c.stage_entered_at < instant(now - dt.timedelta(days=stage.expected_days))))
    return or_(*conditions) if conditions else false()


def stalled_flags(base, now: dt.datetime, definitions: list[WorkflowDefinition]):
    """The stalled rules as SQL flags over `base`'s rows (a subquery of `filtered_projects`): an active
    project is stalled when it stays longer than its stage expects, has an overdue check-in, or has
    no mentor at its stage. The pipeline, the board and the attention list read the same rules."""
    overdue = (select(CheckIn.id).where(CheckIn.project_id == base.c.id, CheckIn.status == "overdue").exists())
    has_mentor = (select(MentorAssignment.id).where(
        MentorAssignment.project_id == base.c.id, MentorAssignment.stage == base.c.stage,
        MentorAssignment.ended_at.is_(None)).exists())
    active = base.c.status == "active"
    too_long = and_(active, _too_long(base, now, definitions))
    return too_long, and_(active, overdue), and_(active, ~has_mentor)


def pipeline(session: Session, filters: Filters, *, now: dt.datetime,
             mentor_rows: int | None = MENTOR_LOAD_ROWS, board: bool = True, stalled_list: bool = True) -> Pipeline:
    """Compute every figure of the pipeline page (a fixed number of queries); the mentor load lists
    the `mentor_rows` busiest mentors (all with None, none with 0); `board` and `stalled_list`:
    whether to read the board's cards and the stalled projects (the API answers neither)."""
    dialect = session.get_bind().dialect.name
    base = filtered_projects(filters).subquery("base")
    definitions = catalog_of(session).all_latest()
    stages = _stage_skeleton(filters, definitions)
    changes.catch_up(session)

    figure = functools.partial(_figures, stages)
    served, whole = counters.served(filters) and _filters_can_match(filters), counters.whole(filters)
    if served:
        total, by_status, poles, overdue_total = counters.counts(session, filters, figure, now)
        if whole:
            counters.percentiles_and_funnel(session, filters.workflow, figure, now)
        else:
            counters.part_percentiles_and_funnel(session, filters, figure, now)
    else:
        total, by_status, poles, overdue_total = _figures_from_projects(session, base, stages, now, definitions)
    for workflow in {s.workflow for s in stages.values()}:
        ordered = [s for s in stages.values() if s.workflow == workflow]
        for previous, current in zip(ordered, ordered[1:], strict=False):
            current.conversion = round(current.reached / previous.reached, 3) if previous.reached else None

    # 6. KPI reports past their due date, by the stage they were opened for
    if served and whole:
        late_total = counters.late_reports(session, filters.workflow, figure, now)
    else:  # the late reports only (`ix_kpi_reports_status_due`), each joined to its project by key
        late_total = 0
        late = (select(KpiReport.project_id, KpiReport.stage).where(KpiReport.status == "open",
                                                                    KpiReport.due_at < instant(now)).subquery())
        for row in session.execute(select(base.c.workflow_key, late.c.stage, func.count())
                                   .select_from(late).join(base, base.c.id == late.c.project_id)
                                   .group_by(base.c.workflow_key, late.c.stage)):
            _figures(stages, row[0], row[1]).late_kpi_reports = row[2]
            late_total += row[2]

    if mentor_rows == 0:
        load, mentors_total = [], 0
    elif mentor_rows is None:
        load, mentors_total = _mentor_load(session, now=now, limit=None)
    else:
        load, mentors_total = _busiest_mentors(session, now=now, limit=mentor_rows)
    stalled = []
    if stalled_list:
        if served:
            stalled = _stalled_from_entries(session, filters, now, dialect)
        else:
            stalled = _stalled_list(session, base, *stalled_flags(base, now, definitions), now, dialect)
    if board:
        _board(session, filters, stages, now, dialect)
    return Pipeline(filters=filters, total=total, by_status=dict(by_status), stages=list(stages.values()),
                    poles=sorted(poles), overdue_checkins=overdue_total, stalled=stalled,
                    mentor_load=load, mentors_total=mentors_total, members=count_members(session),
                    funding=(_funding_from_counters(session, filters.workflow, filters.pole)
                             if served and not (filters.status or filters.cohort) else _funding(session, base)),
                    late_kpi_reports=late_total)


def _figures_from_projects(session: Session, base, stages: dict, now: dt.datetime,
                           definitions: list[WorkflowDefinition]) -> tuple[int, dict, set, int]:
    """Counts, stalled flags, percentiles and funnel aggregated over the filtered projects and their
    history: for the filters the read model does not serve (pole, status, cohort, mentor)."""
    dialect = session.get_bind().dialect.name
    too_long, overdue, no_mentor = stalled_flags(base, now, definitions)
    # 1. counts by workflow, stage, pole and status
    total, by_status, poles = 0, defaultdict(int), set()
    for row in session.execute(select(base.c.workflow_key, base.c.stage, base.c.pole_key, base.c.status,
                                      func.count()).group_by(base.c.workflow_key, base.c.stage, base.c.pole_key,
                                                             base.c.status)):
        figures = _figures(stages, row.workflow_key, row.stage)
        figures.count += row[4]
        figures.by_pole[row.pole_key] = figures.by_pole.get(row.pole_key, 0) + row[4]
        if row.status == "active":
            figures.active += row[4]
        by_status[row.status] += row[4]
        total += row[4]
        poles.add(row.pole_key)

    # 2. stalled flags per stage
    stalled_any = or_(too_long, overdue, no_mentor)
    overdue_total = 0
    for row in session.execute(select(base.c.workflow_key, base.c.stage,
                                      func.count().filter(too_long), func.count().filter(overdue),
                                      func.count().filter(no_mentor), func.count().filter(stalled_any))
                               .group_by(base.c.workflow_key, base.c.stage)):
        figures = _figures(stages, row.workflow_key, row.stage)
        figures.stalled_too_long, figures.stalled_overdue, figures.stalled_no_mentor, figures.stalled = row[2:]
        overdue_total += row[3]

    # 3. how long active projects have been in their stage now
    now_days = select(base.c.workflow_key, base.c.stage,
                      days_between(base.c.stage_entered_at, instant(now), dialect).label("d")
                      ).where(base.c.status == "active").subquery()
    for row in session.execute(counters.percentiles(now_days, ("workflow_key", "stage"))):
        figures = _figures(stages, row.workflow_key, row.stage)
        figures.median_days_now, figures.p90_days_now = _round(row.median), _round(row.p90)

    # 4. completed stays (history): entering a stage until the next stage change
    moves = (select(ProjectEvent.project_id, base.c.workflow_key, ProjectEvent.to_stage.label("stage"),
                    ProjectEvent.at,
                    func.lead(ProjectEvent.at).over(partition_by=ProjectEvent.project_id,
                                                    order_by=ProjectEvent.id).label("left_at"))
             .join(base, base.c.id == ProjectEvent.project_id)
             .where(or_(ProjectEvent.from_stage.is_(None), ProjectEvent.from_stage != ProjectEvent.to_stage))
             .subquery())
    stays = (select(moves.c.workflow_key, moves.c.stage, days_between(moves.c.at, moves.c.left_at, dialect).label("d"))
             .where(moves.c.left_at.is_not(None)).subquery())
    for row in session.execute(counters.percentiles(stays, ("workflow_key", "stage"))):
        figures = _figures(stages, row.workflow_key, row.stage)
        figures.median_days_done, figures.p90_days_done = _round(row.median), _round(row.p90)

    # 5. funnel: projects that ever reached each stage
    for row in session.execute(select(base.c.workflow_key, ProjectEvent.to_stage,
                                      func.count(distinct(ProjectEvent.project_id)))
                               .join(base, base.c.id == ProjectEvent.project_id)
                               .group_by(base.c.workflow_key, ProjectEvent.to_stage)):
        _figures(stages, row.workflow_key, row.to_stage).reached = row[2]
    return total, dict(by_status), poles, overdue_total


def _funding(session: Session, base) -> list[FundingRow]:
    rows = session.execute(
        select(Funding.source, Funding.status, Funding.currency, base.c.workflow_key, base.c.stage, base.c.pole_key,
               func.sum(Funding.amount), func.count(Funding.id))
        .join(base, base.c.id == Funding.project_id)
        .group_by(Funding.source, Funding.status, Funding.currency, base.c.workflow_key, base.c.stage,
                  base.c.pole_key))
    return [FundingRow(*r[:6], int(Decimal(r[6]).quantize(Decimal("0.01")).scaleb(2)), r[7]) for r in rows]


def _funding_from_counters(session: Session, workflow: str | None, pole: str | None = None
                           ) -> list[FundingRow]:
    """The financing summary from the read model's sums (`pipeline_funding`: a few hundred rows at most)."""
    stmt = statements.kept(("pipeline.funding", bool(workflow), bool(pole)),
                           lambda: _funding_statement(bool(workflow), bool(pole)))
    rows = session.execute(stmt, {k: v for k, v in (("workflow", workflow), ("pole", pole)) if v})
    # In the order of their keys, sorted here: PostgreSQL took longer to sort them by six strings.
    return sorted(FundingRow(*row) for row in rows)


def _funding_statement(workflow: bool, pole: bool) -> Select:
    f = PipelineFunding
    stmt = select(f.source, f.status, f.currency, f.workflow_key, f.stage, f.pole_key, f.cents, f.n).where(f.n != 0)
    if workflow:
        stmt = stmt.where(f.workflow_key == bindparam("workflow"))
    return stmt.where(f.pole_key == bindparam("pole")) if pole else stmt


def _stage_skeleton(filters: Filters, definitions: list[WorkflowDefinition]) -> dict[tuple[str, str], StageFigures]:
    """Every stage of the workflows in view, in path order, so empty stages still show."""
    stages: dict[tuple[str, str], StageFigures] = {}
    for definition in definitions:
        if filters.workflow and definition.key != filters.workflow:
            continue
        for stage in definition.stages:
            stages[(definition.key, stage.name)] = StageFigures(
                workflow=definition.key, stage=stage.name, label=stage.label, expected_days=stage.expected_days)
    return stages


def _figures(stages: dict, workflow: str, stage: str) -> StageFigures:
    """The figures of a stage; a stage only older versions know is added at the end."""
    if (workflow, stage) not in stages:
        stages[(workflow, stage)] = StageFigures(workflow=workflow, stage=stage, label=stage)
    return stages[(workflow, stage)]


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _stalled_list(session, base, too_long, overdue, no_mentor, now, dialect) -> list[StalledProject]:
    days = days_between(base.c.stage_entered_at, instant(now), dialect)
    rows = session.execute(
        select(base.c.id, base.c.name, base.c.workflow_key, base.c.stage, days.label("days"),
               too_long.label("too_long"), overdue.label("overdue"), no_mentor.label("no_mentor"))
        .where(or_(too_long, overdue, no_mentor))
        .order_by(base.c.stage_entered_at, base.c.id).limit(STALLED_LIST))
    return [StalledProject(r.id, r.name, r.workflow_key, r.stage, round(float(r.days), 1), bool(r.too_long),
                           bool(r.overdue), bool(r.no_mentor)) for r in rows]


def _stalled_from_entries(session: Session, filters: Filters, now: dt.datetime, dialect: str
                          ) -> list[StalledProject]:
    """The first stalled projects (longest in their stage first) from the read model's entries: active
    entries in order of entering their stage (`ix_pipeline_entries_waiting`'s columns), the first
    STALLED_LIST that stay too long, have an overdue check-in or no mentor."""
    shape = counters.part_shape(filters)
    stmt = statements.kept(("pipeline.stalled", dialect, shape), lambda: _stalled_statement(shape, dialect))
    return [StalledProject(r.project_id, r.name, r.workflow_key, r.stage, round(float(r.days), 1), bool(r.too_long),
                           bool(r.is_overdue), not r.has_mentor)
            for r in session.execute(stmt, {"now": now, **counters.part_params(filters)})]


def _stalled_statement(shape: tuple[str, ...], dialect: str) -> Select:
    e = PipelineEntry
    now = bindparam("now", type_=UTCDateTime())
    too_long = and_(e.stall_at.is_not(None), e.stall_at <= now)
    return (select(e.project_id, Project.name, e.workflow_key, e.stage,
                   days_between(e.stage_entered_at, now, dialect).label("days"), too_long.label("too_long"),
                   e.is_overdue, e.has_mentor)
            .join(Project, Project.id == e.project_id)
            .where(e.status == "active", or_(too_long, e.is_overdue.is_(True), e.has_mentor.is_(False)),
                   *counters.part_conditions(e, shape))
            .order_by(e.stage_entered_at, e.project_id).limit(STALLED_LIST))


def _board(session, filters: Filters, stages, now, dialect) -> None:
    """The first cards of each column (longest in stage first), with founders and mentors.

    Each column's first cards are one ORDER BY … LIMIT read from `ix_projects_board` (ranking every
    project with a window function grew with the portfolio); their stalled flags are their entries'
    in the read model. The statement is built once per filters and stages (`app.core.statements`).
    """
    if not stages:
        return
    if dialect == "postgresql":
        rows = session.execute(statements.kept(("pipeline.board", dialect, filters),
                                               lambda: _board_statement_postgresql(filters)),
                               {"now": now, "cards": CARDS_PER_STAGE, "board_w": [w for w, _ in stages],
                                "board_s": [s for _, s in stages]})
        for r in rows:
            _add_card(stages, r, tuple(r.founders or ()), tuple(r.mentors or ()))
        return
    rows = session.execute(statements.kept(("pipeline.board", dialect, filters, tuple(stages)),
                                           lambda: _board_statement(filters, tuple(stages), dialect)),
                           {"now": now, "cards": CARDS_PER_STAGE}).all()
    ids = [r.id for r in rows]
    # The cards' founders and open assignments' mentors, by name, in one statement.
    # Each name read by its user's key: as a join, PostgreSQL merged with every user.
    def name_of(user_id):
        return select(User.name).where(User.id == user_id).scalar_subquery().label("name")

    people = union_all(
        select(literal("founder").label("role"), ProjectMember.project_id, name_of(ProjectMember.user_id))
        .where(ProjectMember.project_id.in_(ids)),
        select(literal("mentor"), MentorAssignment.project_id, name_of(MentorAssignment.mentor_id))
        .where(MentorAssignment.project_id.in_(ids), MentorAssignment.ended_at.is_(None))).subquery()
    founders: dict[int, list[str]] = defaultdict(list)
    mentors: dict[int, list[str]] = defaultdict(list)
    for role, project_id, name in session.execute(select(people).order_by(people.c.name)):
        (founders if role == "founder" else mentors)[project_id].append(name)
    for r in rows:
        _add_card(stages, r, tuple(founders[r.id]), tuple(mentors[r.id]))


def _add_card(stages: dict, r, founders: tuple[str, ...], mentors: tuple[str, ...]) -> None:
    reasons = tuple(k for k, flag in (("too_long", r.too_long), ("overdue_checkin", r.overdue),
                                      ("no_mentor", r.no_mentor)) if flag)
    _figures(stages, r.workflow_key, r.stage).cards.append(Card(
        r.id, r.name, r.pole_key, r.status, round(float(r.days), 1), founders, mentors, reasons))


def _busiest_mentors(session: Session, *, now: dt.datetime, limit: int) -> tuple[list[MentorLoadRow], int]:
    """The `limit` busiest active mentors (the same rows and order as `_mentor_load`), from the read
    model's open assignments per mentor (`mentor_loads`): the loads at or above the `limit`-th
    largest, then sessions and overdue check-ins of those mentors only (their indexes). One statement."""
    stmt = statements.kept(("pipeline.busiest", limit), lambda: _busiest_statement(limit))
    rows = session.execute(stmt, {"since30": now - dt.timedelta(days=30), "since90": now - dt.timedelta(days=90)}
                           ).all()
    return [MentorLoadRow(*row[:7]) for row in rows], rows[0].total if rows else 0


def _busiest_statement(limit: int) -> Select:
    ml = MentorLoad
    mentor = and_(User.role == "mentor", User.is_disabled.is_(False))
    # The loads from the largest down (`ix_mentor_loads_n`), each mentor's account checked by its key:
    # a scalar subquery, which PostgreSQL keeps per row (as a join it misjudged how many loads are
    # mentors' and merged with every user).
    is_mentor = select(User.id).where(User.id == ml.mentor_id, mentor).scalar_subquery()
    threshold = (select(ml.n).where(ml.n > 0, is_mentor.is_not(None))
                 .order_by(ml.n.desc()).offset(limit - 1).limit(1).scalar_subquery())
    active = func.coalesce(ml.n, 0)
    top = (select(User.id, User.name, active.label("active"))
           .outerjoin(ml, ml.mentor_id == User.id)
           .where(mentor, active >= func.coalesce(threshold, 0))
           .order_by(active.desc(), User.name, User.id).limit(limit).subquery("top"))
    sessions = (select(func.count()).where(AdviceSession.mentor_id == top.c.id,
                                           AdviceSession.held_at >= bindparam("since90", type_=UTCDateTime())))
    s30 = (select(func.count()).where(AdviceSession.mentor_id == top.c.id,
                                      AdviceSession.held_at >= bindparam("since30", type_=UTCDateTime())))
    overdue = select(func.count()).where(CheckIn.mentor_id == top.c.id, CheckIn.status == "overdue")
    capacity = select(MentorProfile.capacity).where(MentorProfile.user_id == top.c.id)
    total = select(func.count()).select_from(User).where(mentor)
    return (select(top.c.id, top.c.name, top.c.active,
                   func.coalesce(capacity.scalar_subquery(), DEFAULT_CAPACITY), s30.scalar_subquery(),
                   sessions.scalar_subquery(), overdue.scalar_subquery(), total.scalar_subquery().label("total"))
            .order_by(top.c.active.desc(), top.c.name, top.c.id))


def _board_statement(filters: Filters, stages: tuple[tuple[str, str], ...], dialect: str) -> Select:
    base = filtered_projects(filters).subquery("base")
    columns = [select(base).where(base.c.workflow_key == workflow, base.c.stage == stage)
               .order_by(base.c.stage_entered_at, base.c.id).limit(bindparam("cards", type_=Integer)).subquery()
               for workflow, stage in stages]
    top = union_all(*(select(column) for column in columns)).subquery("top")
    now = bindparam("now", type_=UTCDateTime())
    e = PipelineEntry
    active = top.c.status == "active"
    too_long = and_(active, e.stall_at.is_not(None), e.stall_at <= now)
    return (select(top, days_between(top.c.stage_entered_at, now, dialect).label("days"), too_long.label("too_long"),
                   and_(active, e.is_overdue.is_(True)).label("overdue"),
                   and_(active, e.has_mentor.is_(False)).label("no_mentor"))
            .join(e, e.project_id == top.c.id)
            .order_by(top.c.workflow_key, top.c.stage, top.c.stage_entered_at, top.c.id))


def _board_statement_postgresql(filters: Filters) -> Select:
    """PostgreSQL: the board in one short statement whatever the stages (arrays `board_w`, `board_s`):
    each column's first cards a lateral `ORDER BY … LIMIT` on `ix_projects_board`, their founders and
    mentors as arrays by name. (The union of a subquery per column, and the names apart, took
    PostgreSQL longer to plan than to run.)"""
    columns = func.unnest(bindparam("board_w", type_=ARRAY(String)), bindparam("board_s", type_=ARRAY(String))
                          ).table_valued("w", "s").render_derived()
    top = (filtered_projects(filters).where(Project.workflow_key == columns.c.w, Project.stage == columns.c.s)
           .order_by(Project.stage_entered_at, Project.id).limit(bindparam("cards", type_=Integer)).lateral("top"))
    now = bindparam("now", type_=UTCDateTime())
    e = PipelineEntry
    active = top.c.status == "active"
    too_long = and_(active, e.stall_at.is_not(None), e.stall_at <= now)
    founders = (select(func.array_agg(aggregate_order_by(User.name, User.name)))
                .select_from(ProjectMember).join(User, User.id == ProjectMember.user_id)
                .where(ProjectMember.project_id == top.c.id).scalar_subquery())
    mentors = (select(func.array_agg(aggregate_order_by(User.name, User.name)))
               .select_from(MentorAssignment).join(User, User.id == MentorAssignment.mentor_id)
               .where(MentorAssignment.project_id == top.c.id, MentorAssignment.ended_at.is_(None)).scalar_subquery())
    return (select(top, days_between(top.c.stage_entered_at, now, "postgresql").label("days"),
                   too_long.label("too_long"), and_(active, e.is_overdue.is_(True)).label("overdue"),
                   and_(active, e.has_mentor.is_(False)).label("no_mentor"),
                   founders.label("founders"), mentors.label("mentors"))
            .select_from(columns).join(top, true()).join(e, e.project_id == top.c.id)
            .order_by(top.c.workflow_key, top.c.stage, top.c.stage_entered_at, top.c.id))


def mentor_load(session: Session, *, now: dt.datetime, limit: int | None = None) -> list[MentorLoadRow]:
    """Active mentees against capacity, sessions in the last 30/90 days, overdue check-ins (of the
    `limit` busiest mentors if given)."""
    return _mentor_load(session, now=now, limit=limit)[0]


def _mentor_load(session: Session, *, now: dt.datetime, limit: int | None) -> tuple[list[MentorLoadRow], int]:
    """The mentor load rows and how many active mentors there are in all (one statement)."""
    active = (select(MentorAssignment.mentor_id, func.count().label("n"))
              .where(MentorAssignment.ended_at.is_(None)).group_by(MentorAssignment.mentor_id).subquery())
    sessions = (select(AdviceSession.mentor_id,
                       func.count().filter(AdviceSession.held_at >= instant(now - dt.timedelta(days=30))).label("s30"),
                       func.count().label("s90"))
                .where(AdviceSession.held_at >= instant(now - dt.timedelta(days=90)))
                .group_by(AdviceSession.mentor_id).subquery())
    overdue = (select(CheckIn.mentor_id, func.count().label("n")).where(CheckIn.status == "overdue")
               .group_by(CheckIn.mentor_id).subquery())
    rows = session.execute(
        select(User.id, User.name, func.coalesce(active.c.n, 0), func.coalesce(MentorProfile.capacity,
                                                                               DEFAULT_CAPACITY),
               func.coalesce(sessions.c.s30, 0), func.coalesce(sessions.c.s90, 0), func.coalesce(overdue.c.n, 0),
               func.count().over().label("total"))
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .outerjoin(active, active.c.mentor_id == User.id)
        .outerjoin(sessions, sessions.c.mentor_id == User.id)
        .outerjoin(overdue, overdue.c.mentor_id == User.id)
        .where(User.role == "mentor", User.is_disabled.is_(False))
        .order_by(func.coalesce(active.c.n, 0).desc(), User.name, User.id).limit(limit)).all()
    return [MentorLoadRow(*row[:7]) for row in rows], rows[0].total if rows else 0


#: Mentors a typed name may match before the page asks for more of it.
MENTOR_MATCHES = 10


@dataclass(frozen=True)
class MentorChoice:
    mentor_id: int
    name: str


@dataclass(frozen=True)
class MentorFilter:
    """The page's mentor filter: a name typed in the field (a national cluster has thousands of
    mentors: a list of them all was the largest part of the page) or a mentor's id from a link."""

    #: What the field shows: the chosen mentor's name, or what was typed.
    text: str = ""
    mentor_id: int | None = None
    #: Typed text that names no single mentor: the active mentors whose name contains it (at most
    #: MENTOR_MATCHES + 1: one more says there are more).
    matches: tuple[MentorChoice, ...] = ()

    @property
    def unresolved(self) -> bool:
        return bool(self.text) and self.mentor_id is None

    @property
    def shown(self) -> tuple[MentorChoice, ...]:
        return self.matches[:MENTOR_MATCHES]

    @property
    def more(self) -> bool:
        return len(self.matches) > MENTOR_MATCHES


def mentor_filter(session: Session, mentor_id: int | None, text: str) -> MentorFilter:
    """Resolve the mentor filter: an id wins; else the one active mentor whose name is `text` (case
    aside), or the only one whose name contains it; else the candidates, none applied."""
    if mentor_id is not None:
        name = session.scalar(select(User.name).where(User.id == mentor_id, User.role == "mentor")) \
            if abs(mentor_id) <= DB_INT_MAX else None
        return MentorFilter(name or "", mentor_id)
    text = " ".join(text.split())
    if not text:
        return MentorFilter()
    matches = tuple(MentorChoice(*row) for row in session.execute(
        select(User.id, User.name)
        .where(User.role == "mentor", User.is_disabled.is_(False), User.name.icontains(text, autoescape=True))
        .order_by(User.name, User.id).limit(MENTOR_MATCHES + 1)))
    exact = [m for m in matches if m.name.casefold() == text.casefold()]
    chosen = exact if len(exact) == 1 else matches if len(matches) == 1 else ()
    if chosen:
        return MentorFilter(chosen[0].name, chosen[0].mentor_id)
    return MentorFilter(text, None, matches)
