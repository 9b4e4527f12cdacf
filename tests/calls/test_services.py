"""Calls and applications at the service level: opening a call, drafts, the deadline, submission,
reviews (with conflicts) and permissions, tested both ways."""

from __future__ import annotations

import datetime as dt

import pytest

from app.calls import evaluation
from app.calls import services
from app.calls.models import Application
from app.core.errors import ConcurrentEdit
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from tests.calls.conftest import ANSWERS
from tests.calls.conftest import CRITERIA
from tests.calls.conftest import QUESTIONS


def open_call(session, actor, now, **changes):
    fields = dict(title="Call", description="", poles=["multimedia"], opens_on=now.date(),
                  closes_on=now.date() + dt.timedelta(days=30), criteria=CRITERIA, questions=QUESTIONS,
                  workflow="innovation_path", stage="project", timezone="Africa/Casablanca")
    fields.update(changes)
    return services.create_call(session, actor=actor, now=now, **fields)


# Calls -----------------------------------------------------------------------------------------


def test_a_manager_opens_a_call_with_its_grid_and_deadline_in_the_calls_zone(session, manager, now):
    call = open_call(session, manager, now, closes_on=dt.date(2031, 3, 31))

    assert call.pole_keys == ["multimedia"]
    assert [(c.key, c.weight, len(c.descriptors)) for c in call.criteria] == [("innovation", 3, 5), ("market", 2, 0),
                                                                             ("team", 1, 0)]
    # Midnight at the end of 31 March in Casablanca (UTC+1) is 23:00 UTC.
    assert call.closes_at == dt.datetime(2031, 3, 31, 23, 0, tzinfo=dt.UTC)
    assert [{k: q[k] for k in ("key", "text")} for q in call.questions] == [
        {"key": "q1", "text": "What problem do you solve?"},
                              {"key": "q2", "text": "Who pays?"}]


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_open_calls(session, make_user, now, role):
    with pytest.raises(Forbidden):
        open_call(session, make_user(role), now)


@pytest.mark.parametrize("changes, field", [
    ({"title": " "}, "title"),
    ({"poles": []}, "poles"),
    ({"poles": ["astrology"]}, "poles"),
    ({"closes_on": dt.date(2000, 1, 1)}, "closes_on"),
    ({"workflow": "nowhere"}, "workflow"),
    ({"stage": "moon"}, "stage"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"criteria": []}, "criteria"),
    ({"criteria": [services.CriterionInput("a", "A", 0)]}, "criteria"),
    ({"criteria": [services.CriterionInput("a", "A", 1), services.CriterionInput("a", "B", 1)]}, "criteria"),
    ({"criteria": [services.CriterionInput("a", "A", 1, ("only", "three", "texts"))]}, "criteria"),
    ({"questions": [services.QuestionInput("q", "")]}, "questions"),
])
def test_invalid_calls_are_refused_field_by_field(session, manager, now, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        open_call(session, manager, now, **changes)

    assert field in refused.value.errors


# Applications ----------------------------------------------------------------------------------


def test_a_founder_writes_a_draft_then_submits_it(session, make_call, founder, attach, now):
    call = make_call()
    application = services.create_application(session, call, actor=founder, now=now, title="Atlas",
                                               pole="multimedia")
    services.update_application(session, application, actor=founder, now=now, version=application.version,
                                summary="Fast payments.", answers=ANSWERS)
    attach(application, founder)
    services.submit_application(session, application, actor=founder, now=now)

    assert application.status == "submitted" and application.submitted_at == now
    assert application.answers == ANSWERS


@pytest.mark.parametrize("role", ["mentor", "manager"])
def test_only_founders_apply(session, make_call, make_user, now, role):
    with pytest.raises(Forbidden):
        services.create_application(session, make_call(), actor=make_user(role), now=now, title="X")


def test_a_founder_whose_address_is_not_confirmed_cannot_apply(session, make_call, founder, now):
    founder.email_verified_at = None

    with pytest.raises(Forbidden):
        services.create_application(session, make_call(), actor=founder, now=now, title="X")


def test_an_incomplete_application_cannot_be_submitted(session, make_call, founder, now):
    call = make_call()
    application = services.create_application(session, call, actor=founder, now=now, title="Atlas")

    with pytest.raises(ValidationFailed) as refused:
        services.submit_application(session, application, actor=founder, now=now)

    assert {"summary", "answers", "deck"} <= set(refused.value.errors)
    assert application.status == "draft"


def test_submission_after_the_deadline_is_refused_and_the_draft_stays(session, make_call, make_application, now):
    call = make_call(closes_in=dt.timedelta(days=2))
    application = make_application(call, submitted=False)
    applicant = application.applicant
    late = call.closes_at + dt.timedelta(seconds=1)

    with pytest.raises(ValidationFailed) as refused:
        services.submit_application(session, application, actor=applicant, now=late)
    with pytest.raises(ValidationFailed):
        services.update_application(session, application, actor=applicant, now=late, version=None, title="Later")

    assert "closed" in refused.value.message
    assert application.status == "draft" and application.title == "Atlas Pay"


def test_a_submission_one_second_before_the_deadline_is_accepted(session, make_call, make_application, attach):
    call = make_call()
    application = make_application(call, submitted=False)
    attach(application, application.applicant)

    services.submit_application(session, application, actor=application.applicant,
                                now=call.closes_at - dt.timedelta(seconds=1))

    assert application.status == "submitted"


def test_nobody_but_the_applicant_edits_or_submits(session, make_call, make_application, make_user, manager, now):
    application = make_application(make_call(), submitted=False)

    for other in (make_user("founder"), manager):
        with pytest.raises(Forbidden):
            services.update_application(session, application, actor=other, now=now, version=None, title="Mine")
        with pytest.raises(Forbidden):
            services.submit_application(session, application, actor=other, now=now)


def test_a_submitted_application_can_no_longer_be_changed(session, make_call, make_application, now):
    application = make_application(make_call())

    with pytest.raises(ValidationFailed):
        services.update_application(session, application, actor=application.applicant, now=now, version=None,
                                    title="Changed")


def test_a_stale_version_is_a_concurrent_edit(session, make_call, make_application, now):
    application = make_application(make_call(), submitted=False)

    with pytest.raises(ConcurrentEdit):
        services.update_application(session, application, actor=application.applicant, now=now,
                                    version=application.version - 1, title="Changed")


def test_the_pole_must_be_one_of_the_calls(session, make_call, founder, now):
    with pytest.raises(ValidationFailed) as refused:
        services.create_application(session, make_call(poles=["multimedia"]), actor=founder, now=now, title="X",
                                    pole="software_packages")

    assert "pole" in refused.value.errors


def test_answers_only_to_the_calls_questions(session, make_call, founder, now):
    with pytest.raises(ValidationFailed) as refused:
        services.create_application(session, make_call(), actor=founder, now=now, title="X",
                                    answers={"q9": "?"})

    assert "answers" in refused.value.errors


def test_partners_are_known_organisations_with_one_lead_at_most(session, make_call, founder, make_organisation, now):
    one, two = make_organisation("One"), make_organisation("Two")
    call = make_call()

    with pytest.raises(ValidationFailed):
        services.create_application(session, call, actor=founder, now=now, title="X",
                                    partners=[services.PartnerInput(one.id, "lead"),
                                              services.PartnerInput(two.id, "lead")])
    with pytest.raises(ValidationFailed):
        services.create_application(session, call, actor=founder, now=now, title="X",
                                    partners=[services.PartnerInput(999, "other")])
    ok = services.create_application(session, call, actor=founder, now=now, title="X",
                                     partners=[services.PartnerInput(one.id, "lead"),
                                               services.PartnerInput(two.id, "research_partner")])

    assert sorted((p.organisation_id, p.role) for p in ok.partners) == [(one.id, "lead"),
                                                                         (two.id, "research_partner")]


def test_a_call_not_yet_open_takes_no_application(session, manager, founder, now):
    call = open_call(session, manager, now, opens_on=now.date() + dt.timedelta(days=3))

    with pytest.raises(ValidationFailed):
        services.create_application(session, call, actor=founder, now=now, title="Early")


# Reviews ---------------------------------------------------------------------------------------


def test_a_reviewer_of_the_pole_scores_every_criterion_once(session, make_call, make_application, make_reviewer,
                                                            review):
    application = make_application(make_call())
    reviewer = make_reviewer("multimedia")

    record = review(application, reviewer, innovation=5, market=4, team=3)

    assert sorted((s.criterion.key, s.score) for s in record.scores) == [("innovation", 5), ("market", 4),
                                                                        ("team", 3)]
    with pytest.raises(Conflict):
        review(application, reviewer, innovation=1, market=1, team=1)


@pytest.mark.parametrize("scores, field", [
    ({"innovation": 5, "market": 4}, "scores"),  # one missing
    ({"innovation": 5, "market": 4, "team": 3, "luck": 5}, "scores"),  # one too many
    ({"innovation": 6, "market": 4, "team": 3}, "scores"),
    ({"innovation": 0, "market": 4, "team": 3}, "scores"),
    ({"innovation": True, "market": 4, "team": 3}, "scores"),
])
def test_scores_are_1_to_5_on_every_criterion(session, make_call, make_application, make_reviewer, now, scores, field):
    application = make_application(make_call())

    with pytest.raises(ValidationFailed) as refused:
        evaluation.submit_review(session, application, actor=make_reviewer("multimedia"), now=now, scores=scores,
                                 comment="ok")

    assert field in refused.value.errors


def test_a_review_needs_a_comment(session, make_call, make_application, make_reviewer, now):
    with pytest.raises(ValidationFailed) as refused:
        evaluation.submit_review(session, make_application(make_call()), actor=make_reviewer("multimedia"), now=now,
                                 scores={"innovation": 3, "market": 3, "team": 3}, comment=" ")

    assert "comment" in refused.value.errors


def test_reviewers_of_another_pole_and_founders_cannot_review(session, make_call, make_application, make_reviewer,
                                                              make_user, now):
    application = make_application(make_call())

    for outsider in (make_reviewer("software_packages"), make_user("founder"), make_user("mentor")):
        with pytest.raises(Forbidden):
            evaluation.submit_review(session, application, actor=outsider, now=now,
                                     scores={"innovation": 3, "market": 3, "team": 3}, comment="x")


def test_managers_review_too(session, make_call, make_application, manager, review):
    record = review(make_application(make_call()), manager, innovation=3, market=3, team=3)

    assert record.reviewer_id == manager.id


def test_a_reviewer_from_the_applicants_organisation_cannot_score(session, make_call, make_application, make_reviewer,
                                                                  make_user, make_organisation, now):
    applicant = make_user("founder")
    reviewer = make_reviewer("multimedia")
    make_organisation("Atlas SARL", applicant, reviewer)
    application = make_application(make_call(), applicant=applicant)

    with pytest.raises(Forbidden) as refused:
        evaluation.submit_review(session, application, actor=reviewer, now=now,
                                 scores={"innovation": 5, "market": 5, "team": 5}, comment="Great!")

    assert "conflict of interest" in refused.value.message


def test_a_reviewer_from_a_partner_organisation_cannot_score(session, make_call, make_application, make_reviewer,
                                                             make_organisation, now):
    reviewer = make_reviewer("multimedia")
    partner = make_organisation("Telecom Partner", reviewer)
    application = make_application(make_call(), partners=[services.PartnerInput(partner.id, "customer_pilot")])

    with pytest.raises(Forbidden):
        evaluation.submit_review(session, application, actor=reviewer, now=now,
                                 scores={"innovation": 5, "market": 5, "team": 5}, comment="Great!")


def test_a_declared_conflict_records_no_score_and_ends_reviewing(session, make_call, make_application, make_reviewer,
                                                                 review, now):
    application = make_application(make_call())
    reviewer = make_reviewer("multimedia")

    record = review(application, reviewer, conflict=True, comment="My brother's company.")

    assert record.is_conflict and record.scores == []
    with pytest.raises(Forbidden):
        evaluation.submit_review(session, application, actor=reviewer, now=now,
                                 scores={"innovation": 5, "market": 5, "team": 5}, comment="Great!")


def test_drafts_are_not_reviewed(session, make_call, make_application, make_reviewer, now):
    draft = make_application(make_call(), submitted=False)

    with pytest.raises(Forbidden):
        evaluation.submit_review(session, draft, actor=make_reviewer("multimedia"), now=now,
                                 scores={"innovation": 5, "market": 5, "team": 5}, comment="x")


def test_an_applicant_on_the_commission_cannot_review_their_own_application(session, make_call, make_reviewer,
                                                                            make_application, now):
    founder_on_board = make_reviewer("multimedia", role="founder")
    application = make_application(make_call(), applicant=founder_on_board)

    with pytest.raises(Forbidden):
        evaluation.submit_review(session, application, actor=founder_on_board, now=now,
                                 scores={"innovation": 5, "market": 5, "team": 5}, comment="Mine is great")


def test_application_rows_keep_their_status_invariants(session, make_call, make_application):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    application = make_application(make_call(), submitted=False)

    with pytest.raises(IntegrityError):
        session.execute(update(Application).where(Application.id == application.id).values(status="labelled"))
        session.flush()
    session.rollback()
