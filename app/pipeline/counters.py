"""The pipeline's figures read from its read model (`app.pipeline.readmodel`): counts, stalled
flags, percentiles of time in stage and the funnel in four statements whose cost is the number of
groups and buckets, not the number of projects or events.

- counts and stalled flags: `pipeline_counts`, corrected by the entries whose "too long" flag
  disagrees with `now` (an index range: the projects whose stall instant passed since the sweep);
- percentiles (exact, nearest rank as before): the histogram says which bucket holds each rank
  and how many values come before it; one index walk inside that bucket finds the value;
- funnel: the `reached` histogram.

A part of the portfolio (pole, status, cohort: columns of the counters and entries) has its counts
and stalled flags the same way; its percentiles and funnel come from its entries and completed
passages (`part_percentiles_and_funnel`: exact, the cost of the part, not of the history). Every
statement is built once per process (`app.core.statements`), its instant and filters bound.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.core import statements
from app.core.models import UTCDateTime
from app.core.sqltime import days_between
from app.kpis.models import KpiReport
from app.pipeline.readmodel import late_drift_ranges
from app.pipeline.readmodel import month_of
from app.pipeline.readmodel import stall_drift
from app.projects.models import PipelineCount
from app.projects.models import PipelineEntry
from app.projects.models import PipelineHistogram
from app.projects.models import PipelineLateReport
from app.projects.models import Project
from app.projects.models import StagePassage


def served(filters) -> bool:
    """The read model answers for the whole portfolio and for a part of it by workflow, pole, status
    and cohort (the columns of its counters and entries); the mentor filter reads the projects."""
    return not filters.mentor


def whole(filters) -> bool:
    """No filter but the workflow: the histograms and the late reports' counters, kept per workflow
    and stage, answer; a part of the portfolio is read from its entries and passages."""
    return not (filters.pole or filters.status or filters.cohort)


#: The filters that select a part of the read model, and its columns for them.
_PARTS = (("workflow", "workflow_key"), ("pole", "pole_key"), ("status", "status"), ("cohort", "cohort_id"))


def part_shape(filters) -> tuple[str, ...]:
    """Which filters are given: a kept statement has a condition for each (its value bound as `f_…`)."""
    return tuple(name for name, _ in _PARTS if getattr(filters, name))


def part_conditions(model, shape: tuple[str, ...]) -> list:
    """Conditions selecting the filtered part of `model` (counters or entries), values bound."""
    return [getattr(model, column) == bindparam(f"f_{name}") for name, column in _PARTS if name in shape]


def part_params(filters) -> dict:
    return {f"f_{name}": getattr(filters, name) for name in part_shape(filters)}


def counts(session: Session, filters, figure: Callable, now: dt.datetime) -> tuple[int, dict, set, int]:
    """Fill each stage's counts and stalled flags (`figure(workflow, stage)` gives its figures);
    return (total, by status, poles, overdue check-ins)."""
    total, by_status, poles, overdue_total = 0, defaultdict(int), set(), 0
    shape, params = part_shape(filters), part_params(filters)
    stmt = statements.kept(("pipeline.counts", shape), lambda: _counts_statement(shape))
    for wf, stage, pole, status, too_long, overdue, mentor, n in session.execute(stmt, params):
        f = figure(wf, stage)
        f.count += n
        f.by_pole[pole] = f.by_pole.get(pole, 0) + n
        by_status[status] += n
        total += n
        poles.add(pole)
        if status != "active":
            continue
        f.active += n
        f.stalled_too_long += n if too_long else 0
        f.stalled_overdue += n if overdue else 0
        f.stalled_no_mentor += 0 if mentor else n
        f.stalled += n if (too_long or overdue or not mentor) else 0
        overdue_total += n if overdue else 0
    drift = statements.kept(("pipeline.stall_drift", shape), lambda: _stall_drift_statement(shape))
    for wf, stage, flagged, overdue, mentor, n in session.execute(drift, {"now": now, **params}):
        sign = -1 if flagged else 1  # flagged ahead of `now` (a reader in the past), or passed since the sweep
        f = figure(wf, stage)
        f.stalled_too_long += sign * n
        if not overdue and mentor:
            f.stalled += sign * n
    return total, dict(by_status), poles, overdue_total


def _now():
    """The reading instant of a kept statement (`app.core.statements`), bound at execution as `now`."""
    return bindparam("now", type_=UTCDateTime())


def _counts_statement(shape: tuple[str, ...]):
    c = PipelineCount
    return (select(c.workflow_key, c.stage, c.pole_key, c.status, c.is_too_long, c.is_overdue, c.has_mentor,
                   func.sum(c.n)).where(c.n != 0, *part_conditions(c, shape))
            .group_by(c.workflow_key, c.stage, c.pole_key, c.status, c.is_too_long, c.is_overdue, c.has_mentor))


def _stall_drift_statement(shape: tuple[str, ...]):
    e = PipelineEntry
    return (select(e.workflow_key, e.stage, e.is_too_long, e.is_overdue, e.has_mentor, func.count())
            .where(stall_drift(_now()), *part_conditions(e, shape))  # a stall instant is set for active entries only:
            # no status filter, which would lead SQLite to another index than the two ranges of
            # `ix_pipeline_entries_stall`
            .group_by(e.workflow_key, e.stage, e.is_too_long, e.is_overdue, e.has_mentor))


def part_percentiles_and_funnel(session: Session, filters, figure: Callable, now: dt.datetime) -> None:
    """`percentiles_and_funnel` for a part of the portfolio (pole, status, cohort): the percentiles over
    that part's entries (active ones, for the time in stage now) and completed passages, the funnel
    from its passages and current stages (a project reached the stages it left and the one it is in).
    Exact; the cost is the part's projects and passages, not the history's events."""
    dialect = session.get_bind().dialect.name
    shape, params = part_shape(filters), part_params(filters)
    for kind in ("now", "done"):
        stmt = statements.kept(("pipeline.part_percentiles", kind, dialect, shape),
                               lambda kind=kind: _part_percentiles_statement(kind, shape, dialect))
        for wf, stage, median, p90 in session.execute(stmt, {"now": now, **params}):
            f = figure(wf, stage)
            if kind == "now":
                f.median_days_now, f.p90_days_now = _round(median), _round(p90)
            else:
                f.median_days_done, f.p90_days_done = _round(median), _round(p90)
    stmt = statements.kept(("pipeline.part_funnel", shape), lambda: _part_funnel_statement(shape))
    for wf, stage, n in session.execute(stmt, params):
        figure(wf, stage).reached = n


def _part_percentiles_statement(kind: str, shape: tuple[str, ...], dialect: str):
    e, p = PipelineEntry, StagePassage
    if kind == "now":
        values = (select(e.workflow_key, e.stage, days_between(e.stage_entered_at, _now(), dialect).label("d"))
                  .where(e.status == "active", *part_conditions(e, shape)))
    else:
        values = (select(p.workflow_key, p.stage, p.days.label("d")).join(e, e.project_id == p.project_id)
                  .where(*part_conditions(e, shape)))
    return percentiles(values.subquery(), ("workflow_key", "stage"))


def _part_funnel_statement(shape: tuple[str, ...]):
    e, p = PipelineEntry, StagePassage
    reached = union_all(
        select(e.workflow_key, p.stage, p.project_id).join(e, e.project_id == p.project_id)
        .where(*part_conditions(e, shape)),
        select(e.workflow_key, e.stage, e.project_id).where(*part_conditions(e, shape))).subquery()
    return (select(reached.c.workflow_key, reached.c.stage, func.count(reached.c.project_id.distinct()))
            .group_by(reached.c.workflow_key, reached.c.stage))


def percentiles(values, keys) -> Select:
    """Median and 90th percentile (nearest rank) of `values.c.d` per `keys`, in portable SQL."""
    partition = [values.c[k] for k in keys]
    ranked = select(*partition, values.c.d,
                    func.row_number().over(partition_by=partition, order_by=values.c.d).label("rn"),
                    func.count().over(partition_by=partition).label("n")).subquery()
    rk = [ranked.c[k] for k in keys]
    # Integer division (`//`): SQLAlchemy 2 renders `/` as true division, which made the median of an even
    # number of values the upper middle one only.
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    return (select(*rk, func.avg(case((middle, ranked.c.d))).label("median"),
                   func.min(case((ranked.c.rn * 10 >= ranked.c.n * 9, ranked.c.d))).label("p90"))
            .group_by(*rk))


def late_reports(session: Session, workflow: str | None, figure: Callable, now: dt.datetime) -> int:
    """Fill each stage's open KPI reports past their due instant; return their number. The counters
    (`pipeline_late_reports`) corrected by the reports whose flag disagrees with `now` (`late_drift`)."""
    total = 0
    stmt = statements.kept(("pipeline.late_reports", workflow), lambda: _late_reports_statement(workflow))
    for wf, stage, n in session.execute(stmt, {"now": now}):
        if n:
            figure(wf, stage).late_kpi_reports = int(n)
            total += int(n)
    return total


def _late_reports_statement(workflow: str | None):
    k, late = KpiReport, PipelineLateReport
    counted = select(late.workflow_key, late.stage, late.n.label("n")).where(late.n != 0)
    # Each drifted report's workflow read by its project's key: few rows, where a join led
    # PostgreSQL, misjudging how many, to read every project.
    path = select(Project.workflow_key).where(Project.id == k.project_id).scalar_subquery()
    drifts = [select(path.label("workflow_key"), k.stage, literal(sign).label("n")).where(condition)
              for condition, sign in zip(late_drift_ranges(_now()), (1, -1), strict=True)]
    both = union_all(counted, *drifts).subquery()
    if workflow:
        both = select(both).where(both.c.workflow_key == workflow).subquery()
    return select(both.c.workflow_key, both.c.stage, func.sum(both.c.n)).group_by(both.c.workflow_key, both.c.stage)


def ranks(total: int) -> tuple[int, int, int]:
    """The 1-based ranks of the median's two middle values and of the 90th percentile (nearest rank)."""
    return (total + 1) // 2, (total + 2) // 2, (9 * total + 9) // 10


def percentiles_and_funnel(session: Session, workflow: str | None, figure: Callable, now: dt.datetime) -> None:
    """Fill the medians and 90th percentiles of time in stage (now and completed) and the funnel."""
    dialect = session.get_bind().dialect.name
    walks, wanted, params = [], [], {"now": now}
    groups: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
    histograms = statements.kept(("pipeline.histograms", workflow), lambda: _histograms_statement(workflow))
    for kind, wf, stage, bucket, n in session.execute(histograms):
        groups[(kind, wf, stage)].append((bucket, n))
    # Which bucket holds each percentile's ranks, and how many values come before it: running sums
    # here (a window function over the histograms cost PostgreSQL several times reading them).
    for (kind, wf, stage), buckets in sorted(groups.items()):
        if kind == "reached":
            figure(wf, stage).reached = buckets[0][1]
            continue
        total, cum = sum(n for _, n in buckets), 0
        targets = sorted(set(ranks(total)))
        for bucket, n in sorted(buckets):
            before, cum = cum, cum + n
            for rank in [r for r in targets if before < r <= cum]:
                params.update(_walk_params(kind, wf, stage, bucket, rank - before - 1, len(walks)))
                walks.append(kind)
                wanted.append((kind, wf, stage, rank, total))
            if cum >= targets[-1]:
                break
    values: dict[int, float] = {}
    if walks and dialect == "postgresql":
        # One short statement whatever the walks (their values are arrays): PostgreSQL took longer
        # to plan a union of forty walks than to walk them.
        stmt = statements.kept(("pipeline.walks", dialect), _array_walks)
        values.update((i, v) for i, v in session.execute(stmt, _array_params(walks, params)))
    elif walks:
        # One union of the walks, built once per sequence of kinds (its values are parameters): the
        # same from request to request while the histograms keep their shape.
        stmt = statements.kept(("pipeline.walks", dialect, tuple(walks)), lambda: _walks(tuple(walks), dialect))
        values.update((i, v) for i, v in session.execute(stmt, params))
    found: dict[tuple, dict[int, float]] = defaultdict(dict)
    for index, (kind, wf, stage, rank, total) in enumerate(wanted):
        value = values[index]
        found[(kind, wf, stage, total)][rank] = value
    for (kind, wf, stage, total), by_rank in found.items():
        r1, r2, r9 = ranks(total)
        median, p90 = _round((by_rank[r1] + by_rank[r2]) / 2), _round(by_rank[r9])
        f = figure(wf, stage)
        if kind == "now":
            f.median_days_now, f.p90_days_now = median, p90
        else:
            f.median_days_done, f.p90_days_done = median, p90


def _histograms_statement(workflow: str | None):
    """The histograms' non-empty buckets (a few per stage and kind)."""
    h = PipelineHistogram
    stmt = select(h.kind, h.workflow_key, h.stage, h.bucket, h.n).where(h.n > 0)
    return stmt.where(h.workflow_key == workflow) if workflow else stmt


def _walk_params(kind: str, workflow: str, stage: str, bucket: int, offset: int, index: int) -> dict:
    """The parameters of the `index`-th walk of `_walks`."""
    params = {f"w{index}": workflow, f"s{index}": stage, f"o{index}": offset}
    if kind == "now":
        params[f"a{index}"], params[f"z{index}"] = month_of(bucket)
    else:
        params[f"b{index}"] = bucket
    return params


def _walks(kinds: tuple[str, ...], dialect: str):
    """A union of walks, the i-th of kind `kinds[i]`: the days at offset `o{i}` in one bucket (newest
    entries first for `now`: ascending time in stage; shortest stays first for `done`)."""
    now = bindparam("now", type_=UTCDateTime())
    parts = []
    for index, kind in enumerate(kinds):
        param = functools.partial(_param, index)
        if kind == "now":
            e = PipelineEntry
            inner = (select(literal(index).label("i"), days_between(e.stage_entered_at, now, dialect).label("v"))
                     .where(e.workflow_key == param("w"), e.stage == param("s"), e.status == "active",
                            e.stage_entered_at >= param("a", UTCDateTime()),
                            e.stage_entered_at < param("z", UTCDateTime()))
                     .order_by(e.stage_entered_at.desc()).limit(1).offset(param("o")))
        else:
            p = StagePassage
            inner = (select(literal(index).label("i"), p.days.label("v"))
                     .where(p.workflow_key == param("w"), p.stage == param("s"), p.bucket == param("b"))
                     .order_by(p.days).limit(1).offset(param("o")))
        sub = inner.subquery()
        parts.append(select(sub.c.i, sub.c.v))
    return union_all(*parts)


def _array_params(kinds: list[str], params: dict) -> dict:
    """The parameters of `_walks` as the arrays of `_array_walks`: one element per walk of each kind."""
    arrays = {"now": params["now"], "now_i": [], "now_w": [], "now_s": [], "now_a": [], "now_z": [], "now_o": [],
              "done_i": [], "done_w": [], "done_s": [], "done_b": [], "done_o": []}
    for index, kind in enumerate(kinds):
        names = ("w", "s", "a", "z", "o") if kind == "now" else ("w", "s", "b", "o")
        arrays[f"{kind}_i"].append(index)
        for name in names:
            arrays[f"{kind}_{name}"].append(params[f"{name}{index}"])
    return arrays


def _array_walks():
    """PostgreSQL: the walks of `_walks` from arrays of their parameters (`_array_params`), each walk
    the same index range, one row per walk."""
    now = bindparam("now", type_=UTCDateTime())
    e, p = PipelineEntry, StagePassage
    current = func.unnest(*(bindparam(f"now_{n}", type_=ARRAY(t)) for n, t in (
        ("i", Integer), ("w", String), ("s", String), ("a", UTCDateTime()), ("z", UTCDateTime()), ("o", Integer))
    )).table_valued("i", "w", "s", "a", "z", "o").render_derived()
    done = func.unnest(*(bindparam(f"done_{n}", type_=ARRAY(t)) for n, t in (
        ("i", Integer), ("w", String), ("s", String), ("b", Integer), ("o", Integer))
    )).table_valued("i", "w", "s", "b", "o").render_derived()
    now_value = (select(days_between(e.stage_entered_at, now, "postgresql"))
                 .where(e.workflow_key == current.c.w, e.stage == current.c.s, e.status == "active",
                        e.stage_entered_at >= current.c.a, e.stage_entered_at < current.c.z)
                 .order_by(e.stage_entered_at.desc()).limit(1).offset(current.c.o).scalar_subquery())
    done_value = (select(p.days).where(p.workflow_key == done.c.w, p.stage == done.c.s, p.bucket == done.c.b)
                  .order_by(p.days).limit(1).offset(done.c.o).scalar_subquery())
    return union_all(select(current.c.i, now_value), select(done.c.i, done_value))


def _param(index: int, name: str, type_=None):
    return bindparam(f"{name}{index}", type_=type_)


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)
