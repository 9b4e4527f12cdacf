"""Every figure of the funders' report, computed in SQL, against a cluster built by hand (conftest.World).

The period is 2030. The cluster:
- Twice (idea since 2029-06): gate go at idea, to project (March), gate go at project, to
  industrialisation (September) — it moves twice in the period;
- Before (software packages, 2028): to project, abandoned 325 days after its creation;
- New: created in May 2030; After: created in 2031 (outside everything);
- Old survivor (2027): to project, abandoned 915 days after its creation;
- Back (2029): to project, sent back to idea in June 2030 (a recycle decision), then on hold;
- Seller (mobile services, 2029): in commercialisation, with KPI reports ending before, in, on the
  edge of and after 2030;
plus financing, advice sessions, support requests and organisations on both sides of the edges.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.impact.queries import ReportFilters
from app.impact.queries import Survival
from app.impact.queries import funders_report
from tests.impact.conftest import END
from tests.impact.conftest import START
from tests.impact.conftest import World

TARGET = 40


def report(session, **filters):
    return funders_report(session, ReportFilters(start=filters.pop("start", START), end=filters.pop("end", END),
                                                 **filters), members_target=TARGET)


def stages(r, workflow: str = "innovation_path") -> dict[str, tuple[int, int, int, int, int, int]]:
    """stage → (at start, entered, left, at end, in progress at end, gates passed)."""
    return {s.stage: (s.at_start, s.entered, s.left, s.at_end, s.in_progress_at_end, s.gates_passed)
            for s in r.stages_of(workflow)}


def test_projects_per_stage_and_their_movements(session, world):
    r = report(session)

    assert stages(r) == {
        "idea": (1, 2, 1, 2, 2, 1),
        "project": (3, 1, 2, 2, 0, 1),
        "industrialisation": (0, 1, 0, 1, 1, 0),
        "commercialisation": (1, 0, 0, 1, 1, 0),
        "internationalisation": (0, 0, 0, 0, 0, 0),
    }
    for s in r.stages:  # the movements reconcile the counts
        assert s.at_start + s.entered - s.left == s.at_end, s.stage
    assert r.by_status_at_end == {"active": 3, "abandoned": 2, "on_hold": 1}
    assert (r.new_projects, r.moves, r.projects_moved, r.gates_passed) == (1, 3, 2, 2)
    assert r.projects_at_end == 6


def test_a_project_that_moved_twice_in_the_period_is_counted_once_per_move(session, founder, mentor):
    World(session, founder, mentor).project(
        "Twice", "2029-06-01", ("2030-03-01", "advance", "project", "active"),
        ("2030-09-01", "advance", "industrialisation", "active"))
    session.commit()

    r = report(session)

    assert {k: v[:4] for k, v in stages(r).items() if any(v)} == {
        "idea": (1, 0, 1, 0), "project": (0, 1, 1, 0), "industrialisation": (0, 1, 0, 1)}
    assert (r.moves, r.projects_moved, r.new_projects) == (2, 1, 0)


def test_jobs_revenue_and_every_reported_figure_come_from_submitted_reports_ending_in_the_period(session, world):
    r = report(session)

    assert [(k.metric, k.unit, k.total, k.reports, k.projects) for k in r.kpis] == [
        ("customers", "", Decimal("3"), 1, 1),
        ("export_revenue", "EUR", Decimal("50.25"), 1, 1),
        ("jobs", "", Decimal("3"), 2, 1),
        ("revenue", "MAD", Decimal("2000.5"), 2, 1),
    ]
    assert r.jobs_created == 3
    assert r.kpi_total("revenue") == {"MAD": Decimal("2000.5")}
    assert (r.kpi_reports_due, r.kpi_reports_submitted) == (3, 2)
    assert r.kpis[0].label == "New paying customers"


def test_money_raised_is_financing_granted_in_the_period_by_source_and_currency(session, world):
    r = report(session)

    assert [(m.source, m.currency, m.amount, m.lines, m.projects) for m in r.money_raised] == [
        ("business_angel", "MAD", Decimal("250000.00"), 2, 2),
        ("grant", "EUR", Decimal("10000.00"), 1, 1),
        ("national_fund", "MAD", Decimal("500000.00"), 1, 1),
    ]


def test_projects_still_alive_after_one_two_and_three_years(session, world):
    r = report(session)

    assert r.survival == [Survival(1, 5, 4), Survival(2, 2, 1), Survival(3, 1, 0)]
    assert [s.rate for s in r.survival] == [0.8, 0.5, 0.0]


def test_mentoring_hours_support_and_members(session, world):
    r = report(session)

    assert (r.mentoring_minutes, r.mentoring_hours, r.mentoring_sessions, r.projects_mentored) == (
        120, Decimal("2.0"), 2, 2)
    assert (r.support_opened, r.support_served) == (3, 2)
    assert (r.members, r.members_joined, r.members_target) == (3, 1, TARGET)


def test_the_pole_filter_narrows_every_project_figure_but_not_the_members(session, world):
    r = report(session, pole="software_packages")

    assert {k: v for k, v in stages(r).items() if any(v)} == {"project": (1, 0, 0, 1, 0, 0)}
    assert r.by_status_at_end == {"abandoned": 1}
    assert (r.moves, r.gates_passed, r.jobs_created, r.money_raised, r.kpis) == (0, 0, 0, [], [])
    assert r.survival == [Survival(1, 1, 0), Survival(2, 1, 0), Survival(3, 0, 0)]
    assert (r.mentoring_minutes, r.support_opened, r.support_served) == (0, 0, 0)
    assert r.members == 3


def test_the_cohort_filter_keeps_the_cohorts_projects(session, world):
    r = report(session, cohort=world.cohorts[2029].id)  # Twice, Back and Seller

    assert {k: v for k, v in stages(r).items() if any(v)} == {
        "idea": (1, 1, 1, 1, 1, 1), "project": (1, 1, 2, 0, 0, 1), "industrialisation": (0, 1, 0, 1, 1, 0),
        "commercialisation": (1, 0, 0, 1, 1, 0)}
    assert (r.new_projects, r.moves, r.projects_moved, r.gates_passed, r.jobs_created) == (0, 3, 2, 2, 3)
    assert r.survival == [Survival(1, 3, 3), Survival(2, 0, 0), Survival(3, 0, 0)]
    assert (r.mentoring_minutes, r.support_opened, r.support_served) == (90, 2, 2)


@pytest.mark.parametrize("built", [False, True], ids=["empty cluster", "nothing in the period"])
def test_an_empty_period_has_every_figure_at_zero_and_every_stage_listed(session, request, built):
    if built:
        request.getfixturevalue("world")

    r = report(session, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))

    assert [s.stage for s in r.stages_of("innovation_path")] == [
        "idea", "project", "industrialisation", "commercialisation", "internationalisation"]
    assert [s.stage for s in r.stages_of("accelerator_sprint")] == ["discovery", "build", "demo_day"]
    assert all(v == (0, 0, 0, 0, 0, 0) for v in stages(r).values())
    assert (r.by_status_at_end, r.new_projects, r.moves, r.projects_moved, r.gates_passed) == ({}, 0, 0, 0, 0)
    assert (r.kpis, r.jobs_created, r.kpi_reports_due, r.money_raised) == ([], 0, 0, [])
    assert r.survival == [Survival(1, 0, 0), Survival(2, 0, 0), Survival(3, 0, 0)]
    assert (r.mentoring_minutes, r.mentoring_sessions, r.support_opened, r.support_served) == (0, 0, 0, 0)
    # Organisations are the cluster's: "Old member" (2025) and "Undated member" already counted.
    assert (r.members, r.members_joined) == ((2, 0) if built else (0, 0))


def test_a_gate_approved_twice_in_one_stage_visit_counts_once(session, founder, mentor):
    """Rows from before approvals were refused stay in the history; the report counts one gate per visit."""
    World(session, founder, mentor).project(
        "Double click", "2029-06-01", ("2030-02-27", "approve_gate", "idea", "active"),
        ("2030-02-28", "approve_gate", "idea", "active"), ("2030-03-01", "advance", "project", "active"),
        ("2030-04-01", "send_back", "idea", "active"), ("2030-05-01", "approve_gate", "idea", "active"))
    World(session, founder, mentor).project(
        "Approved last year", "2029-06-01", ("2029-12-30", "approve_gate", "idea", "active"),
        ("2030-01-02", "approve_gate", "idea", "active"))
    session.commit()

    r = report(session)

    # Double click: one gate in its first visit of idea, one in its second; the repeat in the period
    # of a gate approved the year before is no new gate.
    assert stages(r)["idea"][5] == 2
    assert r.gates_passed == 2


def test_money_in_several_currencies_is_totalled_in_dirhams_only_where_a_rate_exists(session, world, manager):
    import datetime as dt
    from decimal import Decimal

    from app.cluster import services as cluster_services
    from app.cluster.models import Funding
    from app.impact import tables
    from app.impact.queries import ReportFilters
    from app.impact.queries import funders_report

    project = next(iter(world.projects.values()))
    for currency, amount in (("EUR", "1000.00"), ("USD", "10.00")):
        session.add(Funding(project_id=project.id, source="grant", amount=Decimal(amount), currency=currency,
                            status="granted", decided_on=dt.date(2030, 6, 1), created_by_id=manager.id))
    cluster_services.record_exchange_rate(session, actor=manager, now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
                                          currency="EUR", rate_to_mad="10.9", valid_on=dt.date(2030, 1, 1),
                                          source="BAM")
    session.commit()

    report = funders_report(session, ReportFilters(dt.date(2030, 1, 1), dt.date(2030, 12, 31)), members_target=40)
    rows = {(row[0], row[2]): row[1] for row in tables.money_in_mad(report)}

    def granted(currency: str) -> Decimal:
        return sum((f.amount for f in report.money_raised if f.currency == currency), Decimal(0))

    expected = granted("MAD") + granted("EUR") * Decimal("10.9")  # every euro at the one EUR rate
    in_mad = rows[("Money raised, in dirhams at the recorded exchange rates", "MAD")]
    assert in_mad == expected.quantize(Decimal("0.01"))
    assert granted("USD") == Decimal("10.00")
    assert rows[("…not converted, for want of an exchange rate", "USD")] == Decimal("10.00")
