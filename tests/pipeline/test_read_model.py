"""The pipeline's read model gives the figures the projects and their history give, exactly, and
stays equal to a rebuild: projects created, moved, held, closed at different instants, mentors
assigned and gone, check-ins overdue through the sweep, poles and cohorts changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from sqlalchemy import select

from app.checkins import services as checkin_services
from app.checkins import sweep as checkin_sweep
from app.cluster import queries as cluster_queries
from app.cluster import services as cluster_services
from app.kpis.models import KpiReport
from app.pipeline import counters
from app.pipeline import queries as pipeline_queries
from app.pipeline import readmodel
from app.pipeline.queries import Filters
from app.pipeline.queries import pipeline
from app.projects import services as project_services
from app.projects.models import Cohort

FIGURES = ("count", "active", "by_pole", "median_days_now", "p90_days_now", "median_days_done", "p90_days_done",
           "stalled", "stalled_too_long", "stalled_overdue", "stalled_no_mentor", "reached", "conversion",
           "late_kpi_reports")


def figures(session, now, *, from_projects: bool, monkeypatch, filters: Filters | None = None):
    """The stage figures and totals, from the read model or (`from_projects`) from the projects."""
    with monkeypatch.context() as patch:
        if from_projects:
            patch.setattr(counters, "served", lambda filters: False)
            # the busiest mentors from the full ranking over the assignments
            patch.setattr(pipeline_queries, "_busiest_mentors", pipeline_queries._mentor_load)
        p = pipeline(session, filters or Filters(), now=now, mentor_rows=2)
    stages = {(s.workflow, s.stage): {k: getattr(s, k) for k in FIGURES} for s in p.stages}
    cards = {(s.workflow, s.stage): s.cards for s in p.stages}
    return (p.total, p.by_status, p.overdue_checkins, p.poles, stages, sorted(p.funding, key=repr), p.stalled,
            p.mentor_load, p.mentors_total, cards, p.late_kpi_reports)


@pytest.fixture
def portfolio(session, make_user, manager, mentor, now):
    """Twenty projects with a random life over 300 days (seeded), written through the services: moves,
    mentors (three of them), pole and cohort changes, financing lines recorded and edited, sweeps."""
    from decimal import Decimal

    mentors = [mentor, make_user("mentor"), make_user("mentor")]
    founder = make_user("founder")
    cohort = Cohort(name="Cohort A", workflow_key="innovation_path", starts_on=dt.date(2026, 1, 1),
                    ends_on=dt.date(2026, 12, 31))
    session.add(cohort)
    session.commit()
    r = random.Random(19)
    projects = []
    clock = now - dt.timedelta(days=300)
    for i in range(20):
        clock += dt.timedelta(days=r.uniform(0, 4), hours=r.uniform(0, 23))
        projects.append(project_services.create_project(
            session, name=f"P{i}", summary="", pole=r.choice(("multimedia", "mobile_services")),
            workflow="innovation_path", default_workflow="innovation_path", actor=founder, now=clock))
        session.commit()
    for _ in range(120):
        clock += dt.timedelta(days=r.uniform(0, 1.8), hours=r.uniform(0, 23))
        project = r.choice(projects)
        step = r.random()
        if step < 0.45:
            event = r.choice(("advance", "advance", "send_back", "hold", "resume", "abandon"))
            try:
                project_services.fire_event(session, project, event, actor=manager, now=clock,
                                            version=project.version, comment="test", override=True)
                session.commit()
            except Exception:  # noqa: BLE001 - refused here: nothing written
                session.rollback()
        elif step < 0.65 and project.status == "active":
            from app.mentoring.services import assign_mentor

            try:
                assign_mentor(session, project, r.choice(mentors), actor=manager, now=clock)
                checkin_services.after_assignment_change(session, project, now=clock)
                session.commit()
            except Exception:  # noqa: BLE001
                session.rollback()
        elif step < 0.72:
            lines = list(session.scalars(cluster_queries.select_fundings(project)))
            cluster_services.save_funding(
                session, project, lines[0] if lines and r.random() < 0.3 else None, actor=manager, now=clock,
                source=r.choice(("grant", "bank_loan")), amount=Decimal(r.randint(1, 10**7)) / 100,
                currency=r.choice(("MAD", "EUR")))
            session.commit()
        elif step < 0.8:
            project_services.update_project(session, project, version=project.version, actor=manager, now=clock,
                                            pole=r.choice(("multimedia", "mobile_services")),
                                            cohort_id=r.choice((None, cohort.id)))
            session.commit()
        else:
            checkin_sweep.plan_missing(session, now=clock)
            checkin_sweep.advance_statuses(session, now=clock, grace=dt.timedelta(days=2))
            session.commit()
    # KPI reports due from 80 days ago to 60 days ahead: the sweep counts the late ones, then two of
    # those and one not due yet are submitted (late ones leave the count, the others never entered it)
    reports = [KpiReport(project_id=p.id, stage=p.stage, period_start=now - dt.timedelta(days=100),
                         period_end=now - dt.timedelta(days=90), due_at=now + dt.timedelta(days=(i - 4) * 20),
                         metrics=[]) for i, p in enumerate(projects[:8])]
    session.add_all(reports)
    session.commit()
    readmodel.mark_too_long(session, now=now)
    session.commit()
    for report in (reports[0], reports[1], reports[6]):
        report.status, report.submitted_at = "submitted", now
    session.commit()
    return projects


def test_the_read_model_gives_the_figures_of_the_projects(session, portfolio, now, monkeypatch):
    for at in (now, now + dt.timedelta(days=45), now + dt.timedelta(days=400)):  # stalled flags move with time
        kept = figures(session, at, from_projects=False, monkeypatch=monkeypatch)
        direct = figures(session, at, from_projects=True, monkeypatch=monkeypatch)
        assert kept == direct, _diff(kept, direct)
    cohort = session.scalar(select(Cohort.id))
    every = Filters(workflow="innovation_path", pole="multimedia", status="active", cohort=cohort)
    for part in (Filters(workflow="innovation_path"), Filters(pole="multimedia"), Filters(status="active"),
                 Filters(status="on_hold"), Filters(cohort=cohort), every):
        for at in (now, now + dt.timedelta(days=45)):
            kept = figures(session, at, from_projects=False, monkeypatch=monkeypatch, filters=part)
            direct = figures(session, at, from_projects=True, monkeypatch=monkeypatch, filters=part)
            assert kept == direct, (part, _diff(kept, direct))
    total, by_status, _overdue, _poles, stages, funding, stalled, load, *_ = figures(
        session, now, from_projects=False, monkeypatch=monkeypatch)
    assert total == 20 and sum(s["reached"] for s in stages.values()) > 20
    assert funding and stalled and len(load) == 2 and load[0].active > 0
    assert [figures(session, at, from_projects=False, monkeypatch=monkeypatch)[-1]
            for at in (now, now + dt.timedelta(days=45))] == [2, 4]
    assert any(s["median_days_done"] for s in stages.values()) and any(s["stalled"] for s in stages.values())


def test_the_sweep_flags_what_outstays_its_stage_and_readers_stay_exact_between_sweeps(
        session, portfolio, now, monkeypatch):
    later = now + dt.timedelta(days=90)
    before = figures(session, later, from_projects=False, monkeypatch=monkeypatch)
    assert readmodel.mark_too_long(session, now=later) > 0
    session.commit()
    assert figures(session, later, from_projects=False, monkeypatch=monkeypatch) == before
    # a reader at an earlier instant than the sweep's still sees that instant's flags
    assert figures(session, now, from_projects=False, monkeypatch=monkeypatch) == \
        figures(session, now, from_projects=True, monkeypatch=monkeypatch)


def test_the_board_shows_each_columns_longest_waiting_projects_with_their_people(session, portfolio, now,
                                                                                monkeypatch):
    """The board's cards (a union of columns on SQLite, a lateral walk on PostgreSQL) against the
    projects read one by one: each column's first projects by time in stage, founders and mentors by
    name, stalled reasons."""
    from app.auth.models import User
    from app.mentoring.models import MentorAssignment
    from app.projects.models import Project
    from app.projects.models import ProjectMember

    monkeypatch.setattr(pipeline_queries, "CARDS_PER_STAGE", 2)
    for at in (now, now + dt.timedelta(days=45)):
        cards = {(s.workflow, s.stage): s.cards for s in pipeline(session, Filters(), now=at).stages if s.cards}
        stalled = {x.project_id: x for x in pipeline(session, Filters(), now=at, mentor_rows=0).stalled}
        expected = {}
        for project in session.scalars(select(Project).order_by(Project.stage_entered_at, Project.id)):
            column = expected.setdefault((project.workflow_key, project.stage), [])
            if len(column) == 2:
                continue
            founders = tuple(sorted(session.scalars(select(User.name).join(ProjectMember)
                                                    .where(ProjectMember.project_id == project.id))))
            mentors = tuple(sorted(session.scalars(
                select(User.name).join(MentorAssignment, MentorAssignment.mentor_id == User.id)
                .where(MentorAssignment.project_id == project.id, MentorAssignment.ended_at.is_(None)))))
            column.append((project.id, founders, mentors))
        assert {k: [(c.project_id, c.founders, c.mentors) for c in v] for k, v in cards.items()} == expected
        for card in (c for column in cards.values() for c in column if c.project_id in stalled):
            flags = stalled[card.project_id]
            assert set(card.reasons) == {k for k, on in (("too_long", flags.too_long),
                                                         ("overdue_checkin", flags.overdue_checkin),
                                                         ("no_mentor", flags.no_mentor)) if on}


def test_the_kept_read_model_equals_a_rebuild(session, portfolio, now):
    readmodel.mark_too_long(session, now=now)
    session.commit()
    kept = readmodel.snapshot(session)
    readmodel.rebuild(session, now=now)
    session.commit()
    assert readmodel.snapshot(session) == kept
    assert len(kept["entries"]) == 20 and kept["passages"]


def test_a_write_the_read_model_does_not_hear_is_what_the_rebuild_repairs(session, portfolio, now, monkeypatch):
    """A bulk write past the services (as `flask data import` or a script would) leaves the counters
    behind until `flask pipeline rebuild`: the test can tell."""
    from sqlalchemy import update

    from app.projects.models import Project

    session.execute(update(Project).values(pole_key="multimedia"))
    session.commit()
    stale = figures(session, now, from_projects=False, monkeypatch=monkeypatch)
    direct = figures(session, now, from_projects=True, monkeypatch=monkeypatch)
    assert stale != direct
    readmodel.rebuild(session, now=now)
    session.commit()
    assert figures(session, now, from_projects=False, monkeypatch=monkeypatch) == direct


def test_percentile_ranks_are_the_nearest_ranks_of_the_old_query():
    assert counters.ranks(1) == (1, 1, 1)
    assert counters.ranks(4) == (2, 3, 4)
    assert counters.ranks(10) == (5, 6, 9)
    assert [readmodel.days_bucket(d) for d in (0, 1, 3, 7)] == [0, 8, 16, 24]
    start, end = readmodel.month_of(readmodel.month_bucket(dt.datetime(2026, 12, 5, tzinfo=dt.UTC)))
    assert (start, end) == (dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert dataclasses.is_dataclass(Filters)


def _diff(a, b):
    return [(k, {f: (a[4][k][f], b[4][k][f]) for f in a[4][k] if a[4][k][f] != b[4][k][f]})
            for k in a[4] if a[4][k] != b[4][k]], a[:4] == b[:4], [i for i in range(5, len(a)) if a[i] != b[i]]


def _attention_from_sources(session, now) -> dict[str, tuple[int, list[int]]]:
    """The read-model-served attention kinds computed the old way, over the projects and check-ins:
    kind → (count, first ten project ids)."""
    from sqlalchemy import func
    from sqlalchemy import select

    from app.attention.queries import CAP
    from app.checkins.models import CheckIn
    from app.mentoring import queries as mentoring_queries
    from app.pipeline.queries import filtered_projects
    from app.pipeline.queries import stalled_flags
    from app.workflow.catalog import catalog_of

    def kind(stmt, id_column):
        sub = stmt.subquery()
        count = session.scalar(select(func.count()).select_from(sub))
        return count, list(session.scalars(select(sub.c[id_column]).limit(CAP)))

    base = filtered_projects(Filters()).subquery("base")
    too_long, _overdue, _none = stalled_flags(base, now, catalog_of(session).all_latest())
    from app.auth.models import User
    from app.mentoring.models import MentorAssignment

    busy = (select(User.id).join(MentorAssignment, MentorAssignment.mentor_id == User.id)
            .where(User.role == "mentor", User.is_disabled.is_(False), MentorAssignment.ended_at.is_(None))
            .group_by(User.id).order_by(func.count().desc(), User.id))
    return {
        "mentor_without_availability": kind(busy, "id"),
        "overdue_kpi_report": kind(select(KpiReport.project_id)
                                   .where(KpiReport.status == "open", KpiReport.due_at < now)
                                   .order_by(KpiReport.due_at, KpiReport.id), "project_id"),
        "no_mentor": kind(mentoring_queries.select_projects_needing_mentor(), "id"),
        "overdue_checkin": kind(select(CheckIn.project_id).where(CheckIn.status == "overdue")
                                .order_by(CheckIn.due_at, CheckIn.id), "project_id"),
        "stalled": kind(select(base.c.id).where(too_long).order_by(base.c.stage_entered_at, base.c.id), "id"),
    }


def test_the_attention_list_reads_the_figures_of_the_projects(session, portfolio, now, manager):
    """The kinds the read model serves (counts from counters, first items from its indexes) equal the
    rules over the projects, at instants before and after a sweep."""
    from app.attention.queries import attention

    for at in (now, now + dt.timedelta(days=45), now + dt.timedelta(days=400)):
        for sweep in (False, True):
            if sweep:
                readmodel.mark_too_long(session, now=at)
                session.commit()
            kept = {k.kind: (k.count, [i.project_id or i.args.get("mentor") for i in k.items])
                    for k in attention(session, manager, now=at)}
            direct = _attention_from_sources(session, at)
            assert {k: kept[k] for k in direct} == direct
    assert all(count for count, _ids in direct.values()), direct
