"""Scoring readiness: who scores from which side, what a valid set of scores is, the weakest dimension."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.projects import services as project_services
from app.readiness import permissions
from app.readiness import queries
from app.readiness import services
from app.workflow.catalog import SESSION_KEY
from app.workflow.catalog import Catalog
from app.workflow.loader import parse
from tests.readiness.conftest import DIMENSIONS
from tests.readiness.conftest import scores
from tests.workflow.test_loader import BASE_DOCUMENT


@pytest.mark.parametrize(("relations", "side"), [
    (frozenset({"member"}), "founder"),
    (frozenset({"member", "manager"}), "founder"),
    (frozenset({"assigned_mentor"}), "mentor"),
    (frozenset({"manager"}), "mentor"),
    (frozenset({"commission"}), None),
    (frozenset(), None),
])
def test_the_side_follows_the_relation_to_the_project(relations, side):
    assert permissions.assessment_side(relations) == side
    assert permissions.can_assess(relations) is (side is not None)
    assert permissions.can_view(relations) is bool(relations)


def test_founder_mentor_and_manager_scores_are_kept_side_by_side(session, project, founder, staffed, manager, now):
    mine = services.log_assessment(session, project, actor=founder, now=now, scores=scores(funding=2),
                                   comment="  Our view.  ")
    theirs = services.log_assessment(session, project, actor=staffed, now=now + dt.timedelta(hours=1),
                                     scores=scores(ip=3))
    cluster = services.log_assessment(session, project, actor=manager, now=now + dt.timedelta(hours=2),
                                      scores=scores(team=4))
    session.commit()

    assert (mine.side, theirs.side, cluster.side) == ("founder", "mentor", "mentor")
    assert mine.comment == "Our view." and mine.stage == "idea" and mine.assessed_at == now
    assert mine.score_map() == scores(funding=2)
    assert queries.latest_pair(session, project) == {"founder": mine, "mentor": cluster}
    assert [a.id for a in queries.list_assessments(session, project)] == [mine.id, theirs.id, cluster.id]


@pytest.mark.parametrize("who", ["other_founder", "commission_member", "mentor"])
def test_people_without_a_scoring_side_are_refused(session, project, request, who):
    actor = request.getfixturevalue(who)  # `mentor` is not assigned to this project

    with pytest.raises(Forbidden):
        services.log_assessment(session, project, actor=actor, now=dt.datetime.now(dt.UTC), scores=scores())


@pytest.mark.parametrize(("given", "field"), [
    ({k: 5 for k in DIMENSIONS if k != "team"}, "scores.team"),
    (scores(ip=0), "scores.ip"),
    (scores(ip=10), "scores.ip"),
    (scores(customer=True), "scores.customer"),
    (scores(customer="5"), "scores.customer"),
    ({**scores(), "marketing": 4}, "scores.marketing"),
])
def test_invalid_scores_name_the_dimension(session, project, founder, now, given, field):
    with pytest.raises(ValidationFailed) as caught:
        services.log_assessment(session, project, actor=founder, now=now, scores=given)

    assert set(caught.value.errors) == {field}


def test_a_closed_project_is_not_scored(session, project, founder, manager, now):
    project_services.fire_event(session, project, "abandon", actor=manager, now=now, version=project.version,
                                comment="No market.")
    session.commit()

    with pytest.raises(ValidationFailed):
        services.log_assessment(session, project, actor=founder, now=now, scores=scores())


@pytest.mark.parametrize(("given", "weakest"), [
    ({"technology": 7, "customer": 2, "funding": 5}, ("customer",)),
    ({"technology": 3, "customer": 3, "funding": 5}, ("technology", "customer")),
    ({}, ()),
    ({"unknown": 1, "team": 4}, ("team",)),
])
def test_the_weakest_dimension_is_the_lowest_score_with_ties(session, project, given, weakest):
    assert queries.weakest(given, queries.scale_of(session, project)) == weakest


def test_the_weakest_dimension_reads_the_mentor_s_view_first(session, project, founder, staffed, now):
    assert queries.weakest_dimensions(session, project) == ()
    services.log_assessment(session, project, actor=founder, now=now, scores=scores(funding=2))
    assert queries.weakest_dimensions(session, project) == ("funding",)

    services.log_assessment(session, project, actor=staffed, now=now, scores=scores(customer=3))

    assert queries.weakest_dimensions(session, project) == ("customer",)


def test_a_workflow_s_own_scale_is_the_one_its_projects_are_scored_on(app, session, make_project, founder, now):
    document = copy.deepcopy(BASE_DOCUMENT)
    document["readiness"] = {"scale": {"min": 1, "max": 9}, "dimensions": [
        {"key": "trl", "label": {"en": "Technology readiness", "fr": "Maturité technologique"},
         "levels": [{"en": f"TRL {n}", "fr": f"TRL {n}"} for n in range(1, 10)]}]}
    # A catalog of this session's own: the app's stays as its files say for the other tests.
    own = Catalog.from_directory(app.config["WORKFLOWS_DIR"])
    own.add(parse(document, source="test"))
    session.info[SESSION_KEY] = own
    project = make_project(workflow="mini_path")

    with pytest.raises(ValidationFailed) as caught:
        services.log_assessment(session, project, actor=founder, now=now, scores=scores())
    assessment = services.log_assessment(session, project, actor=founder, now=now, scores={"trl": 4})

    assert "scores.technology" in caught.value.errors
    assert assessment.score_map() == {"trl": 4}
    assert queries.scale_of(session, project).descriptor("trl", 4) == "TRL 4"
