"""A declared partner no longer silently excludes reviewers (issue 16, item 11): the ranking shows
the reviews still needed and the conflicts, flags an application nobody may review, and a manager
sees who is excluded and why and assigns another reviewer."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.calls import evaluation
from app.calls import queries
from app.calls.models import ReviewerAssignment
from app.calls.services import PartnerInput
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed


@pytest.fixture
def orphan(session, make_call, make_reviewer, make_organisation, make_application):
    """An application naming the only reviewer's employer as a partner: nobody may review it."""
    call = make_call()
    only = make_reviewer("multimedia", name="Only Reviewer")
    employer = make_organisation("Atlas Media", only)
    application = make_application(call, title="Orphan", partners=[PartnerInput(employer.id, "industrial_partner")])
    return call, application, only


def ranked(session, call):
    session.expire_all()
    return {r.application.title: r for r in queries.ranking(session, call)}


def test_an_application_nobody_may_review_is_flagged_not_complete(session, orphan):
    call, _, _ = orphan

    row = ranked(session, call)["Orphan"]

    assert (row.reviews, row.missing, row.conflicts, row.eligible) == (0, 0, 1, 0)
    assert row.needs_reviewer and not row.is_complete


def test_the_ranking_counts_reviews_still_needed_from_eligible_reviewers_only(session, orphan, make_reviewer,
                                                                               make_application, review):
    call, _, only = orphan
    other = make_reviewer("multimedia", name="Other")
    plain = make_application(call, title="Plain")
    review(plain, other, innovation=4, market=4, team=4)

    rows = ranked(session, call)

    assert (rows["Orphan"].missing, rows["Orphan"].conflicts, rows["Orphan"].eligible) == (1, 1, 1)
    assert not rows["Orphan"].needs_reviewer
    assert (rows["Plain"].reviews, rows["Plain"].missing, rows["Plain"].conflicts) == (1, 1, 0)


def test_the_manager_sees_who_is_excluded_and_why(session, orphan):
    _, application, only = orphan

    [status] = queries.list_reviewer_statuses(session, application)

    assert (status.user.id, status.source, status.state, status.reason, status.organisations) == (
        only.id, "commission", "excluded", "partner_organisation", ("Atlas Media",))


def test_an_assigned_reviewer_reviews_and_completes_the_application(session, orphan, manager, make_user, review, now):
    call, application, _ = orphan
    outsider = make_user("mentor", name="Outside Reviewer")

    evaluation.assign_reviewer(session, application, outsider, actor=manager, now=now)
    session.commit()

    assert "reviewer" in queries.relations(session, application, outsider)
    row = ranked(session, call)["Orphan"]
    assert (row.missing, row.eligible, row.needs_reviewer) == (1, 1, False)
    review(application, outsider, innovation=4, market=4, team=4)
    row = ranked(session, call)["Orphan"]
    assert (row.reviews, row.missing, row.is_complete) == (1, 0, True)
    assert [s.state for s in queries.list_reviewer_statuses(session, application)
            if s.user.id == outsider.id] == ["reviewed"]


def test_assigning_refuses_non_managers_conflicts_and_repeats(session, orphan, manager, make_user, founder, now):
    _, application, only = orphan
    mentor = make_user("mentor")

    with pytest.raises(Forbidden):
        evaluation.assign_reviewer(session, application, mentor, actor=mentor, now=now)
    with pytest.raises(ValidationFailed):
        evaluation.assign_reviewer(session, application, only, actor=manager, now=now)  # works for the partner
    with pytest.raises(ValidationFailed):
        evaluation.assign_reviewer(session, application, founder, actor=manager, now=now)  # not a reviewer's role
    evaluation.assign_reviewer(session, application, mentor, actor=manager, now=now)
    session.commit()
    with pytest.raises(Conflict):
        evaluation.assign_reviewer(session, application, mentor, actor=manager, now=now)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ReviewerAssignment)) == 1


def test_the_ranking_api_flags_the_application(api, orphan, manager):
    call, _, _ = orphan

    [row] = api(manager).get(f"/api/v1/calls/{call.id}/ranking").get_json()["items"]

    assert (row["missing"], row["conflicts"], row["eligible"], row["needs_reviewer"]) == (0, 1, 0, True)


def test_the_pages_show_the_flag_the_exclusion_and_the_assignment(session, login_as, orphan, manager, make_user):
    call, application, _ = orphan
    outsider = make_user("mentor", name="Outside Reviewer")
    client = login_as(manager)

    ranking = client.get(f"/calls/{call.id}/ranking").get_data(as_text=True)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)

    assert "no eligible reviewer" in ranking
    assert "Only Reviewer" in page and "works for a partner organisation (Atlas Media)" in page
    assert "No eligible reviewer" in page
    assert "Outside Reviewer" not in page  # no list of every mentor: a search by name
    found = client.get(f"/applications/{application.id}?reviewer=outside").get_data(as_text=True)
    assert f'name="reviewer_id" value="{outsider.id}"' in found
    response = client.post(f"/applications/{application.id}/reviewers", data={"reviewer_id": str(outsider.id)})
    assert response.status_code == 303
    assert session.scalar(select(ReviewerAssignment.user_id)) == outsider.id
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Outside Reviewer" in page and "review awaited" in page


def test_an_assigned_reviewer_sees_and_reviews_the_application(session, login_as, orphan, manager, make_user, now):
    _, application, _ = orphan
    outsider = make_user("mentor", name="Outside Reviewer")
    client = login_as(outsider)
    assert client.get(f"/applications/{application.id}").status_code == 404
    evaluation.assign_reviewer(session, application, outsider, actor=manager, now=now)
    session.commit()

    assert client.get(f"/applications/{application.id}").status_code == 200
    assert client.get(f"/applications/{application.id}/review").status_code == 200
