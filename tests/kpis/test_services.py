"""Giving and correcting KPI figures: validation (types, units, minimums), the trail, who may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.errors import ConcurrentEdit
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.kpis import permissions
from app.kpis import queries
from app.kpis import services
from app.kpis.models import KpiValueChange
from app.kpis.services import ValueInput
from tests.kpis.conftest import MONTH
from tests.kpis.conftest import figures


def trail(session) -> list[tuple]:
    return [(c.metric_key, c.old_value, c.new_value, c.reason)
            for c in session.scalars(select(KpiValueChange).order_by(KpiValueChange.id))]


def test_the_report_opens_with_the_stage_s_metrics_as_they_are_then(report, now):
    assert (report.status, report.stage) == ("open", "commercialisation")
    assert (report.period_end - report.period_start, report.due_at - report.period_end) == (MONTH, dt.timedelta(14))
    assert [m.key for m in queries.metrics_of(report)] == ["revenue", "customers", "jobs", "money_raised"]
    assert queries.metrics_of(report)[0].unit == "MAD"


def test_the_founders_submit_every_figure_and_the_trail_records_them(session, report, founder, now):
    at = report.period_end + dt.timedelta(days=2)

    services.submit_report(session, report, actor=founder, now=at, values=figures(), version=report.version)
    session.commit()

    assert (report.status, report.submitted_at, report.submitted_by_id) == ("submitted", at, founder.id)
    assert {k: v.value for k, v in report.value_map().items()} == {
        "revenue": Decimal("12000.50"), "customers": 3, "jobs": 2, "money_raised": 0}
    assert report.value_map()["revenue"].unit == "MAD"
    assert trail(session) == [("revenue", None, Decimal("12000.5"), ""), ("customers", None, 3, ""),
                              ("jobs", None, 2, ""), ("money_raised", None, 0, "")]


def test_a_correction_needs_a_reason_and_leaves_a_trail(session, report, founder, manager, now):
    services.submit_report(session, report, actor=founder, now=now, values=figures())
    session.commit()

    with pytest.raises(ValidationFailed) as caught:
        services.submit_report(session, report, actor=founder, now=now, values={"jobs": ValueInput("3")})
    session.rollback()
    services.submit_report(session, report, actor=manager, now=now + dt.timedelta(days=1),
                           values={"jobs": ValueInput("3"), "customers": ValueInput("3")},
                           reason="A hire was missed.", version=report.version)
    session.commit()

    assert set(caught.value.errors) == {"reason"}
    assert report.value_map()["jobs"].value == 3
    [correction] = [c for c in session.scalars(select(KpiValueChange)) if c.old_value is not None]
    assert (correction.metric_key, correction.old_value, correction.new_value) == ("jobs", 2, 3)
    assert (correction.changed_by_id, correction.reason) == (manager.id, "A hire was missed.")
    assert len(trail(session)) == 5  # the unchanged customers figure left no line


@pytest.mark.parametrize(("given", "field"), [
    (figures(jobs=None), "values.jobs"),
    (figures(customers="2.5"), "values.customers"),
    (figures(customers="-1"), "values.customers"),
    (figures(revenue="100.005"), "values.revenue"),
    (figures(revenue="lots"), "values.revenue"),
    (figures(revenue="NaN"), "values.revenue"),
    ({**figures(), "revenue": ValueInput("100", unit="EUR")}, "values.revenue"),
    ({**figures(), "profit": ValueInput("1")}, "values.profit"),
])
def test_invalid_figures_are_refused_naming_the_metric(session, report, founder, now, given, field):
    with pytest.raises(ValidationFailed) as caught:
        services.submit_report(session, report, actor=founder, now=now, values=given)

    assert set(caught.value.errors) == {field}
    assert report.status == "open"


@pytest.mark.parametrize(("text", "value"), [("1 200,50", Decimal("1200.50")), ("1200.5", Decimal("1200.50")),
                                             (1200, Decimal("1200")), (Decimal("7.10"), Decimal("7.10"))])
def test_figures_are_exact_whatever_their_writing(session, report, founder, now, text, value):
    services.submit_report(session, report, actor=founder, now=now,
                           values=figures(revenue=text, customers="0"))

    assert report.value_map()["revenue"].value == value


def test_a_stale_version_is_a_concurrent_edit(session, report, founder, now):
    version = report.version
    services.submit_report(session, report, actor=founder, now=now, values=figures())
    session.commit()

    with pytest.raises(ConcurrentEdit):
        services.submit_report(session, report, actor=founder, now=now, values=figures(jobs="5"), reason="x",
                               version=version)


@pytest.mark.parametrize("who", ["mentor", "commission_member", "other_founder"])
def test_only_the_team_and_managers_give_figures(session, report, assign, project, request, now, who):
    actor = request.getfixturevalue(who)
    if who == "mentor":
        assign(project, actor)

    with pytest.raises(Forbidden):
        services.submit_report(session, report, actor=actor, now=now, values=figures())


@pytest.mark.parametrize(("relations", "submit", "view"), [
    (frozenset({"member"}), True, True), (frozenset({"manager"}), True, True),
    (frozenset({"assigned_mentor"}), False, True), (frozenset({"commission"}), False, True),
    (frozenset(), False, False),
])
def test_permissions_both_ways(relations, submit, view):
    assert permissions.can_submit(relations) is submit
    assert permissions.can_view(relations) is view
