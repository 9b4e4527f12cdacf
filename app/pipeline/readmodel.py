"""The pipeline's read model: counters the pipeline, the attention list and the projects list read
instead of aggregating every project and every event.

- `pipeline_entries`: one row per project (workflow, version, stage, pole, status, cohort, the
  instant it outstays its stage, whether it has an overdue check-in and a mentor at its stage, the
  stages it reached, how many completed stays it has);
- `pipeline_counts`: projects per (workflow, version, stage, pole, status, cohort, flags);
- `pipeline_histograms`: active projects by month of entering their stage (`now`), completed stays
  by a logarithmic bucket of their length (`done`), projects that reached each stage (`reached`);
- `stage_passages`: the completed stays themselves.

Every row is a function of the source tables (projects, their history, check-ins, assignments),
kept in the transaction of the writes that change them: the ORM's flushes note the projects whose
rows (or whose check-ins, assignments, history) changed, set-based services note theirs
(`app.core.changes`), and before the transaction commits `catch_up` recomputes those projects'
entries and moves their counts from the old groups to the new ones. Nothing is cached: a reader
sees the state of the last committed write (and its own transaction's writes).

The one input that moves with the clock, "longer in its stage than expected", is exact at any
instant: the entry keeps its `stall_at`; the sweep flags the ones whose instant passed
(`mark_too_long`) and readers add those that passed since (`pending_too_long`: an index range).

`rebuild(session, now)` recomputes everything from the source tables (`flask pipeline rebuild`,
the migration that created the tables, the bench's generator, `flask data import`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import delete
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.checkins.models import CheckIn
from app.cluster.models import Funding
from app.core import changes
from app.core import statements
from app.kpis.models import KpiReport
from app.mentoring.models import MentorAssignment
from app.projects.models import MentorLoad
from app.projects.models import PipelineCount
from app.projects.models import PipelineEntry
from app.projects.models import PipelineFunding
from app.projects.models import PipelineHistogram
from app.projects.models import PipelineLateReport
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import StagePassage
from app.workflow.catalog import catalog_of

CHUNK = 500
#: The project columns an entry depends on (a write to another column leaves the counters alone).
WATCHED = ("workflow_key", "workflow_version", "stage", "pole_key", "status", "cohort_id", "stage_entered_at")
COUNT_KEY = ("workflow_key", "workflow_version", "stage", "pole_key", "status", "cohort_id", "is_too_long",
             "is_overdue", "has_mentor")
#: Buckets per doubling of a stay's length (`done` histogram): a percentile walks one bucket.
BUCKETS_PER_DOUBLING = 8
_BUSY = "pipeline_readmodel_busy"
OLD_COLUMNS = ("project_id", *COUNT_KEY, "stage_entered_at", "stall_at", "reached", "passages", "mentors", "funding")
FUNDING_KEY = ("source", "status", "currency", "workflow_key", "stage", "pole_key")
#: `session.info` key: projects whose financing changed in this transaction (their sums are read again).
_FUNDING = "pipeline_readmodel_funding"
#: `session.info` key: (project, stage) → change of its KPI reports counted late (a report counted late
#: was submitted or deleted).
_LATE = "pipeline_readmodel_late"


def days_bucket(days: float) -> int:
    """The `done` histogram's bucket of a stay of `days` days (logarithmic: 8 per doubling)."""
    return int(math.log2(max(days, 0.0) + 1.0) * BUCKETS_PER_DOUBLING)


def month_bucket(entered: dt.datetime) -> int:
    """The `now` histogram's bucket of an entry instant: minus its month number, so ascending
    buckets are ascending times in stage."""
    return -(entered.year * 12 + entered.month - 1)


def month_of(bucket: int) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) instants of a `now` bucket."""
    number = -bucket
    start = dt.datetime(number // 12, number % 12 + 1, 1, tzinfo=dt.UTC)
    after = number + 1
    return start, dt.datetime(after // 12, after % 12 + 1, 1, tzinfo=dt.UTC)


def stay_days(entered: dt.datetime, left: dt.datetime) -> float:
    return (left - entered).total_seconds() / 86400.0


# -- computing entries from the source tables ------------------------------------------------------

def _expected_days(session: Session) -> dict[tuple[str, str], int]:
    """(workflow, stage) → expected days, from the latest definitions (the pipeline's stalled rule)."""
    return {(d.key, s.name): s.expected_days for d in catalog_of(session).all_latest() for s in d.stages
            if s.expected_days}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _kept(session: Session, name: str, build, *key) -> object:
    """The read model's statement `name` for this session's dialect, built once (`app.core.statements`):
    the statements run in every write's transaction, and building them cost more than running them."""
    dialect = _dialect(session)
    return statements.kept(("readmodel", name, dialect, *key), lambda: build(dialect, *key))


def _id_list(dialect: str, column):
    """SQL aggregate: the ids of `column`, space-separated (any order)."""
    if dialect == "postgresql":
        return func.string_agg(cast(column, String), " ")
    return func.group_concat(column, " ")


def _ids():
    """The bound list of project ids a kept statement reads (`ids=[…]` at execution)."""
    return bindparam("ids", expanding=True)


def _source_rows_statement(dialect: str):
    overdue = select(CheckIn.id).where(CheckIn.project_id == Project.id, CheckIn.status == "overdue").exists()
    mentor = select(MentorAssignment.id).where(
        MentorAssignment.project_id == Project.id, MentorAssignment.stage == Project.stage,
        MentorAssignment.ended_at.is_(None)).exists()
    mentors = (select(_id_list(dialect, MentorAssignment.mentor_id))
               .where(MentorAssignment.project_id == Project.id, MentorAssignment.ended_at.is_(None))
               .scalar_subquery())
    return (select(Project.id, Project.workflow_key, Project.workflow_version, Project.stage, Project.pole_key,
                   Project.status, func.coalesce(Project.cohort_id, 0), Project.stage_entered_at,
                   overdue.label("is_overdue"), mentor.label("has_mentor"), mentors.label("mentors"),
                   *(PipelineEntry.__table__.c[k].label(f"old_{k}") for k in OLD_COLUMNS))
            .outerjoin(PipelineEntry, PipelineEntry.project_id == Project.id)
            .where(Project.id.in_(_ids())).order_by(Project.id))


def _source_rows(session: Session, ids: list[int]):
    return session.execute(_kept(session, "source_rows", _source_rows_statement), {"ids": ids}).all()


def _history_statement(dialect: str):
    return (select(ProjectEvent.project_id, ProjectEvent.from_stage, ProjectEvent.to_stage, ProjectEvent.at)
            .where(ProjectEvent.project_id.in_(_ids())).order_by(ProjectEvent.project_id, ProjectEvent.id))


def _history(session: Session, ids: list[int]) -> dict[int, tuple[set[str], list[tuple]]]:
    """Per project: the stages it reached and its completed stays (stage, entered, left), in order."""
    reached: dict[int, set[str]] = defaultdict(set)
    moves: dict[int, list] = defaultdict(list)
    for pid, from_stage, to_stage, at in session.execute(_kept(session, "history", _history_statement),
                                                         {"ids": ids}):
        reached[pid].add(to_stage)
        if from_stage is None or from_stage != to_stage:
            moves[pid].append((to_stage, at))
    return {pid: (reached[pid], [(stage, at, nxt[1]) for (stage, at), nxt in zip(m, m[1:], strict=False)])
            for pid, m in moves.items()} | {pid: (reached[pid], []) for pid in reached if pid not in moves}


def _funding_statement(dialect: str):
    return (select(Funding.project_id, Funding.source, Funding.status, Funding.currency, Funding.amount)
            .where(Funding.project_id.in_(_ids())))


def _funding(session: Session, ids: list[int]) -> dict[int, str]:
    """Per project: its financing summed per (source, status, currency), as `PipelineEntry.funding`."""
    sums: dict[int, Counter] = defaultdict(Counter)
    for pid, source, status, currency, amount in session.execute(_kept(session, "funding", _funding_statement),
                                                                 {"ids": ids}):
        cents = int((Decimal(amount) * 100).to_integral_value())
        sums[pid][(source, status, currency, "cents")] += cents
        sums[pid][(source, status, currency, "n")] += 1
    return {pid: " ".join(sorted(f"{k[0]}:{k[1]}:{k[2]}:{c[(*k[:3], 'cents')]}:{n}"
                                 for k, n in c.items() if k[3] == "n")) for pid, c in sums.items()}


def _funding_lines(text: str) -> list[tuple[str, str, str, int, int]]:
    lines = []
    for part in text.split():
        source, status, currency, cents, n = part.split(":")
        lines.append((source, status, currency, int(cents), int(n)))
    return lines


def _old_entry(row) -> dict | None:
    """The entry a source row had (its `old_` columns), or None."""
    if row.old_project_id is None:
        return None
    return {k: getattr(row, f"old_{k}") for k in OLD_COLUMNS}


def _entry(row, expected: dict, too_long_at: dt.datetime | None) -> dict:
    """The entry of a source row; `too_long_at`: flag it if its stall instant is at or before then
    (a rebuild), else keep the old entry's flag while its stall instant is unchanged."""
    stall_at = None
    days = expected.get((row.workflow_key, row.stage))
    if row.status == "active" and days:
        stall_at = row.stage_entered_at + dt.timedelta(days=days)
    old = _old_entry(row)
    if too_long_at is not None:
        flagged = stall_at is not None and stall_at <= too_long_at
    else:
        flagged = bool(old is not None and old["is_too_long"] and old["stall_at"] == stall_at and stall_at is not None)
    return {"project_id": row.id, "workflow_key": row.workflow_key, "workflow_version": row.workflow_version,
            "stage": row.stage, "pole_key": row.pole_key, "status": row.status, "cohort_id": row[6],
            "stage_entered_at": row.stage_entered_at, "stall_at": stall_at, "is_too_long": flagged,
            "is_overdue": bool(row.is_overdue), "has_mentor": bool(row.has_mentor),
            "reached": old["reached"] if old is not None else "", "passages": old["passages"] if old is not None else 0,
            "mentors": " ".join(sorted(row.mentors.split(), key=int)) if row.mentors else "",
            "funding": old["funding"] if old is not None else ""}


# -- applying deltas -------------------------------------------------------------------------------

class Deltas:
    """Changes to the counters, histograms and passages of a batch of projects, written at once."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.histograms: Counter = Counter()
        self.entries: list[dict] = []
        self.passages: list[dict] = []
        self.loads: Counter = Counter()
        self.funding: Counter = Counter()

    def move(self, old: dict | None, new: dict | None) -> None:
        for entry, sign in ((old, -1), (new, 1)):
            if entry is None:
                continue
            self.counts[tuple(entry[k] for k in COUNT_KEY)] += sign
            if entry["status"] == "active":
                self.histograms[("now", entry["workflow_key"], entry["stage"],
                                 month_bucket(entry["stage_entered_at"]))] += sign
        for entry, sign in ((old, -1), (new, 1)):
            if entry is None:
                continue
            for mentor in entry["mentors"].split():
                self.loads[(int(mentor),)] += sign
            place = (entry["workflow_key"], entry["stage"], entry["pole_key"])
            for source, status, currency, cents, n in _funding_lines(entry["funding"]):
                self.funding[(source, status, currency, *place, "cents")] += sign * cents
                self.funding[(source, status, currency, *place, "n")] += sign * n
        before = set((old or {}).get("reached", "").split())
        after = set((new or {}).get("reached", "").split())
        workflow = (new or old)["workflow_key"]
        for stage in after - before:
            self.histograms[("reached", workflow, stage, 0)] += 1
        for stage in before - after:
            self.histograms[("reached", workflow, stage, 0)] -= 1

    def stays(self, project_id: int, workflow: str, stays: list[tuple], start: int) -> None:
        for position, (stage, entered, left) in enumerate(stays[start:], start):
            days = stay_days(entered, left)
            bucket = days_bucket(days)
            self.passages.append({"project_id": project_id, "position": position, "workflow_key": workflow,
                                  "stage": stage, "entered_at": entered, "left_at": left, "days": days,
                                  "bucket": bucket})
            self.histograms[("done", workflow, stage, bucket)] += 1

    def write(self, session: Session) -> None:
        # Sorted keys: concurrent transactions lock the counter rows in one order (no deadlock).
        _add(session, PipelineCount, COUNT_KEY, sorted((k, n) for k, n in self.counts.items() if n))
        _add(session, PipelineHistogram, ("kind", "workflow_key", "stage", "bucket"),
             sorted((k, n) for k, n in self.histograms.items() if n))
        _add(session, MentorLoad, ("mentor_id",), sorted((k, n) for k, n in self.loads.items() if n))
        funding = sorted({k[:-1] for k, n in self.funding.items() if n})
        if funding:
            session.execute(_kept(session, "add_funding", _add_funding_statement),
                            [dict(zip(FUNDING_KEY, k, strict=True), cents=self.funding[(*k, "cents")],
                                  n=self.funding[(*k, "n")]) for k in funding])
        if self.entries:
            session.execute(_kept(session, "put_entries", _put_entries_statement, tuple(self.entries[0])),
                            sorted(self.entries, key=lambda e: e["project_id"]))
        if self.passages:
            session.execute(StagePassage.__table__.insert(), self.passages)


def _insert(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _add_funding_statement(dialect: str):
    stmt = _insert(dialect)(PipelineFunding.__table__)
    table = PipelineFunding.__table__
    return stmt.on_conflict_do_update(index_elements=list(FUNDING_KEY), set_={
        "cents": table.c.cents + stmt.excluded.cents, "n": table.c.n + stmt.excluded.n})


def _put_entries_statement(dialect: str, names: tuple[str, ...]):
    """Upsert entries with the columns `names` (project_id among them)."""
    stmt = _insert(dialect)(PipelineEntry.__table__)
    columns = {c: stmt.excluded[c] for c in names if c != "project_id"}
    return stmt.on_conflict_do_update(index_elements=["project_id"], set_=columns)


def _add_statement(dialect: str, model, key: tuple[str, ...]):
    stmt = _insert(dialect)(model.__table__)
    return stmt.on_conflict_do_update(index_elements=list(key), set_={"n": model.__table__.c.n + stmt.excluded.n})


def _add(session: Session, model, key: tuple[str, ...], deltas: list[tuple[tuple, int]]) -> None:
    """Add each delta to its row's `n` (created at the delta when missing), in one statement."""
    if not deltas:
        return
    session.execute(_kept(session, "add", _add_statement, model, key),
                    [dict(zip(key, k, strict=True), n=n) for k, n in deltas])


# -- keeping it current ----------------------------------------------------------------------------

def refresh(session: Session, ids: Iterable[int], *, with_history: Iterable[int] = ()) -> None:
    """Recompute the entries of projects `ids` and move their counts (`with_history`: projects whose
    history grew, whose reached stages and completed stays are read again)."""
    ids = sorted(set(ids))
    history = set(with_history)
    financed = session.info.pop(_FUNDING, set())
    expected = _expected_days(session)
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset:offset + CHUNK]
        rows = _source_rows(session, chunk)
        reread = [r.id for r in rows if r.id in history or r.old_project_id is None]
        stays = _history(session, reread) if reread else {}
        refinanced = [r.id for r in rows if r.id in financed or r.old_project_id is None]
        funding = _funding(session, refinanced) if refinanced else {}
        deltas = Deltas()
        for row in rows:
            old, new = _old_entry(row), _entry(row, expected, None)
            if row.id in refinanced:
                new["funding"] = funding.get(row.id, "")
            if row.id in stays:
                reached, passages = stays[row.id]
                new["reached"] = " ".join(sorted(reached))
                if len(passages) > new["passages"]:
                    deltas.stays(row.id, row.workflow_key, passages, new["passages"])
                    new["passages"] = len(passages)
            if old is not None and all(old[k] == new[k] for k in old if k != "project_id"):
                continue
            deltas.move(old, new)
            deltas.entries.append(new)
        deltas.write(session)


def catch_up(session: Session) -> None:
    """Apply the projects this transaction changed (see `app.core.changes`)."""
    if session.info.get(_BUSY):
        return
    session.flush()  # the last writes' flush notes their projects
    session.info[_BUSY] = True
    try:
        while True:
            ids, with_history = changes.take(session)
            if not ids:
                break
            refresh(session, ids, with_history=with_history)
            _apply_late(session)
    finally:
        session.info.pop(_BUSY, None)


def _changed(obj, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _note_flush(session: Session, flush_context) -> None:
    """After each ORM flush: note the projects whose entry may have changed."""
    if session.info.get(_BUSY):
        return
    projects: set[int] = set()
    events: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Project):
            if obj in session.new or _changed(obj, WATCHED):
                projects.add(obj.id)
        elif isinstance(obj, ProjectEvent):
            events.add(obj.project_id)
        elif isinstance(obj, CheckIn):
            if obj in session.new or obj in session.deleted or _changed(obj, ("status",)):
                projects.add(obj.project_id)
        elif isinstance(obj, MentorAssignment):
            projects.add(obj.project_id)
        elif isinstance(obj, Funding):
            projects.add(obj.project_id)
            session.info.setdefault(_FUNDING, set()).add(obj.project_id)
        elif isinstance(obj, KpiReport):
            change = _late_change(session, obj)
            if change:
                session.info.setdefault(_LATE, Counter())[(obj.project_id, obj.stage)] += change
                projects.add(obj.project_id)
    changes.note_projects(session, projects | events)
    changes.note_projects(session, events, events=True)


def _late_change(session: Session, report: KpiReport) -> int:
    """How this flush changes the report's place among those counted late: -1, 0 or +1."""
    state = inspect(report)

    def values(name: str) -> tuple:
        history = state.attrs[name].history
        kept = list(history.unchanged)
        return (history.deleted or kept or [None])[0], (history.added or kept or [None])[0]

    (old_status, new_status), (old_flag, new_flag) = values("status"), values("is_counted_late")
    before = report not in session.new and old_status == "open" and bool(old_flag)
    after = report not in session.deleted and new_status == "open" and bool(new_flag)
    return int(after) - int(before)


def _apply_late(session: Session) -> None:
    """Move the late-report counters by this transaction's changes (`_LATE`)."""
    late = {k: n for k, n in session.info.pop(_LATE, Counter()).items() if n}
    if not late:
        return
    workflows = dict(session.execute(select(Project.id, Project.workflow_key)
                                     .where(Project.id.in_({pid for pid, _stage in late}))).all())
    deltas: Counter = Counter()
    for (pid, stage), n in late.items():
        if pid in workflows:
            deltas[(workflows[pid], stage)] += n
    _add(session, PipelineLateReport, ("workflow_key", "stage"), sorted((k, n) for k, n in deltas.items() if n))


def _before_commit(session: Session) -> None:
    catch_up(session)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed (applied) or rolled back
        changes.forget(session)
        session.info.pop(_FUNDING, None)
        session.info.pop(_LATE, None)


def connect() -> None:
    """Keep the read model in every session's transactions (kept once; `app.areas.connect` calls it)."""
    changes.on_catch_up(catch_up)
    for name, function in (("after_flush", _note_flush), ("before_commit", _before_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)


# -- the clock -------------------------------------------------------------------------------------

def _stall_drift(now: dt.datetime):
    """Entries whose flag disagrees with `now`: passed but not flagged, or flagged ahead of `now`."""
    return or_(and_(PipelineEntry.is_too_long.is_(False), PipelineEntry.stall_at <= now),
               and_(PipelineEntry.is_too_long.is_(True), PipelineEntry.stall_at > now))


def mark_too_long(session: Session, *, now: dt.datetime) -> int:
    """Flag the entries whose stall instant passed by `now` (the sweep calls it): the readers' range
    of not-yet-flagged entries stays short. Returns how many entries changed."""
    catch_up(session)
    table = PipelineEntry.__table__
    rows = session.execute(select(*(table.c[k] for k in ("project_id", *COUNT_KEY))).where(_stall_drift(now))
                           .order_by(table.c.project_id)).all()
    deltas = Deltas()
    for row in rows:
        key = tuple(getattr(row, k) for k in COUNT_KEY)
        deltas.counts[key] -= 1
        deltas.counts[(*key[:6], not row.is_too_long, *key[7:])] += 1
    deltas.write(session)
    for flag in (True, False):
        ids = [r.project_id for r in rows if bool(r.is_too_long) is not flag]
        for offset in range(0, len(ids), CHUNK):
            session.execute(update(table).where(table.c.project_id.in_(ids[offset:offset + CHUNK]))
                            .values(is_too_long=flag))
    _mark_late_reports(session, now)
    return len(rows)


def late_drift_ranges(now: dt.datetime) -> tuple:
    """SQL: the open reports whose "counted late" flag disagrees with `now`, as two conditions (due
    and not yet counted late; counted late and not yet due), each one range of `ix_kpi_reports_late`.
    Readers query them apart: PostgreSQL scanned the whole table for their OR."""
    k = KpiReport
    return (and_(k.status == "open", k.is_counted_late.is_(False), k.due_at < now),
            and_(k.status == "open", k.is_counted_late.is_(True), k.due_at >= now))


def late_drift(now: dt.datetime):
    """SQL: the open reports whose "counted late" flag disagrees with `now` (the sweep marks them)."""
    return or_(*late_drift_ranges(now))


def _mark_late_reports(session: Session, now: dt.datetime) -> None:
    """Count late the open reports whose due instant passed by `now` (and no longer those due after it)."""
    k = KpiReport
    rows = session.execute(select(k.id, k.stage, k.is_counted_late, Project.workflow_key)
                           .join(Project, Project.id == k.project_id).where(late_drift(now)).order_by(k.id)).all()
    deltas: Counter = Counter()
    for row in rows:
        deltas[(row.workflow_key, row.stage)] += -1 if row.is_counted_late else 1
    _add(session, PipelineLateReport, ("workflow_key", "stage"), sorted((k_, n) for k_, n in deltas.items() if n))
    for flag in (True, False):
        ids = [r.id for r in rows if bool(r.is_counted_late) is not flag]
        for offset in range(0, len(ids), CHUNK):
            session.execute(update(KpiReport).where(KpiReport.id.in_(ids[offset:offset + CHUNK]))
                            .values(is_counted_late=flag).execution_options(synchronize_session="fetch"))


def stall_drift(now: dt.datetime):
    """SQL: the entries whose flag disagrees with `now` (readers correct the counters with them)."""
    return _stall_drift(now)


# -- rebuild ---------------------------------------------------------------------------------------

def rebuild(session: Session, *, now: dt.datetime) -> int:
    """Recompute the whole read model from the source tables; returns the number of projects."""
    changes.forget(session)
    for model in (StagePassage, PipelineHistogram, PipelineCount, PipelineEntry, MentorLoad, PipelineFunding,
                  PipelineLateReport):
        session.execute(delete(model))
    late = and_(KpiReport.status == "open", KpiReport.due_at < now)
    session.execute(update(KpiReport).where(KpiReport.is_counted_late.is_distinct_from(late))
                    .values(is_counted_late=case((late, True), else_=False))
                    .execution_options(synchronize_session="fetch"))
    session.execute(PipelineLateReport.__table__.insert().from_select(
        ["workflow_key", "stage", "n"],
        select(Project.workflow_key, KpiReport.stage, func.count()).join(Project, Project.id == KpiReport.project_id)
        .where(KpiReport.is_counted_late.is_(True)).group_by(Project.workflow_key, KpiReport.stage)))
    expected = _expected_days(session)
    ids = list(session.scalars(select(Project.id).order_by(Project.id)))
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset:offset + CHUNK]
        rows = _source_rows(session, chunk)
        stays = _history(session, chunk)
        funding = _funding(session, chunk)
        deltas = Deltas()
        for row in rows:
            new = _entry(row, expected, now)
            new["funding"] = funding.get(row.id, "")
            reached, passages = stays.get(row.id, (set(), []))
            new["reached"] = " ".join(sorted(reached))
            deltas.stays(row.id, row.workflow_key, passages, 0)
            new["passages"] = len(passages)
            deltas.move(None, new)
            deltas.entries.append(new)
        deltas.write(session)
    session.flush()
    return len(ids)


def snapshot(session: Session) -> dict:
    """The whole read model as plain data (zero counters left out), to compare with a rebuild."""
    catch_up(session)
    table = PipelineEntry.__table__
    return {
        "entries": sorted(tuple(row) for row in session.execute(select(table))),
        "counts": sorted((tuple(getattr(c, k) for k in COUNT_KEY), c.n)
                         for c in session.execute(select(PipelineCount.__table__).where(PipelineCount.n != 0))),
        "histograms": sorted((h.kind, h.workflow_key, h.stage, h.bucket, h.n)
                             for h in session.execute(select(PipelineHistogram.__table__)
                                                      .where(PipelineHistogram.n != 0))),
        "passages": sorted((p.project_id, p.position, p.workflow_key, p.stage, p.entered_at, p.left_at, p.bucket)
                           for p in session.execute(select(StagePassage.__table__))),
        "mentor_loads": sorted(tuple(r) for r in session.execute(select(MentorLoad.__table__)
                                                                .where(MentorLoad.n != 0))),
        "late_reports": sorted(tuple(r) for r in session.execute(select(PipelineLateReport.__table__)
                                                                .where(PipelineLateReport.n != 0))),
        "funding": sorted(tuple(r) for r in session.execute(select(PipelineFunding.__table__)
                                                           .where(PipelineFunding.n != 0))),
    }
